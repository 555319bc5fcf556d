import { compareKeys, keyStartsWith, type StorageAdapter, type StorageChunk, type StorageKey } from './StorageAdapter'

/**
 * A read-only {@link StorageAdapter} over every chunk of another, read once
 * and indexed by the first two parts of their keys, so that the many
 * `loadRange` calls of a copy (one per kind, per document, per scope) cost
 * what they return, not a scan of the whole file each. For copies out of a
 * single data file (upgrade, restore); every change throws.
 */
export class IndexedSnapshotAdapter implements StorageAdapter {
  private readonly byPrefix = new Map<string, StorageChunk[]>()
  private readonly all: StorageChunk[]

  private constructor(chunks: StorageChunk[]) {
    this.all = chunks.sort((a, b) => compareKeys(a.key, b.key))
    for (const chunk of this.all)
      for (const length of [1, 2]) {
        if (chunk.key.length < length) continue
        const prefix = JSON.stringify(chunk.key.slice(0, length))
        let list = this.byPrefix.get(prefix)
        if (!list) this.byPrefix.set(prefix, (list = []))
        list.push(chunk)
      }
  }

  /** Reads every chunk of `source` once. */
  static async of(source: StorageAdapter): Promise<IndexedSnapshotAdapter> {
    return new IndexedSnapshotAdapter(await source.loadRange([]))
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    const chunk = (await this.loadRange(key)).find((c) => c.key.length === key.length)
    return chunk?.data
  }

  async loadRange(prefix: StorageKey): Promise<StorageChunk[]> {
    if (prefix.length === 0) return [...this.all]
    const indexed = this.byPrefix.get(JSON.stringify(prefix.slice(0, 2))) ?? []
    return prefix.length <= 2 ? [...indexed] : indexed.filter((c) => keyStartsWith(c.key, prefix))
  }

  save(): Promise<void> {
    return Promise.reject(new Error('A copy source is read-only'))
  }

  saveAll(): Promise<void> {
    return this.save()
  }

  remove(): Promise<void> {
    return this.save()
  }

  removeRange(): Promise<void> {
    return this.save()
  }

  async close(): Promise<void> {}
}
