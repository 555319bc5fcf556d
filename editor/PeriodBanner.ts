import { type CommentPeriod, type DeadlineRule, isIsoDate, type IsoDate, mayDecide, periodBounds, type PeriodsView, type User } from '../src'
import { dateEcho } from './dateEcho'
import { describeError } from './describeError'
import type { CommentsApi } from './comments/commentsApi'
import { h } from './dom'
import { fill, formatDay, formatInstant, shownTimeZone, type Language, type Translate } from './i18n'
import { RequestKey } from './RequestKey'

export interface PeriodBannerOptions {
  readonly t: Translate
  readonly language: Language
  readonly user: User
  readonly api: CommentsApi
}

/** Where the document's comment period stands, for the banner's look. */
export type PeriodPhase = 'none' | 'upcoming' | 'open' | 'closed'

/**
 * The phase of the current period and the sentence that says it, its start
 * and deadline as instants in the workspace's time zone (a deadline is 23:59
 * of its day there).
 */
export function describePeriod(view: PeriodsView, t: Translate, language: Language): { phase: PeriodPhase; text: string } {
  const period = view.current
  if (!period) return { phase: 'none', text: t('noPeriod') }
  const bounds = periodBounds(period, shownTimeZone())
  const start = formatInstant(bounds.opens, language)
  const deadline = formatInstant(bounds.closes, language)
  if (view.open) {
    const since = period.businessDays ? fill(t('periodBusinessDays'), { n: period.businessDays, start }) : fill(t('periodSince'), { start })
    return { phase: 'open', text: `${fill(t('periodOpenUntil'), { date: deadline })}; ${since}` }
  }
  if (period.closedAt !== null) return { phase: 'closed', text: fill(t('periodClosedEarly'), { date: formatInstant(period.closedAt, language), deadline }) }
  if (view.today < period.start) return { phase: 'upcoming', text: fill(t('periodOpensOn'), { start, deadline }) }
  return { phase: 'closed', text: fill(t('periodEnded'), { deadline, start }) }
}

// What the controls call the period they change: its days, and whether it is over.
function periodLabel(view: PeriodsView, period: CommentPeriod, t: Translate, language: Language): string {
  const days = { start: formatDay(period.start, language), deadline: formatDay(period.deadline, language) }
  const over = period.closedAt !== null || view.today > period.deadline
  return fill(t(over ? 'lastPeriodEnded' : 'currentPeriodSpan'), days)
}

// A deadline given as business days or as a date, chosen with a select.
function deadlineFields(t: Translate, language: Language, days: string): { element: HTMLElement; value: () => DeadlineRule | undefined } {
  const kind = h('select', { name: 'rule', 'aria-label': t('deadline') }, h('option', { value: 'days' }, t('businessDays')), h('option', { value: 'date' }, t('deadline')))
  const count = h('input', { type: 'number', name: 'businessDays', min: '1', max: '260', value: days, 'aria-label': t('businessDays') })
  const date = h('input', { type: 'date', name: 'deadline', 'aria-label': t('deadline') })
  const echo = dateEcho(date, language)
  date.hidden = true
  echo.hidden = true
  kind.addEventListener('change', () => {
    count.hidden = kind.value !== 'days'
    date.hidden = kind.value === 'days'
    echo.hidden = kind.value === 'days'
  })
  return {
    element: h('span', { class: 'deadline-fields' }, kind, count, date, echo),
    value: () => {
      if (kind.value === 'days') return Number.isInteger(count.valueAsNumber) ? { businessDays: count.valueAsNumber } : undefined
      return isIsoDate(date.value) ? { deadline: date.value } : undefined
    }
  }
}

/**
 * The comment period above the text ("open until 15 October 2021, 23:59
 * (Central Standard Time)", "ended on …", "no period"), kept live from the document's events. The Presidency
 * and the Secretariat also get the controls to open a period (start and
 * business days or a deadline), change its deadline, or close it.
 */
export class PeriodBanner {
  readonly element: HTMLElement
  private readonly text = h('span', { class: 'period-text' })
  private readonly controls: HTMLElement | null = null
  private view: PeriodsView | null = null
  // Outlives the redraws: opening the same period again after a network
  // failure sends the same key, and the server does not open it twice.
  private readonly openKey = new RequestKey()

  constructor(private readonly options: PeriodBannerOptions) {
    this.element = h('div', { class: 'period-banner', 'data-phase': 'none', role: 'status' }, this.text)
    if (mayDecide(options.user.role)) {
      this.controls = h('details', { class: 'period-controls' })
      this.element.append(this.controls)
    }
  }

  /** Shows the periods as the server now has them. */
  update(view: PeriodsView): void {
    this.view = view
    const { phase, text } = describePeriod(view, this.options.t, this.options.language)
    this.element.dataset.phase = phase
    this.text.textContent = text
    this.renderControls()
  }

  private renderControls(): void {
    const { controls, view } = this
    if (!controls || !view) return
    const { t } = this.options
    const error = h('p', { class: 'form-error', role: 'alert' })
    const act = (button: HTMLButtonElement, action: () => Promise<unknown>) => {
      button.disabled = true
      error.textContent = ''
      action().then(
        // The period event redraws the banner.
        () => (button.disabled = false),
        (err: unknown) => {
          button.disabled = false
          error.textContent = describeError(err, t, this.options.language)
        }
      )
    }

    const start = h('input', { type: 'date', name: 'start', value: view.today, 'aria-label': t('startDate'), required: true })
    const openDeadline = deadlineFields(t, this.options.language, '10')
    const openButton = h('button', { type: 'submit' }, t('openPeriod'))
    const openForm = h(
      'form',
      { class: 'period-open' },
      h('span', { class: 'period-form-label' }, t('newPeriod')),
      h('label', {}, `${t('startDate')} `, start, ' ', dateEcho(start, this.options.language)),
      openDeadline.element,
      openButton
    )
    openForm.addEventListener('submit', (event) => {
      event.preventDefault()
      const deadline = openDeadline.value()
      if (!isIsoDate(start.value) || !deadline) return
      const from: IsoDate = start.value
      act(openButton, () => this.openKey.send({ start: from, ...deadline }, (key) => this.options.api.openPeriod(from, deadline, key)))
    })

    const forms: HTMLElement[] = [openForm]
    const current = view.current
    if (current) {
      const extendDeadline = deadlineFields(t, this.options.language, String(current.businessDays ?? 10))
      const extendButton = h('button', { type: 'submit' }, t('extendPeriod'))
      const label = periodLabel(view, current, t, this.options.language)
      const extendForm = h('form', { class: 'period-extend' }, h('span', { class: 'period-form-label' }, label), extendDeadline.element, extendButton)
      extendForm.addEventListener('submit', (event) => {
        event.preventDefault()
        const deadline = extendDeadline.value()
        if (deadline) act(extendButton, () => this.options.api.extendPeriod(current.id, deadline))
      })
      forms.push(extendForm)
      if (view.open) {
        const close = h('button', { type: 'button', class: 'period-close' }, t('closePeriod'))
        close.addEventListener('click', () => {
          if (window.confirm(t('confirmClosePeriod'))) act(close, () => this.options.api.closePeriod(current.id))
        })
        extendForm.append(close)
      }
    }
    controls.replaceChildren(h('summary', {}, t('managePeriod')), h('div', { class: 'period-forms' }, ...forms), error)
  }
}
