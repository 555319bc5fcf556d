import { createHash } from 'node:crypto'
import pg from 'pg'
import { SerialQueue } from '../SerialQueue'
import {
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
  type StoredAuditEntry,
  type StoredRecord
} from '../Store'
import { migrate } from './schema'

/** How {@link PostgresStore} connects. */
export interface PostgresStoreOptions {
  /** Connections in the pool besides the one that holds scope locks. Default 10. */
  readonly poolSize?: number
  /** Entries one query of {@link AuditStore.read} fetches. Default 500: a long trail is read without holding it whole. */
  readonly auditPage?: number
  /** Hears of a fault of an idle connection (the pool replaces it). Default: ignored. */
  readonly onError?: (err: Error) => void
}

// Keys as bytes of their UTF-16 code units: any JavaScript string, U+0000 and lone surrogates too.
const keyOf = (text: string): Buffer => Buffer.from(text, 'utf16le')
const textOf = (key: Buffer): string => key.toString('utf16le')
const WORKSPACE_WIDE = Buffer.alloc(0)
const scopeOf = ({ scope }: RecordScope): Buffer => (scope === undefined ? WORKSPACE_WIDE : Buffer.concat([Buffer.from([1]), keyOf(scope)]))
const bytesOf = (update: Uint8Array): Buffer => Buffer.from(update.buffer, update.byteOffset, update.byteLength)
// Sorted as MemoryStore and FolderStore sort: by UTF-16 code unit.
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

// A scope's advisory lock key: 64 bits of its hash, as PostgreSQL's signed bigint.
const lockKeyOf = (scope: string): string => createHash('sha256').update(`consenso-lock:${scope}`).digest().readBigInt64BE(0).toString()

// How long a lock held by another process is waited for between tries, in ms.
const LOCK_RETRY_MIN_MS = 2
const LOCK_RETRY_MAX_MS = 50

/**
 * The {@link Store} on PostgreSQL, for several Consenso processes serving
 * one workspace ({@link shared}). Every write is one transaction; the
 * numbers that order things come from rows locked in the writing
 * transaction, never from a counter in memory:
 *
 * - a document's updates are numbered from its `document_log` row
 *   (`head_seq + 1`, under the row's lock), so numbers follow commit order
 *   and a reader never sees update n before n − 1; compaction deletes only
 *   the updates its snapshot holds, and keeps those appended meanwhile;
 * - an audit append locks the chain's head row (`FOR UPDATE`), checks it is
 *   still the head the caller hashed from, and stores the entry, the act's
 *   records and the new head in the same transaction; otherwise
 *   {@link AuditConflictError}, nothing stored;
 * - scope locks are PostgreSQL advisory locks, so they exclude across
 *   processes, and are released when their work ends, or with the
 *   connection if the process dies.
 *
 * Open with {@link PostgresStore.open}, which migrates the schema first.
 */
export class PostgresStore implements Store {
  /** Other processes may write the same store: what a process keeps in memory of it may be stale. */
  readonly shared = true
  private readonly queue = new SerialQueue<string>()
  private lockClient: Promise<pg.Client> | undefined
  private closed = false

  private constructor(
    private readonly pool: pg.Pool,
    private readonly config: pg.PoolConfig,
    private readonly options: PostgresStoreOptions
  ) {}

  /**
   * Connects to the database at `connection` (a `postgres://` URL or the
   * `pg` pool's settings), brings its schema up to date, and returns the
   * store. Rejects with `SchemaTooNewError` when a newer Consenso migrated it.
   */
  static async open(connection: string | pg.PoolConfig, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const config: pg.PoolConfig = typeof connection === 'string' ? { connectionString: connection } : connection
    const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 })
    // An idle connection that breaks is replaced by the pool; without a listener it would crash the process.
    pool.on('error', (err) => options.onError?.(err))
    try {
      const client = await pool.connect()
      try {
        await migrate(client)
      } finally {
        client.release()
      }
    } catch (err) {
      await pool.end()
      throw err
    }
    return new PostgresStore(pool, config, options)
  }

  readonly records: Records = {
    get: async (where, id) => {
      const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM record WHERE kind = $1 AND scope = $2 AND id = $3', [where.kind, scopeOf(where), keyOf(id)])
      const text = rows[0]?.value
      if (text === undefined) return undefined
      try {
        return JSON.parse(text) as unknown
      } catch (err) {
        throw new DamagedRecordError({ ...where, id, reason: (err as Error).message })
      }
    },
    list: async (where) => {
      const { rows } = await this.pool.query<{ id: Buffer; value: string }>('SELECT id, value FROM record WHERE kind = $1 AND scope = $2', [where.kind, scopeOf(where)])
      const records: StoredRecord[] = []
      const damaged: DamagedRecord[] = []
      for (const row of rows.map((r) => ({ id: textOf(r.id), value: r.value })).sort((a, b) => byCodeUnit(a.id, b.id))) {
        try {
          records.push({ id: row.id, value: JSON.parse(row.value) as unknown })
        } catch (err) {
          damaged.push({ ...where, id: row.id, reason: (err as Error).message })
        }
      }
      return { records, damaged }
    },
    scopes: async (kind) => {
      const { rows } = await this.pool.query<{ scope: Buffer }>('SELECT DISTINCT scope FROM record WHERE kind = $1 AND scope <> $2', [kind, WORKSPACE_WIDE])
      return rows.map((r) => textOf(r.scope.subarray(1))).sort(byCodeUnit)
    },
    write: (writes) => this.transaction((client) => writeRecords(client, writes))
  }

  readonly audit: AuditStore = {
    head: async () => {
      const { rows } = await this.pool.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_head')
      return headOf(rows[0])
    },
    append: async (previous, entry, writes = []) => {
      if (entry.seq !== previous.seq + 1) throw new RangeError(`Audit entry ${entry.seq} does not follow ${previous.seq}`)
      await this.transaction(async (client) => {
        // The row lock orders appends from every process: the next one waits here until this one commits, then sees its head.
        const { rows } = await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_head FOR UPDATE')
        const head = headOf(rows[0])
        if (head.seq !== previous.seq || head.hash !== previous.hash) throw new AuditConflictError(previous, head)
        await client.query('INSERT INTO audit_entry (seq, hash, json) VALUES ($1, $2, $3)', [entry.seq, entry.hash, entry.json])
        await writeRecords(client, writes)
        await client.query('UPDATE audit_head SET seq = $1, hash = $2', [entry.seq, entry.hash])
      })
    },
    read: (from, to) => this.readAudit(from, to ?? Number.MAX_SAFE_INTEGER)
  }

  readonly documents: DocumentLog = {
    append: async (document, update) => {
      // One statement, so one transaction: the head row stays locked until the update is committed with its number.
      const { rows } = await this.pool.query<{ seq: string }>(
        `WITH head AS (
           INSERT INTO document_log AS log (document, head_seq, snapshot_seq) VALUES ($1, 1, 0)
           ON CONFLICT (document) DO UPDATE SET head_seq = log.head_seq + 1
           RETURNING head_seq
         )
         INSERT INTO document_update (document, seq, update) SELECT $1, head_seq, $2 FROM head RETURNING seq`,
        [keyOf(document), bytesOf(update)]
      )
      return Number(rows[0]?.seq)
    },
    load: (document) =>
      // One snapshot of the database for both reads: a compaction committed between them would otherwise drop updates from the answer.
      this.transaction(async (client) => {
        const key = keyOf(document)
        const log = await client.query<{ snapshot: Buffer | null; snapshot_seq: string }>('SELECT snapshot, snapshot_seq FROM document_log WHERE document = $1', [key])
        const snapshotSeq = Number(log.rows[0]?.snapshot_seq ?? 0)
        const snapshot = log.rows[0]?.snapshot
        const updates = await updatesAfter(client, key, snapshotSeq)
        return { snapshot: snapshot ? new Uint8Array(snapshot) : undefined, snapshotSeq, updates } satisfies DocumentHistory
      }, 'REPEATABLE READ READ ONLY'),
    loadSince: async (document, seq) => [...(await this.documents.loadTail(document, seq)).updates],
    loadTail: async (document, seq) => {
      // One statement, so one snapshot of the database: a compaction
      // commits wholly before or after it, never between the number and the updates.
      const { rows } = await this.pool.query<{ snapshot_seq: string; seq: string | null; update: Buffer | null }>(
        `SELECT log.snapshot_seq, u.seq, u.update
         FROM document_log AS log LEFT JOIN document_update AS u ON u.document = log.document AND u.seq > $2
         WHERE log.document = $1 ORDER BY u.seq`,
        [keyOf(document), seq]
      )
      const updates: LoggedUpdate[] = []
      for (const row of rows) if (row.seq !== null && row.update !== null) updates.push({ seq: Number(row.seq), update: new Uint8Array(row.update) })
      return { snapshotSeq: Number(rows[0]?.snapshot_seq ?? 0), updates }
    },
    compact: (document, snapshot, throughSeq) =>
      this.transaction(async (client) => {
        const key = keyOf(document)
        // Locks the head row: no append commits between the check and the delete.
        const { rows } = await client.query<{ head_seq: string; snapshot_seq: string }>('SELECT head_seq, snapshot_seq FROM document_log WHERE document = $1 FOR UPDATE', [key])
        const row = rows[0]
        const snapshotSeq = Number(row?.snapshot_seq ?? 0)
        const headSeq = Number(row?.head_seq ?? 0)
        if (throughSeq < snapshotSeq) throw new RangeError(`Document ${document} is compacted through ${snapshotSeq}, not ${throughSeq}`)
        if (throughSeq > headSeq) throw new RangeError(`Document ${document} has no update ${throughSeq} (its last is ${headSeq})`)
        if (row) await client.query('UPDATE document_log SET snapshot = $2, snapshot_seq = $3 WHERE document = $1', [key, bytesOf(snapshot), throughSeq])
        else await client.query('INSERT INTO document_log (document, head_seq, snapshot_seq, snapshot) VALUES ($1, 0, 0, $2)', [key, bytesOf(snapshot)])
        // Only what the snapshot holds: updates appended meanwhile, by any process, are numbered above it.
        await client.query('DELETE FROM document_update WHERE document = $1 AND seq <= $2', [key, throughSeq])
      }),
    remove: (document) =>
      this.transaction(async (client) => {
        const key = keyOf(document)
        // The row stays with its head: numbers keep growing after a removal.
        await client.query('UPDATE document_log SET snapshot = NULL, snapshot_seq = head_seq WHERE document = $1', [key])
        await client.query('DELETE FROM document_update WHERE document = $1', [key])
      })
  }

  readonly locks: ScopeLocks = {
    // In this process one after the other, in call order, without holding a
    // connection while waiting; across processes, the advisory lock.
    run: (scope, work) => this.queue.run(scope, () => this.holdingLock(scope, work))
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const client = await this.lockClient?.catch(() => undefined)
    await client?.end().catch(() => {})
    await this.pool.end()
  }

  // Runs `work` in one transaction on a connection of its own; rolls back if it throws.
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, mode = 'READ COMMITTED'): Promise<T> {
    const client = await this.pool.connect()
    let broken = false
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${mode}`)
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true
      })
      throw err
    } finally {
      // A connection that could not even roll back is not given to anyone else.
      client.release(broken)
    }
  }

  private async *readAudit(from: number, to: number): AsyncGenerator<StoredAuditEntry> {
    const page = this.options.auditPage ?? 500
    let next = Math.max(1, from)
    while (next <= to) {
      const { rows } = await this.pool.query<{ seq: string; hash: string; json: string }>(
        'SELECT seq, hash, json FROM audit_entry WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3',
        [next, Math.min(to, Number.MAX_SAFE_INTEGER), page]
      )
      for (const row of rows) yield { seq: Number(row.seq), hash: row.hash, json: row.json }
      if (rows.length < page) return
      next = Number(rows.at(-1)?.seq) + 1
    }
  }

  // The scope's advisory lock, held on the one connection kept for locks while `work` runs.
  private async holdingLock<T>(scope: string, work: () => Promise<T>): Promise<T> {
    const key = lockKeyOf(scope)
    const client = await this.lockConnection()
    // Tried rather than waited for: a waiting lock would stop every other
    // scope's lock and unlock behind it on this one connection.
    for (let wait = LOCK_RETRY_MIN_MS; ; wait = Math.min(wait * 2, LOCK_RETRY_MAX_MS)) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key])
      if (rows[0]?.locked) break
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
    try {
      return await work()
    } finally {
      // If the connection broke, the lock went with it.
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {})
    }
  }

  private lockConnection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('The store is closed'))
    this.lockClient ??= (async () => {
      const client = new pg.Client(this.config)
      client.on('error', (err) => {
        // Its locks are gone with it; the next lock opens a new connection.
        this.lockClient = undefined
        this.options.onError?.(err)
      })
      try {
        await client.connect()
      } catch (err) {
        this.lockClient = undefined
        throw err
      }
      return client
    })()
    return this.lockClient
  }
}

const headOf = (row: { seq: string; hash: string } | undefined): AuditHead => {
  if (!row) throw new Error('The audit_head row is missing: the database was not migrated by Consenso')
  return { seq: Number(row.seq), hash: row.hash }
}

async function updatesAfter(client: pg.ClientBase, key: Buffer, seq: number): Promise<LoggedUpdate[]> {
  const { rows } = await client.query<{ seq: string; update: Buffer }>('SELECT seq, update FROM document_update WHERE document = $1 AND seq > $2 ORDER BY seq', [key, seq])
  return rows.map((r) => ({ seq: Number(r.seq), update: new Uint8Array(r.update) }))
}

// Applies the writes in order (the last write of an id wins), in the caller's transaction.
async function writeRecords(client: pg.ClientBase, writes: readonly RecordWrite[]): Promise<void> {
  for (const write of writes) {
    const where = [write.kind, scopeOf(write), keyOf(write.id)]
    if (write.value === null) await client.query('DELETE FROM record WHERE kind = $1 AND scope = $2 AND id = $3', where)
    else
      await client.query('INSERT INTO record (kind, scope, id, value) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, scope, id) DO UPDATE SET value = EXCLUDED.value', [
        ...where,
        JSON.stringify(write.value)
      ])
  }
}
