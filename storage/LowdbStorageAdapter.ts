import { Low } from 'lowdb'
import { checkKey, compareKeys, keyStartsWith, type StorageAdapter, type StorageChunk, type StorageKey } from './StorageAdapter'
import { DurableJsonFile, StoreFileCorruptError, type WriteStats } from './DurableJsonFile'

/** The shape of the data file: every chunk, its key as JSON, its bytes as base64. */
interface StoreFile {
  format: 'consenso-store'
  version: 1
  chunks: Record<string, string>
}

const emptyFile = (): StoreFile => ({ format: 'consenso-store', version: 1, chunks: {} })

/**
 * The embedded default store: one lowdb JSON file, written durably (see
 * {@link DurableJsonFile}). Changes made while a write is under way are
 * gathered into the next write, so a burst of saves costs two file writes,
 * not one per save; each call resolves once its change is on disk.
 */
export class LowdbStorageAdapter implements StorageAdapter {
  private readonly file: DurableJsonFile<StoreFile>
  private readonly db: Low<StoreFile>
  private writing: Promise<void> | null = null
  private nextWrite: Promise<void> | null = null

  private constructor(path: string) {
    this.file = new DurableJsonFile<StoreFile>(path)
    this.db = new Low(this.file, emptyFile())
  }

  /**
   * Opens (or creates) the store at `path`. Throws {@link StoreFileCorruptError}
   * if the file exists but is not a Consenso store, rather than overwrite it.
   */
  static async open(path: string): Promise<LowdbStorageAdapter> {
    const adapter = new LowdbStorageAdapter(path)
    // Read through the file rather than lowdb: Low.read keeps its default data
    // when the file holds a falsy JSON value (0, false, ""), which the first
    // save would then write over the file.
    const data = (await adapter.file.read()) as Partial<StoreFile> | null
    if (data === null) return adapter
    if (typeof data !== 'object' || data.format !== 'consenso-store' || data.version !== 1 || typeof data.chunks !== 'object' || data.chunks === null)
      throw new StoreFileCorruptError(path, new Error('not a Consenso store of version 1'))
    adapter.db.data = data as StoreFile
    return adapter
  }

  /** Writes, fsyncs and bytes written so far, for the benchmark. */
  get stats(): Readonly<WriteStats> {
    return this.file.stats
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    checkKey(key)
    const text = this.db.data.chunks[JSON.stringify(key)]
    return text === undefined ? undefined : new Uint8Array(Buffer.from(text, 'base64'))
  }

  save(key: StorageKey, data: Uint8Array): Promise<void> {
    return this.saveAll([{ key, data }])
  }

  // One file write holds the whole change: the file is replaced whole, so it
  // has every chunk or, after a crash before the rename, none.
  saveAll(chunks: readonly StorageChunk[]): Promise<void> {
    for (const { key } of chunks) checkKey(key)
    for (const { key, data } of chunks)
      this.db.data.chunks[JSON.stringify(key)] = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')
    return this.persist()
  }

  remove(key: StorageKey): Promise<void> {
    checkKey(key)
    delete this.db.data.chunks[JSON.stringify(key)]
    return this.persist()
  }

  async loadRange(prefix: StorageKey): Promise<StorageChunk[]> {
    checkKey(prefix, true)
    const chunks: StorageChunk[] = []
    for (const [id, text] of Object.entries(this.db.data.chunks)) {
      const key = JSON.parse(id) as string[]
      if (keyStartsWith(key, prefix)) chunks.push({ key, data: new Uint8Array(Buffer.from(text, 'base64')) })
    }
    return chunks.sort((a, b) => compareKeys(a.key, b.key))
  }

  removeRange(prefix: StorageKey): Promise<void> {
    checkKey(prefix, true)
    for (const id of Object.keys(this.db.data.chunks))
      if (keyStartsWith(JSON.parse(id) as string[], prefix)) delete this.db.data.chunks[id]
    return this.persist()
  }

  async close(): Promise<void> {
    await (this.nextWrite ?? this.writing)
  }

  // One write at a time; every change made meanwhile rides on the next one.
  private persist(): Promise<void> {
    if (!this.writing) {
      this.writing = this.db.write().finally(() => {
        this.writing = null
      })
      return this.writing
    }
    this.nextWrite ??= this.writing
      .catch(() => {})
      .then(() => {
        this.nextWrite = null
        return this.persist()
      })
    return this.nextWrite
  }
}
