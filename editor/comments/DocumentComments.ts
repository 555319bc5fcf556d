import { keymap } from 'prosemirror-keymap'
import { Plugin, type EditorState } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import { type CommentView, mayComment, mayDecide, needsOpenPeriod, type PeriodsView, type User } from '../../src'
import { describeError } from '../describeError'
import { scrollBehavior } from '../dom'
import type { Language, Translate } from '../i18n'
import { exchangeApi } from '../exchange/exchangeApi'
import { describePeriod, PeriodBanner } from '../PeriodBanner'
import { commentPluginKey } from '../pluginKeys'
import { commentButtonPlugin } from './commentButton'
import type { DocumentStream } from '../DocumentStream'
import { CommentFeed } from './CommentFeed'
import { CommentForm } from './CommentForm'
import { commentOnSelection, commentPlugin, commentState, type CommentPluginMeta, type DraftPassage } from './commentPlugin'
import { commentsApi, type CommentsApi } from './commentsApi'
import { CommentSidebar } from './CommentSidebar'
import { catchUpSelection, quoteOf } from './quote'

export interface DocumentCommentsOptions {
  readonly documentId: string
  readonly user: User
  readonly t: Translate
  readonly language: Language
  /** The document's event stream, of which comments listen to `comment`, `period` and `open`. */
  readonly stream: DocumentStream
  /** Hears of the comment periods each time they are known anew (the brackets' holds follow them too). Default none. */
  readonly onPeriods?: (periods: PeriodsView) => void
}

/**
 * The comments of an open document, wired together: the live feed from the
 * server, the sidebar, the period banner, and the plugins that mark passages
 * in the text and offer to comment on a selection. Create it before the
 * editor (its plugins go into the editor state), then {@link attach} the view.
 */
export class DocumentComments {
  readonly sidebar: CommentSidebar
  readonly banner: PeriodBanner
  private readonly api: CommentsApi
  private readonly feed: CommentFeed
  private view: EditorView | null = null
  private periods: PeriodsView | null = null
  private refreshFrame = 0

  constructor(private readonly options: DocumentCommentsOptions) {
    const { user, t, language, documentId } = options
    this.api = commentsApi(documentId)
    const api = this.api
    const receive = (comment: CommentView) => this.feed.receive(comment)
    this.banner = new PeriodBanner({ t, language, user, api })
    this.sidebar = new CommentSidebar({
      t,
      language,
      user,
      actions: {
        reply: async (id, body, requestKey) => receive(await api.reply(id, body, requestKey)),
        setStatus: async (id, status, answer) => receive(await api.setStatus(id, status, answer)),
        support: async (id, on) => receive(await api.support(id, on)),
        decide: async (id, outcome) => {
          receive(await api.decide(id, outcome))
          this.sidebar.afterDecision(id)
        },
        decideAll: async (country, outcome) => {
          const results = await api.decideAll(country, outcome)
          for (const result of results) if ('comment' in result) receive(result.comment)
          return results
        },
        select: (id) => this.activate(id, 'sidebar')
      },
      locate: (id) => this.locate(id),
      onShown: (comments) => this.setMeta({ comments }),
      matrixUrl: (format) => exchangeApi.matrixUrl(documentId, format, language),
      commentOnSelection: () => {
        const view = this.view
        if (!view) return false
        catchUpSelection(view)
        // An empty selection is an insertion point only where an editor put the caret on purpose.
        if (view.state.selection.empty && !view.hasFocus()) return false
        return commentOnSelection((draft) => this.openForm(draft))(view.state, view.dispatch, view)
      }
    })
    this.feed = new CommentFeed(api, options.stream, {
      onComments: (comments) => this.sidebar.setComments(comments),
      onPeriods: (periods) => {
        this.periods = periods
        this.banner.update(periods)
        this.sidebar.setWritable(this.closedReason() === null)
        options.onPeriods?.(periods)
      }
    })
  }

  /** The editor plugins: passages and proposals in the text, and the floating "Comment" button. */
  plugins(): Plugin[] {
    const { t, user, language } = this.options
    return [
      commentPlugin({
        t,
        mayDecide: mayDecide(user.role),
        onDecide: (id, outcome) => {
          this.api.decide(id, outcome).then(
            (comment) => {
              this.feed.receive(comment)
              this.sidebar.afterDecision(id)
            },
            (err: unknown) => window.alert(describeError(err, t, language))
          )
        },
        onSelect: (id) => this.activate(id, 'text'),
        onHover: (id) => this.sidebar.setHovered(id)
      }),
      ...(mayComment(user.role)
        ? [
            commentButtonPlugin(t, (draft) => this.openForm(draft)),
            // As in the word processors delegations know: Ctrl+Alt+M comments on the selection.
            keymap({ 'Mod-Alt-m': commentOnSelection((draft) => this.openForm(draft)) })
          ]
        : []),
      // Tells the sidebar when passages moved or read differently.
      new Plugin({
        view: () => ({
          update: (view, previous: EditorState) => {
            if (view.state.doc === previous.doc && commentState(view.state)?.passages === commentState(previous)?.passages) return
            cancelAnimationFrame(this.refreshFrame)
            this.refreshFrame = requestAnimationFrame(() => this.sidebar.refresh())
          }
        })
      })
    ]
  }

  /** Binds the view (created with {@link plugins}). */
  attach(view: EditorView): void {
    this.view = view
  }

  private setMeta(meta: CommentPluginMeta): void {
    const view = this.view
    if (view) view.dispatch(view.state.tr.setMeta(commentPluginKey, meta))
  }

  private locate(id: string) {
    const state = this.view?.state
    const passage = state ? commentState(state)?.passages.get(id) : undefined
    if (!state || !passage) return undefined
    return { from: passage.from, text: state.doc.textBetween(passage.from, passage.to, '\n', '\n') }
  }

  // A comment was chosen, in the sidebar (show its passage) or in the text (show its card).
  private activate(id: string, from: 'sidebar' | 'text'): void {
    this.setMeta({ active: id })
    this.sidebar.setActive(id, from === 'text')
    const view = this.view
    const passage = view ? commentState(view.state)?.passages.get(id) : undefined
    if (!view || !passage || from === 'text') return
    const { node } = view.domAtPos(passage.from)
    const element = node instanceof Element ? node : node.parentElement
    element?.scrollIntoView({ block: 'center', behavior: scrollBehavior() })
  }

  // Why this person may not comment or reply now, or null if they may
  // (or the periods are not known yet: the server decides then).
  private closedReason(): string | null {
    const { t, user, language } = this.options
    if (!needsOpenPeriod(user.role) || !this.periods || this.periods.open) return null
    return `${describePeriod(this.periods, t, language).text}. ${t('commentsClosedForDelegates')}`
  }

  private openForm(draft: DraftPassage): void {
    const view = this.view
    if (!view) return
    const { t } = this.options
    const close = () => {
      this.sidebar.showForm(null)
      this.setMeta({ draft: null })
      // The passage is dealt with: drop the selection, or the "Comment" button would offer it again.
      const selection = document.getSelection()
      if (selection && view.dom.contains(selection.anchorNode)) selection.removeAllRanges()
    }
    const form = new CommentForm({
      t,
      language: this.options.language,
      quote: view.state.doc.textBetween(draft.passage.from, draft.passage.to, '\n', '\n'),
      closed: this.closedReason(),
      // The passage as it stands when the form is sent: others may have edited around it meanwhile.
      selector: () => {
        const current = commentState(view.state)?.draft
        if (!current) return { failed: 'gone' }
        return quoteOf(view.state, current.passage)
      },
      submit: async (comment, requestKey) => {
        this.feed.receive(await this.api.create(comment, requestKey))
      },
      close
    })
    this.sidebar.showForm(form.element)
  }

  destroy(): void {
    cancelAnimationFrame(this.refreshFrame)
    this.feed.destroy()
    this.view = null
  }
}
