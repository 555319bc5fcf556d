/**
 * Two Consenso servers serving one workspace, as two processes would behind
 * one address: here two servers in this test process sharing one
 * `MemoryStore` (the stand-in for one database) and one real Redis (a
 * throwaway `redis-server`, or `REDIS_URL`). Clients are pinned to one
 * server or the other; everything they see must be the same.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import * as Y from 'yjs'
import { MemoryStore } from '../../storage'
import { CloseCode, RedisRelay, silentLogger, startServer, type Logger, type RunningServer } from '../../server'
import {
  appendParagraph,
  connectSynced,
  contentOf,
  DEMO_PASSWORD,
  DOC,
  docPath,
  failedLogin,
  freePort,
  login,
  openCommentPeriod,
  openRawSocket,
  quoteSelector,
  signIn,
  startTestRedis,
  subscribeToEvents,
  WAIT,
  typingOnBoth,
  type TestClient,
  type TestRedis
} from '../support'

/** Two servers on one store and one Redis, closed when the test ends; `logger` hears both. */
async function twoServers(redis: TestRedis, logger: Logger = silentLogger): Promise<{ a: RunningServer; b: RunningServer }> {
  const store = new MemoryStore()
  const config = {
    port: 0,
    host: '127.0.0.1',
    demoPassword: DEMO_PASSWORD,
    persistence: { debounceMs: 50, maxWaitMs: 200 },
    redisUrl: redis.url,
    // Tests sharing a REDIS_URL must not hear each other.
    redisPrefix: `consenso-test-${randomUUID()}`
  }
  const a = await startServer(config, { store, logger })
  onTestFinished(() => a.close())
  const b = await startServer(config, { store, logger })
  onTestFinished(() => b.close())
  return { a, b }
}

/** Waits until every client shows the same text, and that text holds each of `texts`. */
async function expectConverged(clients: readonly TestClient[], texts: readonly string[], wait: { timeout: number; interval: number } = WAIT): Promise<void> {
  await vi.waitFor(() => {
    const [first, ...rest] = clients.map((c) => contentOf(c.doc))
    for (const text of texts) expect(first).toContain(text)
    for (const other of rest) expect(other).toBe(first)
  }, wait)
}

describe('Two servers, one store, one Redis', () => {
  test('Stock clients on either server converge, also while both type at once.', async () => {
    const redis = await startTestRedis()
    const { a, b } = await twoServers(redis)
    const onA = await connectSynced(a, DOC, await login(a.url, 'ppt'))
    const onB = await connectSynced(b, DOC, await login(b.url, 'se'))
    const watcherOnB = await connectSynced(b, DOC, await login(b.url, 'mx'))

    appendParagraph(onA.doc, 'Escrito en el servidor A.')
    await expectConverged([onA, onB, watcherOnB], ['Escrito en el servidor A.'])
    appendParagraph(onB.doc, 'Escrito en el servidor B.')
    await expectConverged([onA, onB, watcherOnB], ['Escrito en el servidor A.', 'Escrito en el servidor B.'])

    const typed: string[] = []
    for (let round = 0; round < 20; round++) {
      typed.push(`A ${round}`, `B ${round}`)
      appendParagraph(onA.doc, `A ${round}`)
      appendParagraph(onB.doc, `B ${round}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await expectConverged([onA, onB, watcherOnB], typed)
  })

  test("A cursor on one server is seen by a client of the other, and leaves with its client.", async () => {
    const redis = await startTestRedis()
    const { a, b } = await twoServers(redis)
    const ppt = await connectSynced(a, DOC, await login(a.url, 'ppt'))
    const gt = await connectSynced(b, DOC, await login(b.url, 'gt'))
    const pptId = ppt.doc.clientID

    ppt.provider.awareness.setLocalStateField('cursor', { anchor: 3 })
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().get(pptId)).toMatchObject({ cursor: { anchor: 3 }, user: { username: 'ppt' } }), WAIT)
    ppt.provider.disconnect()
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().has(pptId)).toBe(false), WAIT)
  })

  test("A server that loads the document after a cursor was set asks the other for it: its client sees it at once, not at the cursor's next renewal.", async () => {
    const redis = await startTestRedis()
    const { a, b } = await twoServers(redis)
    const ppt = await connectSynced(a, DOC, await login(a.url, 'ppt'))
    ppt.provider.awareness.setLocalStateField('cursor', { anchor: 7 })
    const gt = await connectSynced(b, DOC, await login(b.url, 'gt'))
    // A client renews its presence every 15 s: well within that.
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().get(ppt.doc.clientID)).toMatchObject({ cursor: { anchor: 7 } }), { timeout: 3_000, interval: 10 })
  })

  test("A comment made on one server reaches the event stream of a delegate on the other.", async () => {
    const redis = await startTestRedis()
    const { a, b } = await twoServers(redis)
    await openCommentPeriod(await signIn(a, 'ppt'))
    const onB = await subscribeToEvents(b, await login(b.url, 'gt'))

    const mx = await signIn(a, 'mx')
    const made = await mx.post(docPath('/comments'), { body: 'Desde el servidor A.', anchor: quoteSelector('Proceso Puebla') })
    expect(made.status).toBe(201)
    await vi.waitFor(() => expect(onB.events).toContainEqual({ type: 'comment', data: expect.objectContaining({ id: made.body.comment.id, body: 'Desde el servidor A.' }) }), WAIT)
  })

  test("Logout on one server closes the session's socket on the other with 4401 and ends its event stream there.", async () => {
    const redis = await startTestRedis()
    const { a, b } = await twoServers(redis)
    const ni = await signIn(a, 'ni')
    const other = await signIn(a, 'ni')
    const socketOnB = await openRawSocket(b, DOC, { token: ni.token })
    const otherOnB = await openRawSocket(b, DOC, { token: other.token })
    const abort = new AbortController()
    onTestFinished(() => abort.abort())
    const res = await fetch(`${b.url}${docPath('/events')}`, { headers: { Authorization: `Bearer ${ni.token}` }, signal: abort.signal })
    expect(res.status).toBe(200)
    const stream = { ended: false }
    void (async () => {
      const reader = (res.body as ReadableStream<Uint8Array>).getReader()
      while (!(await reader.read()).done);
      stream.ended = true
    })().catch(() => {})

    expect((await ni.post('/api/logout')).status).toBe(200)
    expect(await socketOnB.closed).toEqual({ code: CloseCode.unauthorized, reason: 'signed out' })
    await vi.waitFor(() => expect(stream.ended).toBe(true), WAIT)
    // Only that session: the account's other one stays connected.
    expect(otherOnB.ws.readyState).toBe(otherOnB.ws.OPEN)
  })

  test('Five failed logins spread over both servers throttle the sixth on either, with 429.', async () => {
    const redis = await startTestRedis()
    const { a, b } = await twoServers(redis)
    for (const server of [a, b, a, b, a]) expect(await failedLogin(server, 'hn')).toBe(401)
    expect(await failedLogin(b, 'hn')).toBe(429)
    expect(await failedLogin(a, 'hn')).toBe(429)
  })
})

describe('Redis unreachable at start', () => {
  test('A relay that cannot reach Redis gives up after its wait, naming the URL without its password, instead of hanging the start.', async () => {
    const url = `redis://:secret@127.0.0.1:${await freePort()}`
    const started = Date.now()
    await expect(RedisRelay.connect({ url, prefix: 'consenso-test', logger: silentLogger, connectWaitMs: 300 })).rejects.toThrow(
      /could not reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ within 300 ms/
    )
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

describe('Redis stopped and started again', () => {
  test('While Redis is down each server throttles logins on its own, and says so in its log.', async (context) => {
    const redis = await startTestRedis()
    if (!redis.ownProcess) context.skip(true, 'REDIS_URL names a shared Redis, which this test may not stop')
    const errors: string[] = []
    const { a } = await twoServers(redis, { info: () => {}, error: (message) => errors.push(message) })
    await redis.stop()
    for (let i = 0; i < 5; i++) expect(await failedLogin(a, 'hn')).toBe(401)
    expect(await failedLogin(a, 'hn')).toBe(429)
    expect(errors).toContainEqual(expect.stringMatching(/login throttling counts in this process only/))
  })

  test('Clients on both servers converge again after Redis comes back, with what was typed on either while it was down.', async (context) => {
    const redis = await startTestRedis()
    if (!redis.ownProcess) context.skip(true, 'REDIS_URL names a shared Redis, which this test may not stop')
    const { a, b } = await twoServers(redis)
    const onA = await connectSynced(a, DOC, await login(a.url, 'ppt'))
    const onB = await connectSynced(b, DOC, await login(b.url, 'se'))
    const { typed, type } = typingOnBoth(onA, onB)
    type('antes')
    await expectConverged([onA, onB], typed)

    // Mid-typing: the last changes before the stop may be published into the void.
    type('al parar')
    await redis.stop()
    type('sin Redis')
    // Stored by both servers meanwhile (each store is the shared one), but not relayed.
    await new Promise((resolve) => setTimeout(resolve, 300))
    await redis.start()
    type('después')
    await expectConverged([onA, onB], typed, { timeout: 15_000, interval: 20 })
    // The typing goes on being relayed.
    type('al final')
    await expectConverged([onA, onB], typed)
  })

  test('A change typed on one server while Redis is down reaches the other from the store, with nothing typed after it.', async (context) => {
    const redis = await startTestRedis()
    if (!redis.ownProcess) context.skip(true, 'REDIS_URL names a shared Redis, which this test may not stop')
    const { a, b } = await twoServers(redis)
    const onA = await connectSynced(a, DOC, await login(a.url, 'ppt'))
    const onB = await connectSynced(b, DOC, await login(b.url, 'se'))
    await redis.stop()
    appendParagraph(onA.doc, 'Escrito sin Redis.')
    // Stored on A: the store is where B finds it, since the frame A published was lost.
    await vi.waitFor(async () => {
      const stored = new Y.Doc()
      Y.applyUpdate(stored, await a.workspace.documents.loadState(DOC))
      expect(contentOf(stored)).toContain('Escrito sin Redis.')
    }, WAIT)
    await redis.start()
    await expectConverged([onA, onB], ['Escrito sin Redis.'], { timeout: 15_000, interval: 20 })
  })
})
