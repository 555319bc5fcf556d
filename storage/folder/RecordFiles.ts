import { readdir, readFile, rename, rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { RecordScope } from '../Store'
import type { WriteStats } from '../DurableJsonFile'
import { syncFolder, writeFileDurably } from '../writeFileDurably'
import { fileNameOf, idOfFileName } from './fileNames'

/** A scope file as read: each record's JSON text by id, or why the whole file cannot be read. */
export type ScopeFile = { readonly texts: ReadonlyMap<string, string>; readonly damaged?: undefined } | { readonly damaged: string }

/** Changes to apply to one scope: a record's new JSON text, or `null` to remove it. */
export type ScopeChanges = ReadonlyMap<string, string | null>

/** Records of this kind are big and written once: one file per record, never rewritten. */
export const isOneFilePerRecord = ({ kind, scope }: RecordScope) => kind === 'version' && scope !== undefined

/**
 * The checkpointed records: one JSON file per (kind, scope) under
 * `records/`, `{ id: JSON text }`, so a damaged record is one bad string and
 * not a bad file; versions one file each (`records/version/<doc>/<id>.json`).
 * Keeps the scope files it read in a cache bounded by bytes (least recently
 * used out), so memory does not grow with the data on disk.
 */
export class RecordFiles {
  private readonly cache = new Map<string, { file: ScopeFile; bytes: number }>()
  private cached = 0
  // Bumped by every checkpoint write of a scope: a read that began before
  // it must not put the older file into the cache.
  private readonly epochs = new Map<string, number>()

  constructor(
    private readonly dir: string,
    private readonly cacheBytes: number,
    private readonly stats: WriteStats = { writes: 0, fsyncs: 0, bytes: 0 }
  ) {}

  /** Bytes of record files held in the cache now (at most the `cacheBytes` it was made with). */
  get cachedBytes(): number {
    return this.cached
  }

  /** The scope file's records, from the cache or the disk. Never throws for a damaged file: says so. */
  async readScope(where: RecordScope): Promise<ScopeFile> {
    const key = scopeKey(where)
    const hit = this.cache.get(key)
    if (hit) {
      this.cache.delete(key)
      this.cache.set(key, hit)
      return hit.file
    }
    const epoch = this.epochs.get(key) ?? 0
    const { file, bytes } = await this.load(this.scopePath(where))
    if ((this.epochs.get(key) ?? 0) === epoch) this.remember(key, file, bytes)
    return file
  }

  /** Applies `changes` to the scope's file durably (removes the file once empty). */
  async writeScope(where: RecordScope, changes: ScopeChanges): Promise<void> {
    if (isOneFilePerRecord(where)) return this.writeRecordFiles(where, changes)
    const key = scopeKey(where)
    const path = this.scopePath(where)
    const before = await this.readScope(where)
    if (before.damaged !== undefined) {
      // Never write over what cannot be read: keep it aside for a person to look at.
      await rename(path, `${path}.damaged-${Date.now()}`).catch(() => {})
    }
    const texts = new Map(before.damaged === undefined ? before.texts : [])
    for (const [id, text] of changes) {
      if (text === null) texts.delete(id)
      else texts.set(id, text)
    }
    this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1)
    if (texts.size === 0) {
      await rm(path, { force: true })
      this.forget(key)
      return
    }
    const json = JSON.stringify(Object.fromEntries(texts))
    await writeFileDurably(path, Buffer.from(json), { replace: true, stats: this.stats })
    this.forget(key)
    this.remember(key, { texts }, json.length)
  }

  /** A one-file record's JSON text, or `undefined`. */
  async readRecordFile(where: RecordScope, id: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.scopeFolder(where), `${fileNameOf(id)}.json`), 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  /** The ids of a scope's one-file records, sorted. */
  async recordFileIds(where: RecordScope): Promise<string[]> {
    return (await namesIn(this.scopeFolder(where)))
      .filter((n) => n.endsWith('.json'))
      .map((n) => idOfFileName(n.slice(0, -5)))
      .sort()
  }

  /** The document scopes holding checkpointed records of `kind`. */
  async scopesOnDisk(kind: string): Promise<string[]> {
    const names = await namesIn(join(this.dir, fileNameOf(kind)))
    if (isOneFilePerRecord({ kind, scope: '_' })) return names.filter((n) => !n.startsWith('.')).map(idOfFileName)
    return names.filter((n) => n.endsWith('.json')).map((n) => idOfFileName(n.slice(0, -5)))
  }

  // A version is written once, in a file of its own; a removal removes the file.
  private async writeRecordFiles(where: RecordScope, changes: ScopeChanges): Promise<void> {
    const folder = this.scopeFolder(where)
    for (const [id, text] of changes) {
      const path = join(folder, `${fileNameOf(id)}.json`)
      if (text === null) await rm(path, { force: true })
      else await writeFileDurably(path, Buffer.from(text), { replace: true, stats: this.stats })
    }
    if ((await namesIn(folder)).length === 0) await rmdir(folder).catch(() => {})
    else await syncFolder(folder, this.stats).catch(() => {})
  }

  private scopePath({ kind, scope }: RecordScope): string {
    return scope === undefined ? join(this.dir, `${fileNameOf(kind)}.json`) : join(this.dir, fileNameOf(kind), `${fileNameOf(scope)}.json`)
  }

  private scopeFolder({ kind, scope }: RecordScope): string {
    return join(this.dir, fileNameOf(kind), fileNameOf(scope as string))
  }

  private async load(path: string): Promise<{ file: ScopeFile; bytes: number }> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file: { texts: new Map() }, bytes: 0 }
      return { file: { damaged: `the file ${path} cannot be read (${(err as Error).message})` }, bytes: 0 }
    }
    try {
      const data = JSON.parse(text) as unknown
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not an object of records')
      return { file: { texts: new Map(Object.entries(data as Record<string, string>)) }, bytes: text.length }
    } catch (err) {
      return { file: { damaged: `the file ${path} is not JSON of records (${(err as Error).message})` }, bytes: text.length }
    }
  }

  private remember(key: string, file: ScopeFile, bytes: number): void {
    // A file bigger than the whole cache is read each time rather than evict everything.
    if (bytes > this.cacheBytes) return
    this.forget(key)
    this.cache.set(key, { file, bytes })
    this.cached += bytes
    for (const [oldest, entry] of this.cache) {
      if (this.cached <= this.cacheBytes) break
      this.cache.delete(oldest)
      this.cached -= entry.bytes
    }
  }

  private forget(key: string): void {
    const entry = this.cache.get(key)
    if (!entry) return
    this.cache.delete(key)
    this.cached -= entry.bytes
  }
}

/** A scope as one map key: kind and document id joined by a character ids never hold. */
export const scopeKey = ({ kind, scope }: RecordScope): string => (scope === undefined ? kind : `${kind}\u0000${scope}`)

async function namesIn(folder: string): Promise<string[]> {
  try {
    return await readdir(folder)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}
