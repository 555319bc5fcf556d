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
    const chunks = await this.storage.loadRange(['doc', id])
    const snapshot = chunks.find((c) => c.key[2] === 'snapshot')
    const updates = chunks.filter((c) => c.key[2] === 'update')
    this.logs.set(id, {
      nextSeq: updates.reduce((max, c) => Math.max(max, Number(c.key[3]) + 1), 0),
      updateKeys: updates.map((c) => c.key),
      updateBytes: updates.reduce((sum, c) => sum + c.data.byteLength, 0),
      snapshotBytes: snapshot?.data.byteLength ?? 0
    })
    const parts = [...(snapshot ? [snapshot.data] : []), ...updates.map((c) => c.data)]
    return parts.length === 1 ? (parts[0] as Uint8Array) : Y.mergeUpdates(parts)
  }

  /** Appends a Yjs update to the document's log, compacting when it is due. */
  async appendUpdate(id: DocumentId, update: Uint8Array): Promise<void> {
    const log = this.logs.get(id) ?? (await this.loadState(id), this.logs.get(id) as DocumentLog)
    const key = ['doc', id, 'update', String(log.nextSeq++).padStart(12, '0')]
    await this.storage.save(key, update)
    log.updateKeys.push(key)
    log.updateBytes += update.byteLength
    const due =
      log.updateKeys.length >= this.policy.maxUpdates ||
      (this.policy.whenLargerThanSnapshot && log.updateBytes > log.snapshotBytes)
    if (due) await this.compact(id)
  }

  /** Merges the document's snapshot and updates into a new snapshot. */
  async compact(id: DocumentId): Promise<void> {
    const state = await this.loadState(id)
    const log = this.logs.get(id) as DocumentLog
    if (log.updateKeys.length === 0) return
    await this.storage.save(['doc', id, 'snapshot'], state)
    for (const key of log.updateKeys) await this.storage.remove(key)
    this.logs.set(id, { nextSeq: log.nextSeq, updateKeys: [], updateBytes: 0, snapshotBytes: state.byteLength })
  }

  /** Removes a document, its text and its metadata. */
  async removeDocument(id: DocumentId): Promise<void> {
    await this.storage.removeRange(['doc', id])
    await this.storage.remove(['meta', id])
    this.logs.delete(id)
  }
}
