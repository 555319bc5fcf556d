import { type Author, COMMENT_STATUSES, type CommentStatus, type CommentView, mayComment, mayDecide, mayWithdraw, kindOf, supportRefusal, type User } from '../../src'
import { describeError } from '../describeError'
import { RequestKey } from '../RequestKey'
import { h } from '../dom'
import { countryName, fill, formatInstant, type Language, type MessageKey, type Translate } from '../i18n'
import { isOpenProposal } from './commentPlugin'
import { supportersOf } from './commentFilter'

/** What a card may ask of the app; each action throws an `ApiError` if the server refuses. */
export interface CommentActions {
  /** `requestKey` names this sending: the same key again after no answer, and the reply is not added twice. */
  readonly reply: (commentId: string, body: string, requestKey: string) => Promise<void>
  readonly setStatus: (commentId: string, status: CommentStatus, answer?: string) => Promise<void>
  readonly decide: (commentId: string, outcome: 'accept' | 'reject') => Promise<void>
  /** Gives (`on`) or takes back the support of this person's country for the proposal. */
  readonly support: (commentId: string, on: boolean) => Promise<void>
  /** The card was clicked: its passage is to be shown in the text. */
  readonly select: (commentId: string) => void
}

export interface CommentCardContext {
  readonly t: Translate
  readonly language: Language
  readonly user: User
  readonly actions: CommentActions
}

/** The translated name of a status. */
export const statusLabel = (t: Translate, status: CommentStatus): string => t(`status_${status}` as MessageKey)

const byline = (author: Author, at: string, language: Language) => `${author.name} · ${formatInstant(at, language)}`

/**
 * One comment in the sidebar: who (country, author, date), the passage as
 * it reads now (or, detached, as it was quoted), the comment, the proposed
 * wording as a struck original and an inserted proposal, the status, the
 * Presidency's answer and the thread; then what this person may do: reply,
 * withdraw (their own country's open comment), or decide (the Presidency).
 * What is typed in a card survives its updates.
 */
export class CommentCard {
  readonly element: HTMLElement
  private readonly display = h('div', { class: 'card-display' })
  private readonly error = h('p', { class: 'card-error', role: 'alert' })
  private readonly statusSelect: HTMLSelectElement | null = null
  private readonly answerInput: HTMLTextAreaElement | null = null
  private readonly decisionBox: HTMLDetailsElement | null = null
  private readonly replyBox: HTMLFormElement | null = null
  private readonly repliesClosed: HTMLElement | null = null
  // Whether the Presidency has started changing the decision form (then updates leave it alone).
  private decisionTouched = false
  private comment: CommentView
  private passageText: string | null
  private mayWrite = true

  constructor(
    comment: CommentView,
    passageText: string | null,
    private readonly context: CommentCardContext
  ) {
    const { t, user } = context
    this.comment = comment
    this.passageText = passageText
    this.element = h('article', { class: 'comment-card', 'data-comment-id': comment.id, tabindex: '0' }, this.display)
    this.element.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target : null
      // The decision box's own toggle opens and closes it: selecting the card (which opens it) would undo that.
      if (target?.closest('button, textarea, select, input, form, a, summary')) return
      context.actions.select(this.comment.id)
    })
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target === this.element) context.actions.select(this.comment.id)
    })
    if (mayComment(user.role)) {
      this.replyBox = this.replyForm()
      this.repliesClosed = h('p', { class: 'replies-closed' }, t('repliesClosed'))
      this.repliesClosed.hidden = true
      this.element.append(this.replyBox, this.repliesClosed)
    }
    if (mayDecide(user.role)) {
      this.statusSelect = h(
        'select',
        { name: 'status', 'aria-label': t('status') },
        ...COMMENT_STATUSES.map((s) => h('option', { value: s }, statusLabel(t, s)))
      )
      this.answerInput = h('textarea', { name: 'answer', rows: '2', 'aria-label': t('answerLabel'), placeholder: t('answerLabel') })
      // Folded away until the card is chosen: a list of open forms is hard to read.
      this.decisionBox = h('details', { class: 'card-decide-box' }, h('summary', {}, t('decideAndAnswer')), this.decisionForm(this.statusSelect, this.answerInput))
      this.element.append(this.decisionBox)
    }
    this.element.append(this.error)
    this.render()
  }

  get id(): string {
    return this.comment.id
  }

  /** Shows the comment as it now stands (from the server) and its passage as it now reads (from the text). */
  update(comment: CommentView, passageText: string | null): void {
    if (comment === this.comment && passageText === this.passageText) return
    this.comment = comment
    this.passageText = passageText
    this.render()
  }

  set active(active: boolean) {
    this.element.classList.toggle('active', active)
    if (active && this.decisionBox) this.decisionBox.open = true
  }

  /** Whether this person may reply now (a delegate only while a comment period is open). */
  set writable(writable: boolean) {
    if (this.mayWrite !== writable) {
      this.mayWrite = writable
      this.render()
    }
    if (this.replyBox) this.replyBox.hidden = !writable
    if (this.repliesClosed) this.repliesClosed.hidden = writable
  }

  /** Whether the comment's proposed wording still waits for a decision and this person may give it. */
  get decidable(): boolean {
    return mayDecide(this.context.user.role) && isOpenProposal(this.comment)
  }

  /** Puts the keyboard on the card itself. */
  focus(): void {
    this.element.focus({ preventScroll: true })
    this.element.scrollIntoView({ block: 'nearest' })
  }

  set hovered(hovered: boolean) {
    this.element.classList.toggle('hovered', hovered)
  }

  private render(): void {
    const { t, language, user } = this.context
    const c = this.comment
    this.element.className = `comment-card country-${c.country ?? 'none'}${this.element.classList.contains('active') ? ' active' : ''}`
    this.element.dataset.status = c.status
    this.element.dataset.country = c.country ?? ''
    const country = c.country ? countryName(c.country, language) : t('presidencyNotes')
    const header = h(
      'header',
      { class: 'card-header' },
      h('span', { class: 'country-chip' }, c.country ?? t('presidencyShort')),
      h('strong', { class: 'card-country' }, country),
      kindOf(c) === 'intervention' && h('span', { class: 'kind-badge kind-intervention' }, t('interventionKind')),
      h('span', { class: `status-badge status-${c.status}` }, statusLabel(t, c.status))
    )
    const meta = h('p', { class: 'card-byline' }, byline(c.author, c.createdAt, language))
    this.display.replaceChildren(header, meta, this.passage(), h('p', { class: 'card-body' }, c.body), ...this.proposal(), ...this.answer(), ...this.thread())
    if (mayWithdraw(user, c)) {
      const withdraw = h('button', { type: 'button', class: 'withdraw' }, t('withdraw'))
      withdraw.addEventListener('click', () => {
        if (!window.confirm(t('confirmWithdraw'))) return
        this.run(withdraw, () => this.context.actions.setStatus(c.id, 'withdrawn'))
      })
      this.display.append(h('div', { class: 'card-actions' }, withdraw))
    }
    if (this.statusSelect && this.answerInput && !this.decisionTouched) {
      this.statusSelect.value = c.status
      this.answerInput.value = c.answer?.body ?? ''
    }
  }

  private passage(): HTMLElement {
    const { t } = this.context
    const { anchor } = this.comment
    // The text's own reading first: it follows everyone's edits as they happen.
    const current = this.passageText ?? (anchor.detached ? null : anchor.text)
    if (current === null)
      return h('blockquote', { class: 'card-passage detached' }, h('s', {}, anchor.quote), ' ', h('span', { class: 'badge-detached' }, t('detached')))
    if (current === '') return h('p', { class: 'card-passage insertion' }, t('insertionPoint'))
    return h('blockquote', { class: 'card-passage' }, current)
  }

  private proposal(): HTMLElement[] {
    const { t, language } = this.context
    const { suggestion, anchor } = this.comment
    if (!suggestion) return []
    const decision = suggestion.decision
    // What the proposal replaces: for an accepted one, the text as it stood before.
    const original = decision?.replaced ?? this.passageText ?? anchor.text ?? anchor.quote
    const change = h(
      'p',
      { class: 'card-change' },
      original ? h('del', {}, original) : null,
      original && suggestion.text ? ' → ' : null,
      suggestion.text ? h('ins', {}, suggestion.text) : h('em', { class: 'deletion' }, `(${t('proposesDeletion')})`)
    )
    const box = h('div', { class: `card-proposal${decision ? ` decided ${decision.outcome}` : ''}` }, h('span', { class: 'label' }, t('proposal')), change)
    const { justification } = this.comment
    if (justification) box.append(h('p', { class: 'card-justification' }, fill(t('justificationShown'), { text: justification })))
    const supporters = supportersOf(this.comment)
    if (supporters.length > 0) box.append(h('p', { class: 'card-supporters' }, fill(t('supportedBy'), { countries: supporters.join(', ') })))
    const { user } = this.context
    // A delegation's support, while it may write (the server checks the period too).
    if (this.mayWrite && !supportRefusal(user, this.comment) && user.country) {
      const on = !supporters.includes(user.country)
      const support = h('button', { type: 'button', class: on ? 'support' : 'support withdraw-support' }, t(on ? 'supportProposal' : 'withdrawSupport'))
      support.addEventListener('click', () => this.run(support, () => this.context.actions.support(this.comment.id, on)))
      box.append(h('div', { class: 'card-actions' }, support))
    }
    if (decision)
      box.append(h('p', { class: 'card-decision' }, `${t(decision.outcome)} · ${byline(decision.by, decision.at, language)}`))
    else if (mayDecide(this.context.user.role) && this.comment.status === 'open') {
      const accept = h('button', { type: 'button', class: 'accept' }, t('accept'))
      const reject = h('button', { type: 'button', class: 'reject' }, t('reject'))
      accept.addEventListener('click', () => this.run(accept, () => this.context.actions.decide(this.comment.id, 'accept')))
      reject.addEventListener('click', () => this.run(reject, () => this.context.actions.decide(this.comment.id, 'reject')))
      // A deleted passage cannot be replaced: such a proposal can only be rejected.
      const gone = this.passageText === null && anchor.detached
      box.append(h('div', { class: 'card-actions' }, gone ? null : accept, reject))
    }
    return [box]
  }

  private answer(): HTMLElement[] {
    const { t, language } = this.context
    const answer = this.comment.answer
    if (!answer) return []
    return [
      h(
        'div',
        { class: 'card-answer' },
        h('span', { class: 'label' }, t('answer')),
        h('p', { class: 'answer-body' }, answer.body),
        h('p', { class: 'card-byline' }, byline(answer.by, answer.at, language))
      )
    ]
  }

  private thread(): HTMLElement[] {
    const { language } = this.context
    if (this.comment.replies.length === 0) return []
    return [
      h(
        'ol',
        { class: 'card-thread' },
        ...this.comment.replies.map((reply) =>
          h(
            'li',
            {},
            h('p', { class: 'card-byline' }, `${reply.author.country ? `${reply.author.country} · ` : ''}${byline(reply.author, reply.createdAt, language)}`),
            h('p', { class: 'reply-body' }, reply.body)
          )
        )
      )
    ]
  }

  private replyForm(): HTMLFormElement {
    const { t } = this.context
    const body = h('textarea', { name: 'reply', rows: '1', 'aria-label': t('reply'), placeholder: t('replyPlaceholder') })
    const send = h('button', { type: 'submit' }, t('reply'))
    const form = h('form', { class: 'card-reply' }, body, send)
    // Kept across a failed sending, so that sending the same reply again cannot add it twice.
    const requestKey = new RequestKey()
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      if (body.value.trim() === '') return
      this.run(send, async () => {
        const text = body.value
        await requestKey.send(text, (key) => this.context.actions.reply(this.comment.id, text, key))
        body.value = ''
      })
    })
    return form
  }

  private decisionForm(status: HTMLSelectElement, answer: HTMLTextAreaElement): HTMLFormElement {
    const { t } = this.context
    const save = h('button', { type: 'submit' }, t('save'))
    const form = h('form', { class: 'card-decide' }, h('label', {}, `${t('status')} `, status), answer, save)
    const touch = () => (this.decisionTouched = true)
    status.addEventListener('change', touch)
    answer.addEventListener('input', touch)
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const text = answer.value.trim()
      this.run(save, async () => {
        await this.context.actions.setStatus(this.comment.id, status.value as CommentStatus, text === '' ? undefined : text)
        this.decisionTouched = false
      })
    })
    return form
  }

  // Runs an action with its button disabled; shows the server's refusal on the card.
  private run(button: HTMLButtonElement, action: () => Promise<void>): void {
    button.disabled = true
    this.error.textContent = ''
    action().then(
      () => (button.disabled = false),
      (err: unknown) => {
        button.disabled = false
        this.error.textContent = describeError(err, this.context.t, this.context.language)
      }
    )
  }
}
