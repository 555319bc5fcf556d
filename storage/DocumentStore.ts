import * as Y from 'yjs'
import type { DocumentId, DocumentMeta } from '../src'
import type { StorageAdapter, StorageKey } from './StorageAdapter'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** When the appended updates of a document are merged into its snapshot. */
export interface CompactionPolicy {
  /** Merge once the updates together outgrow the snapshot in bytes. Default: true. */
  readonly whenLargerThanSnapshot: boolean
  /** …or once there are this many of them. Default 64: loading stays a few applies. */
  readonly maxUpdates: number
}

export const defaultCompactionPolicy: CompactionPolicy = { whenLargerThanSnapshot: true, maxUpdates: 64 }

interface DocumentLog {
  nextSeq: number
  updateKeys: StorageKey[]
  updateBytes: number
  snapshotBytes: number
}

/**
 * Keeps documents in a {@link StorageAdapter}: the metadata as JSON, the text as
 * Yjs updates. Changes are appended as updates (`['doc', id, 'update', seq]`)
 * and merged into one compacted update, the snapshot (`['doc', id, 'snapshot']`),
 * when they outgrow it. The new snapshot is saved before the updates it
 * replaces are removed, so a crash in between loses nothing: applying an
 * update twice is harmless in Yjs. Calls for one document must not overlap
 * (the collaboration server writes one document at a time).
 */
export class DocumentStore {
  private readonly logs = new Map<DocumentId, DocumentLog>()

  constructor(
    private readonly storage: StorageAdapter,
    private readonly policy: CompactionPolicy = defaultCompactionPolicy
  ) {}

  /** Every document's metadata, by id. */
  async listDocuments(): Promise<DocumentMeta[]> {
    const chunks = await this.storage.loadRange(['meta'])
    return chunks.map((c) => JSON.parse(decoder.decode(c.data)) as DocumentMeta)
  }

  async loadMeta(id: DocumentId): Promise<DocumentMeta | undefined> {
    const data = await this.storage.load(['meta', id])
    return data && (JSON.parse(decoder.decode(data)) as DocumentMeta)
  }

  async saveMeta(meta: DocumentMeta): Promise<void> {
    await this.storage.save(['meta', meta.id], encoder.encode(JSON.stringify(meta)))
  }

  /**
   * The stored state of a document as one Yjs update (empty document: an
   * update that changes nothing).
   */
  async loadState(id: DocumentId): Promise<Uint8Array> {
    const parts = await this.loadUpdates(id)
    return parts.length === 1 ? (parts[0] as Uint8Array) : Y.mergeUpdates(parts)
  }

  /**
   * The stored state of a document as the updates to apply, in order: the
   * snapshot (if any), then the updates appended since. Applying them one by
   * one costs less than merging them into one first ({@link loadState}).
   */
  async loadUpdates(id: DocumentId): Promise<Uint8Array[]> {
    const chunks = await this.storage.loadRange(['doc', id])
    const snapshot = chunks.find((c) => c.key[2] === 'snapshot')
    const updates = chunks.filter((c) => c.key[2] === 'update')
    this.logs.set(id, {
      nextSeq: updates.reduce((max, c) => Math.max(max, Number(c.key[3]) + 1), 0),
      updateKeys: updates.map((c) => c.key),
      updateBytes: updates.reduce((sum, c) => sum + c.data.byteLength, 0),
      snapshotBytes: snapshot?.data.byteLength ?? 0
    })
    return [...(snapshot ? [snapshot.data] : []), ...updates.map((c) => c.data)]
  }

  /**
   * Appends a Yjs update to the document's log. When that makes compaction
   * due, the update goes straight into the new snapshot instead: one write
   * fewer, and the same stored state.
   */
  async appendUpdate(id: DocumentId, update: Uint8Array): Promise<void> {
    const log = this.logs.get(id) ?? (await this.loadUpdates(id), this.logs.get(id) as DocumentLog)
    const due =
      log.updateKeys.length + 1 >= this.policy.maxUpdates ||
      (this.policy.whenLargerThanSnapshot && log.updateBytes + update.byteLength > log.snapshotBytes)
    if (due) return this.compactWith(id, update)
    const key = ['doc', id, 'update', String(log.nextSeq++).padStart(12, '0')]
    await this.storage.save(key, update)
    log.updateKeys.push(key)
    log.updateBytes += update.byteLength
  }

  /**
   * Merges the document's snapshot and updates into a new snapshot, through
   * a `Y.Doc` (garbage-collected: deleted text keeps only its length, as in
   * the live document; versions are ProseMirror JSON and need none): unlike
   * `Y.mergeUpdates`, a document joins the characters typed one after the
   * other into one item, so the snapshot of a typed history is about 2.5
   * times smaller and applies about 5 times faster. The snapshot is written
   * before the updates it replaces are removed, all of them at once.
   */
  compact(id: DocumentId): Promise<void> {
    return this.compactWith(id, undefined)
  }

  // compact(), taking in `also`, an update not yet stored, if given.
  private async compactWith(id: DocumentId, also: Uint8Array | undefined): Promise<void> {
    const parts = await this.loadUpdates(id)
    const log = this.logs.get(id) as DocumentLog
    if (log.updateKeys.length === 0 && also === undefined) return
    const state = compactState(also === undefined ? parts : [...parts, also])
    await this.storage.save(['doc', id, 'snapshot'], state)
    // Every update under the document is in the snapshot (calls for one
    // document do not overlap), so one range removal, one write.
    if (log.updateKeys.length > 0) await this.storage.removeRange(['doc', id, 'update'])
    this.logs.set(id, { nextSeq: log.nextSeq, updateKeys: [], updateBytes: 0, snapshotBytes: state.byteLength })
  }

  /** Removes a document, its text and its metadata. */
  async removeDocument(id: DocumentId): Promise<void> {
    await this.storage.removeRange(['doc', id])
    await this.storage.remove(['meta', id])
    this.logs.delete(id)
  }
}

// Everything in `parts` as one update, in the compact form a document encodes.
function compactState(parts: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (const part of parts) Y.applyUpdate(doc, part)
  })
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}
