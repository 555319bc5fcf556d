import { crc32 } from 'node:zlib'
import { access, mkdir, open, readdir, readFile, rm, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import type { DocumentHistory, DocumentLog, DocumentTail, LoggedUpdate } from '../Store'
import type { WriteStats } from '../DurableJsonFile'
import { syncFolder, writeFileDurably } from '../writeFileDurably'
import { decodeFrames, encodeFrame } from './frames'
import { fileNameOf, idOfFileName } from './fileNames'

/** A document's snapshot file could not be read back. */
export class DamagedSnapshotError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`The snapshot ${path} is damaged: ${reason}`)
    this.name = 'DamagedSnapshotError'
  }
}

const SNAPSHOT_MAGIC = 0x314e5343 // "CSN1"
const SNAPSHOT_HEADER = 17 // magic u32, has-snapshot u8, through-seq f64, crc u32

// A snapshot file: the bytes (or none, after a removal) and the number of the last update they hold.
function encodeSnapshot(snapshot: Uint8Array | undefined, throughSeq: number): Buffer {
  const body = snapshot ?? new Uint8Array(0)
  const file = Buffer.allocUnsafe(SNAPSHOT_HEADER + body.byteLength)
  file.writeUInt32LE(SNAPSHOT_MAGIC, 0)
  file.writeUInt8(snapshot === undefined ? 0 : 1, 4)
  file.writeDoubleLE(throughSeq, 5)
  file.writeUInt32LE(crc32(body), 13)
  file.set(body, SNAPSHOT_HEADER)
  return file
}

function decodeSnapshot(path: string, file: Buffer): { snapshot: Uint8Array | undefined; snapshotSeq: number } {
  if (file.byteLength < SNAPSHOT_HEADER || file.readUInt32LE(0) !== SNAPSHOT_MAGIC) throw new DamagedSnapshotError(path, 'not a snapshot file')
  const body = file.subarray(SNAPSHOT_HEADER)
  if (crc32(body) !== file.readUInt32LE(13)) throw new DamagedSnapshotError(path, 'its checksum does not match')
  return { snapshot: file.readUInt8(4) === 1 ? new Uint8Array(body) : undefined, snapshotSeq: file.readDoubleLE(5) }
}

// The number a snapshot file holds through, from its header alone (its checksum covers the body, which load() checks).
async function readSnapshotSeq(path: string): Promise<number> {
  const file = await open(path, 'r')
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(SNAPSHOT_HEADER), 0, SNAPSHOT_HEADER, 0)
    if (bytesRead < SNAPSHOT_HEADER || buffer.readUInt32LE(0) !== SNAPSHOT_MAGIC) throw new DamagedSnapshotError(path, 'not a snapshot file')
    return buffer.readDoubleLE(5)
  } finally {
    await file.close()
  }
}

// An update frame's payload: its number (f64) and the update.
function encodeUpdate(seq: number, update: Uint8Array): Buffer {
  const payload = Buffer.allocUnsafe(8 + update.byteLength)
  payload.writeDoubleLE(seq, 0)
  payload.set(update, 8)
  return encodeFrame(payload)
}

interface Waiting {
  readonly update: Uint8Array
  readonly resolve: (seq: number) => void
  readonly reject: (err: unknown) => void
}

/** What is kept of a document between calls: its next number and its queue of work. */
interface DocumentState {
  /** Work on the document's files, one at a time. */
  chain: Promise<unknown>
  waiting: Waiting[]
  /** Known once the files were read once; `undefined` before. */
  nextSeq: number | undefined
}

/**
 * The document log on files: per document `documents/<id>/snapshot` (written
 * whole, durably, with the number of the last update it holds) and
 * `documents/<id>/updates`, append-only CRC frames `{seq, update}`. Appends
 * are fsynced, and appends that arrive during an fsync ride the next one
 * (group commit per document). Of an idle document nothing is kept in memory
 * but its next number.
 */
export class DocumentFiles implements DocumentLog {
  private readonly states = new Map<string, DocumentState>()

  /**
   * With `readOnly`, reads never cut a torn tail (a server may be appending it) and every change throws.
   * Counts its writes and fsyncs in `stats`.
   */
  constructor(
    private readonly dir: string,
    private readonly readOnly = false,
    private readonly stats: WriteStats = { writes: 0, fsyncs: 0, bytes: 0 }
  ) {}

  /** The documents with files, sorted. */
  async ids(): Promise<string[]> {
    try {
      return (await readdir(this.dir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => idOfFileName(d.name))
        .sort()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
  }

  append(document: string, update: Uint8Array): Promise<number> {
    if (this.readOnly) return Promise.reject(new Error(`The document log ${this.dir} is open read-only`))
    const state = this.stateOf(document)
    return new Promise<number>((resolve, reject) => {
      state.waiting.push({ update: update.slice(), resolve, reject })
      if (state.waiting.length === 1) void this.run(document, () => this.writeWaiting(document))
    })
  }

  load(document: string): Promise<DocumentHistory> {
    return this.run(document, () => this.read(document), false)
  }

  async loadSince(document: string, seq: number): Promise<LoggedUpdate[]> {
    return [...(await this.loadTail(document, seq)).updates]
  }

  loadTail(document: string, seq: number): Promise<DocumentTail> {
    return this.run(
      document,
      async () => {
        const { snapshotSeq, updates } = await this.read(document, false)
        return { snapshotSeq, updates: updates.filter((u) => u.seq > seq) }
      },
      false
    )
  }

  compact(document: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    const copy = snapshot.slice()
    return this.run(document, async () => {
      const history = await this.read(document)
      if (throughSeq < history.snapshotSeq)
        throw new RangeError(`Document ${document} is compacted through ${history.snapshotSeq}, not ${throughSeq}`)
      // The snapshot first: a crash before the updates file is rewritten
      // leaves updates it already holds, which load() skips by number.
      await writeFileDurably(this.snapshotPath(document), encodeSnapshot(copy, throughSeq), { replace: true, stats: this.stats })
      const kept = history.updates.filter((u) => u.seq > throughSeq)
      await writeFileDurably(this.updatesPath(document), Buffer.concat(kept.map((u) => encodeUpdate(u.seq, u.update))), { replace: true, stats: this.stats })
    })
  }

  remove(document: string): Promise<void> {
    return this.run(document, async () => {
      const history = await this.read(document)
      const state = this.stateOf(document)
      // The snapshot file stays, empty, holding the last number given: numbers keep growing after a removal.
      const last = (state.nextSeq ?? 1) - 1
      await writeFileDurably(this.snapshotPath(document), encodeSnapshot(undefined, Math.max(last, history.snapshotSeq)), { replace: true, stats: this.stats })
      await rm(this.updatesPath(document), { force: true })
      await syncFolder(this.folderOf(document), this.stats)
    })
  }

  /** Waits for the work under way on every document. */
  async close(): Promise<void> {
    await Promise.all([...this.states.values()].map((s) => s.chain.catch(() => undefined)))
  }

  private folderOf(document: string): string {
    return join(this.dir, fileNameOf(document))
  }

  private snapshotPath(document: string): string {
    return join(this.folderOf(document), 'snapshot')
  }

  private updatesPath(document: string): string {
    return join(this.folderOf(document), 'updates')
  }

  private stateOf(document: string): DocumentState {
    fileNameOf(document) // checks the id
    let state = this.states.get(document)
    if (!state) this.states.set(document, (state = { chain: Promise.resolve(), waiting: [], nextSeq: undefined }))
    return state
  }

  // Runs `work` after the work already queued on the document.
  private run<T>(document: string, work: () => Promise<T>, change = true): Promise<T> {
    if (change && this.readOnly) return Promise.reject(new Error(`The document log ${this.dir} is open read-only`))
    const state = this.stateOf(document)
    const result = state.chain.then(work, work)
    // Settles to nothing: the chain must not hold the last history read (an idle document keeps nothing in memory).
    state.chain = result.then(
      () => undefined,
      () => undefined
    )
    return result
  }

  // Reads the snapshot (or, not `withSnapshot`, only its number) and the
  // updates after it; cuts a torn last frame off (safe here: the document's
  // work runs one at a time, so no append is under way).
  private async read(document: string, withSnapshot = true): Promise<DocumentHistory> {
    const state = this.stateOf(document)
    // The updates before the snapshot: a compaction writes the snapshot
    // first, so updates read first are never newer than the snapshot read
    // after them (what matters to a read-only reader while a server compacts).
    let bytes: Buffer
    try {
      bytes = await readFile(this.updatesPath(document))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      bytes = Buffer.alloc(0)
    }
    let snapshot: Uint8Array | undefined
    let snapshotSeq = 0
    try {
      if (withSnapshot) ({ snapshot, snapshotSeq } = decodeSnapshot(this.snapshotPath(document), await readFile(this.snapshotPath(document))))
      else snapshotSeq = await readSnapshotSeq(this.snapshotPath(document))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const { payloads, goodLength } = decodeFrames(bytes)
    if (goodLength < bytes.byteLength && !this.readOnly) await truncate(this.updatesPath(document), goodLength)
    const updates: LoggedUpdate[] = []
    let last = snapshotSeq
    for (const payload of payloads) {
      const seq = payload.readDoubleLE(0)
      last = Math.max(last, seq)
      if (seq > snapshotSeq) updates.push({ seq, update: new Uint8Array(payload.subarray(8)) })
    }
    state.nextSeq = Math.max(state.nextSeq ?? 1, last + 1)
    return { snapshot, snapshotSeq, updates }
  }

  // Writes every waiting update in one append and one fsync; those that
  // arrive meanwhile wait for the next round.
  private async writeWaiting(document: string): Promise<void> {
    const state = this.stateOf(document)
    if (state.nextSeq === undefined) await this.read(document)
    const batch = state.waiting.splice(0)
    if (batch.length === 0) return
    const first = state.nextSeq as number
    try {
      const frames = Buffer.concat(batch.map((w, i) => encodeUpdate(first + i, w.update)))
      const folder = this.folderOf(document)
      // Names made now (not an empty file a compaction left, whose name is durable already) must survive a power cut too.
      const newFolder = (await mkdir(folder, { recursive: true })) !== undefined
      const newFile = newFolder || !(await exists(this.updatesPath(document)))
      const file = await open(this.updatesPath(document), 'a')
      try {
        // The names first: a write that fails after the file is made still leaves them durable for the next append.
        if (newFile) await syncFolder(folder, this.stats)
        if (newFolder) await syncFolder(this.dir, this.stats)
        await file.writeFile(frames)
        await file.datasync()
      } finally {
        await file.close()
      }
      this.stats.writes++
      this.stats.fsyncs++
      this.stats.bytes += frames.byteLength
      state.nextSeq = first + batch.length
      batch.forEach((w, i) => w.resolve(first + i))
    } catch (err) {
      // Read the files again before the next append: a frame may be half written.
      state.nextSeq = undefined
      batch.forEach((w) => w.reject(err))
    }
    if (state.waiting.length > 0) void this.run(document, () => this.writeWaiting(document))
  }
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false
  )
