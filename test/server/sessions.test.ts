/**
 * Session security: disabling an account, logout everywhere, expiry of open
 * connections, CSRF and cross-site refusals, login throttling, and the audit
 * entries these acts leave.
 */
import { request } from 'node:http'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import type { Username } from '../../src'
import {
  CloseCode,
  CSRF_HEADER,
  defaultLoginThrottle,
  LoginThrottle,
  MessageType,
  SESSION_COOKIE,
  silentLogger,
  startServer,
  trustProxyOf,
  type ServerConfig
} from '../../server'
import {
  apiSession,
  connectSynced,
  DEMO_PASSWORD,
  DOC,
  docPath,
  login,
  openRawSocket,
  refusedUpgradeStatus,
  seededDataDir,
  signIn,
  startTestServer,
  syncStep1Message,
  WAIT,
  type Reachable,
  type TestServer
} from '../support'

/**
 * A server with the demo whose clock stands still until the test moves it
 * on with `pass(ms)`: expiries and windows are crossed at once, not waited for.
 */
async function startClockedServer(config: Partial<ServerConfig>) {
  let now = Date.now()
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: await seededDataDir(), demoPassword: DEMO_PASSWORD, persistence: { debounceMs: 50, maxWaitMs: 200 }, ...config },
    { logger: silentLogger, clock: () => new Date(now) }
  )
  onTestFinished(() => server.close())
  return { server, pass: (ms: number) => void (now += ms) }
}

/** A login by hand: the whole answer, its headers and the session cookie. */
async function loginAnswer(server: Reachable, username: string, password = DEMO_PASSWORD, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ username, password })
  })
  const body = (await res.json()) as { token?: string; csrfToken?: string; error?: string }
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0]
  return { status: res.status, body, headers: res.headers, cookie }
}

/** A request as a browser signed in by cookie would send it, with `headers` added. */
async function withCookie(server: Reachable, cookie: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Cookie: cookie, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as { error?: string; [key: string]: unknown }, headers: res.headers }
}

/** A document's event stream, read to its end; `ended` turns true once the server ends it. */
async function openEventStream(server: Reachable, token: string) {
  const abort = new AbortController()
  onTestFinished(() => abort.abort())
  const res = await fetch(`${server.url}${docPath('/events')}`, { headers: { Authorization: `Bearer ${token}` }, signal: abort.signal })
  expect(res.status).toBe(200)
  const stream = { ended: false }
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  void (async () => {
    try {
      while (!(await reader.read()).done);
      stream.ended = true
    } catch {
      // Aborted by the test's end.
    }
  })()
  return stream
}

/** Whether a raw socket still gets answers: a sync step 1 gets a sync step 2 back. */
async function expectAnswering(socket: Awaited<ReturnType<typeof openRawSocket>>) {
  const before = socket.messages.length
  socket.ws.send(syncStep1Message())
  await vi.waitFor(() => expect(socket.messages.slice(before).some((m) => m[0] === MessageType.sync && m[1] === 1)).toBe(true), WAIT)
}

const auditOf = (server: TestServer['server']) => server.workspace.audit

describe('Disabling an account', () => {
  test("A disabled delegate is cut off at once: its stock client and raw socket close with 4401, its event stream ends, and neither REST nor a new socket nor a login gets in.", async () => {
    const { server } = await startTestServer()
    const se = await signIn(server, 'se')
    const gt = await signIn(server, 'gt')
    const client = await connectSynced(server, DOC, gt.token)
    const closes: { code: number; reason: string }[] = []
    client.provider.on('connection-close', (event) => {
      if (event) closes.push({ code: event.code, reason: event.reason })
    })
    const raw = await openRawSocket(server, DOC, { token: await login(server.url, 'gt') })
    const stream = await openEventStream(server, gt.token)
    const bystander = await openRawSocket(server, DOC, { token: await login(server.url, 'mx') })

    const res = await se.patch('/api/users/gt', { disabled: true })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ username: 'gt', disabled: true })

    expect(await raw.closed).toEqual({ code: CloseCode.unauthorized, reason: 'account disabled' })
    await vi.waitFor(() => expect(closes[0]).toEqual({ code: CloseCode.unauthorized, reason: 'account disabled' }), WAIT)
    await vi.waitFor(() => expect(stream.ended).toBe(true), WAIT)
    expect((await gt.get('/api/me')).status).toBe(401)
    expect((await gt.get('/api/documents')).status).toBe(401)
    expect(await refusedUpgradeStatus(server, DOC, { token: gt.token })).toBe(401)
    expect((await loginAnswer(server, 'gt')).status).toBe(401)
    // The stock client keeps trying, and keeps being refused.
    expect(client.provider.wsconnected).toBe(false)
    // Nobody else is touched.
    await expectAnswering(bystander)
    expect((await se.get('/api/me')).status).toBe(200)

    const enabled = await se.patch('/api/users/gt', { disabled: false })
    expect(enabled.body.user).toMatchObject({ username: 'gt', disabled: false })
    expect((await loginAnswer(server, 'gt')).status).toBe(200)
    // Old sessions stay ended: enabling does not bring them back.
    expect((await gt.get('/api/me')).status).toBe(401)

    const entries = await auditOf(server).list()
    const disabled = entries.filter((e) => e.action === 'account.disabled')
    expect(disabled).toHaveLength(1)
    expect(disabled[0]).toMatchObject({ actor: { username: 'se', role: 'secretariat' }, target: { account: 'gt' }, details: { sessions: 2 } })
    expect(entries.filter((e) => e.action === 'account.enabled')).toMatchObject([{ actor: { username: 'se' }, target: { account: 'gt' } }])
  })

  test('A socket let in while its account was disabled or its session ended is closed once it is connected, and only that one.', async () => {
    const { server } = await startTestServer()
    const { workspace } = server
    const raw = await openRawSocket(server, DOC, { token: await login(server.url, 'gt') })
    const ended = await openRawSocket(server, DOC, { token: await login(server.url, 'hn') })
    const bystander = await openRawSocket(server, DOC, { token: await login(server.url, 'mx') })
    const sessionOf = (username: string) => [...workspace.collaboration.contexts()].find((c) => c.account.username === username)?.sessionId ?? ''
    // What a disable or a logout during the handshake leaves: the store
    // changed, and the new socket not among those the change closed.
    await workspace.accounts.setDisabled('gt', true)
    await workspace.access.confirm(sessionOf('gt'))
    expect(await raw.closed).toEqual({ code: CloseCode.unauthorized, reason: 'account disabled' })
    const hn = sessionOf('hn')
    await workspace.sessions.closeAll('hn' as Username)
    await workspace.access.confirm(hn)
    expect(await ended.closed).toEqual({ code: CloseCode.unauthorized, reason: 'session expired' })
    await workspace.access.confirm(sessionOf('mx'))
    await expectAnswering(bystander)
  })

  test('Only the Presidency or the Secretariat may disable, nobody may disable themselves, an unknown account is 404 and the body is strict.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const mx = await signIn(server, 'mx')
    expect(await mx.patch('/api/users/gt', { disabled: true })).toMatchObject({ status: 403, body: { error: expect.any(String) } })
    expect(await ppt.patch('/api/users/ppt', { disabled: true })).toMatchObject({ status: 409, body: { error: 'you may not disable your own account' } })
    expect(await ppt.patch('/api/users/nadie', { disabled: true })).toMatchObject({ status: 404, body: { error: 'no account nadie' } })
    expect((await ppt.patch('/api/users/gt', { disabled: 'yes' })).status).toBe(400)
    expect((await ppt.patch('/api/users/gt', { disabled: true, role: 'ppt' })).status).toBe(400)
    expect((await ppt.patch('/api/users/gt', {})).status).toBe(400)
    // Nothing of that changed anyone's access.
    expect((await signIn(server, 'gt')).token).toEqual(expect.any(String))
    expect((await mx.get('/api/me')).status).toBe(200)
  })

  test('Enabling a delegate is refused while the country already has four enabled delegates; account creation is audited.', async () => {
    const { server } = await startTestServer()
    const se = await signIn(server, 'se')
    for (const username of ['cr2', 'cr3', 'cr4']) {
      const made = await se.post('/api/users', { username, password: 'a long enough password', role: 'delegate', country: 'CR' })
      expect(made.status, JSON.stringify(made.body)).toBe(201)
    }
    expect((await se.patch('/api/users/cr4', { disabled: true })).status).toBe(200)
    expect((await se.post('/api/users', { username: 'cr5', password: 'a long enough password', role: 'delegate', country: 'CR' })).status).toBe(201)
    const refused = await se.patch('/api/users/cr4', { disabled: false })
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatch(/CR already has 4/)
    expect(refused.body).toMatchObject({ code: 'country_delegates_full', values: { country: 'CR', max: '4' } })
    const users = (await se.get('/api/users')).body.users as { username: string; disabled: boolean }[]
    expect(users.find((u) => u.username === 'cr4')).toMatchObject({ disabled: true })

    const created = await auditOf(server).list({ action: 'account.created' })
    expect(created.map((e) => e.target?.account)).toEqual(['cr2', 'cr3', 'cr4', 'cr5'])
    expect(created[0]).toMatchObject({ actor: { username: 'se', role: 'secretariat' }, details: { role: 'delegate', country: 'CR' } })
  })
})

describe('Logging out', () => {
  test('Logout everywhere ends every session of the account, closes its sockets and streams and clears the cookie; other accounts keep theirs.', async () => {
    const { server } = await startTestServer()
    const laptop = await signIn(server, 'hn')
    const phone = await signIn(server, 'hn')
    const laptopSocket = await openRawSocket(server, DOC, { token: laptop.token })
    const phoneSocket = await openRawSocket(server, DOC, { token: phone.token })
    const stream = await openEventStream(server, phone.token)
    const other = await signIn(server, 'pa')
    const otherSocket = await openRawSocket(server, DOC, { token: other.token })

    const res = await fetch(`${server.url}/api/logout/everywhere`, { method: 'POST', headers: { Authorization: `Bearer ${laptop.token}` } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, sessions: 2 })
    expect(res.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`, 'i'))

    expect(await laptopSocket.closed).toEqual({ code: CloseCode.unauthorized, reason: 'signed out everywhere' })
    expect(await phoneSocket.closed).toEqual({ code: CloseCode.unauthorized, reason: 'signed out everywhere' })
    await vi.waitFor(() => expect(stream.ended).toBe(true), WAIT)
    expect((await laptop.get('/api/me')).status).toBe(401)
    expect((await phone.get('/api/me')).status).toBe(401)
    expect(await refusedUpgradeStatus(server, DOC, { token: phone.token })).toBe(401)
    expect((await other.get('/api/me')).status).toBe(200)
    await expectAnswering(otherSocket)
    // Signing in again works: only the sessions ended, not the account.
    expect((await loginAnswer(server, 'hn')).status).toBe(200)

    const [entry, ...more] = await auditOf(server).list({ action: 'logout.everywhere' })
    expect(more).toEqual([])
    expect(entry).toMatchObject({ actor: { username: 'hn', role: 'delegate', country: 'HN' }, details: { sessions: 2 } })
    expect(entry?.address).toMatch(/127\.0\.0\.1/)
  })

  test("Logout closes that session's sockets and stream, and only that session's.", async () => {
    const { server } = await startTestServer()
    const first = await signIn(server, 'ni')
    const second = await signIn(server, 'ni')
    const firstSocket = await openRawSocket(server, DOC, { token: first.token })
    const secondSocket = await openRawSocket(server, DOC, { token: second.token })
    const stream = await openEventStream(server, first.token)

    expect(await first.post('/api/logout')).toMatchObject({ status: 200, body: { ok: true } })
    expect(await firstSocket.closed).toEqual({ code: CloseCode.unauthorized, reason: 'signed out' })
    await vi.waitFor(() => expect(stream.ended).toBe(true), WAIT)
    await expectAnswering(secondSocket)
    expect((await second.get('/api/me')).status).toBe(200)
    expect(await auditOf(server).list({ action: 'logout' })).toMatchObject([{ actor: { username: 'ni', role: 'delegate', country: 'NI' } }])
  })

  test('A logout without a session answers ok and records nothing.', async () => {
    const { server } = await startTestServer()
    const res = await fetch(`${server.url}/api/logout`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await auditOf(server).list({ action: 'logout' })).toEqual([])
  })
})

describe('Asking whether a browser is signed in', () => {
  test('GET /api/session answers 200 with no user when signed out or with a dead session, and the user, anti-CSRF token and workspace time zone when signed in; /api/me still refuses the signed-out with 401.', async () => {
    const { server } = await startTestServer()
    const signedOut = await fetch(`${server.url}/api/session`)
    expect(signedOut.status).toBe(200)
    expect(await signedOut.json()).toEqual({ user: null })
    expect((await fetch(`${server.url}/api/me`)).status).toBe(401)
    expect((await withCookie(server, `${SESSION_COOKIE}=not-a-session`, 'GET', '/api/session')).body).toEqual({ user: null })

    const { cookie, body } = await loginAnswer(server, 'gt')
    expect(body).toMatchObject({ user: { username: 'gt' }, timeZone: 'America/Mexico_City' })
    const signedIn = await withCookie(server, cookie ?? '', 'GET', '/api/session')
    expect(signedIn.status).toBe(200)
    expect(signedIn.body).toEqual({
      user: { username: 'gt', name: 'Delegación de Guatemala', role: 'delegate', country: 'GT', mayEdit: false },
      csrfToken: body.csrfToken,
      timeZone: 'America/Mexico_City'
    })
    expect((await withCookie(server, cookie ?? '', 'GET', '/api/me')).body).toEqual(signedIn.body)

    // Signed out, the same cookie no longer counts.
    await withCookie(server, cookie ?? '', 'POST', '/api/logout', {}, { [CSRF_HEADER]: body.csrfToken ?? '' })
    expect((await withCookie(server, cookie ?? '', 'GET', '/api/session')).body).toEqual({ user: null })
  })
})

describe('Session expiry of open connections', () => {
  test('A session left idle past its limit ends REST access, closes its open socket with 4401 and ends its event stream.', async () => {
    const { server, pass } = await startClockedServer({ sessions: { idleMs: 60_000, absoluteMs: 3_600_000, secureCookie: false }, sessionCheckMs: 50 })
    const token = await login(server.url, 'ppt')
    const socket = await openRawSocket(server, DOC, { token })
    const stream = await openEventStream(server, token)
    await expectAnswering(socket)
    pass(60_001)
    expect(await socket.closed).toEqual({ code: CloseCode.unauthorized, reason: 'session expired' })
    await vi.waitFor(() => expect(stream.ended).toBe(true), WAIT)
    expect((await apiSession(server, token).get('/api/me')).status).toBe(401)
    expect(await refusedUpgradeStatus(server, DOC, { token })).toBe(401)
  })

  test('Expired sessions are removed from the store, though their tokens are never shown again.', async () => {
    const { server, pass } = await startClockedServer({ sessions: { idleMs: 60_000, absoluteMs: 3_600_000, secureCookie: false }, sessionCheckMs: 50 })
    const storedSessionsOf = async (username: string) => {
      const { records } = await server.workspace.store.records.list({ kind: 'session' })
      return records.filter((r) => (r.value as { username: string }).username === username).length
    }
    for (let i = 0; i < 3; i++) await login(server.url, 'gt')
    const mx = apiSession(server, await login(server.url, 'mx'))
    expect(await storedSessionsOf('gt')).toBe(3)
    // mx keeps using its session; gt's three are left idle.
    pass(40_000)
    expect((await mx.get('/api/me')).status).toBe(200)
    pass(40_000)
    await vi.waitFor(async () => expect(await storedSessionsOf('gt')).toBe(0), WAIT)
    expect((await mx.get('/api/me')).status).toBe(200)
    expect(await storedSessionsOf('mx')).toBe(1)
  })

  test('A session past its absolute limit closes its open socket with 4401 and ends REST access, however busy it is.', async () => {
    const { server, pass } = await startClockedServer({ sessions: { idleMs: 3_600_000, absoluteMs: 60_000, secureCookie: false }, sessionCheckMs: 50 })
    const session = await signIn(server, 'se')
    const socket = await openRawSocket(server, DOC, { token: session.token })
    // Used all along, up to the very limit: the absolute limit does not care.
    for (let i = 0; i < 3; i++) {
      pass(20_000)
      expect((await session.get('/api/me')).status).toBe(200)
      await expectAnswering(socket)
    }
    pass(1)
    expect(await socket.closed).toEqual({ code: CloseCode.unauthorized, reason: 'session expired' })
    expect((await session.get('/api/me')).status).toBe(401)
  })
})

describe('Cross-site request forgery', () => {
  test('A cookie-authenticated change needs the X-CSRF-Token of its session: none or a wrong one is 403, the right one works.', async () => {
    const { server } = await startTestServer()
    const signedIn = await loginAnswer(server, 'ppt')
    const cookie = signedIn.cookie as string
    const csrfToken = signedIn.body.csrfToken as string
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const other = (await loginAnswer(server, 'ppt')).body.csrfToken as string
    expect(other).not.toBe(csrfToken)

    const me = await withCookie(server, cookie, 'GET', '/api/me')
    expect(me).toMatchObject({ status: 200, body: { csrfToken } })

    const path = docPath('/versions')
    const published = async () => ((await withCookie(server, cookie, 'GET', path)).body.versions as unknown[]).length
    const before = await published()
    const missing = await withCookie(server, cookie, 'POST', path, { name: 'Sin ficha' })
    expect(missing.status).toBe(403)
    expect(missing.body.error).toMatch(/X-CSRF-Token/)
    expect((await withCookie(server, cookie, 'POST', path, { name: 'Ficha ajena' }, { [CSRF_HEADER]: other })).status).toBe(403)
    expect((await withCookie(server, cookie, 'POST', path, { name: 'Ficha corta' }, { [CSRF_HEADER]: 'abc' })).status).toBe(403)
    expect(await published()).toBe(before)

    const made = await withCookie(server, cookie, 'POST', path, { name: 'Con ficha' }, { [CSRF_HEADER]: csrfToken })
    expect(made.status).toBe(201)
    // A PATCH and a multipart upload are guarded alike.
    expect((await withCookie(server, cookie, 'PATCH', '/api/users/gt', { disabled: true })).status).toBe(403)
    const form = new FormData()
    form.append('title', 'Subida')
    form.append('file', new Blob(['# Título\n\nTexto.'], { type: 'text/markdown' }), 'subida.md')
    const upload = await fetch(`${server.url}/api/documents`, { method: 'POST', headers: { Cookie: cookie }, body: form })
    expect(upload.status).toBe(403)

    // A cookie logout without the token is refused and the session lives on.
    expect((await withCookie(server, cookie, 'POST', '/api/logout', {})).status).toBe(403)
    expect((await withCookie(server, cookie, 'GET', '/api/me')).status).toBe(200)
    expect((await withCookie(server, cookie, 'POST', '/api/logout', {}, { [CSRF_HEADER]: csrfToken })).status).toBe(200)
    expect((await withCookie(server, cookie, 'GET', '/api/me')).status).toBe(401)
  })

  test('A Bearer-authenticated change needs no X-CSRF-Token.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    expect((await ppt.post(docPath('/versions'), { name: 'Con Bearer' })).status).toBe(201)
  })

  test('A change or a WebSocket from a page of another site is refused with 403, login included; a same-site Origin or none is let through.', async () => {
    const { server } = await startTestServer()
    const evil = { Origin: 'https://evil.example' }
    const same = { Origin: server.url }
    const refusedLogin = await loginAnswer(server, 'ppt', DEMO_PASSWORD, evil)
    expect(refusedLogin).toMatchObject({ status: 403, body: { error: 'cross-site request refused' } })
    expect(refusedLogin.cookie).toBeUndefined()
    expect((await loginAnswer(server, 'ppt', DEMO_PASSWORD, { Origin: 'null' })).status).toBe(403)
    expect((await loginAnswer(server, 'ppt', DEMO_PASSWORD, same)).status).toBe(200)

    const ppt = await signIn(server, 'ppt')
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}${docPath('/versions')}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ppt.token}`, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'Origen' })
      })
    const crossPost = await post(evil)
    expect(crossPost.status).toBe(403)
    expect(await crossPost.json()).toEqual({ error: 'cross-site request refused' })
    // Another port of the same host is another origin.
    expect((await post({ Origin: server.url.replace(/:\d+$/, ':1') })).status).toBe(403)
    expect((await post(same)).status).toBe(201)
    // Reading is left to the browser's same-origin policy.
    const read = await fetch(`${server.url}/api/me`, { headers: { Authorization: `Bearer ${ppt.token}`, ...evil } })
    expect(read.status).toBe(200)

    expect(await refusedUpgradeStatus(server, DOC, { token: ppt.token, headers: evil })).toBe(403)
    const socket = await openRawSocket(server, DOC, { token: ppt.token, headers: same })
    await expectAnswering(socket)
  })
})

/** A login by hand from the local address `from` (any of 127.0.0.0/8 reaches the server), with `headers` added. */
function loginFrom(server: Reachable, from: string, username: string, password = DEMO_PASSWORD, headers: Record<string, string> = {}) {
  const body = JSON.stringify({ username, password })
  const url = new URL(`${server.url}/api/login`)
  return new Promise<{ status: number; retryAfter: number | undefined }>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } },
      (res) => {
        res.resume()
        res.on('end', () => {
          const retryAfter = res.headers['retry-after']
          resolve({ status: res.statusCode ?? 0, retryAfter: retryAfter === undefined ? undefined : Number(retryAfter) })
        })
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

const WRONG = 'not the password'

describe('Login throttling', () => {
  test('Five wrong passwords for mx from one address do not lock mx out from another address; that address waits, with Retry-After.', async () => {
    const { server } = await startTestServer()
    for (let i = 0; i < 5; i++) expect((await loginFrom(server, '127.0.0.2', 'mx', WRONG)).status).toBe(401)
    const throttled = await loginFrom(server, '127.0.0.2', 'mx')
    expect(throttled.status).toBe(429)
    expect(throttled.retryAfter).toBeGreaterThan(0)
    expect((await loginFrom(server, '127.0.0.3', 'mx')).status).toBe(200)
    // Other names from the guessing address are not held back either.
    expect((await loginFrom(server, '127.0.0.2', 'gt')).status).toBe(200)
  })

  test('Behind a trusted proxy (trustProxy: 1) the forwarded addresses are told apart: failures from one client lock neither the real user nor the others out, and the trail names the client.', async () => {
    const { server } = await startTestServer({ config: { trustProxy: 1 } })
    const via = (client: string) => ({ 'X-Forwarded-For': client })
    for (let i = 0; i < 5; i++) expect((await loginFrom(server, '127.0.0.1', 'mx', WRONG, via('203.0.113.5'))).status).toBe(401)
    expect((await loginFrom(server, '127.0.0.1', 'mx', DEMO_PASSWORD, via('203.0.113.5'))).status).toBe(429)
    expect((await loginFrom(server, '127.0.0.1', 'mx', DEMO_PASSWORD, via('198.51.100.7'))).status).toBe(200)
    // Twenty failures through the proxy from many clients lock nobody else out.
    for (let i = 0; i < 20; i++) expect((await loginFrom(server, '127.0.0.1', `nadie${i}`, WRONG, via(`203.0.113.${20 + i}`))).status).toBe(401)
    expect((await loginFrom(server, '127.0.0.1', 'gt', DEMO_PASSWORD, via('198.51.100.8'))).status).toBe(200)

    const failed = await auditOf(server).list({ action: 'login.failed', actor: 'mx' })
    expect(failed.map((e) => e.address)).toEqual(Array(5).fill('203.0.113.5'))
  })

  test('Without trustProxy, X-Forwarded-For is not believed: a client naming other addresses is still one address.', async () => {
    const { server } = await startTestServer()
    for (let i = 0; i < 5; i++) expect((await loginFrom(server, '127.0.0.2', 'mx', WRONG, { 'X-Forwarded-For': `203.0.113.${i}` })).status).toBe(401)
    expect((await loginFrom(server, '127.0.0.2', 'mx', DEMO_PASSWORD, { 'X-Forwarded-For': '198.51.100.7' })).status).toBe(429)
    const failed = await auditOf(server).list({ action: 'login.failed', actor: 'mx' })
    expect(new Set(failed.map((e) => e.address))).toEqual(new Set(['127.0.0.2']))
  })

  test('Past its free failures a name and address wait longer after each: 1 s, then 2 s, then 4 s; the password is not checked meanwhile, and the wait is recorded once.', async () => {
    const { server, pass } = await startClockedServer({ loginThrottle: { ...defaultLoginThrottle, freePerPair: 2 } })
    for (let i = 0; i < 2; i++) expect((await loginAnswer(server, 'bz', WRONG)).status).toBe(401)
    for (const wait of [1, 2, 4]) {
      const refused = await loginAnswer(server, 'bz', DEMO_PASSWORD)
      expect(refused.status).toBe(429)
      expect(refused.body).toEqual({ error: `too many failed logins: try again in ${wait} seconds` })
      expect(refused.headers.get('retry-after')).toBe(String(wait))
      expect((await loginAnswer(server, 'bz', DEMO_PASSWORD)).status).toBe(429)
      pass(wait * 1000)
      expect((await loginAnswer(server, 'bz', WRONG)).status).toBe(401)
    }
    const throttled = await auditOf(server).list({ action: 'login.throttled' })
    expect(throttled).toHaveLength(3)
    expect(throttled[0]).toMatchObject({ actor: { username: 'bz', role: null, country: null }, details: { retryAfterSeconds: 1 } })
    // A success clears the pair.
    pass(8000)
    expect((await loginAnswer(server, 'bz')).status).toBe(200)
    for (let i = 0; i < 2; i++) expect((await loginAnswer(server, 'bz', WRONG)).status).toBe(401)
  })

  test('Failures from one address are counted across names: past its ceiling even a correct login from there is refused, until the window passes; other addresses are not.', async () => {
    const { server, pass } = await startClockedServer({ loginThrottle: { ...defaultLoginThrottle, windowMs: 60_000, maxPerAddress: 4 } })
    for (const username of ['a1', 'a2', 'gt', 'a3']) expect((await loginFrom(server, '127.0.0.2', username, WRONG)).status).toBe(401)
    const refused = await loginFrom(server, '127.0.0.2', 'ppt')
    expect(refused.status).toBe(429)
    expect(refused.retryAfter).toBe(60)
    expect((await loginFrom(server, '127.0.0.3', 'ppt')).status).toBe(200)
    pass(60_000)
    expect((await loginFrom(server, '127.0.0.2', 'ppt')).status).toBe(200)
  })
})

describe('LoginThrottle', () => {
  const config = { windowMs: 10_000, freePerPair: 3, firstDelayMs: 100, maxDelayMs: 1000, maxPerAddress: 5 }
  const clocked = (more: Partial<typeof config> = {}) => {
    const clock = { now: 0 }
    return { clock, throttle: new LoginThrottle({ ...config, ...more }, () => clock.now) }
  }

  test('A pair past its free failures waits from its last failure, the wait doubling up to its most; the name from another address does not wait.', () => {
    const { clock, throttle } = clocked({ maxPerAddress: 100 })
    for (let i = 0; i < 3; i++) throttle.fail('gt', '10.0.0.1')
    expect(throttle.check('gt', '10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 100, firstRefusal: true })
    expect(throttle.check('GT ', '10.0.0.1')).toMatchObject({ allowed: false, retryAfterMs: 100, firstRefusal: false })
    expect(throttle.check('gt', '10.0.0.9')).toEqual({ allowed: true })
    const waits: number[] = []
    for (let i = 0; i < 6; i++) {
      const allowance = throttle.check('gt', '10.0.0.1')
      const wait = allowance.allowed ? 0 : allowance.retryAfterMs
      waits.push(wait)
      clock.now += wait
      throttle.fail('gt', '10.0.0.1')
    }
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000])
    // Once the failures leave the window, the pair starts over.
    clock.now += 10_000
    expect(throttle.check('gt', '10.0.0.1')).toEqual({ allowed: true })
  })

  test('A success clears the pair but not the address; expired entries are dropped.', () => {
    const { clock, throttle } = clocked()
    for (const name of ['a', 'b', 'c', 'd', 'gt']) throttle.fail(name, '10.0.0.1')
    expect(throttle.check('ppt', '10.0.0.1')).toMatchObject({ allowed: false })
    expect(throttle.check('ppt', '10.0.0.2')).toEqual({ allowed: true })
    for (let i = 0; i < 3; i++) throttle.fail('gt', '10.0.0.2')
    expect(throttle.check('gt', '10.0.0.2')).toMatchObject({ allowed: false })
    throttle.succeed('gt', '10.0.0.2')
    expect(throttle.check('gt', '10.0.0.2')).toEqual({ allowed: true })
    expect(throttle.check('gt', '10.0.0.1')).toMatchObject({ allowed: false })
    clock.now = 50_000
    for (const name of ['a', 'b', 'c', 'd', 'gt', 'ppt']) throttle.check(name, '10.0.0.1')
    throttle.check('gt', '10.0.0.2')
    expect(throttle.size).toBe(0)
  })

  test('IPv6 addresses count by their /64 and IPv4-mapped ones as IPv4.', () => {
    const { throttle } = clocked()
    for (let i = 1; i <= 5; i++) throttle.fail(`n${i}`, `2001:db8:1:2::${i}`)
    expect(throttle.check('other', '2001:db8:1:2:ffff::9')).toMatchObject({ allowed: false })
    expect(throttle.check('other', '2001:db8:1:3::1')).toEqual({ allowed: true })
    for (let i = 1; i <= 5; i++) throttle.fail(`m${i}`, '::ffff:192.0.2.7')
    expect(throttle.check('other', '192.0.2.7')).toMatchObject({ allowed: false })
  })
})

describe('TRUST_PROXY', () => {
  test.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.0.2.1', ['10.0.0.0/8', '192.0.2.1']],
    ['::1,uniquelocal', ['::1', 'uniquelocal']]
  ] as const)('TRUST_PROXY=%j is %j', (text, expected) => {
    expect(trustProxyOf(text)).toEqual(expected)
  })

  test.each([['true'], ['11'], ['proxy.example.org'], ['10.0.0.0/8,nonsense']])('TRUST_PROXY=%j is refused at start', (text) => {
    expect(() => trustProxyOf(text)).toThrow(RangeError)
  })
})
