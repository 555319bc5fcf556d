/**
 * What a process catching up on a document reads from the store
 * (`DocumentStore.loadSince`), and the numbers `appendUpdate` gives when
 * other processes follow the log (`numberEveryUpdate`).
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { DocumentId } from '../../src'
import { DocumentStore, MemoryStore, type CompactionPolicy } from '../../storage'
import { appendParagraph, contentOf } from '../support'

const ID = 'estrategia' as DocumentId

/** Compacts after every third update; numbers every update, as with a shared relay. */
const shared: CompactionPolicy = { whenLargerThanSnapshot: false, maxUpdates: 3, numberEveryUpdate: true }

/** `n` updates, each a paragraph `p<i>`, of one editing session. */
function typed(n: number): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  for (let i = 1; i <= n; i++) appendParagraph(doc, `p${i}`)
  return updates
}

const textOf = (updates: readonly Uint8Array[]) => {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return contentOf(doc)
}

describe('Catching up from the store', () => {
  test('with numberEveryUpdate every update gets the next number, also the one that makes compaction due', async () => {
    const store = new DocumentStore(new MemoryStore(), shared)
    const seqs: (number | undefined)[] = []
    for (const update of typed(7)) seqs.push(await store.appendUpdate(ID, update))
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  test('without it, the update folded into a snapshot has no number (one write fewer, as before)', async () => {
    const store = new DocumentStore(new MemoryStore(), { ...shared, numberEveryUpdate: false })
    const seqs: (number | undefined)[] = []
    for (const update of typed(3)) seqs.push(await store.appendUpdate(ID, update))
    expect(seqs).toEqual([1, 2, undefined])
  })

  test.each([
    { name: 'the updates after the number held, when none was compacted away', held: 4, expected: { seq: 5, parts: 1 } },
    { name: 'the whole state, when updates after the number held were folded into the snapshot', held: 1, expected: { seq: 5, parts: 3 } },
    { name: 'the whole state, from 0', held: 0, expected: { seq: 5, parts: 3 } },
    { name: 'nothing, when nothing follows the number held', held: 5, expected: { seq: 5, parts: 0 } }
  ])('loadSince gives $name', async ({ held, expected }) => {
    const store = new DocumentStore(new MemoryStore(), shared)
    const updates = typed(5)
    // Compaction is due at the third: a snapshot through 3, then 4 and 5 as updates.
    for (const update of updates) await store.appendUpdate(ID, update)
    const caught = await store.loadSince(ID, held)
    expect({ seq: caught.seq, parts: caught.updates.length }).toEqual(expected)
    // Applied over what a process holding `held` has, it gives the whole text.
    expect(textOf([...updates.slice(0, held), ...caught.updates])).toBe(textOf(updates))
    expect(textOf(updates)).toContain('p5')
  })

  test('loadNumbered gives the stored state and the number of its newest update', async () => {
    const store = new DocumentStore(new MemoryStore(), shared)
    for (const update of typed(4)) await store.appendUpdate(ID, update)
    const loaded = await store.loadNumbered(ID)
    expect(loaded.seq).toBe(4)
    expect(textOf(loaded.updates)).toContain('p4')
  })
})
