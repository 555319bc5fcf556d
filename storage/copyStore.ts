import { AdapterStore } from './AdapterStore'
import { FolderStore } from './folder/FolderStore'
import type { AuditHead, DamagedRecord, RecordScope, RecordWrite, Store } from './Store'

/** What a store holds, by name: the record kinds (of the workspace, of documents) and the documents with a log. */
export interface StoreInventory {
  readonly workspaceKinds: readonly string[]
  readonly scopedKinds: readonly string[]
  readonly documents: readonly string[]
}

/** The kinds the server stores, for a store that cannot list its own. */
export const serverKinds = {
  workspace: ['account', 'session', 'settings', 'document'],
  scoped: ['comment', 'period', 'version', 'share', 'meeting', 'bracket', 'blockStatus', 'silence']
} as const

/**
 * Everything `store` holds, found from the store itself where it can say
 * (the folder store's folders, the key-value file's keys), so that a copy
 * leaves nothing behind; else the server's kinds and the documents named by
 * records.
 */
export async function inventoryOf(store: Store): Promise<StoreInventory> {
  const workspace = new Set<string>(serverKinds.workspace)
  const scoped = new Set<string>(serverKinds.scoped)
  const documents = new Set<string>()
  if (store instanceof FolderStore) {
    const kinds = await store.kinds()
    kinds.workspace.forEach((k) => workspace.add(k))
    kinds.scoped.forEach((k) => scoped.add(k))
    for (const id of await store.documentIds()) documents.add(id)
  } else if (store instanceof AdapterStore) {
    // The key layout of AdapterStore: ['meta', id], ['audit', n], ['doc', id, ...], [kind, id], [kind, document, id].
    for (const { key } of await store.adapter.loadRange([])) {
      const [first, second] = key as [string, string]
      if (first === 'doc') documents.add(second)
      else if (first === 'meta' || first === 'audit') continue
      else if (key.length === 2) workspace.add(first)
      else if (key.length === 3) scoped.add(first)
    }
  }
  for (const { id } of (await store.records.list({ kind: 'document' })).records) documents.add(id)
  return { workspaceKinds: [...workspace].sort(), scopedKinds: [...scoped].sort(), documents: [...documents].sort() }
}

/** What {@link copyStore} copied, and what it could not read. */
export interface CopyReport {
  readonly records: number
  /** Records the source could not read back: not copied, named here. */
  readonly damaged: readonly DamagedRecord[]
  readonly auditEntries: number
  readonly documents: number
  readonly updates: number
}

/** How {@link copyStore} writes. */
export interface CopyOptions {
  /** What to copy; default: {@link inventoryOf} the source. */
  readonly inventory?: StoreInventory
  /**
   * Writes in flight at once. Default 1; a store with group commit (the
   * folder store) takes many at once into one fsync, so copies into it use more.
   */
  readonly inFlight?: number
}

// Records per write, and about how many bytes of JSON: a scope is copied in a few writes, none huge.
const RECORDS_PER_WRITE = 500
const BYTES_PER_WRITE = 1024 * 1024

/**
 * Copies everything `from` holds into `to`, which must be empty (its audit
 * trail is): records kind by kind and scope by scope, the audit trail in
 * order with each entry's number, hash and JSON as stored, and every
 * document's log (its snapshot, numbered 0, then its updates in order; the
 * numbers may differ, the order does not). The copy is what an upgrade, a
 * backup and a restore make.
 */
export async function copyStore(from: Store, to: Store, options: CopyOptions = {}): Promise<CopyReport> {
  const inventory = options.inventory ?? (await inventoryOf(from))
  const window = new Window(options.inFlight ?? (to instanceof FolderStore ? 256 : 1))
  const target = await to.audit.head()
  if (target.seq !== 0) throw new RangeError(`A store is copied into an empty one: this one's audit trail has ${target.seq} entries`)

  let records = 0
  const damaged: DamagedRecord[] = []
  const copyScope = async (where: RecordScope) => {
    const listed = await from.records.list(where)
    damaged.push(...listed.damaged)
    let batch: RecordWrite[] = []
    let bytes = 0
    for (const { id, value } of listed.records) {
      batch.push({ ...where, id, value })
      bytes += JSON.stringify(value).length
      records++
      if (batch.length >= RECORDS_PER_WRITE || bytes >= BYTES_PER_WRITE) {
        await window.add(to.records.write(batch))
        batch = []
        bytes = 0
      }
    }
    if (batch.length > 0) await window.add(to.records.write(batch))
  }
  for (const kind of inventory.workspaceKinds) await copyScope({ kind })
  for (const kind of inventory.scopedKinds) for (const scope of await from.records.scopes(kind)) await copyScope({ kind, scope })

  let auditEntries = 0
  let head: AuditHead = target
  for await (const entry of from.audit.read(1)) {
    await window.add(to.audit.append(head, entry))
    head = { seq: entry.seq, hash: entry.hash }
    auditEntries++
  }

  let documents = 0
  let updates = 0
  for (const document of inventory.documents) {
    const history = await from.documents.load(document)
    if (history.snapshot === undefined && history.updates.length === 0) continue
    await window.drain()
    if (history.snapshot !== undefined) await to.documents.compact(document, history.snapshot, 0)
    for (const { update } of history.updates) await window.add(to.documents.append(document, update))
    documents++
    updates += history.updates.length
  }
  await window.drain()
  return { records, damaged, auditEntries, documents, updates }
}

// At most `size` writes in flight; the first failure is thrown.
class Window {
  private readonly pending = new Set<Promise<unknown>>()
  private failure: { error: unknown } | undefined

  constructor(private readonly size: number) {}

  async add(work: Promise<unknown>): Promise<void> {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error }
      }
    )
    this.pending.add(tracked)
    void tracked.then(() => this.pending.delete(tracked))
    if (this.pending.size >= this.size) await this.drain()
    if (this.failure) throw this.failure.error
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending)
    if (this.failure) throw this.failure.error
  }
}
