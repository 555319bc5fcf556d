import type { Node as ProseMirrorNode } from 'prosemirror-model'
import {
  adoptBlockIds,
  encodeContent,
  isDocumentId,
  mayEditText,
  mayReadDocument,
  readContent,
  replaceContent,
  withBlockIds,
  type Account,
  type DocumentId,
  type DocumentMeta
} from '../src'
import { ok, refuse, type Outcome } from './Outcome'
import { systemClock, type Clock } from './Clock'
import { DocumentStore, defaultCompactionPolicy, type Store } from '../storage'
import { DamagedRecords } from './DamagedRecords'
import { actorOf, AuditLog } from './audit'
import { Accounts, type StoredAccount } from './auth/Accounts'
import { LoginThrottle, type LoginThrottling } from './auth/LoginThrottle'
import { noRelay, type Relay } from './relay'
import { Sessions } from './auth/Sessions'
import { AccountAccess } from './auth/AccountAccess'
import { Collaboration, CloseCode, ConnectionRefused, DocumentTooLarge, type CollaborationHooks } from './collab'
import { Comments } from './comments/Comments'
import { CommentQuota } from './comments/CommentQuota'
import { Periods } from './comments/Periods'
import { Brackets } from './negotiation/Brackets'
import { Settings } from './settings'
import { defaultCommentQuota, defaultLoginThrottle, defaultWork, type ServerConfig } from './config'
import { DocumentEvents } from './DocumentEvents'
import type { Logger } from './Logger'
import { Versions } from './versions/Versions'
import { BlockStatuses } from './negotiation/BlockStatuses'
import { Shares } from './sharing'
import { SilenceProcedures } from './silence'
import { Exports } from './exchange'
import { WorkerPool } from './work'
import { Meetings } from './meetings/Meetings'

// Room an upload's edit needs besides the content it inserts: the record of
// what it deletes, a few bytes per paragraph removed.
const EDIT_OVERHEAD_BYTES = 16 * 1024

/**
 * What a workspace shares with the other processes serving it, when there
 * are others (see `startServer`): by default nothing, one process alone.
 */
export interface SharedParts {
  /** Live traffic between processes: document changes, awareness, document events, ended sessions. Default none. */
  readonly relay?: Relay
  /** Login throttling counted across processes. Default an in-memory {@link LoginThrottle} of this process. */
  readonly loginThrottle?: LoginThrottling
}

/**
 * Everything one Consenso workspace holds (accounts, sessions, documents) and
 * the rules of who may do what with it. Knows no HTTP: the routes in
 * `http.ts` translate requests into calls on it.
 */
export class Workspace {
  readonly accounts: Accounts
  readonly sessions: Sessions
  readonly documents: DocumentStore
  readonly collaboration: Collaboration
  readonly settings: Settings
  readonly events: DocumentEvents
  readonly periods: Periods
  readonly comments: Comments
  /** Bracketed passages, their holders and options. */
  readonly brackets: Brackets
  readonly versions: Versions
  /** Moderated meetings on documents: focus, floor, interventions on the record, minutes. */
  readonly meetings: Meetings
  /** Where the negotiation of each paragraph stands, and whose accepted proposals shaped it. */
  readonly blockStatuses: BlockStatuses
  /** Published versions shared with observers, and their withdrawals. */
  readonly shares: Shares
  /** Silence procedures on published versions, settled at their deadlines on the workspace's clock. */
  readonly silence: SilenceProcedures
  /** Downloads of comments, versions and comparisons, each recorded in the audit trail. */
  readonly exports: Exports
  /** The append-only record of every consequential act. */
  readonly audit: AuditLog
  /** Login, logout, disabling accounts, and the closing of whatever an ended session held open. */
  readonly access: AccountAccess
  /** The stored records found damaged, each left out where it is read and named in the log. */
  readonly damaged: DamagedRecords
  /** Imports, comparisons and Word exports, off the event loop and within their budgets. */
  readonly work: WorkerPool
  /** Most text blocks of an imported file (see `WorkConfig.maxImportBlocks`). */
  readonly maxImportBlocks: number

  /**
   * `clock` is the workspace's one clock (see {@link Clock}), handed to every
   * part: what it says stamps comments, documents, accounts and the audit
   * trail, and decides whether a comment period is open and when a session
   * expires (the demo seeds 2021 with a clock of its own). Default the wall clock.
   * `shared` is what other processes serving the workspace share with it
   * (default none: this process alone).
   */
  constructor(
    readonly store: Store,
    config: Pick<ServerConfig, 'persistence' | 'sessions'> & Partial<Pick<ServerConfig, 'loginThrottle' | 'maxDocumentBytes' | 'messageThrottle' | 'commentQuota' | 'unloadAfterMs' | 'accountBudget' | 'work'>>,
    readonly logger: Logger,
    readonly clock: Clock = systemClock,
    shared: SharedParts = {}
  ) {
    const relay = shared.relay ?? noRelay
    this.events = new DocumentEvents(relay)
    this.work = new WorkerPool(config.work ?? defaultWork, logger)
    this.maxImportBlocks = (config.work ?? defaultWork).maxImportBlocks
    this.damaged = new DamagedRecords(logger)
    const onDamaged = this.damaged.note
    this.audit = new AuditLog(store, clock)
    this.accounts = new Accounts(store, clock, onDamaged)
    this.sessions = new Sessions(store, config.sessions, clock, onDamaged)
    // Other processes follow each document's log by its numbers: every update gets one.
    this.documents = new DocumentStore(store, { ...defaultCompactionPolicy, numberEveryUpdate: relay.shared || store.shared === true }, onDamaged)
    this.collaboration = new Collaboration(this.hooks, {
      persistence: config.persistence,
      logger,
      maxDocumentBytes: config.maxDocumentBytes,
      messageThrottle: config.messageThrottle,
      unloadAfterMs: config.unloadAfterMs,
      accountBudget: config.accountBudget,
      relay
    })
    this.access = new AccountAccess(
      { accounts: this.accounts, sessions: this.sessions, collaboration: this.collaboration, audit: this.audit, relay },
      shared.loginThrottle ?? new LoginThrottle(config.loginThrottle ?? defaultLoginThrottle, () => clock().getTime())
    )
    this.settings = new Settings(store, this.audit)
    this.periods = new Periods(store, this.settings, this.events, this.audit, clock, onDamaged)
    // Acts taken while a meeting runs record it; delegations may act in it as its chair allows (the meetings are made just below).
    const runningMeeting = (id: DocumentId) => this.meetings.running(id)
    this.comments = new Comments(store, this.collaboration, this.periods, this.events, this.audit, clock, config.commentQuota ?? defaultCommentQuota, onDamaged, runningMeeting)
    // Delegations' acts without text (holds, supports, requests for the floor) share one budget, with the comments' rates.
    const acts = new CommentQuota(config.commentQuota ?? defaultCommentQuota, () => clock().getTime())
    this.brackets = new Brackets(store, this.collaboration, this.periods, this.events, this.audit, clock, acts, onDamaged, runningMeeting)
    this.blockStatuses = new BlockStatuses(store, this.collaboration, this.comments, this.events, this.audit, clock, onDamaged, runningMeeting)
    this.meetings = new Meetings(
      {
        store,
        collaboration: this.collaboration,
        comments: this.comments,
        brackets: this.brackets,
        blockStatuses: this.blockStatuses,
        events: this.events,
        audit: this.audit,
        settings: this.settings,
        work: this.work,
        quota: acts
      },
      clock,
      onDamaged
    )
    this.versions = new Versions(store, this.collaboration, this.comments, this.brackets, this.audit, clock, onDamaged, this.blockStatuses)
    this.shares = new Shares(store, { accounts: this.accounts, documents: this.documents, versions: this.versions, audit: this.audit }, clock, onDamaged)
    this.silence = new SilenceProcedures(
      store,
      { versions: this.versions, settings: this.settings, events: this.events, audit: this.audit, logger },
      clock,
      onDamaged
    )
    this.exports = new Exports(this)
  }

  /** The enabled account signed in with `token`, if the session is live. */
  async accountOfToken(token: string | undefined): Promise<StoredAccount | undefined> {
    return (await this.access.signedIn(token))?.account
  }

  /** The documents `account` may read. */
  async documentsFor(account: Account): Promise<DocumentMeta[]> {
    if (!mayReadDocument(account.role)) return []
    return (await this.documents.listDocuments()).sort((a, b) => a.title.localeCompare(b.title, 'es'))
  }

  /**
   * The document `id` if `account` may read it: `{ meta }`, or the reason
   * it may not (`missing` is also the answer for an id that is not valid).
   */
  async openDocument(account: Account, id: string): Promise<{ meta: DocumentMeta } | { failed: 'missing' | 'forbidden' }> {
    // The role first: one who may read no document must not learn which ids exist.
    if (!mayReadDocument(account.role)) return { failed: 'forbidden' }
    const meta = isDocumentId(id) ? await this.documents.loadMeta(id) : undefined
    if (!meta) return { failed: 'missing' }
    return { meta }
  }

  /**
   * Creates a document from imported content; its id comes from the title.
   * `source` names the file it was imported from, for the audit trail.
   */
  async createDocument(
    account: Account,
    title: string,
    doc: ProseMirrorNode,
    source: { readonly file: string; readonly format: string }
  ): Promise<Outcome<DocumentMeta>> {
    if (!mayEditText(account.role)) return refuse(403, 'only the Presidency or the Secretariat create documents')
    const content = encodeContent(withBlockIds(doc))
    if (content.byteLength > this.collaboration.maxDocumentBytes) return refuse(413, new DocumentTooLarge(this.collaboration.maxDocumentBytes).message)
    const base =
      title
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 50) || 'documento'
    // Under the store's lock: two uploads of one title, in this process or another, must not both take one id.
    const meta = await this.store.locks.run('documents', async () => {
      let id = base as DocumentId
      for (let n = 2; await this.documents.loadMeta(id); n++) id = `${base}-${n}` as DocumentId
      const meta: DocumentMeta = { id, title: title.trim(), createdAt: this.clock().toISOString(), createdBy: account.username }
      await this.documents.appendUpdate(id, content)
      await this.documents.saveMeta(meta)
      return meta
    })
    const { id } = meta
    await this.audit.record({
      action: 'document.created',
      actor: actorOf(account),
      target: { document: id },
      details: { title: meta.title, file: source.file, format: source.format }
    })
    return ok(meta)
  }

  /**
   * Replaces a document's text with an uploaded new draft, as an edit by
   * `account`: paragraphs the upload still has keep their ids, Yjs items and
   * comment anchors; versions already published are untouched. `source`
   * names the uploaded file, for the audit trail.
   */
  async replaceDocumentContent(account: Account, id: DocumentId, doc: ProseMirrorNode, source: string): Promise<Outcome<true>> {
    if (!mayEditText(account.role)) return refuse(403, 'only the Presidency or the Secretariat replace a document\'s text')
    try {
      await this.collaboration.withDocument(
        id,
        (ydoc) => replaceContent(ydoc, withBlockIds(adoptBlockIds(readContent(ydoc), doc)), { kind: 'edit', account, reason: `upload: ${source}` }),
        // At most the whole upload is new: paragraphs it keeps add nothing.
        { adds: encodeContent(withBlockIds(doc)).byteLength + EDIT_OVERHEAD_BYTES }
      )
    } catch (err) {
      if (err instanceof DocumentTooLarge) return refuse(413, err.message)
      throw err
    }
    await this.audit.record({ action: 'document.replaced', actor: actorOf(account), target: { document: id }, details: { file: source } })
    return ok(true)
  }

  private readonly hooks: CollaborationHooks = {
    onAuthenticate: async ({ documentId, token }) => {
      const signedIn = await this.access.signedIn(token)
      if (!signedIn) throw new ConnectionRefused(401, CloseCode.unauthorized, 'sign in first: no valid session')
      const { account, session } = signedIn
      const opened = await this.openDocument(account, documentId)
      if ('failed' in opened) {
        if (opened.failed === 'missing') throw new ConnectionRefused(404, CloseCode.notFound, `no document ${documentId}`)
        throw new ConnectionRefused(403, CloseCode.forbidden, `the ${account.role} role may not open this document`)
      }
      return { documentId: opened.meta.id, account, sessionId: session.id, readOnly: !mayEditText(account.role) }
    },
    // Typing over a socket makes no request: it still counts as using the session.
    onChange: (_id, _update, origin) => {
      if (origin.kind === 'connection') this.access.noteActivity(origin.context.sessionId)
    },
    onLoadDocument: async (id: DocumentId) => ((await this.documents.loadMeta(id)) ? this.documents.loadNumbered(id) : undefined),
    onLoadSince: (id, seq) => this.documents.loadSince(id, seq),
    onStoreDocument: (id, update) => this.documents.appendUpdate(id, update),
    // An idle document's log merged into its snapshot: stored bytes and cold opens are those of one snapshot.
    onReleaseDocument: (id) => this.documents.compactIfUpdated(id)
  }
}
