/**
 * Issue 14, item 3: limits per account and per address on open collaboration
 * connections, and one budget of sync answers, updates and awareness shared
 * by all the connections of an account (per-connection flood control alone
 * lets one person open any number of connections).
 */
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import WebSocket from 'ws'
import { CloseCode, defaultConnectionLimits, defaultMessageThrottle, MessageType, type AccountBudgetConfig } from '../../server'
import { appendParagraph, collabUrl, connectSynced, contentOf, DOC, login, openRawSocket, startTestServer, syncStep1Message, WAIT, type Reachable } from '../support'

const MiB = 1024 * 1024

/** An upgrade the server refuses: its status, `Retry-After` and JSON error (fails if it is accepted). */
async function refusedUpgrade(server: Reachable, token: string): Promise<{ status: number; retryAfter: string | undefined; error: string }> {
  const ws = new WebSocket(`${collabUrl(server)}/${DOC}?token=${encodeURIComponent(token)}`)
  return new Promise((done, fail) => {
    ws.once('open', () => {
      ws.terminate()
      fail(new Error('the upgrade was accepted'))
    })
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => {
        ws.terminate()
        done({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], error: (JSON.parse(body) as { error: string }).error })
      })
    })
    ws.once('error', () => {})
  })
}

describe('Open connections are limited per account and per address', () => {
  test('An account holding 12 open connections is refused a 13th with 429, Retry-After and the reason; closing one lets a new one in.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'gt')
    const open = []
    for (let i = 0; i < defaultConnectionLimits.perAccount; i++) open.push(await openRawSocket(server, DOC, { token }))
    const refused = await refusedUpgrade(server, token)
    expect(refused.status).toBe(429)
    expect(Number(refused.retryAfter)).toBeGreaterThan(0)
    expect(refused.error).toMatch(/too many open connections for this account \(at most 12\)/)
    // Another account is not affected.
    await connectSynced(server, DOC, await login(server.url, 'mx'))

    const first = open[0] as Awaited<ReturnType<typeof openRawSocket>>
    first.ws.close()
    await first.closed
    await vi.waitFor(async () => expect((await openRawSocket(server, DOC, { token })).ws.readyState).toBe(WebSocket.OPEN), WAIT)
  })

  test('An address holding as many connections as perAddress is refused another with 429, whatever the account.', async () => {
    const { server } = await startTestServer({ config: { connectionLimits: { perAccount: 12, perAddress: 4 } } })
    for (const username of ['gt', 'mx', 'hn', 'sv']) await openRawSocket(server, DOC, { token: await login(server.url, username) })
    const refused = await refusedUpgrade(server, await login(server.url, 'cr'))
    expect(refused.status).toBe(429)
    expect(refused.error).toMatch(/too many open connections from this address \(at most 4\)/)
  })

  // Behind a TLS proxy every socket comes from the proxy's address: the
  // limit must count the client's, as the login throttle does, or the whole
  // delegation behind one proxy shares one address's connections.
  test('Behind a trusted proxy (trustProxy: 1) the per-address limit counts the forwarded client address: one client over it is refused, another behind the same proxy is not.', async () => {
    const { server } = await startTestServer({ config: { connectionLimits: { perAccount: 12, perAddress: 2 }, trustProxy: 1 } })
    const from = (address: string) => ({ 'X-Forwarded-For': address })
    for (const username of ['gt', 'mx']) await openRawSocket(server, DOC, { token: await login(server.url, username), headers: from('203.0.113.7') })
    await expect(openRawSocket(server, DOC, { token: await login(server.url, 'hn'), headers: from('203.0.113.7') })).rejects.toMatchObject({ status: 429 })
    const other = await openRawSocket(server, DOC, { token: await login(server.url, 'sv'), headers: from('203.0.113.8') })
    expect(other.ws.readyState).toBe(WebSocket.OPEN)
  })

  test('Without trustProxy, X-Forwarded-For is not believed: sockets naming different clients still count against the one peer address.', async () => {
    const { server } = await startTestServer({ config: { connectionLimits: { perAccount: 12, perAddress: 2 } } })
    await openRawSocket(server, DOC, { token: await login(server.url, 'gt'), headers: { 'X-Forwarded-For': '203.0.113.7' } })
    await openRawSocket(server, DOC, { token: await login(server.url, 'mx'), headers: { 'X-Forwarded-For': '203.0.113.8' } })
    await expect(openRawSocket(server, DOC, { token: await login(server.url, 'hn'), headers: { 'X-Forwarded-For': '203.0.113.9' } })).rejects.toMatchObject({ status: 429 })
  })
})

describe('The connections of one account share one budget', () => {
  // Each connection alone stays well within its own rates (the defaults);
  // together they exceed the account's.
  const accountBudget: AccountBudgetConfig = {
    updates: { messagesPerSecond: 400, messageBurst: 2_000, bytesPerSecond: 256 * 1024, byteBurst: MiB },
    awareness: { messagesPerSecond: 120, messageBurst: 480, bytesPerSecond: 512 * 1024, byteBurst: 2 * MiB }
  }
  const messageThrottle = { ...defaultMessageThrottle, maxThrottledMs: 1000 }

  /**
   * Ten sockets of the account of `token`, each asking for the whole
   * document (an empty state vector) twice every 20 ms until it is closed:
   * each socket alone stays within a connection's rates (200 messages and
   * 4 MiB a second), the ten together do not.
   */
  async function floodOfAsks(server: Reachable, token: string) {
    const sockets = await Promise.all(Array.from({ length: 10 }, () => openRawSocket(server, DOC, { token })))
    const ask = syncStep1Message()
    const flood = setInterval(() => {
      for (const socket of sockets) if (socket.ws.readyState === WebSocket.OPEN) for (let i = 0; i < 2; i++) socket.ws.send(ask)
    }, 20)
    onTestFinished(() => clearInterval(flood))
    return { sockets, stop: () => clearInterval(flood) }
  }

  test('Ten read-only sockets of one delegate repeating sync step 1 are closed with 4430 and a reason, while an editor’s changes still reach a reader.', async () => {
    const { server } = await startTestServer({ config: { accountBudget, messageThrottle } })
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const reader = await connectSynced(server, DOC, await login(server.url, 'mx'))
    const token = await login(server.url, 'gt')
    const { sockets, stop } = await floodOfAsks(server, token)

    appendParagraph(ppt.doc, 'La Presidencia sigue redactando pese a las consultas.')
    await vi.waitFor(() => expect(contentOf(reader.doc)).toContain('La Presidencia sigue redactando pese a las consultas.'), WAIT)
    const closes = await Promise.all(sockets.map((s) => s.closed))
    stop()
    for (const closed of closes) {
      expect(closed.code).toBe(CloseCode.accountOverBudget)
      expect(closed.reason).toMatch(/^too many document updates from this account's connections together/)
    }
    // The server kept answering meanwhile.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    // A loaded 2-core CI sends the flood more slowly, and its sockets reach the budget later.
  }, 60_000)

  test('Once its sockets were closed with 4430, the account is refused new ones at the upgrade (429, Retry-After, the reason) until its budget has rested; other accounts are not, and then it is let in again.', async () => {
    // Refilling slowly enough (a quarter of the burst in 4 s) that the budget has not rested when the closed sockets are gone.
    const slowToRest: AccountBudgetConfig = { ...accountBudget, updates: { ...accountBudget.updates, bytesPerSecond: 64 * 1024 } }
    const { server } = await startTestServer({ config: { accountBudget: slowToRest, messageThrottle } })
    const token = await login(server.url, 'gt')
    const { sockets, stop } = await floodOfAsks(server, token)
    const closes = await Promise.all(sockets.map((s) => s.closed))
    stop()
    for (const closed of closes) expect(closed.code).toBe(CloseCode.accountOverBudget)

    const refused = await refusedUpgrade(server, token)
    expect(refused.status).toBe(429)
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(refused.error).toMatch(/this account's connections together sent too much/)
    // Another delegation is not held back by it.
    const other = await connectSynced(server, DOC, await login(server.url, 'mx'))
    other.provider.destroy()
    // After the wait the server named, the account connects again.
    await new Promise((done) => setTimeout(done, Number(refused.retryAfter) * 1000))
    const again = await vi.waitFor(() => openRawSocket(server, DOC, { token }), { timeout: 30_000, interval: 500 })
    again.ws.close()
    await again.closed
  }, 90_000)

  test('Awareness a connection sends back as it received it (as every stock y-websocket client does) is not charged to its account: another connection of the account still moves its cursor at once.', async () => {
    // An awareness budget a few echoes would exhaust if they counted.
    const tight: AccountBudgetConfig = { ...accountBudget, awareness: { messagesPerSecond: 10, messageBurst: 20, bytesPerSecond: 512 * 1024, byteBurst: 2 * MiB } }
    const { server } = await startTestServer({ config: { accountBudget: tight, messageThrottle } })
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const mx = await connectSynced(server, DOC, await login(server.url, 'mx'))
    ppt.provider.awareness.setLocalStateField('cursor', { anchor: 3 })
    const token = await login(server.url, 'gt')
    const echoing = await openRawSocket(server, DOC, { token })
    // The room's awareness as the server sent it to this socket, the PPT's cursor in it.
    const received = await vi.waitFor(() => {
      const message = echoing.messages.find((m) => m[0] === MessageType.awareness)
      expect(message).toBeDefined()
      return message as Uint8Array
    }, WAIT)
    for (let i = 0; i < 100; i++) echoing.ws.send(received)
    // The account's other connection: its cursor reaches the others without waiting for the echoes' charge (80 messages over the burst: 8 s).
    const gt = await connectSynced(server, DOC, token)
    gt.provider.awareness.setLocalStateField('cursor', { anchor: 7 })
    await vi.waitFor(() => expect(mx.provider.awareness.getStates().get(gt.doc.clientID)).toMatchObject({ cursor: { anchor: 7 } }), { timeout: 2_000, interval: 20 })
    // The echoes changed nothing, and the socket that sent them is still open.
    expect(mx.provider.awareness.getStates().get(ppt.doc.clientID)).toMatchObject({ cursor: { anchor: 3 } })
    expect(echoing.ws.readyState).toBe(WebSocket.OPEN)
  })
})
