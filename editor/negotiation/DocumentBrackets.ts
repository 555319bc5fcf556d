import type { Plugin } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import { delegationMayActIn, needsOpenPeriod, type BracketView, type Meeting, type PeriodsView, type User } from '../../src'
import { catchUpSelection, quoteOf, selectedPassage } from '../comments/quote'
import { scrollBehavior } from '../dom'
import type { DocumentStream } from '../DocumentStream'
import { RequestKey } from '../RequestKey'
import type { Language, Translate } from '../i18n'
import { describePeriod } from '../PeriodBanner'
import { bracketPluginKey } from '../pluginKeys'
import { BracketPanel } from './BracketPanel'
import { bracketPlugin, type BracketPluginMeta } from './bracketPlugin'
import { bracketsApi, type BracketsApi } from './bracketsApi'

export interface DocumentBracketsOptions {
  readonly documentId: string
  readonly user: User
  readonly t: Translate
  readonly language: Language
  /** The document's event stream, of which brackets listen to `bracket` and `open`. */
  readonly stream: DocumentStream
}

/**
 * The brackets of an open document, wired together: the list from the
 * server kept live by the document's `bracket` events, the sidebar panel,
 * and the plugin that shows [ ] in the text. Create it before the editor
 * (its plugin goes into the editor state), then {@link attach} the view.
 */
export class DocumentBrackets {
  readonly panel: BracketPanel
  private readonly api: BracketsApi
  private readonly brackets = new Map<string, BracketView>()
  private view: EditorView | null = null
  private destroyed = false
  // What decides whether a delegation may hold or lift: unknown (null) until heard of, and then the server decides.
  private periods: PeriodsView | null = null
  private meeting: Meeting | undefined

  constructor(private readonly options: DocumentBracketsOptions) {
    const { t, language, user, documentId } = options
    this.api = bracketsApi(documentId)
    const api = this.api
    const receive = (bracket: BracketView) => (this.receive(bracket), bracket)
    // Placing again after no answer places once.
    const placing = new RequestKey()
    this.panel = new BracketPanel({
      t,
      language,
      user,
      actions: {
        place: async (reason, holders) => {
          const view = this.view
          if (!view) return { failed: t('bracketSelectFirst') }
          catchUpSelection(view)
          const selected = selectedPassage(view.state)
          if ('failed' in selected || selected.passage.from === selected.passage.to) return { failed: t('bracketSelectFirst') }
          const quoted = quoteOf(view.state, selected.passage)
          if ('failed' in quoted) return { failed: t('bracketSelectFirst') }
          const input = { anchor: quoted.selector, reason, holders }
          return receive(await placing.send(input, (key) => api.place(input, key)))
        },
        hold: async (id, held) => receive(await api.hold(id, held)),
        remove: async (id) => receive(await api.remove(id)),
        addOption: async (id, text) => receive(await api.addOption(id, text)),
        support: async (id, optionId, supported) => receive(await api.support(id, optionId, supported)),
        choose: async (id, optionId) => receive(await api.choose(id, optionId)),
        select: (id) => this.reveal(id)
      }
    })
    // The list is fetched once the stream is open, so that no change falls between the two.
    options.stream.on('open', () => void this.refetch())
    options.stream.on('bracket', (bracket) => this.receive(bracket))
  }

  /** The comment periods as the comments' feed has them: a delegation holds and lifts only while one is open. */
  setPeriods(periods: PeriodsView): void {
    this.periods = periods
    this.tellHolds()
  }

  /** The running meeting (undefined: none), whose chair may let the delegations present hold and lift outside a period. */
  setMeeting(meeting: Meeting | undefined): void {
    this.meeting = meeting
    this.tellHolds()
  }

  // The server's rule for a delegation's holds (Brackets.asDelegation): an open
  // period, or a running meeting that lets the country act. Unknown periods: offered.
  private tellHolds(): void {
    const { user, t, language } = this.options
    if (!needsOpenPeriod(user.role) || user.country === null || !this.periods) return
    const mayAct = this.periods.open || delegationMayActIn(this.meeting, user.country)
    this.panel.setHoldsClosed(mayAct ? null : `${describePeriod(this.periods, t, language).text}. ${t('bracketHoldsClosed')}`)
  }

  /** The editor plugin that shows brackets in the text. */
  plugins(): Plugin[] {
    return [bracketPlugin()]
  }

  /** Binds the view (created with {@link plugins}). */
  attach(view: EditorView): void {
    this.view = view
  }

  private async refetch(): Promise<void> {
    try {
      const list = await this.api.list()
      if (this.destroyed) return
      this.brackets.clear()
      for (const bracket of list) this.brackets.set(bracket.id, bracket)
      this.announce()
    } catch {
      // Offline or refused: the stream's next reconnection fetches again.
    }
  }

  private receive(bracket: BracketView): void {
    if (this.destroyed) return
    if (bracket.removed) this.brackets.delete(bracket.id)
    else this.brackets.set(bracket.id, bracket)
    this.announce()
  }

  private announce(): void {
    const list = [...this.brackets.values()].sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.id.localeCompare(b.id))
    this.panel.setBrackets(list)
    const view = this.view
    if (view) view.dispatch(view.state.tr.setMeta(bracketPluginKey, { brackets: list } satisfies BracketPluginMeta))
  }

  private reveal(id: string): void {
    const view = this.view
    const passage = view ? bracketPluginKey.getState(view.state)?.passages.get(id) : undefined
    if (!view || !passage) return
    const { node } = view.domAtPos(passage.from)
    const element = node instanceof Element ? node : node.parentElement
    element?.scrollIntoView({ block: 'center', behavior: scrollBehavior() })
  }

  destroy(): void {
    this.destroyed = true
    this.view = null
  }
}
