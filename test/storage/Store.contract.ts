/**
 * The contract every {@link Store} keeps (memory, folder of files, and
 * PostgreSQL next), as one suite that each implementation's test file runs
 * with its own setup. Not a test file itself: `stores.test.ts` runs it.
 */
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { DocumentId } from '../../src'
import { AUDIT_GENESIS, AuditConflictError, DocumentStore, type AuditHead, type Store, type StoredAuditEntry } from '../../storage'

export interface StoreSetup {
  /**
   * Opens the store. Called once per test, and again after `close()` by the
   * reopen tests when `persistent`: a persistent store then opens what the
   * first one wrote.
   */
  readonly open: () => Promise<Store>
  /** Releases what setup made (files, folders). Every store opened is closed before. */
  readonly teardown: () => Promise<void>
}

/**
 * An audit entry that follows `previous`, hashed as the server chains them:
 * the hash covers the previous hash and the entry's fields, and the stored
 * JSON holds the fields and the hash.
 */
export function entryAfter(previous: AuditHead, fields: Record<string, unknown> = {}): StoredAuditEntry {
  const seq = previous.seq + 1
  const hash = chainHash(previous.hash, { seq, at: `2026-12-07T20:00:${String(seq % 60).padStart(2, '0')}Z`, action: 'comment.create', ...fields })
  return { seq, hash, json: JSON.stringify({ seq, at: `2026-12-07T20:00:${String(seq % 60).padStart(2, '0')}Z`, action: 'comment.create', ...fields, hash }) }
}

/** The hash of an entry with `fields` after the entry hashed `previous`. */
export const chainHash = (previous: string, fields: Record<string, unknown>): string => createHash('sha256').update(previous).update(JSON.stringify(fields)).digest('hex')

/** Checks that `entries` are numbered from 1 without a gap and each hash chains to the one before. */
export function expectChained(entries: readonly StoredAuditEntry[]): void {
  let previous = AUDIT_GENESIS
  entries.forEach((entry, i) => {
    expect(entry.seq).toBe(i + 1)
    const { hash, ...fields } = JSON.parse(entry.json) as Record<string, unknown>
    expect(hash, `the hash in entry ${entry.seq}`).toBe(entry.hash)
    expect(chainHash(previous, fields), `the chain at entry ${entry.seq}`).toBe(entry.hash)
    previous = entry.hash
  })
}

/** Appends `count` chained entries; resolves with the new head. */
export async function appendEntries(store: Store, count: number): Promise<AuditHead> {
  let head = await store.audit.head()
  for (let i = 0; i < count; i++) {
    const entry = entryAfter(head, { n: i })
    await store.audit.append(head, entry)
    head = { seq: entry.seq, hash: entry.hash }
  }
  return head
}

export async function readAll(store: Store, from = 1, to?: number): Promise<StoredAuditEntry[]> {
  const entries: StoredAuditEntry[] = []
  for await (const entry of store.audit.read(from, to)) entries.push(entry)
  return entries
}

const bytes = (...values: number[]) => Uint8Array.from(values)
const comment = (scope: string) => ({ kind: 'comment', scope })

/**
 * Registers the store contract for the stores made by `setup`; with
 * `persistent`, also that what a closed store held is there again at the next
 * `open()`.
 */
export function runStoreContract(name: string, setup: () => Promise<StoreSetup>, { persistent }: { persistent: boolean }): void {
  describe(`${name} keeps the Store contract`, () => {
    let harness: StoreSetup
    let store: Store
    const opened: Store[] = []

    const open = async () => {
      const next = await harness.open()
      opened.push(next)
      return next
    }
    /** Closes the store and opens it again (persistent stores only). */
    const reopen = async () => {
      await store.close()
      store = await open()
      return store
    }

    beforeEach(async () => {
      harness = await setup()
      opened.length = 0
      store = await open()
    })

    afterEach(async () => {
      for (const each of opened) await each.close()
      await harness.teardown()
    })

    describe('records', () => {
      test('a written record reads back as an equal copy, and a missing one as undefined', async () => {
        const value = { body: 'Párrafo 3 «bis»', n: 1.5, list: [null, true, 'ü'], nested: { deep: [1, 2] } }
        await store.records.write([{ kind: 'comment', scope: 'estrategia', id: 'c1', value }])
        const read = await store.records.get(comment('estrategia'), 'c1')
        expect(read).toEqual(value)
        ;(read as { body: string }).body = 'changed by the reader'
        value.body = 'changed by the writer'
        expect(await store.records.get(comment('estrategia'), 'c1')).toEqual({ ...value, body: 'Párrafo 3 «bis»' })
        expect(await store.records.get(comment('estrategia'), 'c2')).toBeUndefined()
        expect(await store.records.get(comment('other'), 'c1')).toBeUndefined()
        expect(await store.records.get({ kind: 'period', scope: 'estrategia' }, 'c1')).toBeUndefined()
      })

      test('list returns the records of one scope in id order, and nothing of other scopes', async () => {
        await store.records.write([
          { kind: 'comment', scope: 'a', id: 'b', value: 2 },
          { kind: 'comment', scope: 'a', id: 'a', value: 1 },
          { kind: 'comment', scope: 'a', id: 'c', value: 3 },
          { kind: 'comment', scope: 'ab', id: 'x', value: 'other document' },
          { kind: 'period', scope: 'a', id: 'p', value: 'other kind' },
          { kind: 'account', id: 'ppt', value: { name: 'Ana' } }
        ])
        const listed = await store.records.list(comment('a'))
        expect(listed.records).toEqual([
          { id: 'a', value: 1 },
          { id: 'b', value: 2 },
          { id: 'c', value: 3 }
        ])
        expect(listed.damaged).toEqual([])
        expect((await store.records.list({ kind: 'account' })).records).toEqual([{ id: 'ppt', value: { name: 'Ana' } }])
        expect((await store.records.list(comment('none'))).records).toEqual([])
      })

      test('scopes names every document holding records of a kind, sorted, and forgets one emptied', async () => {
        await store.records.write([
          { kind: 'comment', scope: 'zeta', id: '1', value: 1 },
          { kind: 'comment', scope: 'alfa', id: '1', value: 1 },
          { kind: 'period', scope: 'beta', id: '1', value: 1 }
        ])
        expect(await store.records.scopes('comment')).toEqual(['alfa', 'zeta'])
        await store.records.write([{ kind: 'comment', scope: 'zeta', id: '1', value: null }])
        expect(await store.records.scopes('comment')).toEqual(['alfa'])
        expect(await store.records.scopes('share')).toEqual([])
      })

      test('one write of several records across scopes stores all of them; null removes', async () => {
        await store.records.write([{ kind: 'session', id: 's1', value: { account: 'ppt' } }])
        await store.records.write([
          { kind: 'session', id: 's1', value: null },
          { kind: 'session', id: 's2', value: { account: 'uru' } },
          { kind: 'comment', scope: 'd', id: 'c', value: { body: 'x' } },
          { kind: 'document', id: 'd', value: { title: 'D' } }
        ])
        expect(await store.records.get({ kind: 'session' }, 's1')).toBeUndefined()
        expect(await store.records.get({ kind: 'session' }, 's2')).toEqual({ account: 'uru' })
        expect(await store.records.get(comment('d'), 'c')).toEqual({ body: 'x' })
        expect(await store.records.get({ kind: 'document' }, 'd')).toEqual({ title: 'D' })
        // Removing what is not there is not an error.
        await store.records.write([{ kind: 'session', id: 'never', value: null }])
      })

      test('within one write, the last write of an id wins', async () => {
        await store.records.write([
          { kind: 'share', scope: 'd', id: 'x', value: 1 },
          { kind: 'share', scope: 'd', id: 'x', value: 2 }
        ])
        expect(await store.records.get({ kind: 'share', scope: 'd' }, 'x')).toBe(2)
      })

      test('a big version record reads back whole', async () => {
        const content = { type: 'doc', content: Array.from({ length: 2000 }, (_, i) => ({ type: 'paragraph', content: [{ type: 'text', text: `Párrafo ${i} `.repeat(20) }] })) }
        await store.records.write([{ kind: 'version', scope: 'd', id: 'v1', value: { content } }])
        expect(await store.records.get({ kind: 'version', scope: 'd' }, 'v1')).toEqual({ content })
        expect((await store.records.list({ kind: 'version', scope: 'd' })).records.map((r) => r.id)).toEqual(['v1'])
      })
    })

    describe('audit trail', () => {
      test('an empty trail has the genesis head and reads nothing', async () => {
        expect(await store.audit.head()).toEqual({ seq: 0, hash: AUDIT_GENESIS })
        expect(await readAll(store)).toEqual([])
      })

      test('appends move the head and read back exactly as appended, in ranges', async () => {
        const head = await appendEntries(store, 12)
        expect(head.seq).toBe(12)
        expect(await store.audit.head()).toEqual(head)
        const all = await readAll(store)
        expect(all).toHaveLength(12)
        expectChained(all)
        expect((await readAll(store, 5, 7)).map((e) => e.seq)).toEqual([5, 6, 7])
        expect((await readAll(store, 11)).map((e) => e.seq)).toEqual([11, 12])
        expect((await readAll(store, 0, 2)).map((e) => e.seq)).toEqual([1, 2])
        expect(await readAll(store, 13)).toEqual([])
        expect((await readAll(store, 10, 99)).map((e) => e.seq)).toEqual([10, 11, 12])
      })

      test('an append from a stale head is refused with AuditConflictError and stores nothing', async () => {
        const head = await appendEntries(store, 2)
        const stale = { seq: 1, hash: (await readAll(store, 1, 1))[0]?.hash as string }
        const error = await store.audit
          .append(stale, entryAfter(stale), [{ kind: 'comment', scope: 'd', id: 'lost', value: { body: 'x' } }])
          .then(() => undefined, (err: unknown) => err)
        expect(error).toBeInstanceOf(AuditConflictError)
        expect((error as AuditConflictError).actual).toEqual(head)
        // Same number, other hash: a conflict too.
        const forged = { seq: head.seq, hash: 'f'.repeat(64) }
        await expect(store.audit.append(forged, entryAfter(forged))).rejects.toBeInstanceOf(AuditConflictError)
        expect(await store.audit.head()).toEqual(head)
        expect(await readAll(store)).toHaveLength(2)
        expect(await store.records.get(comment('d'), 'lost')).toBeUndefined()
      })

      test('an entry appended with record writes stores both', async () => {
        const head = await store.audit.head()
        const entry = entryAfter(head, { action: 'comment.create' })
        await store.audit.append(head, entry, [
          { kind: 'comment', scope: 'd', id: 'c1', value: { body: 'con su entrada' } },
          { kind: 'document', id: 'd', value: { title: 'D', comments: 1 } }
        ])
        expect(await store.audit.head()).toEqual({ seq: 1, hash: entry.hash })
        expect(await store.records.get(comment('d'), 'c1')).toEqual({ body: 'con su entrada' })
        expect(await store.records.get({ kind: 'document' }, 'd')).toEqual({ title: 'D', comments: 1 })
      })

      test('appends racing from one head: exactly one wins, the others conflict', async () => {
        const head = await store.audit.head()
        const results = await Promise.allSettled(
          [1, 2, 3].map((n) => store.audit.append(head, entryAfter(head, { n }), [{ kind: 'comment', scope: 'd', id: `c${n}`, value: n }]))
        )
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        expect(refused).toHaveLength(2)
        for (const r of refused) expect(r.reason).toBeInstanceOf(AuditConflictError)
        expect((await store.records.list(comment('d'))).records).toHaveLength(1)
        expect(await readAll(store)).toHaveLength(1)
      })
    })

    describe('document log', () => {
      test('appends are numbered upwards and load in order, copied', async () => {
        const update = bytes(1, 2, 3)
        const first = await store.documents.append('d', update)
        update[0] = 99
        const second = await store.documents.append('d', bytes(4))
        const other = await store.documents.append('e', bytes(5))
        expect(second).toBeGreaterThan(first)
        expect(other).toBeGreaterThan(0)
        const history = await store.documents.load('d')
        expect(history.snapshot).toBeUndefined()
        expect(history.snapshotSeq).toBe(0)
        expect(history.updates).toEqual([
          { seq: first, update: bytes(1, 2, 3) },
          { seq: second, update: bytes(4) }
        ])
        ;(history.updates[0] as { update: Uint8Array }).update[1] = 77
        expect((await store.documents.load('d')).updates[0]?.update).toEqual(bytes(1, 2, 3))
        expect(await store.documents.load('unknown')).toEqual({ snapshot: undefined, snapshotSeq: 0, updates: [] })
      })

      test('concurrent appends to one document get distinct numbers, all stored', async () => {
        const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => store.documents.append('d', bytes(i))))
        expect(new Set(seqs).size).toBe(20)
        const loaded = (await store.documents.load('d')).updates
        expect(loaded.map((u) => u.seq)).toEqual([...seqs].sort((a, b) => a - b))
        for (const [i, seq] of seqs.entries()) expect(loaded.find((u) => u.seq === seq)?.update).toEqual(bytes(i))
      })

      test('loadSince returns the updates numbered above a number', async () => {
        const seqs = []
        for (let i = 0; i < 5; i++) seqs.push(await store.documents.append('d', bytes(i)))
        expect((await store.documents.loadSince('d', seqs[2] as number)).map((u) => u.update)).toEqual([bytes(3), bytes(4)])
        expect(await store.documents.loadSince('d', seqs[4] as number)).toEqual([])
        expect(await store.documents.loadSince('d', 0)).toHaveLength(5)
      })

      test('loadTail tells a reader behind the snapshot, even when no update follows the one compacted', async () => {
        await store.documents.append('d', bytes(1))
        const held = await store.documents.append('d', bytes(2))
        // Another process appends n and folds it into the snapshot before the reader hears of it; nothing follows.
        const n = await store.documents.append('d', bytes(3))
        await store.documents.compact('d', bytes(9, 9), n)
        expect(held).toBe(n - 1)
        expect(await store.documents.loadTail('d', n - 1)).toEqual({ snapshotSeq: n, updates: [] })
        expect(await store.documents.loadTail('d', n)).toEqual({ snapshotSeq: n, updates: [] })
        const documents = new DocumentStore(store)
        const id = 'd' as DocumentId
        expect(await documents.loadSince(id, n - 1), 'a reader behind the snapshot gets the whole state').toEqual({ updates: [bytes(9, 9)], seq: n })
        expect(await documents.loadSince(id, n), 'a reader at the head gets nothing').toEqual({ updates: [], seq: n })
        const after = await store.documents.append('d', bytes(4))
        expect(await store.documents.loadTail('d', n)).toEqual({ snapshotSeq: n, updates: [{ seq: after, update: bytes(4) }] })
        expect(await documents.loadSince(id, n - 1)).toEqual({ updates: [bytes(9, 9), bytes(4)], seq: after })
        expect(await documents.loadSince(id, n), "a reader at the snapshot's number gets only what follows").toEqual({ updates: [bytes(4)], seq: after })
        expect(await documents.loadSince(id, after), 'a reader at the head gets nothing').toEqual({ updates: [], seq: after })
        expect(await store.documents.loadTail('unknown', 0)).toEqual({ snapshotSeq: 0, updates: [] })
      })

      test('compact keeps the snapshot and the updates appended during the compaction', async () => {
        const a = await store.documents.append('d', bytes(1))
        const b = await store.documents.append('d', bytes(2))
        // An update arrives while the caller builds the snapshot from a and b.
        const during = store.documents.append('d', bytes(3))
        await store.documents.compact('d', bytes(9, 9), b)
        const c = await during
        const late = await store.documents.append('d', bytes(4))
        expect(c).toBeGreaterThan(b)
        expect(late).toBeGreaterThan(c)
        const history = await store.documents.load('d')
        expect(history.snapshot).toEqual(bytes(9, 9))
        expect(history.snapshotSeq).toBe(b)
        expect(history.updates).toEqual([
          { seq: c, update: bytes(3) },
          { seq: late, update: bytes(4) }
        ])
        expect(a).toBeLessThan(b)
        expect(await store.documents.loadSince('d', b)).toHaveLength(2)
      })

      test('compacting below the snapshot is refused with a RangeError', async () => {
        await store.documents.append('d', bytes(1))
        const b = await store.documents.append('d', bytes(2))
        await store.documents.compact('d', bytes(7), b)
        await expect(store.documents.compact('d', bytes(6), b - 1)).rejects.toBeInstanceOf(RangeError)
        expect((await store.documents.load('d')).snapshot).toEqual(bytes(7))
      })

      test('remove empties the log and numbers keep growing after it', async () => {
        await store.documents.append('d', bytes(1))
        const last = await store.documents.append('d', bytes(2))
        await store.documents.compact('d', bytes(8), last)
        await store.documents.append('d', bytes(3))
        await store.documents.remove('d')
        const emptied = await store.documents.load('d')
        expect(emptied.snapshot).toBeUndefined()
        expect(emptied.updates).toEqual([])
        const next = await store.documents.append('d', bytes(4))
        expect(next).toBeGreaterThan(last + 1)
        expect((await store.documents.load('d')).updates).toEqual([{ seq: next, update: bytes(4) }])
      })
    })

    describe('locks', () => {
      test('work on one scope runs one at a time, in order, also after a failure', async () => {
        const events: string[] = []
        const work = (name: string, fail = false) => async () => {
          events.push(`start ${name}`)
          await new Promise((resolve) => setTimeout(resolve, 10))
          events.push(`end ${name}`)
          if (fail) throw new Error(`${name} failed`)
          return name
        }
        const results = await Promise.allSettled([store.locks.run('d', work('a')), store.locks.run('d', work('b', true)), store.locks.run('d', work('c'))])
        expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
        expect((results[2] as PromiseFulfilledResult<string>).value).toBe('c')
      })

      test('work on different scopes overlaps', async () => {
        let release!: () => void
        const held = new Promise<void>((resolve) => (release = resolve))
        const first = store.locks.run('a', () => held)
        // Resolves although scope a is still held.
        expect(await store.locks.run('b', async () => 'b ran')).toBe('b ran')
        release()
        await first
      })
    })

    describe.runIf(persistent)('after close and reopen', () => {
      test('everything stored is there again', async () => {
        await store.records.write([
          { kind: 'account', id: 'ppt', value: { name: 'Ana' } },
          { kind: 'comment', scope: 'd', id: 'c1', value: { body: 'uno' } },
          { kind: 'version', scope: 'd', id: 'v1', value: { content: { type: 'doc' } } }
        ])
        await store.records.write([{ kind: 'account', id: 'gone', value: 1 }])
        await store.records.write([{ kind: 'account', id: 'gone', value: null }])
        const head = await appendEntries(store, 5)
        const a = await store.documents.append('d', bytes(1))
        const b = await store.documents.append('d', bytes(2))
        await store.documents.compact('d', bytes(5, 5), a)
        await store.documents.append('removed', bytes(1))
        const removedLast = await store.documents.append('removed', bytes(2))
        await store.documents.remove('removed')
        const entries = await readAll(store)

        await reopen()
        expect(await store.records.get({ kind: 'account' }, 'ppt')).toEqual({ name: 'Ana' })
        expect(await store.records.get({ kind: 'account' }, 'gone')).toBeUndefined()
        expect((await store.records.list(comment('d'))).records).toEqual([{ id: 'c1', value: { body: 'uno' } }])
        expect(await store.records.get({ kind: 'version', scope: 'd' }, 'v1')).toEqual({ content: { type: 'doc' } })
        expect(await store.records.scopes('comment')).toEqual(['d'])
        expect(await store.audit.head()).toEqual(head)
        expect(await readAll(store)).toEqual(entries)
        expect(await store.documents.load('d')).toEqual({ snapshot: bytes(5, 5), snapshotSeq: a, updates: [{ seq: b, update: bytes(2) }] })
        expect(await store.documents.append('d', bytes(3))).toBeGreaterThan(b)
        expect((await store.documents.load('removed')).updates).toEqual([])
        expect(await store.documents.append('removed', bytes(3))).toBeGreaterThan(removedLast)
        // And the trail goes on from its head.
        const next = entryAfter(head)
        await store.audit.append(head, next)
        await reopen()
        expect(await store.audit.head()).toEqual({ seq: 6, hash: next.hash })
      })
    })
  })
}
