/**
 * The contract every {@link StorageAdapter} keeps, as one suite that each
 * adapter's test file runs with its own setup (automerge-repo's shared
 * adapter tests). Not a test file itself: it is run by `adapters.test.ts`.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { StorageAdapter, StorageKey } from '../../storage'

export interface AdapterSetup {
  readonly adapter: StorageAdapter
  /** Releases what setup made (files, folders). The adapter is closed before. */
  readonly teardown: () => Promise<void>
}

/** Every byte value, in order. */
export const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i)

const bytes = (...values: number[]) => Uint8Array.from(values)

/** What awaiting `call` throws, whether it throws at once or returns a rejected promise. */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call()
  } catch (err) {
    return err
  }
  return undefined
}

/** Registers the storage adapter contract for the adapter made by `setup`. */
export function runStorageAdapterTests(name: string, setup: () => Promise<AdapterSetup>): void {
  describe(`${name} keeps the StorageAdapter contract`, () => {
    let adapter: StorageAdapter
    let teardown: () => Promise<void>

    beforeEach(async () => {
      ;({ adapter, teardown } = await setup())
    })

    afterEach(async () => {
      await adapter.close()
      await teardown()
    })

    const keysOf = async (prefix: StorageKey) => (await adapter.loadRange(prefix)).map((c) => c.key)

    describe('load, save and remove', () => {
      test('a key that was never saved loads as undefined', async () => {
        expect(await adapter.load(['missing'])).toBeUndefined()
      })

      test('saved bytes load back equal', async () => {
        await adapter.save(['doc', 'a'], bytes(1, 2, 3))
        expect(await adapter.load(['doc', 'a'])).toEqual(bytes(1, 2, 3))
      })

      test('saving again replaces what was stored', async () => {
        await adapter.save(['k'], bytes(1))
        await adapter.save(['k'], bytes(2, 2))
        expect(await adapter.load(['k'])).toEqual(bytes(2, 2))
      })

      test('a removed key loads as undefined', async () => {
        await adapter.save(['k'], bytes(1))
        await adapter.remove(['k'])
        expect(await adapter.load(['k'])).toBeUndefined()
      })

      test('saveAll stores every chunk, replacing what was there, and each loads back', async () => {
        await adapter.save(['comment', 'c1'], bytes(9))
        await adapter.saveAll([
          { key: ['comment', 'c1'], data: bytes(1) },
          { key: ['audit', '000000000001'], data: bytes(2, 2) }
        ])
        expect(await adapter.load(['comment', 'c1'])).toEqual(bytes(1))
        expect(await adapter.load(['audit', '000000000001'])).toEqual(bytes(2, 2))
      })

      test('saveAll with one invalid key stores none of the chunks', async () => {
        await adapter.save(['kept'], bytes(1))
        const err = await failure(() =>
          adapter.saveAll([
            { key: ['kept'], data: bytes(2) },
            { key: ['new'], data: bytes(3) },
            { key: ['bad', ''], data: bytes(4) }
          ])
        )
        expect(err).toBeInstanceOf(RangeError)
        expect(await keysOf([])).toEqual([['kept']])
        expect(await adapter.load(['kept'])).toEqual(bytes(1))
      })

      test('removing a key that is not there is no error', async () => {
        await expect(adapter.remove(['never', 'saved'])).resolves.toBeUndefined()
      })

      test('removing a key leaves the longer keys it is a prefix of', async () => {
        await adapter.save(['a'], bytes(1))
        await adapter.save(['a', 'b'], bytes(2))
        await adapter.remove(['a'])
        expect(await adapter.load(['a'])).toBeUndefined()
        expect(await adapter.load(['a', 'b'])).toEqual(bytes(2))
      })

      test('bytes of all 256 values survive', async () => {
        await adapter.save(['all'], ALL_BYTES)
        expect(await adapter.load(['all'])).toEqual(ALL_BYTES)
        expect((await adapter.loadRange(['all']))[0]?.data).toEqual(ALL_BYTES)
      })

      test('bytes that look like text, JSON or base64 survive unchanged', async () => {
        const samples = ['{"a":1}', '"', '\\', 'AAAA==', '\u0000', 'ñandú €', '\r\n'].map((s) => new TextEncoder().encode(s))
        for (const [i, sample] of samples.entries()) await adapter.save(['s', String(i)], sample)
        for (const [i, sample] of samples.entries()) expect(await adapter.load(['s', String(i)])).toEqual(sample)
      })

      test('an empty value is stored as empty bytes, not as missing', async () => {
        await adapter.save(['empty'], new Uint8Array(0))
        const loaded = await adapter.load(['empty'])
        expect(loaded).toBeInstanceOf(Uint8Array)
        expect(loaded?.byteLength).toBe(0)
      })

      test('a view into a larger buffer stores only its own bytes', async () => {
        const view = new Uint8Array(ALL_BYTES.buffer, 10, 5)
        await adapter.save(['view'], view)
        expect(await adapter.load(['view'])).toEqual(bytes(10, 11, 12, 13, 14))
      })

      test('a megabyte of random bytes survives', async () => {
        const big = new Uint8Array(1 << 20)
        for (let i = 0; i < big.length; i += 65536) globalThis.crypto.getRandomValues(big.subarray(i, i + 65536))
        await adapter.save(['big'], big)
        expect(await adapter.load(['big'])).toEqual(big)
      })

      test('loaded values are Uint8Arrays', async () => {
        await adapter.save(['k'], bytes(1))
        const loaded = await adapter.load(['k'])
        expect(Object.getPrototypeOf(loaded)).toBe(Uint8Array.prototype)
      })
    })

    describe('copies', () => {
      test('changing a buffer after saving it does not change what was stored', async () => {
        const data = bytes(1, 2, 3)
        const saving = adapter.save(['k'], data)
        data[0] = 99
        await saving
        data[1] = 99
        expect(await adapter.load(['k'])).toEqual(bytes(1, 2, 3))
      })

      test('changing a loaded buffer does not change what is stored', async () => {
        await adapter.save(['k'], bytes(1, 2, 3))
        const loaded = (await adapter.load(['k'])) as Uint8Array
        loaded[0] = 99
        const [chunk] = await adapter.loadRange(['k'])
        ;(chunk?.data as Uint8Array)[1] = 99
        expect(await adapter.load(['k'])).toEqual(bytes(1, 2, 3))
        expect((await adapter.loadRange(['k']))[0]?.data).toEqual(bytes(1, 2, 3))
      })
    })

    describe('ranges', () => {
      test('loadRange returns the prefix itself and every key under it, with their bytes', async () => {
        await adapter.save(['doc', 'a'], bytes(0))
        await adapter.save(['doc', 'a', 'update', '1'], bytes(1))
        await adapter.save(['doc', 'a', 'snapshot'], bytes(2))
        await adapter.save(['doc', 'b', 'snapshot'], bytes(3))
        await adapter.save(['meta', 'a'], bytes(4))
        const chunks = await adapter.loadRange(['doc', 'a'])
        expect(chunks).toEqual([
          { key: ['doc', 'a'], data: bytes(0) },
          { key: ['doc', 'a', 'snapshot'], data: bytes(2) },
          { key: ['doc', 'a', 'update', '1'], data: bytes(1) }
        ])
      })

      test('a range of nothing stored is empty', async () => {
        await adapter.save(['doc', 'a'], bytes(1))
        expect(await adapter.loadRange(['doc', 'z'])).toEqual([])
        expect(await adapter.loadRange(['doc', 'a', 'x'])).toEqual([])
      })

      test('the empty prefix names every key', async () => {
        await adapter.save(['b'], bytes(2))
        await adapter.save(['a', 'x'], bytes(1))
        expect(await keysOf([])).toEqual([['a', 'x'], ['b']])
      })

      test('loadRange returns keys part by part in order, a prefix before its extensions, whatever the saving order', async () => {
        const ordered: StorageKey[] = [
          ['a'],
          ['a', 'a'],
          ['a', 'b'],
          ['a', 'b', 'c'],
          ['a', 'ba'],
          ['a-'],
          ['aa'],
          ['ab'],
          ['b'],
          ['doc', 'x', 'update', '000000000002'],
          ['doc', 'x', 'update', '000000000010'],
          ['doc', 'x', 'update', '000000000100']
        ]
        const shuffled = [7, 3, 11, 0, 9, 5, 1, 10, 2, 8, 4, 6].map((i) => ordered[i] as StorageKey)
        for (const key of shuffled) await adapter.save(key, bytes(1))
        expect(await keysOf([])).toEqual(ordered)
      })

      test('["a"] never matches ["ab"]', async () => {
        await adapter.save(['a'], bytes(1))
        await adapter.save(['a', 'x'], bytes(2))
        await adapter.save(['ab'], bytes(3))
        await adapter.save(['ab', 'x'], bytes(4))
        expect(await keysOf(['a'])).toEqual([['a'], ['a', 'x']])
        await adapter.removeRange(['a'])
        expect(await keysOf([])).toEqual([['ab'], ['ab', 'x']])
      })

      test.each([
        { stored: ['a,b'], other: ['a', 'b'] },
        { stored: ['a/b'], other: ['a', 'b'] },
        { stored: ['a.b'], other: ['a', 'b'] },
        { stored: ['a\u0000b'], other: ['a', 'b'] },
        { stored: ['["a","b"]'], other: ['a', 'b'] },
        { stored: ['a"', 'b'], other: ['a', '"b'] }
      ])('the key $stored is not the key $other', async ({ stored, other }) => {
        await adapter.save(stored, bytes(1))
        expect(await adapter.load(other)).toBeUndefined()
        expect(await adapter.loadRange(other)).toEqual([])
        await adapter.save(other, bytes(2))
        expect(await adapter.load(stored)).toEqual(bytes(1))
        await adapter.removeRange(other)
        expect(await adapter.load(stored)).toEqual(bytes(1))
      })

      test('keys may hold any text', async () => {
        const key = ['ñandú', 'emoji 🌎', 'tab\tquote"back\\slash', ' ']
        await adapter.save(key, bytes(7))
        expect(await adapter.load(key)).toEqual(bytes(7))
        expect(await keysOf(['ñandú'])).toEqual([key])
      })

      test('removeRange removes the prefix itself and every key under it, and nothing else', async () => {
        await adapter.save(['doc', 'a'], bytes(1))
        await adapter.save(['doc', 'a', 'snapshot'], bytes(2))
        await adapter.save(['doc', 'a', 'update', '1'], bytes(3))
        await adapter.save(['doc', 'ab', 'snapshot'], bytes(4))
        await adapter.save(['doc'], bytes(5))
        await adapter.removeRange(['doc', 'a'])
        expect(await keysOf([])).toEqual([['doc'], ['doc', 'ab', 'snapshot']])
      })

      test('removing a range of nothing stored is no error', async () => {
        await expect(adapter.removeRange(['nothing', 'here'])).resolves.toBeUndefined()
      })
    })

    describe('concurrency and close', () => {
      test('saves and removes made without waiting all take effect', async () => {
        const calls: Promise<void>[] = []
        for (let i = 0; i < 50; i++) calls.push(adapter.save(['n', String(i).padStart(2, '0')], bytes(i)))
        for (let i = 0; i < 50; i += 2) calls.push(adapter.remove(['n', String(i).padStart(2, '0')]))
        await Promise.all(calls)
        const chunks = await adapter.loadRange(['n'])
        expect(chunks.map((c) => c.data[0])).toEqual(Array.from({ length: 25 }, (_, i) => 2 * i + 1))
      })

      test('close resolves once pending saves are done', async () => {
        void adapter.save(['pending'], bytes(1))
        await expect(adapter.close()).resolves.toBeUndefined()
      })
    })

    describe('invalid keys', () => {
      const invalid: Array<{ name: string; key: unknown }> = [
        { name: 'the empty key', key: [] },
        { name: 'an empty part', key: [''] },
        { name: 'an empty part after others', key: ['doc', ''] },
        { name: 'a number part', key: ['doc', 1] },
        { name: 'a null part', key: [null] },
        { name: 'a string instead of an array', key: 'doc' },
        { name: 'undefined', key: undefined }
      ]

      for (const { name, key } of invalid) {
        test(`load, save and remove throw a RangeError for ${name}`, async () => {
          const k = key as StorageKey
          for (const call of [() => adapter.load(k), () => adapter.save(k, bytes(1)), () => adapter.remove(k)]) {
            const err = await failure(call)
            expect(err).toBeInstanceOf(RangeError)
            expect((err as Error).message).toContain('Invalid storage key')
          }
        })
      }

      for (const { name, key } of invalid.filter((c) => !(Array.isArray(c.key) && c.key.length === 0))) {
        test(`loadRange and removeRange throw a RangeError for ${name}`, async () => {
          const k = key as StorageKey
          expect(await failure(() => adapter.loadRange(k))).toBeInstanceOf(RangeError)
          expect(await failure(() => adapter.removeRange(k))).toBeInstanceOf(RangeError)
        })
      }

      test('an invalid key changes nothing', async () => {
        await adapter.save(['kept'], bytes(1))
        await failure(() => adapter.save(['kept', ''], bytes(2)))
        await failure(() => adapter.removeRange([''] as StorageKey))
        expect(await keysOf([])).toEqual([['kept']])
      })
    })
  })
}
