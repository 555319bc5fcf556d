/**
 * Compaction as the server meets it: a history typed one character at a time,
 * saved in batches. The snapshot must hold everything, in the compact form a
 * Y.Doc encodes, and cost few writes.
 */
import { expect, test } from 'vitest'
import * as Y from 'yjs'
import type { DocumentId } from '../../src'
import { AdapterStore, DocumentStore, MemoryStorageAdapter, type StorageChunk, type StorageKey } from '../../storage'

const ID = 'historia' as DocumentId

/** A history of typing and backspacing in one text, saved every `batch` keystrokes. */
function typedHistory(keystrokes: number, batch: number) {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  const saves: Uint8Array[] = []
  let pending: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => {
    pending.push(u)
    if (pending.length === batch) {
      saves.push(Y.mergeUpdates(pending))
      pending = []
    }
  })
  for (let i = 0; i < keystrokes; i++) {
    if (i % 7 === 6) text.delete(text.length - 1, 1)
    else text.insert(i % 50 === 0 ? 0 : text.length, String.fromCharCode(97 + (i % 26)))
  }
  if (pending.length > 0) saves.push(Y.mergeUpdates(pending))
  return { doc, saves }
}

/** A memory adapter that counts the calls that change it. */
class CountingAdapter extends MemoryStorageAdapter {
  changes = 0
  override async save(key: StorageKey, data: Uint8Array): Promise<void> {
    this.changes++
    return super.save(key, data)
  }
  override async saveAll(chunks: readonly StorageChunk[]): Promise<void> {
    this.changes++
    return super.saveAll(chunks)
  }
  override async remove(key: StorageKey): Promise<void> {
    this.changes++
    return super.remove(key)
  }
  override async removeRange(prefix: StorageKey): Promise<void> {
    this.changes++
    return super.removeRange(prefix)
  }
}

test('the snapshot of a typed history holds all of it and is about as small as the document encodes it', async () => {
  const { doc, saves } = typedHistory(20_000, 500)
  const storage = new MemoryStorageAdapter()
  const store = new DocumentStore(new AdapterStore(storage))
  for (const save of saves) await store.appendUpdate(ID, save)
  await store.compact(ID)
  const [snapshot] = (await storage.loadRange(['doc', ID])).filter((c) => c.key[2] !== 'snapshot-seq')
  expect(snapshot?.key).toEqual(['doc', ID, 'snapshot'])
  const loaded = new Y.Doc()
  Y.applyUpdate(loaded, snapshot?.data as Uint8Array)
  expect(loaded.getText('t').toString()).toBe(doc.getText('t').toString())
  expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(doc))
  // Deleted text keeps only its length, as in the live document (versions are ProseMirror JSON).
  expect(Y.encodeStateAsUpdate(loaded)).toEqual(Y.encodeStateAsUpdate(doc))
  expect(snapshot?.data.byteLength).toBeLessThan(Y.mergeUpdates(saves).byteLength / 2)
  const kept = new Y.Doc({ gc: false })
  for (const save of saves) Y.applyUpdate(kept, save)
  expect(snapshot?.data.byteLength).toBeLessThan(Y.encodeStateAsUpdate(kept).byteLength)
})

test('compacting many updates changes the storage twice: the snapshot, then one removal of the updates', async () => {
  const { doc, saves } = typedHistory(2_000, 50)
  const storage = new CountingAdapter()
  const never = { whenLargerThanSnapshot: false, maxUpdates: Number.POSITIVE_INFINITY }
  const store = new DocumentStore(new AdapterStore(storage), never)
  for (const save of saves) await store.appendUpdate(ID, save)
  expect(storage.changes).toBe(saves.length)
  storage.changes = 0
  await store.compact(ID)
  expect(storage.changes).toBe(2)
  const loaded = new Y.Doc()
  for (const update of await store.loadUpdates(ID)) Y.applyUpdate(loaded, update)
  expect(loaded.getText('t').toString()).toBe(doc.getText('t').toString())
})

test('an update that makes compaction due goes straight into the snapshot', async () => {
  const { doc, saves } = typedHistory(1_000, 100)
  const storage = new CountingAdapter()
  const store = new DocumentStore(new AdapterStore(storage), { whenLargerThanSnapshot: false, maxUpdates: 4 })
  for (const save of saves.slice(0, 3)) await store.appendUpdate(ID, save)
  storage.changes = 0
  await store.appendUpdate(ID, saves[3] as Uint8Array)
  expect(storage.changes).toBe(2)
  expect((await storage.loadRange(['doc', ID])).map((c) => c.key[2])).toEqual(['snapshot', 'snapshot-seq'])
  for (const save of saves.slice(4)) await store.appendUpdate(ID, save)
  const loaded = new Y.Doc()
  Y.applyUpdate(loaded, await store.loadState(ID))
  expect(loaded.getText('t').toString()).toBe(doc.getText('t').toString())
})
