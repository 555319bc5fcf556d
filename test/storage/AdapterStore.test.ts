import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { AdapterStore, AUDIT_GENESIS, AuditConflictError, DamagedRecordError, LowdbStorageAdapter, MemoryStorageAdapter, type StorageAdapter, type StoredAuditEntry } from '../../storage'

const encoder = new TextEncoder()
const json = (value: unknown) => encoder.encode(JSON.stringify(value))

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}

// A Yjs update that inserts `text` into a fresh document's 'text'.
function insertion(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('text').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

function textOf(history: { snapshot: Uint8Array | undefined; updates: readonly { update: Uint8Array }[] }): string {
  const doc = new Y.Doc()
  if (history.snapshot) Y.applyUpdate(doc, history.snapshot)
  for (const { update } of history.updates) Y.applyUpdate(doc, update)
  return doc.getText('text').toString()
}

const entry = (seq: number, previous: string): StoredAuditEntry => {
  const hash = `${previous.slice(0, 8)}-${seq}`
  return { seq, hash, json: JSON.stringify({ seq, action: 'comment.add', hash }) }
}

const setups: Array<[string, () => Promise<{ adapter: StorageAdapter; reopen: () => Promise<StorageAdapter>; teardown: () => Promise<void> }>]> = [
  [
    'MemoryStorageAdapter',
    async () => {
      const adapter = new MemoryStorageAdapter()
      return { adapter, reopen: async () => adapter, teardown: async () => {} }
    }
  ],
  [
    'LowdbStorageAdapter',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'consenso-adapterstore-'))
      const path = join(dir, 'consenso.json')
      return { adapter: await LowdbStorageAdapter.open(path), reopen: () => LowdbStorageAdapter.open(path), teardown: () => rm(dir, { recursive: true, force: true }) }
    }
  ]
]

describe.each(setups)('AdapterStore over %s', (_, setup) => {
  let adapter: StorageAdapter
  let reopen: () => Promise<StorageAdapter>
  let teardown: () => Promise<void>
  let store: AdapterStore

  beforeEach(async () => {
    ;({ adapter, reopen, teardown } = await setup())
    store = new AdapterStore(adapter)
  })

  afterEach(async () => {
    await store.close()
    await teardown()
  })

  test('reads the records of a data file written before the store, in its key layout', async () => {
    await adapter.saveAll([
      { key: ['account', 'ana'], data: json({ username: 'ana' }) },
      { key: ['settings', 'workspace'], data: json({ timeZone: 'UTC' }) },
      { key: ['meta', 'estrategia'], data: json({ id: 'estrategia', title: 'Estrategia' }) },
      { key: ['comment', 'estrategia', 'c1'], data: json({ id: 'c1' }) },
      { key: ['comment', 'estrategia', 'c2'], data: json({ id: 'c2' }) },
      { key: ['share', 'plan', 's1'], data: json({ id: 's1' }) },
      { key: ['share', 'estrategia', 's2'], data: json({ id: 's2' }) }
    ])
    expect(await store.records.get({ kind: 'account' }, 'ana')).toEqual({ username: 'ana' })
    expect(await store.records.get({ kind: 'settings' }, 'workspace')).toEqual({ timeZone: 'UTC' })
    expect(await store.records.list({ kind: 'document' })).toEqual({ records: [{ id: 'estrategia', value: { id: 'estrategia', title: 'Estrategia' } }], damaged: [] })
    expect((await store.records.list({ kind: 'comment', scope: 'estrategia' })).records.map((r) => r.id)).toEqual(['c1', 'c2'])
    // A kind's unscoped list does not reach into its documents' records.
    expect((await store.records.list({ kind: 'comment' })).records).toEqual([])
    expect(await store.records.scopes('share')).toEqual(['estrategia', 'plan'])
    expect(await store.records.get({ kind: 'comment', scope: 'plan' }, 'c1')).toBeUndefined()
  })

  test('writes records where the old services wrote them, and removes them', async () => {
    await store.records.write([
      { kind: 'session', id: 's1', value: { id: 's1' } },
      { kind: 'document', id: 'plan', value: { id: 'plan' } },
      { kind: 'version', scope: 'plan', id: 'v1', value: { id: 'v1' } }
    ])
    expect(await adapter.load(['session', 's1'])).toEqual(json({ id: 's1' }))
    expect(await adapter.load(['meta', 'plan'])).toEqual(json({ id: 'plan' }))
    expect(await adapter.load(['version', 'plan', 'v1'])).toEqual(json({ id: 'v1' }))
    await store.records.write([{ kind: 'session', id: 's1', value: null }])
    expect(await adapter.load(['session', 's1'])).toBeUndefined()
    expect(await store.records.get({ kind: 'session' }, 's1')).toBeUndefined()
  })

  test('names a record that is not JSON instead of failing the whole list', async () => {
    await adapter.saveAll([
      { key: ['comment', 'plan', 'good'], data: json({ id: 'good' }) },
      { key: ['comment', 'plan', 'torn'], data: encoder.encode('{"id": "to') }
    ])
    const { records, damaged } = await store.records.list({ kind: 'comment', scope: 'plan' })
    expect(records).toEqual([{ id: 'good', value: { id: 'good' } }])
    expect(damaged).toEqual([expect.objectContaining({ kind: 'comment', scope: 'plan', id: 'torn' })])
    await expect(store.records.get({ kind: 'comment', scope: 'plan' }, 'torn')).rejects.toBeInstanceOf(DamagedRecordError)
  })

  test('appends audit entries with their act in one write, under the old keys, and refuses a stale head', async () => {
    expect(await store.audit.head()).toEqual({ seq: 0, hash: AUDIT_GENESIS })
    const first = entry(1, AUDIT_GENESIS)
    await store.audit.append({ seq: 0, hash: AUDIT_GENESIS }, first, [{ kind: 'comment', scope: 'plan', id: 'c1', value: { id: 'c1' } }])
    expect(await adapter.load(['audit', '000000000001'])).toEqual(encoder.encode(first.json))
    expect(await adapter.load(['comment', 'plan', 'c1'])).toEqual(json({ id: 'c1' }))
    expect(await store.audit.head()).toEqual({ seq: 1, hash: first.hash })

    const stale = store.audit.append({ seq: 0, hash: AUDIT_GENESIS }, entry(1, AUDIT_GENESIS), [{ kind: 'comment', scope: 'plan', id: 'c2', value: {} }])
    await expect(stale).rejects.toBeInstanceOf(AuditConflictError)
    expect(await adapter.load(['comment', 'plan', 'c2'])).toBeUndefined()

    const second = entry(2, first.hash)
    await store.audit.append({ seq: 1, hash: first.hash }, second)
    expect(await all(store.audit.read(1))).toEqual([first, second])
    expect(await all(store.audit.read(2, 2))).toEqual([second])

    // A store opened later over the same file finds the head in it.
    await store.close()
    store = new AdapterStore(await reopen())
    expect(await store.audit.head()).toEqual({ seq: 2, hash: second.hash })
  })

  test('two appends from the same head: the second is refused', async () => {
    const head = await store.audit.head()
    const results = await Promise.allSettled([store.audit.append(head, entry(1, head.hash)), store.audit.append(head, entry(1, 'other'))])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
    expect((await all(store.audit.read(1))).length).toBe(1)
  })

  test('reads a document stored by the old document store (updates numbered from 0, no snapshot number)', async () => {
    await adapter.saveAll([
      { key: ['doc', 'plan', 'snapshot'], data: insertion('Plan') },
      { key: ['doc', 'plan', 'update', '000000000000'], data: insertion('A') },
      { key: ['doc', 'plan', 'update', '000000000001'], data: insertion('B') }
    ])
    const history = await store.documents.load('plan')
    expect(history.snapshotSeq).toBe(0)
    expect(history.updates.map((u) => u.seq)).toEqual([1, 2])
    expect(textOf(history).length).toBe(6)
    expect(await store.documents.append('plan', insertion('C'))).toBe(3)
    expect(await adapter.load(['doc', 'plan', 'update', '000000000002'])).toBeDefined()
    expect((await store.documents.loadSince('plan', 1)).map((u) => u.seq)).toEqual([2, 3])
  })

  test('compaction keeps the updates appended after the ones it merged, and numbers keep growing', async () => {
    const seqs = await Promise.all(['a', 'b', 'c'].map((t) => store.documents.append('plan', insertion(t))))
    expect(seqs).toEqual([1, 2, 3])
    const merged = await store.documents.load('plan')
    const late = await store.documents.append('plan', insertion('late'))
    await store.documents.compact('plan', Y.mergeUpdates(merged.updates.map((u) => u.update)), 3)
    const after = await store.documents.load('plan')
    expect(after.snapshotSeq).toBe(3)
    expect(after.updates.map((u) => u.seq)).toEqual([late])
    expect(textOf(after).length).toBe(7)
    await expect(store.documents.compact('plan', insertion('x'), 2)).rejects.toBeInstanceOf(RangeError)

    // Reopened: numbering goes on above the snapshot, not from 1 again.
    await store.close()
    store = new AdapterStore(await reopen())
    expect(await store.documents.append('plan', insertion('next'))).toBe(5)

    await store.documents.remove('plan')
    const removed = await store.documents.load('plan')
    expect(removed.snapshot).toBeUndefined()
    expect(removed.updates).toEqual([])
    expect(await store.documents.append('plan', insertion('again'))).toBe(6)
  })

  test('a scope lock runs work one at a time', async () => {
    const order: string[] = []
    const slow = store.locks.run('compact:plan', async () => {
      order.push('first in')
      await new Promise((resolve) => setTimeout(resolve, 20))
      order.push('first out')
    })
    const fast = store.locks.run('compact:plan', async () => {
      order.push('second')
    })
    await Promise.all([slow, fast])
    expect(order).toEqual(['first in', 'first out', 'second'])
  })
})
