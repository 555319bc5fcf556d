/**
 * A storage key: a path of non-empty parts such as `['doc', 'estrategia', 'snapshot']`.
 * A range is named by a prefix of parts: `['doc', 'a']` holds `['doc', 'a', 'x']`
 * but never `['doc', 'ab']`.
 */
export type StorageKey = readonly string[]

/** A stored value and the key it is stored under. */
export interface StorageChunk {
  readonly key: StorageKey
  readonly data: Uint8Array
}

/**
 * A small byte store: everything Consenso keeps goes through these six calls,
 * so another backend (a SQL database, an object store) only has to implement
 * them. A call resolves once the change is durable; the adapter decides how to
 * batch.
 */
export interface StorageAdapter {
  /** The bytes under `key`, or `undefined` if there are none. */
  load(key: StorageKey): Promise<Uint8Array | undefined>
  /** Stores `data` under `key`, replacing what was there. */
  save(key: StorageKey, data: Uint8Array): Promise<void>
  /**
   * Stores every chunk as {@link save} would, in one durable change: after a
   * crash the store holds all of them or none. An act and its audit entry are
   * stored this way, so that neither outlives the other.
   */
  saveAll(chunks: readonly StorageChunk[]): Promise<void>
  /** Removes `key`; removing a missing key is not an error. */
  remove(key: StorageKey): Promise<void>
  /** Every chunk whose key starts with the parts of `prefix`, in key order. */
  loadRange(prefix: StorageKey): Promise<StorageChunk[]>
  /** Removes every key that starts with the parts of `prefix`. */
  removeRange(prefix: StorageKey): Promise<void>
  /** Finishes pending writes and releases the backend. */
  close(): Promise<void>
}

/** Throws a `RangeError` unless `key` is a non-empty array of non-empty strings. */
export function checkKey(key: StorageKey, allowEmpty = false): void {
  if (!Array.isArray(key) || (!allowEmpty && key.length === 0) || key.some((p) => typeof p !== 'string' || p === ''))
    throw new RangeError(`Invalid storage key: ${JSON.stringify(key)}`)
}

/** Whether the parts of `prefix` are the first parts of `key`. */
export const keyStartsWith = (key: StorageKey, prefix: StorageKey): boolean =>
  prefix.length <= key.length && prefix.every((part, i) => key[i] === part)

/** Orders keys part by part, so that a key sorts right after its prefix. */
export function compareKeys(a: StorageKey, b: StorageKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const pa = a[i] as string
    const pb = b[i] as string
    if (pa !== pb) return pa < pb ? -1 : 1
  }
  return a.length - b.length
}
