import { countryOf, isCountryCode, type Country, type CountryCode } from './country'
import { isRole, rolesNamedIn, ROLE_TITLES, type Role } from './role'
import type { RefusalCode } from './wire'

/** The login name of an account: lower case letters, digits, dot, dash, underscore. */
export type Username = string & { __brand: 'Username' }

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/

export const isUsername = (value: unknown): value is Username => typeof value === 'string' && USERNAME.test(value)

/** Most delegate accounts one country may hold. */
export const MAX_DELEGATES_PER_COUNTRY = 4

/**
 * A person's account as others may see it. `country` is set for delegates
 * (and for the Presidency's own country) and is what stamps their input.
 */
export interface Account {
  readonly username: Username
  readonly name: string
  readonly role: Role
  readonly country: CountryCode | null
}

/** Why an account's fields are refused: the English message, and for the refusals people meet in the form, their code. */
export interface AccountProblem {
  readonly message: string
  readonly code?: Extract<RefusalCode, 'delegate_needs_country' | 'name_imitates_role'>
  readonly values?: Readonly<Record<string, string>>
}

/**
 * Checks an account's fields; returns the reason it is invalid, or undefined.
 * A name may not use or imitate another role's title (see `rolesNamedIn`).
 */

export function accountProblem(account: { username: unknown; name: unknown; role: unknown; country: unknown }): AccountProblem | undefined {
  if (!isUsername(account.username)) return { message: 'username must be 2–40 lower-case letters, digits, ".", "-" or "_"' }
  if (typeof account.name !== 'string' || account.name.trim() === '' || account.name.length > 120)
    return { message: 'name must be a non-empty text of at most 120 characters' }
  if (!isRole(account.role)) return { message: `role must be one of ppt, secretariat, delegate, reviewer, observer` }
  if (account.country !== null && !isCountryCode(account.country)) return { message: 'country must be the ISO code of a member country' }
  if (account.role === 'delegate' && account.country === null) return { message: 'a delegate needs a country', code: 'delegate_needs_country' }
  const imitated = rolesNamedIn(account.name).find((role) => role !== account.role)
  if (imitated)
    return { message: `name must not pass for ${ROLE_TITLES[imitated]}: only its own accounts bear that title`, code: 'name_imitates_role', values: { role: imitated } }
  return undefined
}

// White cursor labels read on each at 4.5:1 or more; the Presidency's is
// also its own notes' colour (.country-none in editor/styles.css).
const ROLE_COLORS: Record<Role, string> = {
  ppt: '#a0286e',
  secretariat: '#2f6f4f',
  delegate: '#4a5568',
  reviewer: '#5a4a8a',
  observer: '#5f6672'
}

/** The colour that marks a person's cursor and input: their country's, else their role's. */
export const colorOf = (account: Pick<Account, 'role' | 'country'>): string =>
  account.country ? countryOf(account.country).color : ROLE_COLORS[account.role]

// What the parties that speak for no country are called where input is
// labelled; the Presidency goes by its initials in both languages.
const PARTY_NAMES: Readonly<Record<Role, Country['name']>> = {
  ppt: { es: 'PPT', en: 'PPT' },
  secretariat: { es: 'Secretaría Ejecutiva', en: 'Executive Secretariat' },
  delegate: { es: 'Delegación', en: 'Delegation' },
  reviewer: { es: 'Revisión', en: 'Review' },
  observer: { es: 'Observación', en: 'Observer' }
}

/**
 * Whose input something is (a comment, a proposal, the change it brought),
 * in `language`: the name of the author's country, else of their role, so
 * that the Secretariat's proposals are never taken for the Presidency's.
 * Throws a `RangeError` for a country code that is no member's.
 */
export const partyName = (author: Pick<Account, 'role' | 'country'>, language: keyof Country['name']): string =>
  author.country ? countryOf(author.country).name[language] : PARTY_NAMES[author.role][language]
