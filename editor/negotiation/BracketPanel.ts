import { COUNTRIES, mayPlaceBrackets, type BracketOption, type BracketView, type CountryCode, type User } from '../../src'
import { describeError } from '../describeError'
import { h } from '../dom'
import { countryName, fill, type Language, type Translate } from '../i18n'

/** What the panel asks of its owner; each act answers the bracket as the server now has it. */
export interface BracketActions {
  /** Brackets the passage selected in the text; fails with a message when nothing fit is selected. */
  readonly place: (reason: string, holders: readonly CountryCode[]) => Promise<BracketView | { failed: string }>
  readonly hold: (bracketId: string, held: boolean) => Promise<BracketView>
  readonly remove: (bracketId: string) => Promise<BracketView>
  readonly addOption: (bracketId: string, text: string) => Promise<BracketView>
  readonly support: (bracketId: string, optionId: string, supported: boolean) => Promise<BracketView>
  readonly choose: (bracketId: string, optionId: string) => Promise<BracketView>
  /** The bracket's passage is to be shown in the text. */
  readonly select: (bracketId: string) => void
}

export interface BracketPanelOptions {
  readonly t: Translate
  readonly language: Language
  readonly user: User
  readonly actions: BracketActions
}

/**
 * The sidebar section of brackets: each standing bracket with its passage,
 * holders, reason and options with their supporters. A delegation holds or
 * lifts a bracket and supports an option for its own country (while a
 * period is open, or a meeting lets it); the
 * Presidency and the Secretariat place a bracket on the selection, add
 * options, choose one, and remove a bracket no one holds (while any holds
 * it, the panel says so instead of offering removal). Every control is a
 * button or a form field, in reading order; the focus stays on the control
 * that acted when the list is drawn again.
 */
export class BracketPanel {
  readonly element: HTMLElement
  private readonly list = h('ul', { class: 'bracket-list' })
  private readonly status = h('p', { class: 'bracket-status', role: 'status' })
  // Why the delegation may not hold or lift now (no period open, no meeting letting it), shown instead of the buttons.
  private readonly holdsClosed = h('p', { class: 'bracket-holds-closed', hidden: true })
  private holdsClosedReason: string | null = null
  private brackets: readonly BracketView[] = []
  // The brackets whose "add an option" box is open.
  private readonly openAdders = new Set<string>()

  constructor(private readonly options: BracketPanelOptions) {
    const { t } = options
    // Focusable by script only: where the focus goes when the control that had it is no longer offered.
    const heading = h('h2', { class: 'panel-title', id: 'brackets-title', tabindex: '-1' }, t('bracketsTitle'))
    this.element = h(
      'section',
      { class: 'bracket-panel', 'aria-labelledby': 'brackets-title' },
      heading,
      mayPlaceBrackets(options.user.role) ? this.placeForm() : null,
      this.holdsClosed,
      this.status,
      this.list
    )
    this.render()
  }

  /** Shows these brackets (every standing one, in the order they were placed). */
  setBrackets(brackets: readonly BracketView[]): void {
    this.brackets = brackets
    this.render()
  }

  /**
   * Why a delegation may not hold or lift brackets now (the server would
   * refuse it), or null when it may: while there is a reason, «Mantener el
   * corchete», «Levantar el corchete» and the support of an option are not
   * offered, and the reason is shown.
   */
  setHoldsClosed(reason: string | null): void {
    if (reason === this.holdsClosedReason) return
    this.holdsClosedReason = reason
    this.render()
  }

  private placeForm(): HTMLElement {
    const { t, language } = this.options
    const reason = h('textarea', { id: 'bracket-reason', rows: '2', maxlength: '2000' })
    const holders = h(
      'select',
      { id: 'bracket-holders', multiple: true, size: '4' },
      ...COUNTRIES.map((c) => h('option', { value: c.code }, `${c.code} · ${countryName(c.code, language)}`))
    )
    const form = h(
      'form',
      { class: 'bracket-place' },
      h('p', { class: 'bracket-hint' }, t('bracketPlaceHint')),
      h('label', { for: 'bracket-reason' }, t('bracketReason')),
      reason,
      h('label', { for: 'bracket-holders' }, t('bracketHoldersAsked')),
      holders,
      h('button', { type: 'submit', class: 'bracket-place-button' }, t('bracketPlace'))
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const chosen = [...holders.selectedOptions].map((o) => o.value as CountryCode)
      void this.run(async () => {
        const placed = await this.options.actions.place(reason.value, chosen)
        if ('failed' in placed) return placed.failed
        reason.value = ''
        for (const option of holders.options) option.selected = false
        return t('bracketPlaced')
      })
    })
    // Folded until wanted: the list of brackets is what the panel is for.
    return h('details', { class: 'bracket-place-box' }, h('summary', {}, t('bracketPlace')), form)
  }

  // Runs an act, says how it went, and keeps the focus where it was.
  private async run(act: () => Promise<string | void>): Promise<void> {
    const { t, language } = this.options
    try {
      this.status.textContent = (await act()) ?? t('bracketDone')
    } catch (err) {
      this.status.textContent = describeError(err, t, language)
    }
  }

  private render(): void {
    const { t } = this.options
    // The control that had the focus, to give it back once the list is drawn again.
    const focused = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement) ? document.activeElement.dataset.key : undefined
    // Said once above the list, and only when there is a bracket to hold.
    this.holdsClosed.textContent = this.holdsClosedReason ?? ''
    this.holdsClosed.hidden = this.holdsClosedReason === null || this.brackets.length === 0
    this.list.replaceChildren(
      ...(this.brackets.length === 0 ? [h('li', { class: 'bracket-none' }, t('bracketsNone'))] : this.brackets.map((b) => this.item(b)))
    )
    // A control that is no longer offered (a hold taken, a period closed) gives the focus to the panel, not to the page.
    if (focused) (this.list.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`) ?? this.element.querySelector<HTMLElement>('#brackets-title'))?.focus()
  }

  private button(key: string, label: string, act: () => Promise<unknown>, aria?: string): HTMLButtonElement {
    return h('button', { type: 'button', 'data-key': key, ...(aria ? { 'aria-label': aria } : {}), onclick: () => void this.run(async () => void (await act())) }, label)
  }

  private item(bracket: BracketView): HTMLElement {
    const { t, language, user, actions } = this.options
    const country = user.role === 'delegate' ? user.country : null
    const decides = mayPlaceBrackets(user.role)
    const quote = bracket.anchor.detached ? `${bracket.quote} ${t('bracketPassageGone')}` : bracket.quote
    const holders = bracket.holders.length
      ? `${t('bracketHeldBy')}: ${bracket.holders.map((c) => `${c} (${countryName(c, language)})`).join(', ')}`
      : t('bracketNoHolders')
    const label = fill(t('bracketAria'), { quote: bracket.quote })
    const controls: HTMLElement[] = []
    if (country && this.holdsClosedReason === null) {
      const holds = bracket.holders.includes(country)
      controls.push(this.button(`hold:${bracket.id}`, t(holds ? 'bracketLift' : 'bracketHold'), () => actions.hold(bracket.id, !holds), `${t(holds ? 'bracketLift' : 'bracketHold')}: «${bracket.quote}»`))
    }
    if (decides) {
      // The server refuses to remove a bracket a delegation still holds (409 bracket_held): say so instead of offering it.
      if (bracket.holders.length === 0)
        controls.push(this.button(`remove:${bracket.id}`, t('bracketRemove'), () => actions.remove(bracket.id), `${t('bracketRemove')}: «${bracket.quote}»`))
      else controls.push(h('p', { class: 'bracket-remove-held' }, fill(t(bracket.holders.length === 1 ? 'bracketRemoveHeldOne' : 'bracketRemoveHeld'), { holders: bracket.holders.join(', ') })))
    }
    return h(
      'li',
      { class: 'bracket-item', 'data-bracket-id': bracket.id, 'aria-label': label },
      h(
        'p',
        { class: 'bracket-quote' },
        h('button', { type: 'button', class: 'bracket-quote-button', 'data-key': `select:${bracket.id}`, onclick: () => actions.select(bracket.id) }, `[${quote}]`)
      ),
      h('p', { class: 'bracket-holders-line' }, holders),
      h('p', { class: 'bracket-reason' }, bracket.reason),
      this.optionsOf(bracket, country, decides),
      controls.length ? h('div', { class: 'bracket-controls' }, ...controls) : null
    )
  }

  private optionsOf(bracket: BracketView, country: CountryCode | null, decides: boolean): HTMLElement | null {
    const { t, actions } = this.options
    const open = !bracket.chosen
    if (bracket.options.length === 0 && !(decides && open)) return null
    const line = (option: BracketOption, n: number) => {
      const supported = country !== null && option.supporters.includes(country)
      const name = fill(t('bracketOptionN'), { n: String(n + 1) })
      return h(
        'li',
        { class: 'bracket-option', 'data-option-id': option.id },
        h('span', { class: 'bracket-option-name' }, `${bracket.chosen ? t('bracketChosen') : name}: `),
        h('q', {}, option.text),
        h('span', { class: 'bracket-supporters' }, ` — ${option.supporters.length ? `${t('bracketSupportedBy')} ${option.supporters.join(', ')}` : t('bracketNoSupport')}`),
        open && country && this.holdsClosedReason === null
          ? this.button(`support:${option.id}`, t(supported ? 'bracketWithdrawSupport' : 'bracketSupport'), () => actions.support(bracket.id, option.id, !supported), `${t(supported ? 'bracketWithdrawSupport' : 'bracketSupport')}: ${name}`)
          : null,
        open && decides ? this.button(`choose:${option.id}`, t('bracketChoose'), () => actions.choose(bracket.id, option.id), `${t('bracketChoose')}: ${name}`) : null
      )
    }
    let adder: HTMLElement | null = null
    if (decides && open) {
      const id = `option-${bracket.id}`
      const input = h('input', { id, type: 'text', maxlength: '5000', 'data-key': `option-text:${bracket.id}` })
      const form = h(
        'form',
        { class: 'bracket-add-option' },
        h('label', { for: id }, t('bracketNewOption')),
        input,
        h('button', { type: 'submit', 'data-key': `add-option:${bracket.id}` }, t('bracketAddOption'))
      )
      form.addEventListener('submit', (event) => {
        event.preventDefault()
        void this.run(async () => void (await actions.addOption(bracket.id, input.value)))
      })
      // Open while it is being used, so that drawing the list again does not fold it under the person's hands.
      const wasOpen = this.openAdders.has(bracket.id)
      adder = h('details', { class: 'bracket-add-box', 'data-key': `adder:${bracket.id}`, ...(wasOpen ? { open: true } : {}) }, h('summary', { 'data-key': `adder-summary:${bracket.id}` }, t('bracketAddOption')), form)
      adder.addEventListener('toggle', () => {
        if ((adder as HTMLDetailsElement).open) this.openAdders.add(bracket.id)
        else this.openAdders.delete(bracket.id)
      })
    }
    return h(
      'div',
      { class: 'bracket-options' },
      bracket.options.length ? h('h3', {}, t('bracketOptions')) : null,
      bracket.options.length ? h('ol', {}, ...bracket.options.map(line)) : null,
      adder
    )
  }
}
