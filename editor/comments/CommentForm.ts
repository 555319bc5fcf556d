import type { NewComment, TextQuoteSelector } from '../../src'
import { describeError } from '../describeError'
import { RequestKey } from '../RequestKey'
import { h } from '../dom'
import type { Language, Translate } from '../i18n'
import type { QuoteFailure } from './quote'

export interface CommentFormOptions {
  readonly t: Translate
  readonly language: Language
  /** The passage's text when the form opened ("" for an insertion point). */
  readonly quote: string
  /** The passage as it stands now (others may edit it while the form is open). */
  readonly selector: () => { selector: TextQuoteSelector } | { failed: QuoteFailure | 'gone' }
  /**
   * Why this person may not comment now (the comment period is not open),
   * said instead of the form: nothing is offered that the server would refuse.
   */
  readonly closed: string | null
  /**
   * Sends the comment with `requestKey` as its `Idempotency-Key`; throws an
   * `ApiError` with the server's reason if refused.
   */
  readonly submit: (comment: NewComment, requestKey: string) => Promise<void>
  /** The form is done (sent or cancelled). */
  readonly close: () => void
}

/**
 * The form for a new comment on a passage: the comment itself and,
 * optionally, proposed wording prefilled with the passage (emptied, it
 * proposes deleting the passage). A refusal (no open period, a passage the
 * server cannot find) is shown in the reader's language when the app knows it,
 * and nothing typed is lost.
 */
export class CommentForm {
  readonly element: HTMLFormElement

  constructor(options: CommentFormOptions) {
    const { t } = options
    const quote =
      options.quote === ''
        ? h('p', { class: 'form-quote insertion' }, t('insertionPoint'))
        : h('blockquote', { class: 'form-quote' }, options.quote)
    if (options.closed !== null) {
      const close = h('button', { type: 'button', onclick: () => options.close() }, t('close'))
      this.element = h(
        'form',
        { class: 'comment-form closed', 'aria-label': t('newComment') },
        h('h3', {}, t('newComment')),
        quote,
        h('p', { class: 'form-closed', role: 'status' }, options.closed),
        h('div', { class: 'form-actions' }, close)
      )
      this.element.addEventListener('submit', (event) => event.preventDefault())
      queueMicrotask(() => close.focus())
      return
    }
    const body = h('textarea', { name: 'body', rows: '4', required: true, 'aria-label': t('commentBody'), placeholder: t('commentBody') })
    const propose = h('input', { type: 'checkbox', name: 'propose' })
    // Starts as the passage reads, so that a proposal is an edit of it, not a retyping.
    const wording = h('textarea', { name: 'wording', rows: '3', 'aria-label': t('proposedWording') })
    wording.value = options.quote
    // Why the country proposes it, as amendment tools ask: optional.
    const justification = h('textarea', { name: 'justification', rows: '2', 'aria-label': t('justificationLabel'), placeholder: t('justificationLabel') })
    const wordingBox = h('div', { class: 'wording' }, wording, h('p', { class: 'hint' }, t('proposalHint')), justification)
    wordingBox.hidden = true
    propose.addEventListener('change', () => {
      wordingBox.hidden = !propose.checked
      if (propose.checked) wording.focus()
    })
    const error = h('p', { class: 'form-error', role: 'alert' })
    // Kept while a sending's outcome is unknown: sending the same comment again
    // after a network failure cannot make it twice.
    const requestKey = new RequestKey()
    const send = h('button', { type: 'submit', class: 'primary' }, t('send'))
    const cancel = h('button', { type: 'button', onclick: () => options.close() }, t('cancel'))
    this.element = h(
      'form',
      { class: 'comment-form', 'aria-label': t('newComment') },
      h('h3', {}, t('newComment')),
      quote,
      body,
      h('label', { class: 'propose' }, propose, ` ${t('proposeWording')}`),
      wordingBox,
      error,
      h('div', { class: 'form-actions' }, send, cancel)
    )
    this.element.addEventListener('submit', (event) => {
      event.preventDefault()
      const where = options.selector()
      if ('failed' in where) {
        error.textContent = where.failed === 'acrossBlocks' ? t('withinOneParagraph') : t('passageGone')
        return
      }
      if (body.value.trim() === '') return body.focus()
      send.disabled = true
      send.textContent = t('sending')
      error.textContent = ''
      const comment: NewComment = {
        body: body.value,
        anchor: where.selector,
        ...(propose.checked ? { suggestion: { text: wording.value } } : {}),
        ...(propose.checked && justification.value.trim() !== '' ? { justification: justification.value } : {})
      }
      // What the person wrote: the text around the passage may change between two sendings.
      const written = { body: comment.body, quote: comment.anchor.exact, suggestion: comment.suggestion?.text ?? null, justification: comment.justification ?? null }
      requestKey.send(written, (key) => options.submit(comment, key)).then(
        () => options.close(),
        (err: unknown) => {
          error.textContent = describeError(err, t, options.language)
          send.disabled = false
          send.textContent = t('send')
        }
      )
    })
    queueMicrotask(() => body.focus())
  }
}
