/**
 * What the folder store adds to the Store contract: damage is isolated and
 * reported, torn tails are cut, the audit trail is segmented and a cut tail
 * is noticed, and an act rewrites only the files of what it changes.
 */
import { appendFile, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { AuditTrailCutError, DamagedRecordError, DataFolderInUseError, FolderStore } from '../../storage'
import { appendEntries, readAll } from './Store.contract'

let dir: string
let stores: FolderStore[]

const openStore = async (options = {}) => {
  const store = await FolderStore.open(dir, options)
  stores.push(store)
  return store
}

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'consenso-folder-')), 'store')
  stores = []
})

afterEach(async () => {
  for (const store of stores) await store.close().catch(() => undefined)
  await rm(join(dir, '..'), { recursive: true, force: true })
})

const comments = (scope: string) => ({ kind: 'comment', scope })

describe('FolderStore on disk', () => {
  test('a damaged record is reported by name; its neighbours still read', async () => {
    const store = await openStore()
    await store.records.write([
      { kind: 'comment', scope: 'd', id: 'a', value: { body: 'uno' } },
      { kind: 'comment', scope: 'd', id: 'b', value: { body: 'dos' } }
    ])
    await store.close()
    const path = join(dir, 'records', 'comment', 'd.json')
    const file = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>
    file.b = '{"body": "do'
    await writeFile(path, JSON.stringify(file))

    const reopened = await openStore()
    const listed = await reopened.records.list(comments('d'))
    expect(listed.records).toEqual([{ id: 'a', value: { body: 'uno' } }])
    expect(listed.damaged).toMatchObject([{ kind: 'comment', scope: 'd', id: 'b' }])
    await expect(reopened.records.get(comments('d'), 'b')).rejects.toBeInstanceOf(DamagedRecordError)
    expect(await reopened.records.get(comments('d'), 'a')).toEqual({ body: 'uno' })
  })

  test('a whole unreadable scope file reports its scope damaged; other scopes read, and a later write keeps it aside', async () => {
    const store = await openStore()
    await store.records.write([
      { kind: 'comment', scope: 'd', id: 'a', value: 1 },
      { kind: 'comment', scope: 'e', id: 'a', value: 2 }
    ])
    await store.close()
    await writeFile(join(dir, 'records', 'comment', 'd.json'), '{"a": "1", "b"')

    const reopened = await openStore()
    const listed = await reopened.records.list(comments('d'))
    expect(listed.records).toEqual([])
    expect(listed.damaged).toMatchObject([{ kind: 'comment', scope: 'd', id: '*' }])
    await expect(reopened.records.get(comments('d'), 'a')).rejects.toBeInstanceOf(DamagedRecordError)
    expect(await reopened.records.get(comments('e'), 'a')).toBe(2)
    await reopened.records.write([{ kind: 'comment', scope: 'd', id: 'new', value: 3 }])
    await reopened.checkpoint()
    expect((await reopened.records.list(comments('d'))).records).toEqual([{ id: 'new', value: 3 }])
    expect((await readdir(join(dir, 'records', 'comment'))).some((n) => n.startsWith('d.json.damaged-'))).toBe(true)
  })

  test('a torn last journal frame is cut off at open; the frames before it are replayed', async () => {
    const store = await openStore({ idleMs: 60_000 })
    await store.records.write([{ kind: 'account', id: 'ppt', value: { name: 'Ana' } }])
    const head = await appendEntries(store, 3)
    // Leave the journal as a crash would: no checkpoint, and half a frame at its end.
    const journal = join(dir, 'journal', (await readdir(join(dir, 'journal')))[0] as string)
    const copy = await readFile(journal)
    await store.close()
    await writeFile(journal, Buffer.concat([copy, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5])]))
    await rm(join(dir, 'records'), { recursive: true })
    await rm(join(dir, 'audit'), { recursive: true })

    const reopened = await openStore()
    expect(await reopened.records.get({ kind: 'account' }, 'ppt')).toEqual({ name: 'Ana' })
    expect(await reopened.audit.head()).toEqual(head)
    expect((await readAll(reopened)).map((e) => e.seq)).toEqual([1, 2, 3])
    // And the store goes on from there.
    await reopened.records.write([{ kind: 'account', id: 'uru', value: { name: 'Luis' } }])
    await reopened.close()
    expect(await (await openStore()).records.get({ kind: 'account' }, 'uru')).toEqual({ name: 'Luis' })
  })

  test('a torn last update frame is cut off at load, and appends go on after it', async () => {
    const store = await openStore()
    const a = await store.documents.append('d', Uint8Array.of(1, 2))
    await store.close()
    await appendFile(join(dir, 'documents', 'd', 'updates'), Buffer.from([50, 0, 0, 0, 9, 9]))

    const reopened = await openStore()
    expect((await reopened.documents.load('d')).updates).toEqual([{ seq: a, update: Uint8Array.of(1, 2) }])
    const b = await reopened.documents.append('d', Uint8Array.of(3))
    expect(b).toBe(a + 1)
    expect((await reopened.documents.load('d')).updates.map((u) => u.seq)).toEqual([a, b])
  })

  test('the audit trail is kept in segments of 10,000 lines; a sealed segment is never written again', async () => {
    const store = await openStore({ journalBytes: 256 * 1024 })
    await appendEntries(store, 10_002)
    await store.checkpoint()
    const sealed = join(dir, 'audit', '000001.jsonl')
    const before = await readFile(sealed)
    expect(before.toString('utf8').trimEnd().split('\n')).toHaveLength(10_000)
    const head = await appendEntries(store, 5)
    await store.close()
    expect(await readFile(sealed)).toEqual(before)
    expect((await readFile(join(dir, 'audit', '000002.jsonl'), 'utf8')).trimEnd().split('\n')).toHaveLength(7)
    expect(JSON.parse(await readFile(join(dir, 'audit', 'head.json'), 'utf8'))).toEqual(head)

    const reopened = await openStore()
    expect(await reopened.audit.head()).toEqual(head)
    const across = await readAll(reopened, 9_999, 10_002)
    expect(across.map((e) => e.seq)).toEqual([9_999, 10_000, 10_001, 10_002])
  }, 60_000)

  test('a trail whose last entries were cut does not read as whole', async () => {
    const store = await openStore()
    const head = await appendEntries(store, 10)
    await store.close()
    const segment = join(dir, 'audit', '000001.jsonl')
    const lines = (await readFile(segment, 'utf8')).trimEnd().split('\n')
    await writeFile(segment, `${lines.slice(0, 7).join('\n')}\n`)

    const reopened = await openStore()
    expect(reopened.auditAnchor()).toEqual(head)
    const error = await readAll(reopened).then(() => undefined, (err: unknown) => err)
    expect(error).toBeInstanceOf(AuditTrailCutError)
    expect((error as Error).message).toMatch(/recorded up to entry 10/)
    // Entries appended on the cut trail do not hide the cut.
    await appendEntries(reopened, 5)
    await reopened.checkpoint()
    await expect(readAll(reopened)).rejects.toBeInstanceOf(AuditTrailCutError)
    // Reading the part before the cut still works.
    expect((await readAll(reopened, 1, 7)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  test('a trail whose segment was removed does not read as whole', async () => {
    const store = await openStore()
    await appendEntries(store, 4)
    await store.close()
    await unlink(join(dir, 'audit', '000001.jsonl'))
    const reopened = await openStore()
    await expect(readAll(reopened)).rejects.toBeInstanceOf(AuditTrailCutError)
  })

  test('an act on one document rewrites only its own files; a version is a file of its own, written once', async () => {
    const store = await openStore()
    await store.records.write([
      { kind: 'comment', scope: 'a', id: 'c1', value: { body: 'A' } },
      { kind: 'comment', scope: 'b', id: 'c1', value: { body: 'B' } },
      { kind: 'version', scope: 'a', id: 'v1', value: { content: 'big' } }
    ])
    await store.checkpoint()
    const fileB = join(dir, 'records', 'comment', 'b.json')
    const version = join(dir, 'records', 'version', 'a', 'v1.json')
    const [bBefore, vBefore] = await Promise.all([stat(fileB), stat(version)])
    await store.records.write([
      { kind: 'comment', scope: 'a', id: 'c2', value: { body: 'A2' } },
      { kind: 'version', scope: 'a', id: 'v2', value: { content: 'bigger' } }
    ])
    await store.checkpoint()
    const [bAfter, vAfter] = await Promise.all([stat(fileB), stat(version)])
    expect(bAfter.ino).toBe(bBefore.ino)
    expect(bAfter.mtimeMs).toBe(bBefore.mtimeMs)
    expect(vAfter.ino).toBe(vBefore.ino)
    expect(vAfter.mtimeMs).toBe(vBefore.mtimeMs)
    expect(await readdir(join(dir, 'records', 'version', 'a'))).toEqual(['v1.json', 'v2.json'])
    expect(await store.records.scopes('version')).toEqual(['a'])
  })

  test('the cache of record files stays within its bytes however many files are read', async () => {
    const store = await openStore({ cacheBytes: 100_000 })
    for (let d = 0; d < 40; d++)
      await store.records.write(Array.from({ length: 20 }, (_, i) => ({ kind: 'comment', scope: `doc${d}`, id: `c${i}`, value: { body: 'x'.repeat(1000) } })))
    await store.close()
    const reopened = await openStore({ cacheBytes: 100_000 })
    let peak = 0
    for (let round = 0; round < 2; round++)
      for (let d = 0; d < 40; d++) {
        expect((await reopened.records.list(comments(`doc${d}`))).records).toHaveLength(20)
        peak = Math.max(peak, reopened.cachedBytes)
      }
    // About 800 KB read, twice; at most 100 KB held.
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(100_000)
  })

  test('a second writer on the same folder is refused; a reader beside the writer changes nothing and cannot write', async () => {
    const store = await openStore({ idleMs: 60_000 })
    await store.records.write([{ kind: 'account', id: 'ppt', value: { name: 'Ana' } }])
    await expect(FolderStore.open(dir)).rejects.toBeInstanceOf(DataFolderInUseError)
    const reader = await openStore({ readOnly: true })
    // The reader sees what the writer journalled, not yet in the files.
    expect(await reader.records.get({ kind: 'account' }, 'ppt')).toEqual({ name: 'Ana' })
    await expect(reader.records.write([{ kind: 'account', id: 'x', value: 1 }])).rejects.toThrow(/read-only/)
    await expect(reader.documents.append('d', Uint8Array.of(1))).rejects.toThrow(/read-only/)
    await reader.close()
    await store.records.write([{ kind: 'account', id: 'uru', value: { name: 'Luis' } }])
    await store.close()
    const reopened = await openStore()
    expect((await reopened.records.list({ kind: 'account' })).records.map((r) => r.id)).toEqual(['ppt', 'uru'])
  })

  test('temporary files left by writes a crash cut short are removed at the next open, and never read', async () => {
    const store = await openStore()
    await store.records.write([{ kind: 'comment', scope: 'd', id: 'c', value: 1 }])
    await store.documents.append('d', Uint8Array.of(1))
    await store.close()
    const left = [join(dir, 'records', 'comment', '.d.json.123.abcd.tmp'), join(dir, 'documents', 'd', '.snapshot.123.abcd.tmp')]
    for (const path of left) await writeFile(path, 'half a write')
    const reopened = await openStore()
    expect(await reopened.records.list(comments('d'))).toEqual({ records: [{ id: 'c', value: 1 }], damaged: [] })
    expect(await readdir(join(dir, 'records', 'comment'))).toEqual(['d.json'])
    expect(await readdir(join(dir, 'documents', 'd'))).toEqual(['updates'])
  })

  test('ids that are not file names (slashes, dots) are stored and listed as they are', async () => {
    const store = await openStore()
    const odd = ['../x', '.', 'a/b', 'ñandú 1']
    await store.records.write(odd.map((id) => ({ kind: 'share', scope: '..', id, value: id })))
    await store.documents.append('../etc', Uint8Array.of(1))
    await store.close()
    const reopened = await openStore()
    expect((await reopened.records.list({ kind: 'share', scope: '..' })).records.map((r) => r.id)).toEqual([...odd].sort())
    expect(await reopened.records.scopes('share')).toEqual(['..'])
    expect((await reopened.documents.load('../etc')).updates).toHaveLength(1)
    expect(await readdir(join(dir, '..'))).toEqual(['store'])
  })

  test('stats count every write, fsync and byte: journal appends, update appends, and the checkpoint into records and audit segments', async () => {
    const store = await openStore()
    const opened = store.stats
    // Opening starts a journal: its folder is fsynced, nothing written yet.
    expect(opened).toMatchObject({ writes: 0, bytes: 0 })

    await store.records.write([{ kind: 'comment', scope: 'd', id: 'a', value: { body: 'uno' } }])
    const journalled = store.stats
    expect(journalled.writes).toBe(opened.writes + 1)
    expect(journalled.fsyncs).toBe(opened.fsyncs + 1)
    const journal = (await store.journalNames()).at(-1) as string
    expect(journalled.bytes).toBe((await stat(join(dir, 'journal', journal))).size)

    const update = new Uint8Array(1000).fill(7)
    await store.documents.append('doc', update)
    const appended = store.stats
    expect(appended.writes).toBe(journalled.writes + 1)
    // The update's frame (header, number) over its bytes; a new file's folder and the documents folder fsynced too.
    expect(appended.bytes - journalled.bytes).toBe((await stat(join(dir, 'documents', 'doc', 'updates'))).size)
    expect(appended.fsyncs).toBe(journalled.fsyncs + 3)

    await appendEntries(store, 2)
    await store.checkpoint()
    const checkpointed = store.stats
    const onDisk = (await stat(join(dir, 'records', 'comment', 'd.json'))).size + (await stat(join(dir, 'audit', '000001.jsonl'))).size
    expect(checkpointed.writes).toBeGreaterThanOrEqual(appended.writes + 1 + 3) // journal frames, record file, segment, head.json
    expect(checkpointed.bytes - appended.bytes).toBeGreaterThan(onDisk)
    expect(checkpointed.fsyncs).toBeGreaterThan(appended.fsyncs + 4)
  })

  test('an append into an updates file that a compaction emptied fsyncs that file only, not its folders again', async () => {
    const store = await openStore()
    await store.documents.append('doc', new Uint8Array([1, 2, 3]))
    await store.documents.compact('doc', new Uint8Array([4, 5, 6]), 1)
    const before = store.stats
    expect(await store.documents.append('doc', new Uint8Array([7]))).toBe(2)
    expect(store.stats.fsyncs - before.fsyncs).toBe(1)
    expect(store.stats.writes - before.writes).toBe(1)
  })
})
