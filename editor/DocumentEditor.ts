import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { keymap } from 'prosemirror-keymap'
import { ySyncPlugin, yCursorPlugin, yUndoPlugin } from 'y-prosemirror'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { tableEditing } from 'prosemirror-tables'
import { CloseCode, colorOf, CONTENT_FRAGMENT, countDocumentWords, isRefusalClose, schema, type User } from '../src'
import { api, ApiError } from './api'
import { blockIdPlugin } from './blockIdPlugin'
import { attachCitationButton, citedBlockPlugin, revealBlock } from './citation'
import { baseKeymap, keyBindings } from './commands'
import { DocumentComments } from './comments/DocumentComments'
import { DocumentBrackets } from './negotiation/DocumentBrackets'
import { StatusMargin } from './negotiation/statusMargin'
import { h } from './dom'
import { fill, type Language, type Translate } from './i18n'
import { footnotePlugin } from './footnoteView'
import { menuPlugin } from './menu'
import { readOnlyPlugin } from './readOnlyPlugin'
import { narrowRemoteChange } from './remoteChange'
import { batchRemoteUpdates } from './remoteUpdates'
import { MeetingPanel } from './meeting/MeetingPanel'
import { blockAtSelection, meetingFocusPlugin, showMeetingFocus } from './meeting/meetingFocus'
import { SilenceBanner } from './versions/SilencePanel'
import { DocumentStream } from './DocumentStream'

/** What the editor shows of its link to the server. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline'

/** Why the server ended the connection for good (WebSocket close codes 44xx). */
export type ClosedReason = 'session' | 'forbidden' | 'missing' | 'tooLarge' | 'unsafeLink' | 'flood' | 'refused'

// The refusals the app tells apart; any other 44xx is 'refused'.
const CLOSED_REASONS: ReadonlyMap<number, ClosedReason> = new Map([
  [CloseCode.unauthorized, 'session'],
  [CloseCode.forbidden, 'forbidden'],
  [CloseCode.notFound, 'missing'],
  [CloseCode.documentTooLarge, 'tooLarge'],
  [CloseCode.unsafeContent, 'unsafeLink'],
  [CloseCode.tooManyMessages, 'flood']
])

/** A person present in the document, as the server vouches for them. */
export interface Presence {
  readonly name: string
  readonly country: string | null
  readonly color: string
  readonly self: boolean
}

export interface DocumentEditorOptions {
  readonly documentId: string
  /** The document's title, which names its text to assistive technology. */
  readonly title: string
  readonly user: User
  readonly t: Translate
  readonly language: Language
  /** A block to scroll to once the document has arrived (a cited paragraph). */
  readonly blockId?: string
  /** Called when the server ends the connection for good (session ended, access withdrawn). */
  readonly onClosed: (reason: ClosedReason, detail: string) => void
}

const COLOR = /^#[0-9a-fA-F]{6}$/
const safeColor = (color: unknown) => (typeof color === 'string' && COLOR.test(color) ? color : '#4a5568')

interface AwarenessUser {
  name?: unknown
  country?: unknown
  color?: unknown
}

const labelOf = (user: AwarenessUser) =>
  `${typeof user.name === 'string' ? user.name : '?'}${typeof user.country === 'string' ? ` · ${user.country}` : ''}`

// Colours are set through the CSSOM (element.style), which the page's
// Content-Security-Policy allows, rather than through style attributes.
function cursorBuilder(user: AwarenessUser): HTMLElement {
  const cursor = document.createElement('span')
  cursor.className = 'ProseMirror-yjs-cursor'
  cursor.style.borderColor = safeColor(user.color)
  const label = document.createElement('div')
  label.style.backgroundColor = safeColor(user.color)
  label.textContent = labelOf(user)
  cursor.append('\u2060', label, '\u2060')
  return cursor
}

const selectionBuilder = (user: AwarenessUser) => ({
  class: 'ProseMirror-yjs-selection',
  style: `background-color: ${safeColor(user.color)}40`
})

/**
 * A document open for collaborative editing: a ProseMirror view bound by
 * y-prosemirror to the document's Y.Doc, synced with the server over the
 * y-websocket protocol. Edits made while offline stay in the Y.Doc and are
 * merged when the connection comes back. Read-only for roles that may not
 * edit; the server enforces this too.
 */
export class DocumentEditor {
  readonly element: HTMLElement
  private readonly doc = new Y.Doc()
  private readonly provider: WebsocketProvider
  private readonly view: EditorView
  private readonly statusLabel: HTMLElement
  private readonly presenceList: HTMLElement
  private readonly wordCount: HTMLElement
  private state: ConnectionState = 'connecting'
  private everConnected = false
  private lastSessionCheck = 0
  private wordTimer: ReturnType<typeof setTimeout> | undefined
  private readonly wordCache = new WeakMap<ProseMirrorNode, number>()
  private labelFrame = 0
  private readonly detachCitation: () => void
  private readonly stopBatching: () => void
  private readonly comments: DocumentComments
  private readonly brackets: DocumentBrackets
  private readonly meeting: MeetingPanel
  private readonly margin: StatusMargin
  private readonly stream: DocumentStream

  constructor(private readonly options: DocumentEditorOptions) {
    const { t, user, documentId } = options
    this.statusLabel = h('span', { class: 'connection', 'data-state': 'connecting', role: 'status' }, t('connecting'))
    this.presenceList = h('ul', { class: 'presence', 'aria-label': t('present') })
    this.wordCount = h('span', { class: 'word-count' })
    const toolbar = h('div', { class: 'toolbar', role: 'toolbar' })
    const surface = h('div', { class: 'document-surface' })
    // One event stream for every part: see DocumentStream. Started once the view is made.
    const stream = (this.stream = new DocumentStream(documentId))
    this.margin = new StatusMargin({ documentId, user, t, language: options.language }, stream)
    this.brackets = new DocumentBrackets({ documentId, user, t, language: options.language, stream })
    // The periods the comments know of also decide whether a delegation may hold a bracket.
    this.comments = new DocumentComments({ documentId, user, t, language: options.language, stream, onPeriods: (periods) => this.brackets.setPeriods(periods) })
    // The text's paragraphs in reading order, as the minutes number them.
    const paragraphs = () => {
      const ids: string[] = []
      this.view.state.doc.descendants((node) => {
        if (node.isTextblock && typeof node.attrs.id === 'string') ids.push(node.attrs.id)
        return !node.isTextblock
      })
      return ids
    }
    this.meeting = new MeetingPanel({
      documentId,
      user,
      t,
      language: options.language,
      stream,
      // So does a running meeting whose chair lets the delegations present act.
      onRunning: (meeting) => this.brackets.setMeeting(meeting),
      text: {
        // The panel may hear of a meeting before the view is made: it shows the focus again once the text arrives.
        showFocus: (blockId, scroll) => {
          if (this.view as EditorView | undefined) showMeetingFocus(this.view, blockId, scroll)
        },
        blockAtCursor: () => blockAtSelection(this.view.state),
        numberOf: (blockId) => {
          const at = paragraphs().indexOf(blockId)
          return at === -1 ? undefined : at + 1
        },
        blockAt: (n) => paragraphs()[n - 1]
      }
    })
    this.element = h(
      'section',
      { class: 'document-editor' },
      h('div', { class: 'editor-bar' }, this.statusLabel, this.wordCount, this.presenceList),
      this.comments.banner.element,
      this.meeting.element,
      new SilenceBanner({ documentId, user, t, language: options.language }, stream).element,
      h(
        'div',
        { class: 'document-columns' },
        h('div', { class: 'text-column' }, user.mayEdit ? toolbar : h('p', { class: 'read-only-banner' }, t('readOnly')), this.margin.element, surface),
        h('div', { class: 'side-column' }, this.brackets.panel.element, this.comments.sidebar.element)
      )
    )

    const wsProtocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
    // The session cookie goes with the upgrade request; the server decides
    // who this is. BroadcastChannel is off so that every update and every
    // presence passes through the server's checks.
    this.provider = new WebsocketProvider(`${wsProtocol}//${location.host}/collab`, documentId, this.doc, { disableBc: true })
    this.stopBatching = batchRemoteUpdates(this.provider)
    this.provider.awareness.setLocalStateField('user', {
      name: user.name,
      country: user.country,
      color: colorOf(user)
    })
    const fragment = this.doc.getXmlFragment(CONTENT_FRAGMENT)
    const plugins = [
      ySyncPlugin(fragment),
      yCursorPlugin(this.provider.awareness, { cursorBuilder, selectionBuilder }),
      // tableEditing keeps cell selections and repairs tables a merge left uneven.
      ...(user.mayEdit ? [yUndoPlugin(), keymap(keyBindings), tableEditing()] : [readOnlyPlugin()]),
      keymap(baseKeymap),
      ...(user.mayEdit ? [blockIdPlugin(), menuPlugin(toolbar, t)] : []),
      citedBlockPlugin(),
      meetingFocusPlugin(),
      footnotePlugin(),
      this.margin.plugin(),
      ...this.comments.plugins(),
      ...this.brackets.plugins()
    ]
    const onDocChanged = () => this.scheduleWordCount()
    const onUpdated = () => this.scheduleCursorLabels()
    this.view = new EditorView(surface, {
      state: EditorState.create({ schema, plugins }),
      // Read-only text stays focusable, for a caret and a keyboard selection: readOnlyPlugin refuses the changes.
      editable: () => true,
      attributes: {
        class: 'document-text',
        role: 'textbox',
        'aria-multiline': 'true',
        spellcheck: user.mayEdit ? 'true' : 'false',
        lang: 'es',
        'aria-label': fill(t('documentTextLabel'), { title: options.title })
      },
      // y-prosemirror dispatches while the view is still being built, so the
      // view is reached through `this`, not through the field it will go to.
      dispatchTransaction(this: EditorView, tr) {
        this.updateState(this.state.apply(narrowRemoteChange(this.state, tr)))
        if (tr.docChanged) onDocChanged()
        onUpdated()
      }
    })

    this.margin.attach(this.view)
    this.comments.attach(this.view)
    this.brackets.attach(this.view)
    this.stream.start()

    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.everConnected = true
      this.setState(status === 'connected' ? 'connected' : !navigator.onLine ? 'offline' : this.everConnected ? 'reconnecting' : 'connecting')
      if (status === 'disconnected') void this.checkSession()
    })
    this.provider.on('connection-error', () => void this.checkSession())
    this.provider.on('connection-close', (event) => {
      if (!event || !isRefusalClose(event.code)) return
      const reason = CLOSED_REASONS.get(event.code) ?? 'refused'
      this.options.onClosed(reason, event.reason)
    })
    this.detachCitation = attachCitationButton(surface, documentId, t)
    let revealed = options.blockId === undefined
    this.provider.on('sync', (synced) => {
      this.scheduleWordCount()
      if (synced && !revealed && options.blockId) revealed = revealBlock(this.view, options.blockId)
      if (synced) this.meeting.textArrived()
    })
    this.provider.awareness.on('change', this.renderPresence)
    window.addEventListener('online', this.onNetworkChange)
    window.addEventListener('offline', this.onNetworkChange)
    this.renderPresence()
  }

  private readonly onNetworkChange = () => {
    if (!navigator.onLine) this.setState('offline')
    else if (this.state === 'offline') this.setState(this.provider.wsconnected ? 'connected' : 'reconnecting')
  }

  private setState(state: ConnectionState): void {
    this.state = state
    const { t } = this.options
    this.statusLabel.dataset.state = state
    this.statusLabel.textContent = t(state)
  }

  // A refused upgrade reaches the browser only as a failed connection, not
  // as a 401: ask the API whether the session is still alive.
  private async checkSession(): Promise<void> {
    const now = Date.now()
    if (now - this.lastSessionCheck < 5000 || !navigator.onLine) return
    this.lastSessionCheck = now
    try {
      await api.document(this.options.documentId)
    } catch (err) {
      if (!(err instanceof ApiError)) return
      if (err.status === 401) this.options.onClosed('session', err.message)
      else if (err.status === 403) this.options.onClosed('forbidden', err.message)
      else if (err.status === 404) this.options.onClosed('missing', err.message)
    }
  }

  // A remote cursor's name is drawn rightwards from the caret; near the text's
  // right edge it would be cut there, so it is drawn leftwards instead.
  private scheduleCursorLabels(): void {
    if (this.labelFrame) return
    this.labelFrame = requestAnimationFrame(() => {
      this.labelFrame = 0
      const labels = this.view.dom.querySelectorAll<HTMLElement>('.ProseMirror-yjs-cursor > div')
      // Alone in the text, nothing to measure: no layout is read while typing.
      if (labels.length === 0) return
      const edge = this.view.dom.getBoundingClientRect().right
      for (const label of labels) {
        const caret = (label.parentElement as HTMLElement).getBoundingClientRect().left
        label.classList.toggle('flip', caret + label.offsetWidth > edge)
      }
    })
  }

  // At most one count per 300 ms, whether or not others keep typing; each
  // counts again only the blocks that changed since the last (wordCache).
  private scheduleWordCount(): void {
    if (this.wordTimer !== undefined) return
    this.wordTimer = setTimeout(() => {
      this.wordTimer = undefined
      const words = countDocumentWords(this.view.state.doc, this.wordCache)
      this.wordCount.textContent = `${words.toLocaleString(this.options.language)} ${this.options.t('words')}`
    }, 300)
  }

  private readonly renderPresence = () => {
    const people: Presence[] = []
    for (const [clientId, state] of this.provider.awareness.getStates()) {
      const user = (state as { user?: AwarenessUser }).user
      if (!user) continue
      people.push({
        name: typeof user.name === 'string' ? user.name : '?',
        country: typeof user.country === 'string' ? user.country : null,
        color: safeColor(user.color),
        self: clientId === this.doc.clientID
      })
    }
    this.meeting.setAttendees(people)
    this.presenceList.replaceChildren(
      ...people.map((p) => {
        const item = h('li', { class: p.self ? 'self' : '', title: p.name }, labelOf(p))
        item.style.borderColor = p.color
        return item
      })
    )
  }

  /**
   * Links to jump over the page's header and toolbar to the text or to the
   * comments, for the top of the page: the first stops of the keyboard.
   * Hash links would change the app's route, so they move the focus themselves.
   */
  skipLinks(): HTMLElement {
    const { t } = this.options
    const link = (label: string, target: () => void) =>
      h('a', { href: '#', onclick: (event) => (event.preventDefault(), target()) }, label)
    return h(
      'nav',
      { class: 'skip-links', 'aria-label': t('skipLinks') },
      link(t('skipToText'), () => this.view.focus()),
      link(t('skipToComments'), () => this.comments.sidebar.focus())
    )
  }

  /** The editor's ProseMirror view (for tests and tools). */
  get editorView(): EditorView {
    return this.view
  }

  destroy(): void {
    clearTimeout(this.wordTimer)
    cancelAnimationFrame(this.labelFrame)
    this.detachCitation()
    this.comments.destroy()
    this.brackets.destroy()
    this.meeting.destroy()
    this.margin.destroy()
    this.stream.destroy()
    window.removeEventListener('online', this.onNetworkChange)
    window.removeEventListener('offline', this.onNetworkChange)
    this.provider.awareness.off('change', this.renderPresence)
    this.stopBatching()
    this.view.destroy()
    this.provider.destroy()
    this.doc.destroy()
  }
}
