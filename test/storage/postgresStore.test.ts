/**
 * The store contract on PostgreSQL, then what only a store shared by several
 * processes must keep: two stores (two pools, as two processes) on one
 * database writing at once.
 */
import pg from 'pg'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { AuditConflictError, POSTGRES_SCHEMA_VERSION, PostgresStore, SchemaTooNewError } from '../../storage'
import { postgresDatabase } from '../support'
import { entryAfter, expectChained, readAll, runStoreContract } from './Store.contract'

runStoreContract(
  'PostgresStore',
  async () => {
    const url = await postgresDatabase()
    return { open: () => PostgresStore.open(url), teardown: async () => {} }
  },
  { persistent: true }
)

describe('PostgresStore with several writers on one database', () => {
  let url: string
  let a: PostgresStore
  let b: PostgresStore

  beforeEach(async () => {
    url = await postgresDatabase()
    // Two pools, as two processes would have.
    ;[a, b] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)])
    return async () => {
      await a.close()
      await b.close()
    }
  })

  test('ids with U+0000, lone surrogates and astral characters read back whole, listed in JavaScript order', async () => {
    const ids = ['a\u0000b', 'a', '\uFFFF', '🌎', '\uD800', 'ab', 'ñ', '']
    await a.records.write(ids.map((id, n) => ({ kind: 'comment', scope: 'd\u0000🌎', id, value: { n, text: `nul \u0000 ${id}` } })))
    const listed = await b.records.list({ kind: 'comment', scope: 'd\u0000🌎' })
    expect(listed.records.map((r) => r.id)).toEqual([...ids].sort())
    expect(await b.records.get({ kind: 'comment', scope: 'd\u0000🌎' }, 'a\u0000b')).toEqual({ n: 0, text: 'nul \u0000 a\u0000b' })
    expect(await b.records.get({ kind: 'comment', scope: 'd\u0000🌎' }, 'a')).toEqual({ n: 1, text: 'nul \u0000 a' })
    expect(await b.records.scopes('comment')).toEqual(['d\u0000🌎'])
    // A document scope named '' is not the workspace-wide scope.
    await a.records.write([{ kind: 'share', scope: '', id: 'x', value: 1 }])
    expect(await b.records.get({ kind: 'share' }, 'x')).toBeUndefined()
    expect(await b.records.scopes('share')).toEqual([''])
  })

  test('two stores appending to one document at once lose nothing, numbered without a gap', async () => {
    const each = 60
    const appended = await Promise.all(
      Array.from({ length: each }, (_, i) => [a.documents.append('d', Uint8Array.of(0, i)), b.documents.append('d', Uint8Array.of(1, i))]).flat()
    )
    const loaded = (await a.documents.load('d')).updates
    expect(loaded.map((u) => u.seq)).toEqual(Array.from({ length: 2 * each }, (_, i) => i + 1))
    expect(new Set(appended).size).toBe(2 * each)
    for (let i = 0; i < each; i++)
      for (const writer of [0, 1]) expect(loaded.filter((u) => u.update[0] === writer && u.update[1] === i)).toHaveLength(1)
  })

  test('a compaction by one store while the other appends keeps every update the snapshot does not hold', async () => {
    for (let i = 0; i < 10; i++) await a.documents.append('d', Uint8Array.of(i))
    let appending = true
    const appended: number[] = []
    const writer = (async () => {
      for (let i = 10; appending || i < 40; i++) appended.push(await b.documents.append('d', Uint8Array.of(i)))
    })()
    // Compact several times while b appends, each time through what a read.
    for (let round = 0; round < 5; round++) {
      const history = await a.documents.load('d')
      const through = history.updates.at(-1)?.seq ?? history.snapshotSeq
      const held = [...(history.snapshot ?? []), ...history.updates.map((u) => u.update[0] as number)]
      await a.documents.compact('d', Uint8Array.from(held), through)
    }
    appending = false
    await writer
    const final = await a.documents.load('d')
    const all = [...(final.snapshot ?? []), ...final.updates.map((u) => u.update[0] as number)]
    expect(new Set(all)).toEqual(new Set(Array.from({ length: 10 + appended.length }, (_, i) => i)))
    expect(all).toHaveLength(10 + appended.length)
  })

  test('audit appends from both stores make one gap-free chain, each conflict numbered again by its caller', async () => {
    const appendRetrying = async (store: PostgresStore, n: number) => {
      for (let attempt = 0; ; attempt++) {
        const head = await store.audit.head()
        try {
          await store.audit.append(head, entryAfter(head, { n }), [{ kind: 'comment', scope: 'd', id: `c${n}`, value: n }])
          return attempt
        } catch (err) {
          if (!(err instanceof AuditConflictError) || attempt > 200) throw err
        }
      }
    }
    await Promise.all(Array.from({ length: 60 }, (_, n) => appendRetrying(n % 2 === 0 ? a : b, n)))
    const entries = await readAll(b)
    expect(entries).toHaveLength(60)
    expectChained(entries)
    expect(new Set(entries.map((e) => (JSON.parse(e.json) as { n: number }).n)).size).toBe(60)
    expect((await a.records.list({ kind: 'comment', scope: 'd' })).records).toHaveLength(60)
  })

  test('a scope lock held by one store keeps the other out until released, also after a failure', async () => {
    const events: string[] = []
    const hold = (store: PostgresStore, name: string, fail = false) =>
      store.locks.run('seed', async () => {
        events.push(`start ${name}`)
        await new Promise((resolve) => setTimeout(resolve, 30))
        events.push(`end ${name}`)
        if (fail) throw new Error(`${name} failed`)
      })
    const first = hold(a, 'a1', true)
    await vi.waitFor(() => expect(events).toContain('start a1'))
    const results = await Promise.allSettled([first, hold(b, 'b1'), hold(a, 'a2'), hold(b, 'b2')])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled'])
    // Never two at once: every start is followed by its own end.
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]?.replace('start', 'end'))
    expect(events).toHaveLength(8)
    // Another scope is not held up.
    let release: (() => void) | undefined
    const held = a.locks.run('seed', () => new Promise<void>((resolve) => (release = resolve)))
    await vi.waitFor(() => expect(release).toBeDefined())
    expect(await b.locks.run('other', async () => 'ran')).toBe('ran')
    release?.()
    await held
  })

  test('a process refuses a database migrated by a newer Consenso, naming both versions', async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query('INSERT INTO schema_version (version) VALUES ($1)', [POSTGRES_SCHEMA_VERSION + 1])
    await client.end()
    const error = await PostgresStore.open(url).then(() => undefined, (err: unknown) => err)
    expect(error).toBeInstanceOf(SchemaTooNewError)
    expect((error as Error).message).toContain(`version ${POSTGRES_SCHEMA_VERSION + 1}`)
  })

  test('stores opening a new database together migrate it once', async () => {
    const fresh = await postgresDatabase()
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(fresh)))
    const client = new pg.Client({ connectionString: fresh })
    await client.connect()
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version')
    await client.end()
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1))
    for (const store of stores) await store.close()
  })
})
