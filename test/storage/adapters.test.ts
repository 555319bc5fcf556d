import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { LowdbStorageAdapter, MemoryStorageAdapter, StoreFileCorruptError } from '../../storage'
import { ALL_BYTES, runStorageAdapterTests } from './StorageAdapter.contract'

runStorageAdapterTests('MemoryStorageAdapter', async () => ({
  adapter: new MemoryStorageAdapter(),
  teardown: async () => {}
}))

runStorageAdapterTests('LowdbStorageAdapter', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'consenso-lowdb-'))
  return {
    adapter: await LowdbStorageAdapter.open(join(dir, 'consenso.json')),
    teardown: () => rm(dir, { recursive: true, force: true })
  }
})

describe('LowdbStorageAdapter on disk', () => {
  let dir: string
  let path: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'consenso-lowdb-'))
    path = join(dir, 'consenso.json')
  })

  afterEach(() => rm(dir, { recursive: true, force: true }))

  test('opening a missing file creates nothing until the first save', async () => {
    const adapter = await LowdbStorageAdapter.open(path)
    expect(await adapter.loadRange([])).toEqual([])
    expect(await readdir(dir)).toEqual([])
    await adapter.save(['k'], Uint8Array.of(1))
    await adapter.close()
    expect(await readdir(dir)).toEqual(['consenso.json'])
  })

  test('reopening the file gives the same data', async () => {
    const first = await LowdbStorageAdapter.open(path)
    await first.save(['doc', 'a', 'snapshot'], ALL_BYTES)
    await first.save(['doc', 'a', 'update', '000000000001'], Uint8Array.of(1, 2))
    await first.save(['doc', 'ab'], new Uint8Array(0))
    await first.save(['gone'], Uint8Array.of(9))
    await first.remove(['gone'])
    const before = await first.loadRange([])
    await first.close()

    const second = await LowdbStorageAdapter.open(path)
    expect(await second.loadRange([])).toEqual(before)
    expect(await second.load(['doc', 'a', 'snapshot'])).toEqual(ALL_BYTES)
    await second.close()
  })

  test('changes not awaited are on disk once close resolves', async () => {
    const adapter = await LowdbStorageAdapter.open(path)
    for (let i = 0; i < 20; i++) void adapter.save(['n', String(i).padStart(2, '0')], Uint8Array.of(i))
    await adapter.close()
    const reopened = await LowdbStorageAdapter.open(path)
    expect((await reopened.loadRange(['n'])).length).toBe(20)
  })

  test('a burst of saves is gathered into few file writes', async () => {
    const adapter = await LowdbStorageAdapter.open(path)
    await Promise.all(Array.from({ length: 100 }, (_, i) => adapter.save(['n', String(i)], Uint8Array.of(i))))
    expect(adapter.stats.writes).toBeLessThanOrEqual(2)
    expect(adapter.stats.fsyncs).toBe(2 * adapter.stats.writes)
  })

  test('saveAll is one file write: the file before it has none of its chunks, the file after it all', async () => {
    const adapter = await LowdbStorageAdapter.open(path)
    await adapter.save(['first'], Uint8Array.of(1))
    const writes = adapter.stats.writes
    await adapter.saveAll([
      { key: ['comment', 'c'], data: Uint8Array.of(2) },
      { key: ['audit', '000000000001'], data: Uint8Array.of(3) }
    ])
    await adapter.close()
    expect(adapter.stats.writes).toBe(writes + 1)
    const before = await LowdbStorageAdapter.open(`${path}.bak`)
    expect((await before.loadRange([])).map((c) => c.key)).toEqual([['first']])
    const after = await LowdbStorageAdapter.open(path)
    expect((await after.loadRange([])).map((c) => c.key)).toEqual([['audit', '000000000001'], ['comment', 'c'], ['first']])
  })

  test('the file is JSON with the bytes in base64', async () => {
    const adapter = await LowdbStorageAdapter.open(path)
    await adapter.save(['k'], Uint8Array.of(0, 255))
    await adapter.close()
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      format: 'consenso-store',
      version: 1,
      chunks: { '["k"]': 'AP8=' }
    })
  })

  test('after two writes, the .bak file holds the previous good copy', async () => {
    const adapter = await LowdbStorageAdapter.open(path)
    await adapter.save(['first'], Uint8Array.of(1))
    const firstCopy = await readFile(path, 'utf8')
    await adapter.save(['second'], Uint8Array.of(2))
    await adapter.close()
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(firstCopy)
    const backup = await LowdbStorageAdapter.open(`${path}.bak`)
    expect(await backup.load(['first'])).toEqual(Uint8Array.of(1))
    expect(await backup.load(['second'])).toBeUndefined()
    const current = await LowdbStorageAdapter.open(path)
    expect(await current.load(['second'])).toEqual(Uint8Array.of(2))
    // No temporary file is left behind.
    expect((await readdir(dir)).sort()).toEqual(['consenso.json', 'consenso.json.bak'])
  })

  const store = (chunks: string) => `{"format":"consenso-store","version":1,"chunks":${chunks}}`

  for (const { name, content } of [
    { name: 'garbage', content: 'this is not JSON \u0000\u00ff' },
    { name: 'truncated JSON', content: store('{"[\\"k\\"]":"AP8=", "[\\"l\\"]":"AA').slice(0, -3) },
    { name: 'an empty file', content: '' },
    { name: 'a file cut to its first byte', content: '{' },
    { name: 'JSON of another shape', content: '{"users":[]}' },
    { name: 'a store of another version', content: '{"format":"consenso-store","version":2,"chunks":{}}' },
    { name: 'a store whose chunks are not an object', content: '{"format":"consenso-store","version":1,"chunks":null}' },
    { name: 'a JSON array', content: '[]' },
    { name: 'JSON null', content: 'null' },
    { name: 'JSON false', content: 'false' },
    { name: 'JSON zero', content: '0' },
    { name: 'an empty JSON string', content: '""' }
  ]) {
    test(`opening ${name} throws StoreFileCorruptError and leaves the file untouched`, async () => {
      await writeFile(path, content)
      const before = await stat(path)
      const error = await LowdbStorageAdapter.open(path).then(
        () => undefined,
        (err: unknown) => err
      )
      expect(error).toBeInstanceOf(StoreFileCorruptError)
      expect((error as StoreFileCorruptError).path).toBe(path)
      expect((error as Error).message).toContain(`${path}.bak`)
      expect(await readFile(path, 'utf8')).toBe(content)
      expect((await stat(path)).mtimeMs).toBe(before.mtimeMs)
      expect(await readdir(dir)).toEqual(['consenso.json'])
    })
  }
})
