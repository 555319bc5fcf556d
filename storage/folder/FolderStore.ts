import { mkdir, open, readdir, readFile, stat, truncate, unlink, type FileHandle } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  AuditConflictError,
  DamagedRecordError,
  type AuditHead,
  type AuditStore,
  type DamagedRecord,
  type Records,
  type RecordScope,
  type RecordWrite,
  type ScopeLocks,
  type Store,
  type StoredAuditEntry,
  type StoredRecord
} from '../Store'
import { DataFolderLock } from '../DataFolderLock'
import type { WriteStats } from '../DurableJsonFile'
import { syncFolder } from '../writeFileDurably'
import { AuditSegments, AuditTrailCutError } from './AuditSegments'
import { DocumentFiles } from './DocumentFiles'
import { decodeFrames, encodeFrame } from './frames'
import { fileNameOf, idOfFileName } from './fileNames'
import { isOneFilePerRecord, RecordFiles, scopeKey, type ScopeFile } from './RecordFiles'
import { SerialQueue } from '../SerialQueue'

/** How a {@link FolderStore} balances its journal, its cache and its checkpoints. */
export interface FolderStoreOptions {
  /** A checkpoint starts once the journal holds this many bytes. Default 4 MB: replay at open stays short. */
  readonly journalBytes?: number
  /** A checkpoint starts after this long without a write. Default 3 s: files catch up while the workspace is quiet. */
  readonly idleMs?: number
  /** Bytes of record files kept in memory. Default 16 MB: more reads from disk, less memory, when lower. */
  readonly cacheBytes?: number
  /**
   * Opens without changing a byte, for a copy made while a server runs on the
   * folder (`npm run backup`): journals are read, not replayed into files nor
   * cut; no journal is started; every write throws. Default false.
   */
  readonly readOnly?: boolean
  /** Told of a fault in the background (a checkpoint that failed and will be tried again). Default: `console.error`. */
  readonly onFault?: (err: unknown, context: string) => void
}

/** Defaults of {@link FolderStoreOptions}. */
export const defaultFolderStoreOptions = {
  journalBytes: 4 * 1024 * 1024,
  idleMs: 3000,
  cacheBytes: 16 * 1024 * 1024,
  readOnly: false,
  onFault: (err: unknown, context: string) => console.error(`FolderStore: ${context}:`, err)
} satisfies Required<FolderStoreOptions>

/** What a journal frame holds: record writes `[kind, scope, id, JSON text or null]` and maybe an audit entry. */
interface JournalFrame {
  readonly w: [string, string | null, string, string | null][]
  readonly a?: StoredAuditEntry
}

/** What one journal file holds and the files do not have yet: the overlay reads see first. */
interface Layer {
  readonly path: string
  readonly records: Map<string, { where: RecordScope; changes: Map<string, string | null> }>
  readonly audit: StoredAuditEntry[]
  frames: number
}

interface Queued {
  readonly frame: Buffer
  readonly payload: JournalFrame
  readonly resolve: () => void
  readonly reject: (err: unknown) => void
}

const journalName = (n: number) => `${String(n).padStart(6, '0')}.log`

/**
 * The embedded store: a folder of plain files where an act touches only
 * what it changes (see the README's storage section for the design).
 *
 * - Every record write and audit append is one frame of a small append-only
 *   journal, fsynced (group commit: frames that arrive during an fsync ride
 *   the next one). One frame is one durable change however many files it
 *   will touch, so an act and its audit entry are stored both or neither.
 * - In the background (journal over {@link FolderStoreOptions.journalBytes},
 *   idle, and at close) a checkpoint applies the journal to the per-scope
 *   record files and the audit segments, then deletes it. At open what is
 *   left in journals is replayed (idempotently) and a torn last frame cut.
 * - Reads see the journalled writes over the files.
 * - Document logs live apart, one folder per document ({@link DocumentFiles}).
 */
export class FolderStore implements Store {
  private readonly files: RecordFiles
  readonly documents: DocumentFiles
  private layers: Layer[] = []
  private journal!: FileHandle
  private journalNumber = 0
  private journalSize = 0
  private accepted: AuditHead
  private queue: Queued[] = []
  private serial: Promise<unknown> = Promise.resolve()
  private checkpointing: Promise<void> | undefined
  private idleTimer: NodeJS.Timeout | undefined
  private failed: Error | undefined
  private closing: Promise<void> | undefined
  private readonly held = new SerialQueue<string>()
  private writer: DataFolderLock | undefined
  private readonly options: Required<FolderStoreOptions>

  private constructor(
    readonly dir: string,
    private readonly segments: AuditSegments,
    options: FolderStoreOptions,
    private readonly written: WriteStats
  ) {
    this.options = { ...defaultFolderStoreOptions, ...options }
    this.files = new RecordFiles(join(dir, 'records'), this.options.cacheBytes, written)
    this.documents = new DocumentFiles(join(dir, 'documents'), this.options.readOnly, written)
    this.accepted = segments.head
  }

  /**
   * Opens (or creates) the store in the folder `dir` (a data folder's
   * `store/`): replays what its journals hold and starts a fresh journal.
   * One writer at a time: it takes the folder's lock (`consenso.lock` in
   * it, released at close) and throws `DataFolderInUseError` while another
   * store, in this process or another, has it open for writing. To read
   * beside a running server, open with `readOnly`.
   */
  static async open(dir: string, options: FolderStoreOptions = {}): Promise<FolderStore> {
    const root = resolve(dir)
    if (options.readOnly) await stat(join(root, 'journal')) // ENOENT: no store there
    else for (const sub of ['journal', 'audit', 'records', 'documents']) await mkdir(join(root, sub), { recursive: true })
    const written: WriteStats = { writes: 0, fsyncs: 0, bytes: 0 }
    const segments = await AuditSegments.open(join(root, 'audit'), options.readOnly ?? false, written)
    const store = new FolderStore(root, segments, options, written)
    if (options.readOnly) {
      await store.replayJournals()
      store.failed = new Error(`The store ${root} is open read-only`)
      return store
    }
    // One writer per store folder, whoever opens it (a server, a tool, a
    // test reading what a server stored): a second one would replay and
    // delete the journal the first is writing.
    store.writer = await DataFolderLock.acquire(root)
    try {
      await removeTemporaryFiles(root)
      await store.replayJournals()
      await store.startJournal()
    } catch (err) {
      await store.writer.release()
      throw err
    }
    if (store.layers.length > 1) void store.checkpoint().catch((err: unknown) => store.options.onFault(err, 'checkpoint after replay'))
    return store
  }

  /**
   * What this store has written since it was opened, all files together
   * (journal appends, document update appends and compactions, audit segment
   * appends, record files and `head.json` at checkpoints): each write with
   * its bytes, each fsync or datasync (of a file or of a folder). Removals
   * and the cuts of a torn tail at open are not counted. A copy.
   */
  get stats(): WriteStats {
    return { ...this.written }
  }

  /** Bytes of record files the cache holds now: at most {@link FolderStoreOptions.cacheBytes}, whatever is on disk. */
  get cachedBytes(): number {
    return this.files.cachedBytes
  }

  /**
   * The journal files as they are now, to tell whether a checkpoint ran
   * meanwhile (a read-only copy is then not of one moment: make it again).
   */
  async journalNames(): Promise<string[]> {
    return (await readdir(join(this.dir, 'journal'))).filter((n) => /^\d{6}\.log$/.test(n)).sort()
  }

  /** The documents that have a log in the store, sorted. */
  async documentIds(): Promise<string[]> {
    return this.documents.ids()
  }

  /**
   * The record kinds stored: `workspace` kinds hold records of the whole
   * workspace, `scoped` kinds records of documents.
   */
  async kinds(): Promise<{ workspace: string[]; scoped: string[] }> {
    const workspace = new Set<string>()
    const scoped = new Set<string>()
    for (const name of await readdir(join(this.dir, 'records'), { withFileTypes: true })) {
      if (name.isDirectory()) scoped.add(idOfFileName(name.name))
      else if (name.name.endsWith('.json')) workspace.add(idOfFileName(name.name.slice(0, -5)))
    }
    for (const layer of this.layers) for (const { where } of layer.records.values()) (where.scope === undefined ? workspace : scoped).add(where.kind)
    return { workspace: [...workspace].sort(), scoped: [...scoped].sort() }
  }

  /**
   * The audit head recorded at the last checkpoint before this open (in
   * `audit/head.json`), or `undefined` if none was. A trail whose entries end
   * before it was cut: {@link AuditStore.read} then throws {@link AuditTrailCutError}.
   */
  auditAnchor(): AuditHead | undefined {
    return this.segments.anchor
  }

  readonly records: Records = {
    get: async (where, id) => {
      const text = await this.textOf(where, id)
      if (text === undefined) return undefined
      return parseRecord(where, id, text)
    },
    list: async (where) => {
      const { texts, damaged } = await this.merged(where)
      const records: StoredRecord[] = []
      for (const id of [...texts.keys()].sort()) {
        try {
          records.push({ id, value: parseRecord(where, id, texts.get(id)) })
        } catch (err) {
          damaged.push((err as DamagedRecordError).record)
        }
      }
      return { records, damaged }
    },
    scopes: async (kind) => {
      const found = new Set(await this.files.scopesOnDisk(kind))
      const touched = new Set<string>()
      for (const layer of this.layers)
        for (const { where } of layer.records.values()) if (where.kind === kind && where.scope !== undefined) touched.add(where.scope)
      for (const scope of touched) {
        const { texts, damaged } = await this.merged({ kind, scope })
        if (texts.size > 0 || damaged.length > 0) found.add(scope)
        else found.delete(scope)
      }
      return [...found].sort()
    },
    write: async (writes) => {
      if (writes.length === 0) return
      await this.enqueue({ w: writes.map(frameWrite) })
    }
  }

  readonly audit: AuditStore = {
    head: async () => ({ ...this.accepted }),
    append: async (previous, entry, writes = []) => {
      this.checkOpen()
      const frame: JournalFrame = { w: writes.map(frameWrite), a: { seq: entry.seq, hash: entry.hash, json: entry.json } }
      const head = this.accepted
      if (head.seq !== previous.seq || head.hash !== previous.hash) throw new AuditConflictError(previous, { ...head })
      if (entry.seq !== previous.seq + 1) throw new RangeError(`Audit entry ${entry.seq} does not follow ${previous.seq}`)
      // Taken now, before the fsync: a second append from the same head conflicts at once.
      this.accepted = { seq: entry.seq, hash: entry.hash }
      await this.enqueue(frame)
    },
    read: (from, to) => this.readAudit(from, to ?? Number.MAX_SAFE_INTEGER)
  }

  readonly locks: ScopeLocks = {
    run: (scope, work) => this.held.run(scope, work)
  }

  /**
   * Applies the journal to the files and starts a new journal. Runs by
   * itself in the background; call it to have the files caught up now.
   */
  checkpoint(): Promise<void> {
    this.checkpointing ??= this.applyJournals().finally(() => {
      this.checkpointing = undefined
    })
    return this.checkpointing
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.idleTimer)
      await this.serial
      await this.checkpointing?.catch(() => undefined)
      if (!this.failed && !this.options.readOnly) await this.checkpoint()
      await this.documents.close()
      if (this.options.readOnly) return
      await this.journal.close()
      // The last journal is empty once checkpointed: nothing to replay.
      if (this.layers.length === 1 && this.layers[0]?.frames === 0) await unlink(this.layers[0].path).catch(() => {})
      this.failed ??= new Error('The store is closed')
      await this.writer?.release()
    })()
    return this.closing
  }

  private checkOpen(): void {
    if (this.failed) throw this.failed
    if (this.closing) throw new Error('The store is closed')
  }

  // The record's newest JSON text: journalled writes first, newest layer first, then the files.
  private async textOf(where: RecordScope, id: string): Promise<string | undefined> {
    const key = scopeKey(where)
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const changes = this.layers[i]?.records.get(key)?.changes
      if (changes?.has(id)) return changes.get(id) ?? undefined
    }
    if (isOneFilePerRecord(where)) return this.files.readRecordFile(where, id)
    const file = await this.files.readScope(where)
    if (file.damaged !== undefined) throw new DamagedRecordError({ ...where, id, reason: file.damaged })
    return file.texts.get(id)
  }

  // Every record text of a scope: the files, then the journalled writes over them.
  private async merged(where: RecordScope): Promise<{ texts: Map<string, string>; damaged: DamagedRecord[] }> {
    const damaged: DamagedRecord[] = []
    let texts: Map<string, string>
    if (isOneFilePerRecord(where)) {
      texts = new Map()
      for (const id of await this.files.recordFileIds(where)) {
        const text = await this.files.readRecordFile(where, id)
        if (text !== undefined) texts.set(id, text)
      }
    } else {
      const file: ScopeFile = await this.files.readScope(where)
      if (file.damaged !== undefined) damaged.push({ ...where, id: '*', reason: file.damaged })
      texts = new Map(file.damaged === undefined ? file.texts : [])
    }
    const key = scopeKey(where)
    for (const layer of this.layers)
      for (const [id, text] of layer.records.get(key)?.changes ?? []) {
        if (text === null) texts.delete(id)
        else texts.set(id, text)
      }
    return { texts, damaged }
  }

  private async *readAudit(from: number, to: number): AsyncGenerator<StoredAuditEntry> {
    const anchor = this.segments.anchor
    let expected = Math.max(1, from)
    const check = (entry: StoredAuditEntry) => {
      if (entry.seq !== expected) throw new AuditTrailCutError(anchor ?? { seq: expected, hash: '' }, expected)
      if (anchor && entry.seq === anchor.seq && entry.hash !== anchor.hash) throw new AuditTrailCutError(anchor, entry.seq)
      expected++
    }
    // Copies taken now: a checkpoint may move entries from the journal to the segments meanwhile.
    const journalled = this.layers.flatMap((l) => l.audit)
    const durable = journalled.at(-1)?.seq ?? this.segments.head.seq
    for await (const entry of this.segments.read(expected, to)) {
      if (entry.seq < expected) continue
      check(entry)
      yield entry
    }
    for (const entry of journalled) {
      if (entry.seq < expected || entry.seq > to) continue
      check(entry)
      yield { ...entry }
    }
    const end = Math.min(to, durable)
    if (expected <= end) throw new AuditTrailCutError(anchor ?? { seq: end, hash: '' }, expected)
    if (anchor && to > durable && durable < anchor.seq) throw new AuditTrailCutError(anchor, durable)
  }

  // Appends the frame to the journal; resolves once it is durable and visible to reads.
  private enqueue(payload: JournalFrame): Promise<void> {
    this.checkOpen()
    const frame = encodeFrame(encodeJournalFrame(payload))
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ frame, payload, resolve, reject })
      if (this.queue.length === 1) void this.inSerial(() => this.flush())
    })
  }

  // Runs journal work (flushes, rotations) one at a time.
  private inSerial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.serial.then(work, work)
    this.serial = result.then(
      () => undefined,
      () => undefined
    )
    return result
  }

  // One write and one fsync for every frame queued: group commit.
  private async flush(): Promise<void> {
    const batch = this.queue.splice(0)
    if (batch.length === 0) return
    const layer = this.layers.at(-1) as Layer
    try {
      if (this.failed) throw this.failed
      const bytes = Buffer.concat(batch.map((q) => q.frame))
      await this.journal.write(bytes, 0, bytes.byteLength, null)
      await this.journal.datasync()
      this.journalSize += bytes.byteLength
      this.written.writes++
      this.written.fsyncs++
      this.written.bytes += bytes.byteLength
    } catch (err) {
      // The journal's end is unknown now: refuse every later write rather than number entries on a guess.
      this.failed ??= new Error(`The store's journal could not be written: ${(err as Error).message}`)
      for (const q of batch) q.reject(err)
      return
    }
    for (const q of batch) applyFrame(layer, q.payload)
    for (const q of batch) q.resolve()
    this.scheduleCheckpoint()
  }

  private scheduleCheckpoint(): void {
    clearTimeout(this.idleTimer)
    if (this.closing) return
    const run = () => void this.checkpoint().catch((err: unknown) => this.options.onFault(err, 'checkpoint'))
    if (this.journalSize >= this.options.journalBytes) run()
    else {
      this.idleTimer = setTimeout(run, this.options.idleMs)
      this.idleTimer.unref()
    }
  }

  // Starts a new journal if the current one holds frames, then applies every older one to the files.
  private async applyJournals(): Promise<void> {
    await this.inSerial(async () => {
      if ((this.layers.at(-1)?.frames ?? 0) > 0) {
        await this.journal.close()
        await this.startJournal()
      }
    })
    const frozen = this.layers.slice(0, -1)
    for (const layer of frozen) {
      for (const { where, changes } of layer.records.values()) await this.files.writeScope(where, changes)
      await this.segments.append(layer.audit)
      await unlink(layer.path)
      // Only now do reads stop seeing the layer: the files hold it.
      this.layers = this.layers.filter((l) => l !== layer)
    }
    if (frozen.length > 0) await syncFolder(join(this.dir, 'journal'), this.written)
  }

  private async startJournal(): Promise<void> {
    this.journalNumber++
    const path = join(this.dir, 'journal', journalName(this.journalNumber))
    this.journal = await open(path, 'a')
    await syncFolder(join(this.dir, 'journal'), this.written)
    this.journalSize = 0
    this.layers.push({ path, records: new Map(), audit: [], frames: 0 })
  }

  // Reads every journal left by the last run into layers; cuts a torn last frame off.
  private async replayJournals(): Promise<void> {
    const folder = join(this.dir, 'journal')
    const names = (await readdir(folder)).filter((n) => /^\d{6}\.log$/.test(n)).sort()
    for (const name of names) {
      const path = join(folder, name)
      let bytes: Buffer
      try {
        bytes = await readFile(path)
      } catch (err) {
        // Read-only, beside a running server: a checkpoint deleted the
        // journal after it was listed; the files hold its writes now.
        if (this.options.readOnly && (err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      const { payloads, goodLength } = decodeFrames(bytes)
      if (goodLength < bytes.byteLength && !this.options.readOnly) await truncate(path, goodLength)
      const layer: Layer = { path, records: new Map(), audit: [], frames: 0 }
      for (const payload of payloads) {
        const frame = decodeJournalFrame(payload)
        // An entry the segments hold already was checkpointed before the crash.
        if (frame.a && frame.a.seq <= this.accepted.seq) applyFrame(layer, { w: frame.w })
        else applyFrame(layer, frame)
        if (frame.a && frame.a.seq > this.accepted.seq) this.accepted = { seq: frame.a.seq, hash: frame.a.hash }
      }
      this.layers.push(layer)
      this.journalNumber = Math.max(this.journalNumber, Number(name.slice(0, 6)))
    }
  }
}

// Files a durable write cut short by a crash left (`.<name>.<pid>.<random>.tmp`,
// see writeFileDurably): never read, so removed at open rather than kept forever.
async function removeTemporaryFiles(root: string): Promise<void> {
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true }))
    if (entry.isFile() && entry.name.startsWith('.') && entry.name.endsWith('.tmp')) await unlink(join(entry.parentPath, entry.name)).catch(() => {})
}

function frameWrite(write: RecordWrite): [string, string | null, string, string | null] {
  if (typeof write.kind !== 'string' || write.kind === '') throw new RangeError(`Not a record kind: ${JSON.stringify(write.kind)}`)
  fileNameOf(write.id)
  if (write.scope !== undefined) fileNameOf(write.scope)
  const text = write.value === null ? null : JSON.stringify(write.value)
  if (text === undefined) throw new RangeError(`Record ${write.kind}/${write.id} has no JSON value`)
  return [write.kind, write.scope ?? null, write.id, text]
}

// A frame's payload: a u32 length, a small JSON header (the writes with the
// byte length of each record's text, -1 for a removal; the audit entry),
// then the texts one after the other. The texts are not escaped into the
// header: a version of a long document is serialised once, not twice.
function encodeJournalFrame(frame: JournalFrame): Buffer {
  const texts = frame.w.map(([, , , text]) => (text === null ? null : Buffer.from(text)))
  const header = Buffer.from(JSON.stringify({ w: frame.w.map(([kind, scope, id], i) => [kind, scope, id, texts[i]?.byteLength ?? -1]), a: frame.a }))
  const length = Buffer.allocUnsafe(4)
  length.writeUInt32LE(header.byteLength, 0)
  const parts: Uint8Array[] = [length, header]
  for (const text of texts) if (text !== null) parts.push(text)
  return Buffer.concat(parts)
}

function decodeJournalFrame(payload: Buffer): JournalFrame {
  const headerEnd = 4 + payload.readUInt32LE(0)
  const header = JSON.parse(payload.subarray(4, headerEnd).toString('utf8')) as { w: [string, string | null, string, number][]; a?: StoredAuditEntry }
  let offset = headerEnd
  const w = header.w.map(([kind, scope, id, length]): [string, string | null, string, string | null] => {
    if (length < 0) return [kind, scope, id, null]
    const text = payload.subarray(offset, offset + length).toString('utf8')
    offset += length
    return [kind, scope, id, text]
  })
  return header.a ? { w, a: header.a } : { w }
}

function applyFrame(layer: Layer, frame: JournalFrame): void {
  layer.frames++
  for (const [kind, scope, id, text] of frame.w) {
    const where: RecordScope = scope === null ? { kind } : { kind, scope }
    const key = scopeKey(where)
    let entry = layer.records.get(key)
    if (!entry) layer.records.set(key, (entry = { where, changes: new Map() }))
    entry.changes.set(id, text)
  }
  if (frame.a) layer.audit.push(frame.a)
}

function parseRecord(where: RecordScope, id: string, text: unknown): unknown {
  if (typeof text !== 'string') throw new DamagedRecordError({ ...where, id, reason: 'the stored record is not JSON text' })
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new DamagedRecordError({ ...where, id, reason: (err as Error).message })
  }
}
