import { open, readdir, readFile, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import { AUDIT_GENESIS, type AuditHead, type StoredAuditEntry } from '../Store'
import type { WriteStats } from '../DurableJsonFile'
import { syncFolder, writeFileDurably } from '../writeFileDurably'

/** Entries per segment file: a sealed segment (full) is never written again. */
export const SEGMENT_ENTRIES = 10_000

/** The audit trail stored ends before its last recorded head, or has a hole: entries were cut or removed. */
export class AuditTrailCutError extends Error {
  constructor(
    readonly expected: AuditHead,
    readonly found: number
  ) {
    super(
      `The audit trail is cut: it was recorded up to entry ${expected.seq} (hash ${expected.hash.slice(0, 12)}…), ` +
        `but the stored entries end or break at ${found}`
    )
    this.name = 'AuditTrailCutError'
  }
}

const segmentName = (n: number) => `${String(n).padStart(6, '0')}.jsonl`
const segmentOf = (seq: number) => Math.floor((seq - 1) / SEGMENT_ENTRIES) + 1

/**
 * The checkpointed audit trail: segments of {@link SEGMENT_ENTRIES} entries as
 * JSON lines (`000001.jsonl`, …), appended and fsynced, and `head.json`, the
 * head as of the last checkpoint (the anchor a cut tail is measured against).
 * Only the head is kept in memory, so appending costs the same at any length.
 */
export class AuditSegments {
  private constructor(
    private readonly dir: string,
    /** The newest entry in the segment files. */
    public head: AuditHead,
    /** What `head.json` said at open: the trail must reach it. */
    readonly anchor: AuditHead | undefined,
    private readonly stats: WriteStats
  ) {}

  /** Opens the segments in `dir`: reads the last segment's last whole line, cuts a torn one off. Counts its writes in `stats`. */
  static async open(dir: string, readOnly = false, stats: WriteStats = { writes: 0, fsyncs: 0, bytes: 0 }): Promise<AuditSegments> {
    const names = (await readdir(dir)).filter((n) => /^\d{6}\.jsonl$/.test(n)).sort()
    let head: AuditHead = { seq: 0, hash: AUDIT_GENESIS }
    for (let i = names.length - 1; i >= 0; i--) {
      const path = join(dir, names[i] as string)
      const { entries, goodLength, length } = parseSegment(await readFile(path))
      // A last line torn by a crash during a checkpoint: the journal still
      // holds it and replays it. Damage before the last line is not cut (it
      // is evidence): the trail then reads as cut.
      if (goodLength < length && !readOnly && bytesAfterLastLine(await readFile(path), goodLength)) await truncate(path, goodLength)
      const last = entries.at(-1)
      if (last) {
        head = { seq: last.seq, hash: last.hash }
        break
      }
    }
    let anchor: AuditHead | undefined
    try {
      anchor = JSON.parse(await readFile(join(dir, 'head.json'), 'utf8')) as AuditHead
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    return new AuditSegments(dir, head, anchor, stats)
  }

  /** Whether the stored entries fall short of the recorded head. */
  get cut(): boolean {
    return this.anchor !== undefined && this.head.seq < this.anchor.seq
  }

  /**
   * Appends the entries numbered above the head (earlier ones are there
   * already: a journal replayed twice appends nothing twice), fsyncs, and
   * records the new head in `head.json` (unless the trail is cut: the anchor
   * then stays as the evidence).
   */
  async append(entries: readonly StoredAuditEntry[]): Promise<void> {
    const fresh = entries.filter((e) => e.seq > this.head.seq)
    if (fresh.length === 0) return
    let i = 0
    while (i < fresh.length) {
      const segment = segmentOf((fresh[i] as StoredAuditEntry).seq)
      let j = i
      while (j < fresh.length && segmentOf((fresh[j] as StoredAuditEntry).seq) === segment) j++
      const lines = fresh.slice(i, j).map((e) => `${JSON.stringify({ seq: e.seq, hash: e.hash, json: e.json })}\n`)
      const text = Buffer.from(lines.join(''))
      const file = await open(join(this.dir, segmentName(segment)), 'a')
      try {
        await file.writeFile(text)
        await file.sync()
      } finally {
        await file.close()
      }
      this.stats.writes++
      this.stats.fsyncs++
      this.stats.bytes += text.byteLength
      // A new segment's name must survive a power cut too.
      if ((fresh[i] as StoredAuditEntry).seq % SEGMENT_ENTRIES === 1) await syncFolder(this.dir, this.stats)
      i = j
    }
    const last = fresh.at(-1) as StoredAuditEntry
    this.head = { seq: last.seq, hash: last.hash }
    if (!this.cut) await writeFileDurably(join(this.dir, 'head.json'), Buffer.from(JSON.stringify(this.head)), { replace: true, stats: this.stats })
  }

  /** The stored entries numbered `from` to `to`, oldest first, segment by segment. */
  async *read(from: number, to: number): AsyncGenerator<StoredAuditEntry> {
    const last = Math.min(to, this.head.seq)
    for (let segment = segmentOf(Math.max(1, from)); from <= last && segment <= segmentOf(last); segment++) {
      let bytes: Buffer
      try {
        bytes = await readFile(join(this.dir, segmentName(segment)))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      for (const entry of entriesIn(bytes, segment, from, last)) yield entry
    }
  }
}

// The whole lines of a segment; a last line without its newline (torn) or not JSON ends the good part.
function parseSegment(bytes: Buffer): { entries: StoredAuditEntry[]; goodLength: number; length: number } {
  const entries: StoredAuditEntry[] = []
  let offset = 0
  for (;;) {
    const end = bytes.indexOf(10, offset)
    if (end < 0) break
    let entry: StoredAuditEntry
    try {
      entry = JSON.parse(bytes.subarray(offset, end).toString('utf8')) as StoredAuditEntry
    } catch {
      break
    }
    if (typeof entry?.seq !== 'number' || typeof entry.hash !== 'string' || typeof entry.json !== 'string') break
    entries.push(entry)
    offset = end + 1
  }
  return { entries, goodLength: offset, length: bytes.byteLength }
}

// Whether the damage at `goodLength` is the file's last line (torn), not a line in the middle.
function bytesAfterLastLine(bytes: Buffer, goodLength: number): boolean {
  const end = bytes.indexOf(10, goodLength)
  return end < 0 || end === bytes.byteLength - 1
}

// The entries numbered `from` to `last` of a segment. Line i of segment s
// holds entry (s-1)*SEGMENT_ENTRIES+i+1, so only the lines asked for are
// parsed (reading the newest page costs the same in a long trail); if a line
// holds another number the whole segment is parsed, so the caller sees
// exactly what is stored (and notices the hole).
function entriesIn(bytes: Buffer, segment: number, from: number, last: number): StoredAuditEntry[] {
  const first = (segment - 1) * SEGMENT_ENTRIES + 1
  const entries: StoredAuditEntry[] = []
  let offset = 0
  for (let seq = first; seq <= last; seq++) {
    const end = bytes.indexOf(10, offset)
    if (end < 0) break
    if (seq >= from) {
      let entry: StoredAuditEntry | undefined
      try {
        entry = JSON.parse(bytes.subarray(offset, end).toString('utf8')) as StoredAuditEntry
      } catch {
        entry = undefined
      }
      if (entry?.seq !== seq) return parseSegment(bytes).entries.filter((e) => e.seq >= from && e.seq <= last)
      entries.push(entry)
    }
    offset = end + 1
  }
  return entries
}
