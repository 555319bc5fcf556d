/**
 * Two real server processes (`node --import tsx server/main.ts`, different
 * ports) serving one workspace with both halves of issue 13 at once:
 * `DATABASE_URL` (one PostgreSQL database, PostgresStore) and `REDIS_URL`
 * (one Redis, the relay). Until these tests, real processes ran on PostgreSQL
 * without Redis, and Redis was tried with two servers in one test process on
 * one MemoryStore. Clients are pinned to one process or the other; what they
 * see must be the same.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import { COUNTRIES } from '../../src'
import { CloseCode } from '../../server'
import {
  apiSession,
  appendParagraph,
  connectSynced,
  contentOf,
  DOC,
  docPath,
  freePort,
  login,
  openCommentPeriod,
  openRawSocket,
  postgresDatabase,
  quoteSelector,
  signIn,
  startTestRedis,
  subscribeToEvents,
  type ApiAnswer,
  type Reachable,
  type TestClient
} from '../support'
import { startServerAt } from '../durability/serverProcess'

// Real processes start slowly on a shared machine; the checks themselves are bounded.
const PROCESS_TEST_MS = 60_000
const CONVERGED = { timeout: 15_000, interval: 20 } as const

/** Two server processes on one new database and one Redis; killed when the test ends. */
async function twoProcesses(): Promise<{ a: Reachable; b: Reachable }> {
  const [databaseUrl, redis, dir] = await Promise.all([postgresDatabase(), startTestRedis(), mkdtemp(join(tmpdir(), 'consenso-scaleout-'))])
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    // Tests sharing a REDIS_URL must not hear each other.
    REDIS_PREFIX: `consenso-test-${randomUUID()}`,
    PERSIST_DEBOUNCE_MS: '50',
    PERSIST_MAX_WAIT_MS: '200'
  }
  // Started together: both find the database empty, one seeds it.
  const [a, b] = await Promise.all([startServerAt(dir, await freePort(), env), startServerAt(dir, await freePort(), env)])
  return { a: { url: await a.listening }, b: { url: await b.listening } }
}

/** Waits until every client shows the same text, and that text holds each of `texts`. */
async function expectConverged(clients: readonly TestClient[], texts: readonly string[]): Promise<void> {
  await vi.waitFor(() => {
    const [first, ...rest] = clients.map((c) => contentOf(c.doc))
    for (const text of texts) expect(first).toContain(text)
    for (const other of rest) expect(other).toBe(first)
  }, CONVERGED)
}

async function postComment(server: Reachable, token: string, body: string, key?: string): Promise<ApiAnswer> {
  const res = await fetch(`${server.url}${docPath('/comments')}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    body: JSON.stringify({ body, anchor: quoteSelector('Proceso Puebla') })
  })
  return { status: res.status, body: await res.json() }
}

async function failedLogin(server: Reachable, username: string): Promise<number> {
  const res = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'not the password' })
  })
  await res.body?.cancel()
  return res.status
}

describe('Two server processes on one PostgreSQL and one Redis', () => {
  test('Stock clients on either process converge, also while both type at once.', async () => {
    const { a, b } = await twoProcesses()
    const onA = await connectSynced(a, DOC, await login(a.url, 'ppt'))
    const onB = await connectSynced(b, DOC, await login(b.url, 'se'))
    const watcherOnB = await connectSynced(b, DOC, await login(b.url, 'mx'))

    appendParagraph(onA.doc, 'Escrito en el proceso A.')
    await expectConverged([onA, onB, watcherOnB], ['Escrito en el proceso A.'])
    appendParagraph(onB.doc, 'Escrito en el proceso B.')
    await expectConverged([onA, onB, watcherOnB], ['Escrito en el proceso A.', 'Escrito en el proceso B.'])

    const typed: string[] = []
    for (let round = 0; round < 30; round++) {
      typed.push(`A ${round}`, `B ${round}`)
      appendParagraph(onA.doc, `A ${round}`)
      appendParagraph(onB.doc, `B ${round}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await expectConverged([onA, onB, watcherOnB], typed)
    // Each paragraph once: no update applied twice nor lost between the processes.
    for (const text of typed) expect(contentOf(onB.doc).split(`>${text}<`)).toHaveLength(2)
  }, PROCESS_TEST_MS)

  test('A comment made on one process reaches the event stream of a delegate on the other.', async () => {
    const { a, b } = await twoProcesses()
    await openCommentPeriod(await signIn(a, 'ppt'))
    const onB = await subscribeToEvents(b, await login(b.url, 'gt'))
    const made = await postComment(a, await login(a.url, 'mx'), 'Desde el proceso A.')
    expect(made.status).toBe(201)
    await vi.waitFor(() => expect(onB.events).toContainEqual({ type: 'comment', data: expect.objectContaining({ id: made.body.comment.id, body: 'Desde el proceso A.' }) }), CONVERGED)
  }, PROCESS_TEST_MS)

  test("Logout on one process closes the session's socket on the other with 4401, and only that session's.", async () => {
    const { a, b } = await twoProcesses()
    const ni = await signIn(a, 'ni')
    const other = await signIn(a, 'ni')
    const socketOnB = await openRawSocket(b, DOC, { token: ni.token })
    const otherOnB = await openRawSocket(b, DOC, { token: other.token })
    expect((await ni.post('/api/logout')).status).toBe(200)
    // Well before the 30 s session check: the relay carried it.
    const started = Date.now()
    expect(await socketOnB.closed).toEqual({ code: CloseCode.unauthorized, reason: 'signed out' })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(otherOnB.ws.readyState).toBe(otherOnB.ws.OPEN)
  }, PROCESS_TEST_MS)

  test('Five failed logins spread over both processes throttle the sixth on either, with 429.', async () => {
    const { a, b } = await twoProcesses()
    for (const server of [a, b, a, b, a]) expect(await failedLogin(server, 'hn')).toBe(401)
    expect(await failedLogin(b, 'hn')).toBe(429)
    expect(await failedLogin(a, 'hn')).toBe(429)
  }, PROCESS_TEST_MS)

  test('200 comments at once spread over both processes are all stored once, and the audit chain verifies on both.', async () => {
    const { a, b } = await twoProcesses()
    const ppt = await signIn(a, 'ppt')
    await openCommentPeriod(ppt)
    const delegates = await Promise.all(COUNTRIES.map((c) => login(a.url, c.code.toLowerCase())))
    const before = (await ppt.get('/api/audit/verify')).body.entries as number
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) => postComment(n % 2 === 0 ? a : b, delegates[n % delegates.length] as string, `Comentario ${n} desde ${n % 2 === 0 ? 'A' : 'B'}`))
    )
    expect(answers.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([])
    for (const server of [a, b]) {
      const verified = await apiSession(server, ppt.token).get('/api/audit/verify')
      expect(verified.body).toMatchObject({ ok: true, entries: before + 200 })
      const listed = await apiSession(server, ppt.token).get(docPath('/comments'))
      const bodies = (listed.body.comments as Array<{ body: string }>).map((c) => c.body).filter((body) => body.startsWith('Comentario '))
      expect(bodies).toHaveLength(200)
      expect(new Set(bodies).size).toBe(200)
    }
  }, PROCESS_TEST_MS)

  test('Retries of one comment with one Idempotency-Key, sent to both processes at once, make one comment.', async () => {
    const { a, b } = await twoProcesses()
    await openCommentPeriod(await signIn(a, 'ppt'))
    const token = await login(b.url, 'gt')
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => postComment(n % 2 === 0 ? a : b, token, 'Reenviado a los dos procesos.', key)))
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201])
    expect(new Set(answers.map((r) => r.body.comment.id)).size).toBe(1)
    for (const server of [a, b]) {
      const listed = await apiSession(server, token).get(docPath('/comments'))
      expect((listed.body.comments as Array<{ body: string }>).filter((c) => c.body === 'Reenviado a los dos procesos.')).toHaveLength(1)
    }
  }, PROCESS_TEST_MS)
})
