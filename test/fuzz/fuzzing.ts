/**
 * What the property-based tests share: the seed, how a property is run, and
 * the strings that are likely to break things.
 *
 * Each file draws one seed and prints it; `FUZZ_SEED=<seed>` replays the same
 * inputs. A failing property stops at its first counterexample (the server is
 * real and slow to shrink against); `FUZZ_SHRINK=1` shrinks it to the smallest.
 */
import fc, { type IAsyncProperty } from 'fast-check'
import { expect } from 'vitest'
import type { Reachable } from '../support'

/** The seed of this test file's properties. */
export const fuzzSeed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31)

/** Runs `property` `numRuns` times from {@link fuzzSeed}, saying which seed replays it. */
export async function checkProperty<Ts>(name: string, property: IAsyncProperty<Ts>, numRuns: number): Promise<void> {
  console.info(`${name}: seed ${fuzzSeed}, ${numRuns} runs; rerun with FUZZ_SEED=${fuzzSeed}`)
  await fc.assert(property, { seed: fuzzSeed, numRuns, endOnFailure: process.env.FUZZ_SHRINK !== '1' })
}

/**
 * Strings a careless server would trip on: empty, very long, every kind of
 * Unicode (lone surrogates included), markup, control characters, look-alikes
 * of real values.
 */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uD800', '\u202E', '../../etc/passwd', '<script>alert(1)</script>', 'javascript:alert(1)', '__proto__', 'constructor', '2021-02-30', 'NaN', '{}'),
  fc.nat({ max: 30_000 }).map((n) => 'ñ'.repeat(n))
)

/** Any JSON value, including deep and odd ones. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), fc.jsonValue({ depthSize: 'large', maxDepth: 6 }), nastyString)

/** An answer of the API: its status, content type and body (parsed when JSON). */
export interface RawAnswer {
  readonly status: number
  readonly type: string
  readonly body: unknown
}

/** Whether an answer is a 4xx or 5xx and not JSON of the form `{ error: string }`. */
export function expectErrorShape(answer: RawAnswer, what: string): void {
  expect(answer.status, `${what}: no server error (${JSON.stringify(answer.body)})`).toBeLessThan(500)
  if (answer.status < 300) return
  expect(answer.type, `${what}: a refusal is JSON`).toMatch(/^application\/json/)
  expect(typeof (answer.body as { error?: unknown }).error, `${what}: a refusal says why: ${JSON.stringify(answer.body)}`).toBe('string')
}

/** Sends a request with a bearer token and returns its answer (the body parsed if JSON). */
export async function request(server: Reachable, token: string, method: string, path: string, body?: { json?: unknown; raw?: string; form?: FormData }): Promise<RawAnswer> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` }
  let payload: string | FormData | undefined
  if (body?.form) payload = body.form
  else if (body?.raw !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = body.raw
  } else if (body && 'json' in body) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body.json)
  }
  const res = await fetch(`${server.url}${path}`, { method, headers, body: payload })
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  return { status: res.status, type, body: type.startsWith('application/json') ? JSON.parse(text) : text }
}
