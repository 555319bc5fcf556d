import { checkKey, compareKeys, keyStartsWith, type StorageAdapter, type StorageChunk, type StorageKey } from './StorageAdapter'

/**
 * A storage adapter that keeps everything in memory: for tests and for trying
 * Consenso out without a data folder. Stores copies, so a caller that reuses
 * its buffer cannot change what was saved.
 */
export class MemoryStorageAdapter implements StorageAdapter {
  // JSON of the key array: injective, unlike joining the parts with a separator.
  private readonly chunks = new Map<string, StorageChunk>()

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    checkKey(key)
    const chunk = this.chunks.get(JSON.stringify(key))
    return chunk && chunk.data.slice()
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    checkKey(key)
    this.chunks.set(JSON.stringify(key), { key: [...key], data: data.slice() })
  }

  async saveAll(chunks: readonly StorageChunk[]): Promise<void> {
    for (const { key } of chunks) checkKey(key)
    for (const { key, data } of chunks) this.chunks.set(JSON.stringify(key), { key: [...key], data: data.slice() })
  }

  async remove(key: StorageKey): Promise<void> {
    checkKey(key)
    this.chunks.delete(JSON.stringify(key))
  }

  async loadRange(prefix: StorageKey): Promise<StorageChunk[]> {
    checkKey(prefix, true)
    return [...this.chunks.values()]
      .filter((c) => keyStartsWith(c.key, prefix))
      .sort((a, b) => compareKeys(a.key, b.key))
      .map((c) => ({ key: c.key, data: c.data.slice() }))
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    checkKey(prefix, true)
    for (const [id, c] of this.chunks) if (keyStartsWith(c.key, prefix)) this.chunks.delete(id)
  }

  async close(): Promise<void> {}
}
