import { SerialQueue } from './SerialQueue'
import {
  AUDIT_GENESIS,
  AuditConflictError,
  DamagedRecordError,
  type AuditHead,
  type AuditStore,
  type DocumentHistory,
  type DocumentLog,
  type LoggedUpdate,
  type Records,
  type RecordScope,
  type RecordWrite,
  type ScopeLocks,
  type StoredAuditEntry,
  type StoredRecord,
  type Store
} from './Store'

// Scopes as one map key: kind and document id joined by a character ids never hold.
const scopeKey = ({ kind, scope }: RecordScope) => (scope === undefined ? kind : `${kind}\u0000${scope}`)

/**
 * A store that keeps everything in memory: for tests and for trying Consenso
 * out without a data folder. Keeps records as JSON text and copies of bytes,
 * so a caller that changes what it stored or read changes nothing stored.
 */
export class MemoryStore implements Store {
  private readonly scopes = new Map<string, Map<string, string>>()
  private readonly entries: StoredAuditEntry[] = []
  private readonly logs = new Map<string, { snapshot: Uint8Array | undefined; snapshotSeq: number; updates: LoggedUpdate[]; nextSeq: number }>()
  private readonly held = new SerialQueue<string>()

  readonly records: Records = {
    get: async (where, id) => {
      const text = this.scopes.get(scopeKey(where))?.get(id)
      if (text === undefined) return undefined
      try {
        return JSON.parse(text) as unknown
      } catch (err) {
        throw new DamagedRecordError({ ...where, id, reason: (err as Error).message })
      }
    },
    list: async (where) => {
      const records: StoredRecord[] = []
      const damaged = []
      const scope = this.scopes.get(scopeKey(where)) ?? new Map<string, string>()
      for (const id of [...scope.keys()].sort()) {
        try {
          records.push({ id, value: JSON.parse(scope.get(id) as string) as unknown })
        } catch (err) {
          damaged.push({ ...where, id, reason: (err as Error).message })
        }
      }
      return { records, damaged }
    },
    scopes: async (kind) => {
      const prefix = `${kind}\u0000`
      return [...this.scopes.entries()]
        .filter(([key, records]) => key.startsWith(prefix) && records.size > 0)
        .map(([key]) => key.slice(prefix.length))
        .sort()
    },
    write: async (writes) => this.apply(writes)
  }

  readonly audit: AuditStore = {
    head: async () => this.head(),
    append: async (previous, entry, writes = []) => {
      const head = this.head()
      if (head.seq !== previous.seq || head.hash !== previous.hash) throw new AuditConflictError(previous, head)
      if (entry.seq !== previous.seq + 1) throw new RangeError(`Audit entry ${entry.seq} does not follow ${previous.seq}`)
      const texts = writes.map((w) => (w.value === null ? null : JSON.stringify(w.value)))
      this.entries.push({ ...entry })
      this.apply(writes, texts)
    },
    read: (from, to) => {
      const entries = this.entries
      return (async function* () {
        const last = Math.min(to ?? entries.length, entries.length)
        for (let seq = Math.max(1, from); seq <= last; seq++) yield { ...(entries[seq - 1] as StoredAuditEntry) }
      })()
    }
  }

  readonly documents: DocumentLog = {
    append: async (document, update) => {
      const log = this.logOf(document)
      const seq = log.nextSeq++
      log.updates.push({ seq, update: update.slice() })
      return seq
    },
    load: async (document): Promise<DocumentHistory> => {
      const log = this.logOf(document)
      return { snapshot: log.snapshot?.slice(), snapshotSeq: log.snapshotSeq, updates: log.updates.map((u) => ({ seq: u.seq, update: u.update.slice() })) }
    },
    loadSince: async (document, seq) => [...(await this.documents.loadTail(document, seq)).updates],
    loadTail: async (document, seq) => {
      const log = this.logOf(document)
      return { snapshotSeq: log.snapshotSeq, updates: log.updates.filter((u) => u.seq > seq).map((u) => ({ seq: u.seq, update: u.update.slice() })) }
    },
    compact: async (document, snapshot, throughSeq) => {
      const log = this.logOf(document)
      if (throughSeq < log.snapshotSeq) throw new RangeError(`Document ${document} is compacted through ${log.snapshotSeq}, not ${throughSeq}`)
      log.snapshot = snapshot.slice()
      log.snapshotSeq = throughSeq
      log.updates = log.updates.filter((u) => u.seq > throughSeq)
    },
    remove: async (document) => {
      // Numbers keep growing after a removal, so a reader holding an old
      // number never mistakes new updates for ones it has seen.
      const log = this.logOf(document)
      log.snapshot = undefined
      log.updates = []
      log.snapshotSeq = log.nextSeq - 1
    }
  }

  readonly locks: ScopeLocks = {
    run: (scope, work) => this.held.run(scope, work)
  }

  async close(): Promise<void> {}

  private head(): AuditHead {
    const last = this.entries.at(-1)
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: AUDIT_GENESIS }
  }

  private apply(writes: readonly RecordWrite[], texts = writes.map((w) => (w.value === null ? null : JSON.stringify(w.value)))): void {
    writes.forEach((write, i) => {
      const key = scopeKey(write)
      const text = texts[i]
      if (text === null || text === undefined) {
        this.scopes.get(key)?.delete(write.id)
        return
      }
      let scope = this.scopes.get(key)
      if (!scope) this.scopes.set(key, (scope = new Map()))
      scope.set(write.id, text)
    })
  }

  private logOf(document: string) {
    let log = this.logs.get(document)
    if (!log) this.logs.set(document, (log = { snapshot: undefined, snapshotSeq: 0, updates: [], nextSeq: 1 }))
    return log
  }
}
