import { AUDIT_ACTIONS, COUNTRIES, isAuditAction, isCountryCode, type AuditAction, type AuditEntry } from '../../src'
import { ApiError } from '../api'
import { h } from '../dom'
import { countryName, fill, type Language, type MessageKey, type Translate } from '../i18n'
import { auditApi, type AuditPage as TrailPage, type AuditQuery } from './auditApi'

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

/**
 * The audit trail, for the Presidency and the Secretariat: who did what, to
 * what and when, newest first, in the reader's local time. Filters by
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
  private readonly dateTime: Intl.DateTimeFormat

  constructor(private readonly options: AuditPageOptions) {
    const { t, language } = options
    // The reader's own locale when it is of the interface language (es-MX, en-GB…): its date order and clock.
    const locale = globalThis.navigator?.languages?.find((l) => l.toLowerCase().startsWith(language)) ?? language
    this.dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' })
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
      h('label', {}, t('auditFrom'), from),
      h('label', {}, t('auditTo'), to),
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
    form.addEventListener('reset', () => setTimeout(apply))
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
    this.error.textContent = err instanceof ApiError ? err.message : this.options.t('networkError')
  }

  private show(page: TrailPage, append: boolean): void {
    const { t } = this.options
    this.error.textContent = ''
    const rows = page.entries.map((e) => this.row(e))
    if (append) this.rows.append(...rows)
    else this.rows.replaceChildren(...rows)
    this.shown = (append ? this.shown : 0) + page.entries.length
    this.next = page.next
    this.count.textContent = fill(t('auditCount'), { shown: this.shown, total: page.total })
    this.empty.hidden = page.total > 0
    this.more.hidden = page.next === null
  }

  private row(e: AuditEntry): HTMLTableRowElement {
    const { t, language } = this.options
    const country = e.actor.country
    return h(
      'tr',
      { 'data-seq': String(e.seq), 'data-action': e.action },
      h('td', { class: 'audit-when' }, h('time', { datetime: e.at, title: e.at }, this.dateTime.format(new Date(e.at)))),
      h('td', {}, h('code', {}, e.actor.username)),
      h('td', {}, e.actor.role ? t(`role_${e.actor.role}` as MessageKey) : ''),
      h('td', {}, country ? h('span', { class: `country-chip country-${country}`, title: countryName(country, language) }, country) : ''),
      h('td', { class: 'audit-action' }, actionName(e.action, t)),
      h('td', { class: 'audit-target' }, ...this.target(e)),
      h('td', { class: 'audit-details' }, this.details(e))
    )
  }

  // What the act was done to, each part named in words.
  private target(e: AuditEntry): Array<Node | string> {
    const { t } = this.options
    const target = e.target ?? {}
    const parts: Array<Node | string> = []
    const part = (label: MessageKey, value: Node | string) => {
      if (parts.length > 0) parts.push(' · ')
      parts.push(h('span', { class: 'audit-target-part' }, `${t(label)} `, value))
    }
    if (target.document) part('auditTargetDocument', h('a', { href: `#/doc/${encodeURIComponent(target.document)}` }, target.document))
    if (target.version) {
      const name = e.details?.name
      part('auditTargetVersion', typeof name === 'string' ? `«${name}»` : h('code', { title: target.version }, short(target.version)))
    }
    if (target.comment) part('auditTargetComment', h('code', { title: target.comment }, short(target.comment)))
    if (target.period) part('auditTargetPeriod', h('code', { title: target.period }, short(target.period)))
    if (target.account) part('auditTargetAccount', h('code', {}, target.account))
    if (target.share) part('auditTargetShare', h('code', { title: target.share }, short(target.share)))
    return parts
  }

  // The details as "key: value" pairs; yes and no in words.
  private details(e: AuditEntry): string {
    const { t } = this.options
    return Object.entries(e.details ?? {})
      .filter(([, value]) => value !== '' && value !== null)
      .map(([key, value]) => `${key}: ${typeof value === 'boolean' ? t(value ? 'auditYes' : 'auditNo') : String(value)}`)
      .join(' · ')
  }
}
