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
import { ok, refuse, type Outcome } from './comments/Outcome'
import { DocumentStore, type StorageAdapter } from '../storage'
import { AuditLog } from './audit/AuditLog'
import { Accounts, type StoredAccount } from './auth/Accounts'
import { Sessions } from './auth/Sessions'
import { Collaboration, CloseCode, ConnectionRefused, type CollaborationHooks } from './collab'
import { Comments } from './comments/Comments'
import { Periods } from './comments/Periods'
import { Settings } from './comments/Settings'
import type { ServerConfig } from './config'
import { DocumentEvents } from './DocumentEvents'
import type { Logger } from './Logger'
import { Versions } from './versions/Versions'

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
  readonly events = new DocumentEvents()
  readonly periods: Periods
  readonly comments: Comments
  readonly versions: Versions
  /** The append-only record of every consequential act. */
  readonly audit: AuditLog

  /**
   * `now` is the workspace's clock: what it says stamps comments and decides
   * whether a comment period is open (the demo seeds 2021 with a clock of its own).
   */
  constructor(
    readonly storage: StorageAdapter,
    config: Pick<ServerConfig, 'persistence' | 'sessions'>,
    readonly logger: Logger,
    now: () => Date = () => new Date()
  ) {
    this.audit = new AuditLog(storage, now)
    this.accounts = new Accounts(storage)
    this.sessions = new Sessions(storage, config.sessions)
    this.documents = new DocumentStore(storage)
    this.collaboration = new Collaboration(this.hooks, { persistence: config.persistence, logger })
    this.settings = new Settings(storage)
    this.periods = new Periods(storage, this.settings, this.events, now)
    this.comments = new Comments(storage, this.collaboration, this.periods, this.events, now)
    this.versions = new Versions(storage, this.collaboration, this.comments, now)
  }

  /** The enabled account signed in with `token`, if the session is live. */
  async accountOfToken(token: string | undefined): Promise<StoredAccount | undefined> {
    const session = await this.sessions.resolve(token)
    if (!session) return undefined
    const account = await this.accounts.get(session.username)
    return account && !account.disabled ? account : undefined
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
    const meta = isDocumentId(id) ? await this.documents.loadMeta(id) : undefined
    if (!meta) return { failed: 'missing' }
    if (!mayReadDocument(account.role)) return { failed: 'forbidden' }
    return { meta }
  }

  /** Creates a document from imported content; its id comes from the title. */
  async createDocument(account: Account, title: string, doc: ProseMirrorNode): Promise<Outcome<DocumentMeta>> {
    if (!mayEditText(account.role)) return refuse(403, 'only the Presidency or the Secretariat create documents')
    const base =
      title
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 50) || 'documento'
    let id = base as DocumentId
    for (let n = 2; await this.documents.loadMeta(id); n++) id = `${base}-${n}` as DocumentId
    const meta: DocumentMeta = { id, title: title.trim(), createdAt: new Date().toISOString(), createdBy: account.username }
    await this.documents.appendUpdate(id, encodeContent(withBlockIds(doc)))
    await this.documents.saveMeta(meta)
    return ok(meta)
  }

  /**
   * Replaces a document's text with an uploaded new draft, as an edit by
   * `account`: paragraphs the upload still has keep their ids, Yjs items and
   * comment anchors; versions already published are untouched.
   */
  async replaceDocumentContent(account: Account, id: DocumentId, doc: ProseMirrorNode, source: string): Promise<Outcome<true>> {
    if (!mayEditText(account.role)) return refuse(403, 'only the Presidency or the Secretariat replace a document\'s text')
    await this.collaboration.withDocument(id, (ydoc) =>
      replaceContent(ydoc, withBlockIds(adoptBlockIds(readContent(ydoc), doc)), { kind: 'edit', account, reason: `upload: ${source}` })
    )
    return ok(true)
  }

  private readonly hooks: CollaborationHooks = {
    onAuthenticate: async ({ documentId, token }) => {
      const account = await this.accountOfToken(token)
      if (!account) throw new ConnectionRefused(401, CloseCode.unauthorized, 'sign in first: no valid session')
      const opened = await this.openDocument(account, documentId)
      if ('failed' in opened) {
        if (opened.failed === 'missing') throw new ConnectionRefused(404, CloseCode.notFound, `no document ${documentId}`)
        throw new ConnectionRefused(403, CloseCode.forbidden, `the ${account.role} role may not open this document`)
      }
      return { documentId: opened.meta.id, account, readOnly: !mayEditText(account.role) }
    },
    onLoadDocument: async (id: DocumentId) =>
      (await this.documents.loadMeta(id)) ? this.documents.loadUpdates(id) : undefined,
    onStoreDocument: (id, update) => this.documents.appendUpdate(id, update)
  }
}
