import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import {
  authorOf,
  isDocumentId,
  isRole,
  isUsername,
  isCountryCode,
  maySeeShares,
  mayShareVersions,
  receivesShares,
  type Account,
  type DocumentId,
  type Share,
  type SharedEntry,
  type SharedVersion,
  type Username
} from '../../src'
import { RecordStore, type DamageReport, type DocumentStore, type Store } from '../../storage'
import { actorOf, type AuditLog } from '../audit'
import type { Accounts } from '../auth/Accounts'
import { ok, refuse, type Outcome } from '../Outcome'
import type { Versions } from '../versions/Versions'

/** Who a new share is for: named observer accounts, or (left out) every observer. */
export interface ShareAudience {
  readonly observers?: readonly string[]
}

const author = z.object({
  username: z.string().refine(isUsername),
  name: z.string(),
  role: z.string().refine(isRole),
  country: z.string().refine(isCountryCode).nullable()
})

const shareRecord = z.object({
  id: z.string(),
  documentId: z.string().refine(isDocumentId),
  versionId: z.string(),
  versionName: z.string(),
  observers: z.array(z.string().refine(isUsername)).nullable(),
  sharedAt: z.string(),
  sharedBy: author,
  withdrawn: z.object({ at: z.string(), by: author }).nullable()
})

const shareFromJSON = (json: unknown): Share => shareRecord.parse(json) as Share

/** Whether `account` is in the audience of `share` and the share still stands. */
const isVisibleTo = (share: Share, account: Account): boolean =>
  receivesShares(account.role) && share.withdrawn === null && (share.observers === null || share.observers.includes(account.username))

const sameAudience = (a: readonly string[] | null, b: readonly string[] | null): boolean =>
  a === null || b === null ? a === b : a.length === b.length && a.every((name) => b.includes(name))

const newestFirst = (a: Share, b: Share) => b.sharedAt.localeCompare(a.sharedAt) || a.id.localeCompare(b.id)

/**
 * Published versions shared with observers, who may read nothing else of a
 * document. Kept under `['share', documentId, shareId]`. Only the Presidency
 * shares and withdraws ({@link mayShareVersions}); both acts are recorded in
 * the audit trail before they are answered. Changes to one document's
 * shares run one at a time, in any process sharing the store (its lock
 * `shares:<document>`), so that two withdrawals of one share cannot both succeed.
 */
export class Shares {
  constructor(
    private readonly store: Store,
    private readonly deps: {
      readonly accounts: Accounts
      readonly documents: DocumentStore
      readonly versions: Versions
      readonly audit: AuditLog
    },
    private readonly now: () => Date = () => new Date(),
    /** Hears of each share that cannot be read or validated: it is left out, and the rest works. */
    private readonly onDamaged?: DamageReport
  ) {}

  // The shares of every document that has some.
  private async everyShare(): Promise<Share[]> {
    const scopes = await this.store.records.scopes('share')
    return (await Promise.all(scopes.map((scope) => this.records(scope as DocumentId).list()))).flat()
  }

  private records(documentId: DocumentId) {
    return new RecordStore<Share>(this.store.records, { kind: 'share', scope: documentId }, shareFromJSON, this.onDamaged)
  }

  /**
   * Shares the published version `versionId` of `documentId` with the named
   * observer accounts, or with every observer when `audience.observers` is
   * left out. Refuses a role other than the Presidency (403), an unknown
   * version (404), a name that is not an enabled observer account (422), and
   * a share that already stands for the same version and audience (409).
   */
  share(account: Account, documentId: DocumentId, versionId: string, audience: ShareAudience): Promise<Outcome<Share>> {
    if (!mayShareVersions(account.role)) return Promise.resolve(refuse(403, 'only the Presidency shares versions with observers'))
    return this.store.locks.run(`shares:${documentId}`, async () => {
      const version = await this.deps.versions.get(documentId, versionId)
      if ('failed' in version) return version
      let observers: Username[] | null = null
      if (audience.observers !== undefined) {
        const names = [...new Set(audience.observers)].sort()
        if (names.length === 0) return refuse(422, 'name at least one observer, or leave the list out to share with every observer')
        for (const name of names) {
          const found = await this.deps.accounts.get(name)
          if (!found || found.role !== 'observer' || found.disabled) return refuse(422, `${name} is not an enabled observer account`)
        }
        observers = names as Username[]
      }
      const existing = await this.records(documentId).list()
      if (existing.some((s) => s.versionId === versionId && s.withdrawn === null && sameAudience(s.observers, observers)))
        return refuse(409, `«${version.ok.name}» is already shared with these observers`)
      const share: Share = {
        id: randomUUID(),
        documentId,
        versionId,
        versionName: version.ok.name,
        observers,
        sharedAt: this.now().toISOString(),
        sharedBy: authorOf(account),
        withdrawn: null
      }
      await this.deps.audit.record(
        {
          action: 'share.created',
          actor: actorOf(account),
          target: { document: documentId, version: versionId, share: share.id },
          details: { version: share.versionName, observers: observers === null ? 'all' : observers.join(', ') }
        },
        [this.records(documentId).writeOf(share.id, share)]
      )
      return ok(share)
    })
  }

  /**
   * Withdraws the share `shareId` of `documentId`: from now on no observer
   * reads it. Refuses a role other than the Presidency (403), an unknown
   * share (404) and one already withdrawn (409).
   */
  withdraw(account: Account, documentId: DocumentId, shareId: string): Promise<Outcome<Share>> {
    if (!mayShareVersions(account.role)) return Promise.resolve(refuse(403, 'only the Presidency withdraws shared versions'))
    return this.store.locks.run(`shares:${documentId}`, async () => {
      const share = await this.records(documentId).get(shareId)
      if (!share) return refuse(404, `no share ${shareId} of this document`)
      if (share.withdrawn) return refuse(409, `the share was already withdrawn on ${share.withdrawn.at}`)
      const withdrawn: Share = { ...share, withdrawn: { at: this.now().toISOString(), by: authorOf(account) } }
      await this.deps.audit.record(
        {
          action: 'share.withdrawn',
          actor: actorOf(account),
          target: { document: documentId, version: share.versionId, share: shareId },
          details: { version: share.versionName }
        },
        [this.records(documentId).writeOf(shareId, withdrawn)]
      )
      return ok(withdrawn)
    })
  }

  /** Every share of `documentId`, withdrawn ones included, newest first (Presidency and Secretariat). */
  async list(account: Account, documentId: DocumentId): Promise<Outcome<Share[]>> {
    if (!maySeeShares(account.role)) return refuse(403, 'only the Presidency or the Secretariat see what was shared with observers')
    return ok((await this.records(documentId).list()).sort(newestFirst))
  }

  /**
   * The shares that stand for `account`, newest first. Empty for every role
   * but observers: the others read documents themselves and are never the
   * audience of a share.
   */
  async sharedWith(account: Account): Promise<SharedEntry[]> {
    if (!receivesShares(account.role)) return []
    const visible = (await this.everyShare()).filter((s) => isVisibleTo(s, account)).sort(newestFirst)
    const entries: SharedEntry[] = []
    for (const share of visible) {
      const entry = await this.entryOf(share)
      if (entry) entries.push(entry)
    }
    return entries
  }

  /**
   * The shared version `shareId` as `account` may read it. A share that does
   * not exist, was withdrawn, or is not for `account` is refused alike (404),
   * so that the answer does not tell that it exists.
   */
  async open(account: Account, shareId: string): Promise<Outcome<SharedVersion>> {
    const notFound = refuse(404, `no shared version ${shareId}`)
    const share = (await this.everyShare()).find((s) => s.id === shareId)
    if (!share || !isVisibleTo(share, account)) return notFound
    const entry = await this.entryOf(share)
    const version = await this.deps.versions.get(share.documentId, share.versionId)
    if (!entry || 'failed' in version) return notFound
    return ok({ ...entry, version: { ...entry.version, content: version.ok.content } })
  }

  private async entryOf(share: Share): Promise<SharedEntry | undefined> {
    const meta = await this.deps.documents.loadMeta(share.documentId)
    const version = (await this.deps.versions.list(share.documentId)).find((v) => v.id === share.versionId)
    if (!meta || !version) return undefined
    return {
      share: { id: share.id, sharedAt: share.sharedAt, sharedBy: { name: share.sharedBy.name } },
      document: { id: meta.id, title: meta.title },
      version: { id: version.id, name: version.name, createdAt: version.createdAt }
    }
  }
}
