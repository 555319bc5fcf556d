import { COUNTRIES, isRunning, MAX_DELEGATES_PER_COUNTRY, mayChair, type AgendaItem, type CountryCode, type Meeting, type User } from '../../src'
import { describeError } from '../describeError'
import type { DocumentStream } from '../DocumentStream'
import { h } from '../dom'
import { countryName, fill, type Language, type Translate } from '../i18n'
import { RequestKey } from '../RequestKey'
import { meetingApi } from './meetingApi'

/** What the panel needs of the text: where its paragraphs are, and how to show the one presented. */
export interface MeetingText {
  /** Marks the presented paragraph (null: none) and, with `scroll`, brings it into view. */
  readonly showFocus: (blockId: string | null, scroll: boolean) => void
  /** The paragraph under the cursor, if any. */
  readonly blockAtCursor: () => string | null
  /** A paragraph's place in the text (1 first), or undefined. */
  readonly numberOf: (blockId: string) => number | undefined
  /** The paragraph at place `n`, or undefined. */
  readonly blockAt: (n: number) => string | undefined
}

/** Someone connected to the document, as the server vouches for them. */
export interface Attendee {
  readonly name: string
  readonly country: string | null
}

export interface MeetingPanelOptions {
  readonly documentId: string
  readonly user: User
  readonly t: Translate
  readonly language: Language
  readonly text: MeetingText
  /** The document's event stream, of which the panel listens to `meeting` and `open`. */
  readonly stream: DocumentStream
  /** Hears of the running meeting (undefined: none) each time the panel draws it. Default none. */
  readonly onRunning?: (meeting: Meeting | undefined) => void
}

/** The key that brings a participant who browsed away back to the paragraph presented: Alt+Shift+F. */
export const isRejoinKey = (event: KeyboardEvent): boolean => event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyF'

/**
 * The meeting bar of a document: the chair (Presidency or Secretariat)
 * starts a meeting, presents paragraphs (an agenda item's, or the one under
 * the cursor), gives the floor and ends it; every participant's view follows
 * the paragraph presented unless they browse freely (Alt+Shift+F rejoins);
 * delegations ask for the floor; the Secretariat records interventions;
 * everyone sees who speaks, who is next, and who is connected per delegation.
 * Kept current from the document's `meeting` events.
 */
export class MeetingPanel {
  readonly element: HTMLElement
  private readonly api: ReturnType<typeof meetingApi>
  private meetings: Meeting[] = []
  private following = true
  private destroyed = false
  private shownFocus: string | null = null
  // The first class of the control last used: a disabled button loses the focus, so it is kept here to find it again once redrawn.
  private usedControl = ''
  private lastSpeaker: string | null = null
  private attendees: readonly Attendee[] = []
  private readonly live: HTMLElement
  // Parts redrawn at each change; the forms around them stay, so that what one types in them survives.
  private readonly minutesBox = h('div', { class: 'meeting-last' })
  private readonly agendaBox = h('div', { class: 'meeting-agenda' })
  private readonly followBox = h('div', { class: 'meeting-follow' })
  private readonly floorBox = h('div', { class: 'meeting-floor' })
  // A delegation's own controls (the floor, following), kept in the one-line bar so that asking for the floor needs no unfolding.
  private readonly ownBox = h('span', { class: 'meeting-own' })
  private readonly more: HTMLButtonElement
  private readonly details = h('div', { class: 'meeting-details', id: 'meeting-details' })
  private readonly bar: HTMLElement
  // Whether the full controls are unfolded; a field, so that a redraw keeps it.
  private expanded = false
  private readonly endBox = h('div', { class: 'meeting-end' })
  private readonly presence: HTMLElement
  private readonly startForm: HTMLElement
  private readonly interventionForm: HTMLFormElement
  private readonly interventionCountry: HTMLSelectElement
  private readonly error: HTMLElement
  private readonly chair: boolean

  constructor(private readonly options: MeetingPanelOptions) {
    const { t, documentId, user } = options
    this.api = meetingApi(documentId)
    this.chair = mayChair(user.role)
    this.live = h('p', { class: 'meeting-live', role: 'status', 'aria-live': 'polite' })
    this.presence = h('div', { class: 'meeting-presence' })
    this.error = h('p', { class: 'meeting-error', role: 'alert' })
    this.startForm = this.chair ? this.makeStartForm() : h('div')
    this.interventionCountry = h('select', { name: 'country', id: 'intervention-country', required: true })
    this.interventionForm = this.makeInterventionForm()
    this.more = this.button(t('meetingShowControls'), () => {
      this.expanded = !this.expanded
      this.render()
    }, { class: 'meeting-more', 'aria-expanded': 'false', 'aria-controls': 'meeting-details' })
    this.bar = h('div', { class: 'meeting-bar' }, h('h2', { id: 'meeting-heading', tabindex: '-1' }, t('meeting')), this.live, this.ownBox, this.more)
    this.details.append(this.agendaBox, this.followBox, this.floorBox, this.interventionForm, this.endBox, this.presence)
    this.element = h(
      'section',
      { class: 'meeting-panel', 'aria-labelledby': 'meeting-heading' },
      this.bar,
      this.error,
      this.minutesBox,
      this.startForm,
      this.details
    )
    window.addEventListener('keydown', this.onKey)
    this.render()
    options.stream.on('open', () => void this.refetch())
    options.stream.on('meeting', (meeting) => this.receive(meeting))
  }

  /** Who is connected now (from the document's presence). */
  setAttendees(attendees: readonly Attendee[]): void {
    this.attendees = attendees
    this.renderPresence()
  }

  /** The text has arrived (or come back): the paragraph presented is marked, and followed, again. */
  textArrived(): void {
    this.shownFocus = null
    this.render()
  }

  destroy(): void {
    this.destroyed = true
    window.removeEventListener('keydown', this.onKey)
  }

  private readonly onKey = (event: KeyboardEvent) => {
    if (!isRejoinKey(event) || !this.running()) return
    event.preventDefault()
    this.follow(true)
  }

  private async refetch(): Promise<void> {
    try {
      const meetings = await this.api.list()
      if (this.destroyed) return
      this.meetings = meetings
      this.render()
    } catch {
      // The stream's next opening tries again.
    }
  }

  private receive(meeting: Meeting): void {
    const at = this.meetings.findIndex((m) => m.id === meeting.id)
    if (at === -1) this.meetings = [...this.meetings, meeting]
    else this.meetings = this.meetings.map((m) => (m.id === meeting.id ? meeting : m))
    this.render()
  }

  private running(): Meeting | undefined {
    return this.meetings.find(isRunning)
  }

  private follow(on: boolean): void {
    this.following = on
    this.render()
  }

  private country(code: string): string {
    return countryName(code, this.options.language)
  }

  private paragraphLabel(blockId: string): string {
    const n = this.options.text.numberOf(blockId)
    return n === undefined ? '§ ?' : `§ ${n}`
  }

  // Runs a call of the API from a button, showing its refusal in words.
  private act(button: HTMLButtonElement | HTMLInputElement | null, call: () => Promise<unknown>): void {
    this.usedControl = button && !this.interventionForm.contains(button) && !this.startForm.contains(button) ? (button.classList[0] ?? '') : ''
    if (button) button.disabled = true
    this.error.textContent = ''
    call()
      .then((answer) => {
        if (answer && typeof answer === 'object' && 'queue' in answer) this.receive(answer as Meeting)
      })
      .catch((err: unknown) => {
        this.error.textContent = describeError(err, this.options.t, this.options.language)
      })
      .finally(() => {
        if (button) button.disabled = false
        if (button?.isConnected && this.usedControl) button.focus()
        this.usedControl = ''
      })
  }

  private button(label: string, onClick: (button: HTMLButtonElement) => void, attrs: Record<string, string> = {}): HTMLButtonElement {
    const button = h('button', { type: 'button', ...attrs }, label)
    button.addEventListener('click', () => onClick(button))
    return button
  }

  private render(): void {
    const { t } = this.options
    const meeting = this.running()
    const focus = meeting?.focus?.blockId ?? null
    // The view moves only when the presented paragraph changes, or when one rejoins.
    const scroll = this.following && focus !== null && (focus !== this.shownFocus || !this.element.dataset.following)
    this.options.text.showFocus(this.following ? focus : null, scroll)
    this.shownFocus = focus
    this.element.dataset.following = this.following ? 'true' : ''
    this.element.dataset.state = meeting ? 'running' : 'idle'
    this.options.onRunning?.(meeting)
    // With no meeting the panel is only the chair's «Iniciar una reunión» and the last minutes; with one, a line that unfolds.
    const last = this.meetings.at(-1)
    this.bar.hidden = !meeting
    this.details.hidden = !meeting || !this.expanded
    this.more.setAttribute('aria-expanded', String(this.expanded))
    this.more.textContent = this.expanded ? t('meetingHideControls') : t('meetingShowControls')
    this.interventionForm.hidden = !meeting || !this.chair
    this.startForm.hidden = Boolean(meeting) || !this.chair
    this.minutesBox.hidden = Boolean(meeting) || !last
    this.element.hidden = !meeting && !this.chair && !last
    // A keyboard user's place: the control they used is redrawn, and found again by its class.
    const active = document.activeElement
    const place =
      this.usedControl ||
      (active instanceof HTMLElement && this.element.contains(active) && !this.interventionForm.contains(active) && !this.startForm.contains(active)
        ? ((active.getAttribute('class') ?? '').split(' ')[0] ?? '')
        : '')
    if (!meeting) {
      this.live.textContent = t('meetingNone')
      this.minutesBox.replaceChildren(...(last ? [this.minutesLinks(last)] : []))
      this.restore(place)
      return
    }
    this.live.replaceChildren(
      fill(t('meetingRunning'), { title: meeting.title }),
      ' · ',
      focus ? fill(t('meetingFocusAt'), { paragraph: this.paragraphLabel(focus) }) : t('meetingFocusNone'),
      ' · ',
      h(
        'span',
        { class: 'floor-speaking', 'data-country': meeting.speaking?.country ?? '' },
        meeting.speaking ? fill(t('meetingSpeaking'), { country: this.country(meeting.speaking.country) }) : t('meetingNobodySpeaking')
      )
    )
    this.agendaBox.replaceChildren(...this.agenda(meeting))
    this.followBox.replaceChildren(...present(this.followControls(meeting)))
    this.ownBox.replaceChildren(...present([this.ownFloor(meeting), this.followToggle()]))
    this.floorBox.replaceChildren(...present(this.floor(meeting)))
    if (this.chair) {
      this.interventionPart(meeting)
      this.endBox.replaceChildren(this.allowDelegations(meeting), this.endButton(meeting))
    }
    this.restore(place)
  }

  // Focuses the redrawn control of class `place`, or else the panel's heading, so that the keyboard is never dropped at the page's start.
  private restore(place: string): void {
    if (!place || (this.element.contains(document.activeElement) && !this.usedControl)) return
    this.usedControl = ''
    const again = this.element.querySelector<HTMLElement>(`.${CSS.escape(place)}:not([hidden])`) ?? this.element.querySelector<HTMLElement>('#meeting-heading')
    again?.focus()
  }

  private agenda(meeting: Meeting): HTMLElement[] {
    const { t } = this.options
    return [
      h('h3', {}, t('meetingAgendaHeading')),
      h(
        'ol',
        {},
        ...meeting.agenda.map((item) => {
          const label = agendaLabel(item, item.blockId ? this.paragraphLabel(item.blockId) : undefined)
          if (!this.chair || !item.blockId) return h('li', {}, label)
          const blockId = item.blockId
          return h('li', {}, this.button(label, (b) => this.act(b, () => this.api.focus(meeting.id, blockId)), { class: 'agenda-item', 'data-block-id': blockId }))
        })
      )
    ]
  }

  private followControls(meeting: Meeting): Array<HTMLElement | null> {
    const { t } = this.options
    const present = this.chair
      ? this.button(t('meetingPresent'), (b) => {
          const blockId = this.options.text.blockAtCursor()
          if (!blockId) return void (this.error.textContent = t('meetingNoParagraph'))
          this.act(b, () => this.api.focus(meeting.id, blockId))
        }, { class: 'present-paragraph' })
      : null
    return [present]
  }

  // Following the chair means nothing to the chair, who presents: only the others are offered it.
  private followToggle(): HTMLElement | null {
    const { t } = this.options
    if (this.chair) return null
    const toggle = this.following
      ? this.button(t('meetingBrowseFreely'), () => this.follow(false), { class: 'follow-toggle browse-freely', 'aria-keyshortcuts': 'Alt+Shift+F', title: t('meetingFollowing') })
      : this.button(t('meetingRejoin'), () => this.follow(true), { class: 'follow-toggle rejoin', 'aria-keyshortcuts': 'Alt+Shift+F', title: t('meetingBrowsing') })
    return toggle
  }

  // A delegation asks for the floor, withdraws its request, or yields.
  private ownFloor(meeting: Meeting): HTMLElement | null {
    const { t, user } = this.options
    const own = user.role === 'delegate' ? user.country : null
    if (own === null) return null
    if (meeting.speaking?.country === own) return this.button(t('meetingYield'), (b) => this.act(b, () => this.api.withdrawOwnRequest(meeting.id)), { class: 'own-floor yield-floor' })
    if (meeting.queue.some((turn) => turn.country === own))
      return this.button(t('meetingWithdrawRequest'), (b) => this.act(b, () => this.api.withdrawOwnRequest(meeting.id)), { class: 'own-floor withdraw-request' })
    return this.button(t('meetingAskFloor'), (b) => this.act(b, () => this.api.askFloor(meeting.id)), { class: 'own-floor ask-floor' })
  }

  private floor(meeting: Meeting): Array<HTMLElement | false | null> {
    const { t } = this.options
    const queue = meeting.queue.length
      ? h(
          'ol',
          { class: 'floor-queue' },
          ...meeting.queue.map((turn) =>
            h(
              'li',
              { 'data-country': turn.country },
              this.country(turn.country),
              this.chair &&
                this.button(fill(t('meetingGiveFloor'), { country: this.country(turn.country) }), (b) => this.act(b, () => this.api.giveFloor(meeting.id, turn.country)), {
                  class: 'give-floor'
                })
            )
          )
        )
      : h('p', { class: 'floor-queue-empty' }, t('meetingQueueEmpty'))
    return [
      h('h3', {}, t('meetingFloorHeading')),
      h('h4', {}, t('meetingQueue')),
      queue,
      this.chair && meeting.queue.length > 0 && this.button(t('meetingNext'), (b) => this.act(b, () => this.api.nextSpeaker(meeting.id)), { class: 'next-speaker' }),
      this.chair &&
        meeting.speaking &&
        this.button(t('meetingTakeFloor'), (b) => this.act(b, () => this.api.takeFloor(meeting.id, meeting.speaking!.country)), { class: 'take-floor' })
    ]
  }

  private interventionPart(meeting: Meeting): void {
    const { t } = this.options
    // The countries present first, then the others; the one speaking chosen.
    const ordered = [...meeting.attendees, ...COUNTRIES.map((c) => c.code).filter((c) => !meeting.attendees.includes(c))]
    const chosen = this.interventionCountry.value
    // An empty first choice: with nobody on the floor the Secretariat names the country, rather than record it silently of the first present.
    this.interventionCountry.replaceChildren(h('option', { value: '' }, t('meetingInterventionCountryPick')), ...ordered.map((code) => h('option', { value: code }, this.country(code))))
    // A new speaker is whom the next intervention is likely of; otherwise the Secretariat's choice stays.
    const speaker = meeting.speaking?.country ?? null
    this.interventionCountry.value = (speaker !== this.lastSpeaker && speaker) || chosen || speaker || ''
    this.lastSpeaker = speaker
  }

  private makeInterventionForm(): HTMLFormElement {
    const { t } = this.options
    const summary = h('textarea', { name: 'summary', id: 'intervention-summary', rows: '3', required: true })
    const submit = h('button', { type: 'submit' }, t('meetingInterventionSubmit'))
    const form = h(
      'form',
      { class: 'meeting-intervention', 'aria-labelledby': 'intervention-heading' },
      h('h3', { id: 'intervention-heading' }, t('meetingIntervention')),
      h('label', { for: 'intervention-country' }, t('meetingInterventionCountry')),
      this.interventionCountry,
      h('label', { for: 'intervention-summary' }, t('meetingInterventionSummary')),
      summary,
      submit
    )
    // Recording again after no answer records once.
    const recording = new RequestKey()
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const meeting = this.running()
      const blockId = meeting?.focus?.blockId ?? this.options.text.blockAtCursor()
      if (!meeting || !blockId) return void (this.error.textContent = t('meetingNoParagraph'))
      const country = this.interventionCountry.value as CountryCode
      this.act(submit, async () => {
        const input = { blockId, country, summary: summary.value }
        await recording.send([meeting.id, input], (key) => this.api.intervene(meeting.id, input, key))
        summary.value = ''
        this.live.textContent = fill(t('meetingInterventionRecorded'), { country: this.country(country), paragraph: this.paragraphLabel(blockId) })
      })
    })
    return form
  }

  // The chair lets the delegations present hold, lift and support in the room, outside a comment period; the server keeps the rule.
  private allowDelegations(meeting: Meeting): HTMLElement {
    const { t } = this.options
    const box = h('input', { type: 'checkbox', class: 'allow-delegations' })
    box.checked = meeting.delegationsMayAct === true
    box.addEventListener('change', () =>
      this.act(box, () =>
        // A refusal leaves the box as the meeting stands.
        this.api.allowDelegations(meeting.id, box.checked).catch((err: unknown) => {
          box.checked = !box.checked
          throw err
        })
      )
    )
    return h('p', {}, h('label', {}, box, ' ', t('meetingAllowDelegations')))
  }

  private endButton(meeting: Meeting): HTMLElement {
    const { t } = this.options
    return this.button(t('meetingEnd'), (b) => {
      if (!window.confirm(t('meetingConfirmEnd'))) return
      this.act(b, () => this.api.end(meeting.id))
    }, { class: 'end-meeting' })
  }

  private minutesLinks(meeting: Meeting): HTMLElement {
    const { t } = this.options
    return h(
      'p',
      { class: 'meeting-minutes' },
      fill(t('meetingLast'), { title: meeting.title }),
      ' ',
      h('a', { href: this.api.minutesUrl(meeting.id, 'docx'), download: '' }, t('meetingMinutesDocx')),
      ' · ',
      h('a', { href: this.api.minutesUrl(meeting.id, 'md'), download: '' }, t('meetingMinutesMd'))
    )
  }

  private makeStartForm(): HTMLElement {
    const { t } = this.options
    const title = h('input', { id: 'meeting-title', name: 'title', required: true, maxlength: '300' })
    const agenda = h('textarea', { id: 'meeting-agenda', name: 'agenda', rows: '4', 'aria-describedby': 'meeting-agenda-hint' })
    const boxes = COUNTRIES.map((c) => ({ code: c.code, box: h('input', { type: 'checkbox', name: 'attendees', value: c.code, id: `attendee-${c.code}` }) }))
    const submit = h('button', { type: 'submit' }, t('meetingStartSubmit'))
    const form = h(
      'form',
      { class: 'meeting-start' },
      h('label', { for: 'meeting-title' }, t('meetingTitle')),
      title,
      h('label', { for: 'meeting-agenda' }, t('meetingAgenda')),
      agenda,
      h('p', { id: 'meeting-agenda-hint', class: 'hint' }, t('meetingAgendaHint')),
      h(
        'fieldset',
        { class: 'meeting-attendees' },
        h('legend', {}, t('meetingAttendees')),
        ...boxes.map(({ code, box }) => h('span', { class: 'attendee' }, box, h('label', { for: `attendee-${code}` }, this.country(code))))
      ),
      submit
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const items = parseAgenda(agenda.value, this.options.text.blockAt)
      const attendees = boxes.filter(({ box }) => box.checked).map(({ code }) => code)
      this.act(submit, () => this.api.start({ title: title.value, agenda: items, attendees }))
    })
    return h('details', { class: 'meeting-start-details' }, h('summary', {}, t('meetingStart')), form)
  }

  private renderPresence(): void {
    const { t } = this.options
    const perCountry = new Map<string, Set<string>>()
    for (const a of this.attendees) {
      const key = a.country ?? ''
      const names = perCountry.get(key) ?? new Set<string>()
      names.add(a.name)
      perCountry.set(key, names)
    }
    const rows = [...perCountry.entries()].sort(([a], [b]) => a.localeCompare(b))
    const over = rows.filter(([code, names]) => code !== '' && names.size > MAX_DELEGATES_PER_COUNTRY)
    this.presence.replaceChildren(
      h('h3', {}, t('meetingConnected')),
      h(
        'ul',
        { class: 'presence-by-country' },
        ...rows.map(([code, names]) =>
          h('li', { 'data-country': code, title: [...names].join(', ') }, `${code ? this.country(code) : t('meetingChairs')}: ${names.size}`)
        )
      ),
      ...over.map(([code, names]) =>
        h('p', { class: 'presence-warning', role: 'status' }, fill(t('meetingOverLimit'), { country: this.country(code), count: names.size, limit: MAX_DELEGATES_PER_COUNTRY }))
      )
    )
  }
}

// The parts of a list that are there.
const present = <T,>(parts: ReadonlyArray<T | false | null>): T[] => parts.filter((p): p is T => p !== false && p !== null)

/** An agenda item in words: "Apertura (10 min) — PPT / SE CRM — § 3". */
function agendaLabel(item: AgendaItem, paragraph: string | undefined): string {
  return [item.title + (item.minutes === undefined ? '' : ` (${item.minutes} min)`), item.lead, paragraph].filter(Boolean).join(' — ')
}

/**
 * The agenda as the chair types it, one item per line, its parts split by
 * "|": the title first, then in any order a number of minutes, "§ n" for the
 * paragraph it presents, and who coordinates.
 */
export function parseAgenda(text: string, blockAt: (n: number) => string | undefined): AgendaItem[] {
  return text
    .split('\n')
    .map((line) => line.split('|').map((part) => part.trim()))
    .filter(([title]) => title)
    .map(([title, ...rest]) => {
      let item: { title: string; minutes?: number; lead?: string; blockId?: string } = { title: title as string }
      for (const part of rest) {
        const paragraph = /^§\s*(\d+)$/.exec(part)
        if (/^\d+$/.test(part)) item = { ...item, minutes: Number(part) }
        else if (paragraph) {
          const blockId = blockAt(Number(paragraph[1]))
          if (blockId) item = { ...item, blockId }
        } else if (part) item = { ...item, lead: part }
      }
      return item
    })
}
