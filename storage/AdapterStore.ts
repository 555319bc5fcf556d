import { SerialQueue } from './SerialQueue'
import type { StorageAdapter, StorageChunk, StorageKey } from './StorageAdapter'
import {
  AUDIT_GENESIS,
  AuditConflictError,
  DamagedRecordError,
  type AuditHead,
  type AuditStore,
  type DamagedRecord,
  type DocumentHistory,
  type DocumentLog,
  type LoggedUpdate,
  type Records,
  type RecordScope,
  type RecordWrite,
  type ScopeLocks,
  type Store,
  type StoredRecord
} from './Store'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

// Numbers in keys sort as strings: a fixed width keeps them in numeric order.
const padded = (n: number) => String(n).padStart(12, '0')

// Where records of a scope live in the key-value layout every data file
// written before issue 12 has: documents' metadata under 'meta', a
// document's own records under [kind, document], the rest under [kind].
function prefixOf({ kind, scope }: RecordScope): StorageKey {
  if (kind === 'document') return ['meta']
  return scope === undefined ? [kind] : [kind, scope]
}

const keyOf = (where: RecordScope, id: string): StorageKey => [...prefixOf(where), id]

// The update keys of the old document store were numbered from 0 and, after
// each restart, again from 0 above the snapshot: the log's numbers are
// those plus one, so that 0 keeps meaning "nothing" (`snapshotSeq` 0).
const updateKey = (document: string, seq: number): StorageKey => ['doc', document, 'update', padded(seq - 1)]
const seqOfUpdateKey = (key: StorageKey) => Number(key[3]) + 1

/**
 * A {@link Store} over the key-value {@link StorageAdapter} of the single
 * data file (lowdb) or of memory, in exactly the key layout that file has
 * always had, so that a data file written before issue 12 reads unchanged
 * and can be upgraded from: records under `[kind, id]` or `[kind, document,
 * id]` (document metadata under `['meta', id]`), audit entries under
 * `['audit', seq]` as their JSON text, a document under `['doc', id,
 * 'snapshot']` and `['doc', id, 'update', n]`, plus `['doc', id,
 * 'snapshot-seq']`, the number of the last update in the snapshot (absent
 * in old files: 0).
 *
 * Record writes and an audit entry with its act's writes are one
 * {@link StorageAdapter.saveAll}, one durable write. Removals are stored by
 * the adapter's own call, so a write that removes and stores at once is not
 * one durable change (no act of the server does both).
 *
 * Locks and the audit trail's head are held in this process: one server per
 * data file (the data folder's lock sees to that).
 */
export class AdapterStore implements Store {
  private readonly held = new SerialQueue<string>()
  private head: AuditHead | undefined
  // The last number given per document, so that appends made together get
  // different numbers without waiting for each other's writes.
  private readonly lastSeqs = new Map<string, Promise<number>>()
  // Per document, the last of its appends' saves and compactions' removals:
  // a removal decides what to remove from what is stored when it runs, so
  // it never removes an update stored after it looked.
  private readonly writes = new SerialQueue<string>()

  constructor(readonly adapter: StorageAdapter) {}

  readonly records: Records = {
    get: async (where, id) => {
      const data = await this.adapter.load(keyOf(where, id))
      if (data === undefined) return undefined
      try {
        return JSON.parse(decoder.decode(data)) as unknown
      } catch (err) {
        throw new DamagedRecordError({ ...where, id, reason: (err as Error).message })
      }
    },
    list: async (where) => {
      const prefix = prefixOf(where)
      const records: StoredRecord[] = []
      const damaged: DamagedRecord[] = []
      for (const { key, data } of await this.adapter.loadRange(prefix)) {
        // Only the scope's own records: ['comment'] also holds ['comment', document, id].
        if (key.length !== prefix.length + 1) continue
        const id = key.at(-1) as string
        try {
          records.push({ id, value: JSON.parse(decoder.decode(data)) as unknown })
        } catch (err) {
          damaged.push({ ...where, id, reason: (err as Error).message })
        }
      }
      return { records, damaged }
    },
    scopes: async (kind) => {
      if (kind === 'document') return []
      const scopes = new Set<string>()
      for (const { key } of await this.adapter.loadRange([kind])) if (key.length === 3) scopes.add(key[1] as string)
      return [...scopes].sort()
    },
    write: (writes) => this.store(writes, [])
  }

  readonly audit: AuditStore = {
    head: () => this.auditHead(),
    append: async (previous, entry, writes = []) => {
      await this.auditHead()
      // Compared and moved without an await in between, so that of two
      // appends from the same head only the first goes through.
      const head = this.head as AuditHead
      if (head.seq !== previous.seq || head.hash !== previous.hash) throw new AuditConflictError(previous, head)
      if (entry.seq !== previous.seq + 1) throw new RangeError(`Audit entry ${entry.seq} does not follow ${previous.seq}`)
      this.head = { seq: entry.seq, hash: entry.hash }
      try {
        await this.store(writes, [{ key: ['audit', padded(entry.seq)], data: encoder.encode(entry.json) }])
      } catch (err) {
        // What the file holds now decides the head.
        this.head = undefined
        throw err
      }
    },
    read: (from, to) => {
      const adapter = this.adapter
      return (async function* () {
        // A few entries by their keys; more by one pass over the trail.
        if (to !== undefined && to - from < 64) {
          for (let seq = Math.max(1, from); seq <= to; seq++) {
            const data = await adapter.load(['audit', padded(seq)])
            if (data === undefined) continue
            yield { seq, hash: hashIn(data), json: decoder.decode(data) }
          }
          return
        }
        for (const { key, data } of await adapter.loadRange(['audit'])) {
          const seq = Number(key[1])
          if (seq < from || (to !== undefined && seq > to)) continue
          yield { seq, hash: hashIn(data), json: decoder.decode(data) }
        }
      })()
    }
  }

  readonly documents: DocumentLog = {
    append: async (document, update) => {
      const seq = await this.nextSeq(document)
      await this.inTurn(document, () => this.adapter.save(updateKey(document, seq), update))
      return seq
    },
    load: async (document) => historyOf(await this.adapter.loadRange(['doc', document])),
    loadSince: async (document, seq) => [...(await this.documents.loadTail(document, seq)).updates],
    // The document's range, snapshot included: this store keeps its data in
    // memory (lowdb, memory) and serves one process, so nothing cheaper is
    // to be had and no other process needs to catch up.
    loadTail: async (document, seq) => {
      const { snapshotSeq, updates } = historyOf(await this.adapter.loadRange(['doc', document]))
      return { snapshotSeq, updates: updates.filter((u) => u.seq > seq) }
    },
    compact: async (document, snapshot, throughSeq) => {
      // One key, not the document's range: a range costs a pass over the whole data file.
      const stored = await this.adapter.load(['doc', document, 'snapshot-seq'])
      const snapshotSeq = stored === undefined ? 0 : Number(decoder.decode(stored)) || 0
      if (throughSeq < snapshotSeq) throw new RangeError(`Document ${document} is compacted through ${snapshotSeq}, not ${throughSeq}`)
      // The new snapshot first, then the updates it holds: a crash in
      // between leaves updates applied twice, which Yjs ignores.
      await this.adapter.saveAll([
        { key: ['doc', document, 'snapshot'], data: snapshot },
        { key: ['doc', document, 'snapshot-seq'], data: encoder.encode(String(throughSeq)) }
      ])
      await this.inTurn(document, async () => {
        const { updates } = historyOf(await this.adapter.loadRange(['doc', document, 'update']))
        const merged = updates.filter((u) => u.seq <= throughSeq)
        if (merged.length === 0) return
        // Usually every stored update is merged: one removal, one write.
        if (merged.length === updates.length) return this.adapter.removeRange(['doc', document, 'update'])
        await Promise.all(merged.map((u) => this.adapter.remove(updateKey(document, u.seq))))
      })
    },
    remove: async (document) => {
      // Numbers keep growing after a removal, so a reader holding an old
      // number never mistakes new updates for ones it has seen.
      const last = await this.lastSeq(document)
      await this.adapter.removeRange(['doc', document])
      await this.adapter.save(['doc', document, 'snapshot-seq'], encoder.encode(String(last)))
    }
  }

  readonly locks: ScopeLocks = {
    run: (scope, work) => this.held.run(scope, work)
  }

  close(): Promise<void> {
    return this.adapter.close()
  }

  private inTurn<T>(document: string, work: () => Promise<T>): Promise<T> {
    return this.writes.run(document, work)
  }

  // Removals first, each its own call; then every stored value in one saveAll.
  private async store(writes: readonly RecordWrite[], also: readonly StorageChunk[]): Promise<void> {
    const chunks: StorageChunk[] = []
    const removals: Promise<void>[] = []
    for (const write of writes) {
      const key = keyOf(write, write.id)
      if (write.value === null) removals.push(this.adapter.remove(key))
      else chunks.push({ key, data: encoder.encode(JSON.stringify(write.value)) })
    }
    chunks.push(...also)
    await Promise.all([...removals, ...(chunks.length > 0 ? [this.adapter.saveAll(chunks)] : [])])
  }

  private async auditHead(): Promise<AuditHead> {
    // Another store over the same adapter may have appended since.
    if (this.head && (await this.adapter.load(['audit', padded(this.head.seq + 1)])) !== undefined) this.head = undefined
    if (this.head) return this.head
    const last = (await this.adapter.loadRange(['audit'])).at(-1)
    const head = last ? { seq: Number(last.key[1]), hash: hashIn(last.data) } : { seq: 0, hash: AUDIT_GENESIS }
    // An append may have moved the head while the trail was read.
    this.head ??= head
    return this.head
  }

  private lastSeq(document: string): Promise<number> {
    return this.lastSeqs.get(document) ?? this.adapter.loadRange(['doc', document]).then(lastSeqOf)
  }

  private nextSeq(document: string): Promise<number> {
    const next = this.lastSeq(document).then((seq) => seq + 1)
    this.lastSeqs.set(
      document,
      next.catch(() => this.adapter.loadRange(['doc', document]).then(lastSeqOf))
    )
    return next
  }
}

// The hash an entry's JSON text holds, or '' if it is not readable (verify names it).
function hashIn(data: Uint8Array): string {
  try {
    const hash = (JSON.parse(decoder.decode(data)) as { hash?: unknown } | null)?.hash
    return typeof hash === 'string' ? hash : ''
  } catch {
    return ''
  }
}

function historyOf(chunks: readonly StorageChunk[]): DocumentHistory {
  let snapshot: Uint8Array | undefined
  let snapshotSeq = 0
  const updates: LoggedUpdate[] = []
  for (const { key, data } of chunks) {
    if (key.length === 3 && key[2] === 'snapshot') snapshot = data
    else if (key.length === 3 && key[2] === 'snapshot-seq') snapshotSeq = Number(decoder.decode(data)) || 0
    else if (key.length === 4 && key[2] === 'update') updates.push({ seq: seqOfUpdateKey(key), update: data })
  }
  return { snapshot, snapshotSeq, updates: updates.sort((a, b) => a.seq - b.seq) }
}

function lastSeqOf(chunks: readonly StorageChunk[]): number {
  const { snapshotSeq, updates } = historyOf(chunks)
  return Math.max(snapshotSeq, updates.at(-1)?.seq ?? 0)
}
