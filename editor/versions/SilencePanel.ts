import { countryOf, mayBreakSilence, mayOpenSilence, MAX_SILENCE_BUSINESS_DAYS, type SilenceDeadlineRule, type SilenceProcedure, type User, type VersionSummary } from '../../src'
import { dateEcho } from '../dateEcho'
import { describeError } from '../describeError'
import type { DocumentStream } from '../DocumentStream'
import { h } from '../dom'
import { fill, formatInstant, shownTimeZone, type Language, type Translate } from '../i18n'
import { silenceApi } from './silenceApi'

export interface SilencePanelOptions {
  readonly documentId: string
  readonly user: User
  readonly t: Translate
  readonly language: Language
}

/** What a procedure's state says, in a sentence with its deadline on the workspace's clock (its zone named). */
export function describeSilence(procedure: SilenceProcedure, t: Translate, language: Language): string {
  const deadline = formatInstant(procedure.deadline, language)
  if (procedure.outcome === 'pending') return fill(t('silencePending'), { deadline })
  if (procedure.outcome === 'adopted') return fill(t('silenceAdopted'), { deadline })
  return fill(t('silenceNotAdopted'), { deadline, n: procedure.objections.length })
}

/**
 * The silence procedure of each version on the versions page: its state,
 * the objections with who made them, when and why, and the outcome; for a
 * delegation, the form that breaks the silence for its own country (a
 * reason required) while it is pending; for the Presidency, the form that
 * puts a version without one under procedure. Each part redraws itself from
 * the server's answer to its own act.
 */
export class SilencePanel {
  private procedures = new Map<string, SilenceProcedure>()

  constructor(private readonly options: SilencePanelOptions) {}

  /** Fetches the document's procedures; a failure leaves the panel empty rather than the page broken. */
  async load(): Promise<void> {
    const list = await silenceApi.list(this.options.documentId).catch(() => [])
    this.procedures = new Map(list.map((p) => [p.versionId, p]))
  }

  /**
   * The part of `version`'s row: its procedure, or the Presidency's form to
   * open one; null when there is nothing to show. Only the latest version is
   * offered for adoption: a superseded one is no longer the text on the table.
   */
  partOf(version: VersionSummary, latest: boolean): HTMLElement | null {
    const procedure = this.procedures.get(version.id)
    if (!procedure && (!latest || !mayOpenSilence(this.options.user.role))) return null
    const element = h('div', { class: 'silence', 'data-version': version.id })
    this.draw(element, version, procedure)
    return element
  }

  private draw(element: HTMLElement, version: VersionSummary, procedure: SilenceProcedure | undefined): void {
    if (procedure) this.procedures.set(version.id, procedure)
    element.dataset.outcome = procedure?.outcome ?? 'none'
    element.replaceChildren(...(procedure ? this.procedureParts(element, version, procedure) : [this.openForm(element, version)]))
  }

  private procedureParts(element: HTMLElement, version: VersionSummary, procedure: SilenceProcedure): HTMLElement[] {
    const { t, language, user } = this.options
    const parts: HTMLElement[] = [
      // The sentence names the procedure itself: no label before it.
      h('p', { class: 'silence-status' }, describeSilence(procedure, t, language))
    ]
    if (procedure.settledAt) parts.push(h('p', { class: 'silence-settled' }, fill(t('silenceSettledAt'), { date: formatInstant(procedure.settledAt, language) })))
    if (procedure.objections.length > 0)
      parts.push(
        h(
          'ul',
          { class: 'silence-objections', 'aria-label': t('silenceObjections') },
          ...procedure.objections.map((o) =>
            h(
              'li',
              { 'data-country': o.country },
              h('span', { class: 'objection-by' }, fill(t('silenceObjectionBy'), { country: countryOf(o.country).name[language], name: o.author.name, date: formatInstant(o.at, language) })),
              ': ',
              h('span', { class: 'objection-reason' }, o.reason),
              o.amendment ? ' ' : null,
              o.amendment ? h('span', { class: 'objection-amendment' }, `${t('silenceAmendment')}: ${o.amendment}`) : null
            )
          )
        )
      )
    else if (procedure.outcome === 'pending') parts.push(h('p', { class: 'silence-none' }, t('silenceNoObjections')))
    if (procedure.outcome === 'pending' && mayBreakSilence(user.role) && user.country !== null) {
      if (procedure.objections.some((o) => o.country === user.country)) parts.push(h('p', { class: 'silence-broken' }, t('silenceBrokenByYou')))
      else parts.push(this.objectionForm(element, version))
    }
    return parts
  }

  private objectionForm(element: HTMLElement, version: VersionSummary): HTMLElement {
    const { t, language, documentId } = this.options
    const reason = h('textarea', { name: 'reason', required: true, rows: '3' })
    const amendment = h('textarea', { name: 'amendment', rows: '2' })
    const send = h('button', { type: 'submit', class: 'break-silence' }, t('breakSilence'))
    const error = h('p', { class: 'form-error', role: 'alert' })
    const form = h(
      'form',
      { class: 'objection-form' },
      h('label', {}, t('objectionReason'), reason),
      h('label', {}, t('objectionAmendment'), amendment),
      send,
      error
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      if (!reason.value.trim()) return void (error.textContent = t('objectionReason'))
      send.disabled = true
      error.textContent = ''
      const objection = { reason: reason.value, ...(amendment.value.trim() ? { amendment: amendment.value } : {}) }
      silenceApi.object(documentId, version.id, objection).then(
        (procedure) => {
          this.draw(element, version, procedure)
          element.querySelector<HTMLElement>('.silence-broken')?.focus()
        },
        (err: unknown) => {
          send.disabled = false
          error.textContent = describeError(err, t, language)
        }
      )
    })
    return form
  }

  // The Presidency's form: N business days (the workspace's calendar) or a date and time on the workspace's clock.
  private openForm(element: HTMLElement, version: VersionSummary): HTMLElement {
    const { t, language, documentId } = this.options
    const kind = h('select', { name: 'silence-rule', 'aria-label': t('silenceRule') }, h('option', { value: 'days' }, t('businessDays')), h('option', { value: 'at' }, t('deadline')))
    const days = h('input', { type: 'number', name: 'silence-days', min: '1', max: String(MAX_SILENCE_BUSINESS_DAYS), value: '5' })
    const at = h('input', { type: 'datetime-local', name: 'silence-deadline' })
    const daysLabel = h('label', {}, `${t('businessDays')} `, days)
    const atLabel = h('label', {}, `${fill(t('silenceDeadlineAt'), { zone: shownTimeZone() })} `, at, ' ', dateEcho(at, language, shownTimeZone()))
    atLabel.hidden = true
    kind.addEventListener('change', () => {
      daysLabel.hidden = kind.value !== 'days'
      atLabel.hidden = kind.value === 'days'
    })
    const send = h('button', { type: 'submit' }, t('openSilence'))
    const error = h('p', { class: 'form-error', role: 'alert' })
    const form = h('form', { class: 'silence-open' }, kind, daysLabel, atLabel, send, error)
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const rule: SilenceDeadlineRule | undefined =
        kind.value === 'days' ? (Number.isInteger(days.valueAsNumber) ? { businessDays: days.valueAsNumber } : undefined) : at.value ? { deadline: at.value } : undefined
      if (!rule) return
      send.disabled = true
      error.textContent = ''
      silenceApi.open(documentId, version.id, rule).then(
        (procedure) => this.draw(element, version, procedure),
        (err: unknown) => {
          send.disabled = false
          error.textContent = describeError(err, t, language)
        }
      )
    })
    return h('details', { class: 'silence-controls' }, h('summary', {}, t('openSilence')), form)
  }
}

/**
 * The document's pending silence procedures above its text, for everyone who
 * reads it, with a link to the versions page where delegations break the
 * silence. Empty (and hidden) when none is pending. Fetched at each opening
 * of the document's stream and at each `silence` event.
 */
export class SilenceBanner {
  readonly element: HTMLElement

  constructor(
    private readonly options: SilencePanelOptions,
    stream: DocumentStream
  ) {
    this.element = h('div', { class: 'silence-banner', role: 'status' })
    this.element.hidden = true
    stream.on('open', () => void this.load())
    stream.on('silence', () => void this.load())
  }

  private async load(): Promise<void> {
    const { t, language, documentId } = this.options
    const pending = (await silenceApi.list(documentId).catch(() => [])).filter((p) => p.outcome === 'pending')
    this.element.hidden = pending.length === 0
    this.element.replaceChildren(
      ...pending.map((p) =>
        h(
          'p',
          {},
          fill(t('silenceBanner'), { name: p.versionName, deadline: formatInstant(p.deadline, language) }),
          ' ',
          h('a', { href: `#/doc/${documentId}/versions` }, t('versions'))
        )
      )
    )
  }
}
