import { isRole, type RefusalCode } from '../src'
import { ApiError } from './api'
import { countryName, fill, formatDay, formatInstant, type Language, type MessageKey, type Translate } from './i18n'

// The message of each of the server's refusal codes, which the app words itself.
// Any refusal without a code is shown in the server's own (English) words.
const MESSAGE_OF_CODE: Readonly<Record<RefusalCode, MessageKey>> = {
  period_not_opened: 'error_period_not_opened',
  period_not_started: 'error_period_not_started',
  period_closed_early: 'error_period_closed_early',
  period_ended: 'error_period_ended',
  quote_not_found: 'error_quote_not_found',
  import_unsupported_format: 'error_import_unsupported_format',
  import_malformed: 'error_import_malformed',
  import_too_large: 'error_import_too_large',
  import_empty: 'error_import_empty',
  upload_too_large: 'error_upload_too_large',
  username_taken: 'error_username_taken',
  country_delegates_full: 'error_country_delegates_full',
  password_too_short: 'error_password_too_short',
  version_name_taken: 'versionNameTaken',
  comment_quota: 'error_comment_quota',
  delegate_needs_country: 'error_delegate_needs_country',
  name_imitates_role: 'error_name_imitates_role',
  bracket_held: 'error_bracket_held',
  silence_ended: 'error_silence_ended',
  silence_already_broken: 'error_silence_already_broken',
  silence_superseded: 'error_silence_superseded',
  act_quota: 'error_act_quota'
}

// Values that are calendar dates (YYYY-MM-DD) or country codes, written as the reader's language writes them.
const DATE_VALUES = new Set(['start', 'deadline', 'closedOn', 'at'])

// A date value that is an instant (a silence procedure's deadline) is shown with its time and zone.
const formatDateValue = (value: string, language: Language) => (value.length > 10 ? formatInstant(value, language) : formatDay(value, language))

/**
 * What to tell a person about a failed request: a refusal with a known
 * `code` in their language, any other refusal as the server words it, and a
 * request that got no answer as a network error.
 */
export function describeError(err: unknown, t: Translate, language: Language): string {
  if (!(err instanceof ApiError)) return t('networkError')
  const key = err.code === undefined ? undefined : MESSAGE_OF_CODE[err.code]
  if (key === undefined) return err.message
  const values = Object.fromEntries(
    Object.entries(err.values).map(([name, value]) => [
      name,
      DATE_VALUES.has(name)
        ? formatDateValue(value, language)
        : name === 'country'
          ? countryName(value, language)
          : name === 'role' && isRole(value)
            ? t(`role_${value}`)
            : value
    ])
  )
  return fill(t(key), values)
}
