import type { StorageAdapter, StorageChunk, StorageKey } from './StorageAdapter'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * JSON records of one kind (accounts, sessions, a document's comments…) kept
 * under `[...prefix, id]` in a {@link StorageAdapter}. `fromJSON` validates what is read back and throws a
 * precise error if a stored record is not what it should be.
 */
export class RecordStore<T> {
  constructor(
    private readonly storage: StorageAdapter,
    private readonly prefix: StorageKey,
    private readonly fromJSON: (json: unknown) => T
  ) {}

  async get(id: string): Promise<T | undefined> {
    const data = await this.storage.load([...this.prefix, id])
    return data && this.fromJSON(JSON.parse(decoder.decode(data)))
  }

  async put(id: string, record: T): Promise<void> {
    const { key, data } = this.chunkOf(id, record)
    await this.storage.save(key, data)
  }

  /** `record` as the chunk {@link put} would store, to store it together with others ({@link StorageAdapter.saveAll}). */
  chunkOf(id: string, record: T): StorageChunk {
    return { key: [...this.prefix, id], data: encoder.encode(JSON.stringify(record)) }
  }

  async remove(id: string): Promise<void> {
    await this.storage.remove([...this.prefix, id])
  }

  async list(): Promise<T[]> {
    const chunks = await this.storage.loadRange(this.prefix)
    return chunks.map((c) => this.fromJSON(JSON.parse(decoder.decode(c.data))))
  }
}
