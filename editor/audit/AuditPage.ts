import {
  AUDIT_ACTIONS,
  AUDIT_DETAIL_KEYS,
  COUNTRIES,
  isAuditAction,
  isBlockStatus,
  isCommentStatus,
  isCountryCode,
  isIsoDate,
  isRole,
  isSilenceOutcome,
  type AuditAction,
  type AuditDetailKey,
  type AuditDetails,
  type AuditEntry,
  type AuditTargetNames,
  type NamedAuditPage
} from '../../src'
import { describeError } from '../describeError'
import { dateEcho } from '../dateEcho'
import { h } from '../dom'
import { countryName, fill, formatDay, formatInstant, type Language, type MessageKey, type Translate } from '../i18n'
import { auditApi, type AuditQuery } from './auditApi'

export interface AuditPageOptions {
  readonly t: Translate
  readonly language: Language
}

// The message key that names an action: `comment.created` → `action_comment_created`.
type Underscored<S extends string> = S extends `${infer A}.${infer B}` ? `${A}_${Underscored<B>}` : S
type ActionKey = `action_${Underscored<AuditAction>}`
// Fails to compile if an action has no name in the dictionaries.
const actionKey = (action: AuditAction): ActionKey & MessageKey => `action_${action.replaceAll('.', '_')}` as ActionKey

/** How an action reads in the interface language. */
export const actionName = (action: AuditAction, t: Translate): string => t(actionKey(action))

const short = (id: string) => id.slice(0, 8)

// Keys that hold the name of the id under another key (`fromName` beside
// `from`): read with that key, never shown on their own.
type DetailKey = Exclude<AuditDetailKey, 'fromName' | 'toName'>
const isDetailKey = (key: string): key is DetailKey => (AUDIT_DETAIL_KEYS as readonly string[]).includes(key) && !key.endsWith('Name')
// Fails to compile if a detail has no label in the dictionaries.
const detailLabel = (key: DetailKey): `auditDetail_${DetailKey}` & MessageKey => `auditDetail_${key}`

interface Reader {
  readonly t: Translate
  readonly language: Language
}

// Values from a known set, in words; a value outside the set (an older or newer server's) is shown as recorded.
const DETAIL_VALUES: Partial<Record<DetailKey, (value: string, reader: Reader) => string>> = {
  role: (v, { t }) => (isRole(v) ? t(`role_${v}`) : v),
  // One country, or the list a silence procedure's settlement names.
  country: (v, { language }) => v.split(', ').map((code) => countryName(code, language)).join(', '),
  outcome: (v, { t }) => (isSilenceOutcome(v) ? t(`outcome_${v}`) : v),
  action: (v, { t }) => (isAuditAction(v) ? actionName(v, t) : v),
  status: (v, { t }) => (isCommentStatus(v) ? t(`status_${v}`) : isBlockStatus(v) ? t(`blockStatus_${v}`) : v),
  previous: (v, { t }) => (isCommentStatus(v) ? t(`status_${v}`) : isBlockStatus(v) ? t(`blockStatus_${v}`) : v),
  supporters: (v, { language }) => v.split(' ').filter(Boolean).map((c) => countryName(c, language)).join(', '),
  pending: (v, { language }) => v.split(' ').filter(Boolean).map((c) => countryName(c, language)).join(', '),
  lang: (v, { t }) => (v === 'es' || v === 'en' ? t(`auditLanguage_${v}`) : v),
  change: (v, { t }) => (v === 'closed' || v === 'businessDays' || v === 'deadline' ? t(`auditChange_${v}`) : v),
  observers: (v, { t }) => (v === 'all' ? t('auditObserversAll') : v)
}

// What the server calls the live draft where a version's id would be.
const DRAFT = 'draft'

/**
 * An entry's details as "label: value" pairs in the reader's language: known
 * keys by their label (an unknown one as written), known values in words, yes
 * and no, numbers and calendar dates (lists of them too) as the language writes
 * them. An id recorded with its name beside it (`from` and `fromName`) reads
 * as that name; `omit` is a key another column already shows.
 */
function detailsText(details: AuditDetails, omit: string | undefined, reader: Reader): string {
  const { t, language } = reader
  const read = (key: string, value: string | number | boolean): string => {
    if (typeof value === 'boolean') return t(value ? 'auditYes' : 'auditNo')
    if (typeof value === 'number') return value.toLocaleString(language)
    const name = (details as Readonly<Record<string, unknown>>)[`${key}Name`]
    if (typeof name === 'string') return value === DRAFT ? t('liveDraft') : `«${name}»`
    const known = isDetailKey(key) ? DETAIL_VALUES[key] : undefined
    if (known) return known(value, reader)
    const days = value.split(', ')
    // Joined with semicolons: an English date has a comma of its own.
    return days.every(isIsoDate) ? days.map((day) => formatDay(day, language)).join('; ') : value
  }
  // A name read with its id, above.
  const namesAnId = (key: string) => key.endsWith('Name') && Object.hasOwn(details, key.slice(0, -'Name'.length))
  return Object.entries(details)
    .flatMap(([key, value]) =>
      value === '' || value === null || key === omit || namesAnId(key) ? [] : [`${isDetailKey(key) ? t(detailLabel(key)) : key}: ${read(key, value)}`]
    )
    .join(' · ')
}

// The detail that names the entry's version, where there is one: `name`, or `version` for a share.
function versionName(e: AuditEntry): { key: string; name: string } | undefined {
  if (!e.target?.version) return undefined
  for (const key of ['name', 'version']) {
    const name = (e.details as Readonly<Record<string, unknown>> | undefined)?.[key]
    if (typeof name === 'string') return { key, name }
  }
  return undefined
}

/**
 * The audit trail, for the Presidency and the Secretariat: who did what, to
 * what and when, newest first, in the workspace's time zone. Filters by
 * country, action and dates are applied by the server; the CSV link carries
 * the same filters; "load more" fetches older entries. Also says whether the
 * trail's hash chain is intact.
 */
export class AuditPage {
  readonly element: HTMLElement
  private query: AuditQuery = {}
  private shown = 0
  private next: number | null = null
  // Counts the loads asked for: only the answer to the latest one is shown.
  private loads = 0
  private readonly rows = h('tbody')
  private readonly count = h('p', { class: 'audit-count', 'aria-live': 'polite' })
  private readonly empty: HTMLElement
  private readonly more: HTMLButtonElement
  private readonly csv: HTMLAnchorElement
  private readonly chain = h('p', { class: 'audit-chain', role: 'status' })
  private readonly error = h('p', { class: 'form-error', role: 'alert' })

  constructor(private readonly options: AuditPageOptions) {
    const { t, language } = options
    this.empty = h('p', { class: 'empty audit-empty', hidden: true }, t('auditEmpty'))
    this.more = h('button', { type: 'button', class: 'audit-more', hidden: true }, t('auditLoadMore'))
    this.more.addEventListener('click', () => void this.loadMore())
    this.csv = h('a', { class: 'audit-csv', download: '' }, t('auditDownloadCsv'))
    this.csv.href = auditApi.csvUrl(this.query, language)
    const columns = [t('auditWhen'), t('auditAccount'), t('role'), t('country'), t('auditAction'), t('auditTarget'), t('auditDetails')]
    this.element = h(
      'section',
      { class: 'audit-page' },
      h('h1', {}, t('auditTrail')),
      h('p', { class: 'audit-intro' }, t('auditIntro')),
      this.chain,
      this.filters(),
      h('div', { class: 'audit-summary' }, this.count, this.csv),
      this.error,
      h('table', { class: 'audit-table' }, h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)))), this.rows),
      this.empty,
      this.more
    )
  }

  /** Fetches the first page and the chain's check; rejects with the `ApiError` if the server refuses. */
  async load(): Promise<void> {
    const [page, verification] = await Promise.all([auditApi.page(this.query), auditApi.verify()])
    const { t } = this.options
    this.chain.className = `audit-chain ${verification.ok ? 'intact' : 'broken'}`
    this.chain.textContent = verification.ok
      ? fill(t('auditChainOk'), { entries: verification.entries })
      : fill(t('auditChainBroken'), { seq: verification.seq })
    this.show(page, false)
  }

  private filters(): HTMLFormElement {
    const { t, language } = this.options
    const country = h(
      'select',
      { name: 'country' },
      h('option', { value: '' }, t('auditAllCountries')),
      ...COUNTRIES.map((c) => h('option', { value: c.code }, `${c.code} — ${countryName(c.code, language)}`))
    )
    const action = h(
      'select',
      { name: 'action' },
      h('option', { value: '' }, t('auditAllActions')),
      ...AUDIT_ACTIONS.map((a) => h('option', { value: a }, actionName(a, t)))
    )
    const from = h('input', { type: 'date', name: 'from' })
    const to = h('input', { type: 'date', name: 'to' })
    const clear = h('button', { type: 'reset', class: 'audit-clear' }, t('auditClear'))
    const form = h(
      'form',
      { class: 'audit-filters' },
      h('label', {}, t('country'), country),
      h('label', {}, t('auditAction'), action),
      h('label', {}, t('auditFrom'), from, dateEcho(from, language)),
      h('label', {}, t('auditTo'), to, dateEcho(to, language)),
      clear
    )
    const apply = () => {
      if (from.value && to.value && from.value > to.value) {
        this.error.textContent = t('auditBadDates')
        return
      }
      this.query = {
        ...(isCountryCode(country.value) ? { country: country.value } : {}),
        ...(isAuditAction(action.value) ? { action: action.value } : {}),
        ...(from.value ? { from: from.value } : {}),
        ...(to.value ? { to: to.value } : {})
      }
      this.csv.href = auditApi.csvUrl(this.query, language)
      void this.reload()
    }
    // Every change applies at once: the table and the CSV link always say the same.
    form.addEventListener('change', apply)
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      apply()
    })
    // After the form has emptied its fields.
    form.addEventListener('reset', () =>
      setTimeout(() => {
        // The fields emptied without an input event: their echoes follow.
        for (const field of [from, to]) field.dispatchEvent(new Event('input'))
        apply()
      })
    )
    return form
  }

  private async reload(): Promise<void> {
    const load = ++this.loads
    try {
      const page = await auditApi.page(this.query)
      if (load === this.loads) this.show(page, false)
    } catch (err) {
      if (load === this.loads) this.fail(err)
    }
  }

  private async loadMore(): Promise<void> {
    if (this.next === null) return
    const load = ++this.loads
    this.more.disabled = true
    try {
      const page = await auditApi.page(this.query, this.next)
      if (load === this.loads) this.show(page, true)
    } catch (err) {
      if (load === this.loads) this.fail(err)
    } finally {
      this.more.disabled = false
    }
  }

  private fail(err: unknown): void {
    this.error.textContent = describeError(err, this.options.t, this.options.language)
  }

  private show(page: NamedAuditPage, append: boolean): void {
    const { t } = this.options
    this.error.textContent = ''
    const rows = page.entries.map((e) => this.row(e, page.names))
    if (append) this.rows.append(...rows)
    else this.rows.replaceChildren(...rows)
    this.shown = (append ? this.shown : 0) + page.entries.length
    this.next = page.next
    this.count.textContent = fill(t('auditCount'), { shown: this.shown, total: page.total })
    this.empty.hidden = page.total > 0
    this.more.hidden = page.next === null
  }

  private row(e: AuditEntry, names: AuditTargetNames): HTMLTableRowElement {
    const { t, language } = this.options
    const country = e.actor.country
    return h(
      'tr',
      { 'data-seq': String(e.seq), 'data-action': e.action },
      h('td', { class: 'audit-when' }, h('time', { datetime: e.at, title: e.at }, formatInstant(e.at, language))),
      h('td', {}, h('code', {}, e.actor.username)),
      h('td', {}, e.actor.role ? t(`role_${e.actor.role}` as MessageKey) : ''),
      h('td', {}, country ? h('span', { class: `country-chip country-${country}`, title: countryName(country, language) }, country) : ''),
      h('td', { class: 'audit-action' }, actionName(e.action, t)),
      h('td', { class: 'audit-target' }, ...this.target(e, names)),
      h('td', { class: 'audit-details' }, this.details(e))
    )
  }

  // What the act was done to, each part named in words: by its title or
  // name where the server gave one, else by its id (its start for a long one);
  // the full id is the part's tooltip.
  private target(e: AuditEntry, names: AuditTargetNames): Array<Node | string> {
    const { t, language } = this.options
    const target = e.target ?? {}
    const parts: Array<Node | string> = []
    const part = (label: MessageKey, id: string, value: Node | string) => {
      if (parts.length > 0) parts.push(' · ')
      parts.push(h('span', { class: 'audit-target-part', title: id }, `${t(label)} `, value))
    }
    const unnamed = (id: string) => h('code', {}, short(id))
    if (target.document) {
      const title = names.documents[target.document]
      part('auditTargetDocument', target.document, h('a', { href: `#/doc/${encodeURIComponent(target.document)}` }, title ? `«${title}»` : target.document))
    }
    if (target.version) {
      const name = versionName(e)?.name ?? names.versions[target.version]
      const ids = target.share ? `${target.version} · ${t('auditTargetShare')} ${target.share}` : target.version
      part('auditTargetVersion', ids, name ? `«${name}»` : unnamed(target.version))
    }
    if (target.comment) {
      const comment = names.comments[target.comment]
      part('auditTargetComment', target.comment, comment ? fill(t('auditCommentBy'), { author: comment.author }) : unnamed(target.comment))
    }
    if (target.period) {
      const period = names.periods[target.period]
      const days = period && { start: formatDay(period.start, language), deadline: formatDay(period.deadline, language) }
      part('auditTargetPeriod', target.period, days ? fill(t('auditPeriodDays'), days) : unnamed(target.period))
    }
    if (target.account) {
      const name = names.accounts[target.account]
      part('auditTargetAccount', target.account, name && name !== target.account ? `${name} (${target.account})` : h('code', {}, target.account))
    }
    if (target.meeting) {
      const title = names.meetings[target.meeting]
      part('auditTargetMeeting', target.meeting, title ? `«${title}»` : unnamed(target.meeting))
    }
    // A share is of the version named just before, whose tooltip holds its id: said once.
    if (target.share && !target.version) {
      const version = names.shares[target.share]
      part('auditTargetShare', target.share, version ? `«${version}»` : unnamed(target.share))
    }
    return parts
  }

  // The details in words, less the version's name that the target column shows.
  private details(e: AuditEntry): string {
    return detailsText(e.details ?? {}, versionName(e)?.key, this.options)
  }
}
