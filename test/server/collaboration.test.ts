import { describe, expect, test, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import * as syncProtocol from 'y-protocols/sync'
import { BLOCK_TYPES, CONTENT_FRAGMENT, countWords, plainText, readContent } from '../../src'
import { CloseCode, MessageType, SESSION_COOKIE } from '../../server'
import {
  appendParagraph,
  connectClient,
  connectSynced,
  contentOf,
  DEMO_PASSWORD,
  DOC,
  login,
  openRawSocket,
  paragraphTexts,
  refusedUpgradeStatus,
  seededDataDir,
  startServerProcess,
  startTestServer,
  storedContent,
  syncStep1Message,
  syncUpdateMessage,
  WAIT,
  type TestClient
} from '../support'

const expectContains = (client: TestClient, text: string) =>
  vi.waitFor(() => expect(contentOf(client.doc)).toContain(text), WAIT)

describe('Editing together', () => {
  test('Two stock clients, of the PPT and of the Secretariat, converge on concurrent edits in the same paragraph.', async () => {
    const { server, dataDir } = await startTestServer()
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const se = await connectSynced(server, DOC, await login(server.url, 'se'))
    expect(contentOf(ppt.doc)).toBe(contentOf(se.doc))

    // Both type at the same place before either hears of the other.
    const [pptText] = paragraphTexts(ppt.doc)
    const [seText] = paragraphTexts(se.doc)
    pptText?.insert(5, '«texto de la PPT»')
    seText?.insert(5, '«texto de la SE»')

    await vi.waitFor(() => {
      expect(contentOf(ppt.doc)).toBe(contentOf(se.doc))
      expect(contentOf(ppt.doc)).toContain('«texto de la PPT»')
      expect(contentOf(ppt.doc)).toContain('«texto de la SE»')
    }, WAIT)
    expect(paragraphTexts(ppt.doc)[0]?.toString()).toBe(paragraphTexts(se.doc)[0]?.toString())
    // And the server stores what they agree on, without being stopped.
    await vi.waitFor(async () => expect(await storedContent(dataDir)).toBe(contentOf(ppt.doc)), WAIT)
  })

  test('A restart of the server keeps the text.', async () => {
    const first = await startTestServer()
    const writer = await connectSynced(first.server, DOC, await login(first.server.url, 'ppt'))
    appendParagraph(writer.doc, 'Texto que sobrevive al reinicio.')
    await vi.waitFor(
      () => expect(first.server.workspace.collaboration.loadedDocument(DOC)?.doc.getXmlFragment(CONTENT_FRAGMENT).toString()).toContain('sobrevive al reinicio'),
      WAIT
    )
    await first.server.close()

    const second = await startTestServer({ dataDir: first.dataDir })
    const reader = await connectSynced(second.server, DOC, await login(second.server.url, 'se'))
    expect(contentOf(reader.doc)).toContain('Texto que sobrevive al reinicio.')
    expect(contentOf(reader.doc)).toBe(contentOf(writer.doc))
  })

  test('The text survives a server process that is stopped with SIGTERM before its changes were due to be stored.', async () => {
    const dataDir = await seededDataDir()
    // Changes are due to be stored a minute after the last one (not the default
    // 2 s), so that however slow the machine the SIGTERM comes before that.
    const debounceMs = 60_000
    vi.stubEnv('PERSIST_DEBOUNCE_MS', String(debounceMs))
    vi.stubEnv('PERSIST_MAX_WAIT_MS', String(2 * debounceMs))
    const first = await startServerProcess(dataDir).finally(() => vi.unstubAllEnvs())
    const writer = await connectSynced(first, DOC, await login(first.url, 'ppt'))
    const watcher = await connectSynced(first, DOC, await login(first.url, 'se'))

    const editedAt = Date.now()
    appendParagraph(writer.doc, 'Texto escrito justo antes de SIGTERM.')
    await expectContains(watcher, 'Texto escrito justo antes de SIGTERM.')
    first.kill('SIGTERM')
    // Inside the debounce: only the shutdown can have stored it.
    expect(Date.now() - editedAt).toBeLessThan(debounceMs)
    await first.exited
    expect(first.output()).toContain('SIGTERM: storing pending changes and stopping')
    expect(first.output()).not.toContain('could not stop cleanly')
    writer.provider.destroy()
    watcher.provider.destroy()
    expect(await storedContent(dataDir)).toContain('Texto escrito justo antes de SIGTERM.')

    const second = await startServerProcess(dataDir)
    const reader = await connectSynced(second, DOC, await login(second.url, 'revisor'))
    expect(contentOf(reader.doc)).toContain('Texto escrito justo antes de SIGTERM.')
    expect(contentOf(reader.doc)).toBe(contentOf(writer.doc))
  })
})

describe('Read-only roles', () => {
  for (const { username, role } of [
    { username: 'gt', role: 'a delegate' },
    { username: 'revisor', role: 'the reviewer' }
  ]) {
    test(`The edits of ${role}'s client reach nobody and are not stored, while it still receives the PPT's edits.`, async () => {
      const { server, dataDir } = await startTestServer()
      const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
      const reader = await connectSynced(server, DOC, await login(server.url, username))
      const secondParagraph = paragraphTexts(ppt.doc)[1]?.toString()

      appendParagraph(reader.doc, 'EDICIÓN NO PERMITIDA')
      paragraphTexts(reader.doc)[1]?.delete(0, 20)
      // An awareness change sent after the edits: once the PPT sees it, the
      // server has handled the edits too (one connection's messages are handled in order).
      reader.provider.awareness.setLocalStateField('cursor', { after: 'edits' })
      await vi.waitFor(
        () => expect(ppt.provider.awareness.getStates().get(reader.doc.clientID)?.cursor).toEqual({ after: 'edits' }),
        WAIT
      )

      appendParagraph(ppt.doc, 'Texto de la PPT.')
      await expectContains(reader, 'Texto de la PPT.')
      expect(contentOf(reader.doc)).toContain('EDICIÓN NO PERMITIDA')

      expect(contentOf(ppt.doc)).not.toContain('EDICIÓN NO PERMITIDA')
      expect(paragraphTexts(ppt.doc)[1]?.toString()).toBe(secondParagraph)
      const loaded = server.workspace.collaboration.loadedDocument(DOC)?.doc as Y.Doc
      expect(contentOf(loaded)).toBe(contentOf(ppt.doc))
      await vi.waitFor(async () => expect(await storedContent(dataDir)).toContain('Texto de la PPT.'), WAIT)
      expect(await storedContent(dataDir)).toBe(contentOf(ppt.doc))

      const latecomer = await connectSynced(server, DOC, await login(server.url, 'se'))
      expect(contentOf(latecomer.doc)).toBe(contentOf(ppt.doc))
    })
  }
})

describe('Access to the collaboration endpoint', () => {
  test('An upgrade without a token is refused with HTTP 401.', async () => {
    const { server } = await startTestServer()
    expect(await refusedUpgradeStatus(server, DOC)).toBe(401)
  })

  for (const { name, token } of [
    { name: 'an unknown token', token: 'not-a-session' },
    { name: 'an empty token', token: '' },
    { name: 'an overlong token', token: 'x'.repeat(5000) }
  ]) {
    test(`An upgrade with ${name} is refused with HTTP 401.`, async () => {
      const { server } = await startTestServer()
      expect(await refusedUpgradeStatus(server, DOC, { token })).toBe(401)
    })
  }

  test('An observer is refused with HTTP 403.', async () => {
    const { server } = await startTestServer()
    expect(await refusedUpgradeStatus(server, DOC, { token: await login(server.url, 'observador') })).toBe(403)
  })

  test('An unknown or malformed document is refused with HTTP 404.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    expect(await refusedUpgradeStatus(server, 'no-existe', { token })).toBe(404)
    expect(await refusedUpgradeStatus(server, 'NO_VALIDO', { token })).toBe(404)
    expect(await refusedUpgradeStatus(server, '%2e%2e', { token })).toBe(404)
  })

  test('A document name with a malformed escape is refused with HTTP 404, and the server stays up.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    expect(await refusedUpgradeStatus(server, '%E0%A4%A', { token })).toBe(404)
    expect(await refusedUpgradeStatus(server, '%', {})).toBe(404)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    await connectSynced(server, DOC, token)
  })

  test('Only /collab/<documentId> accepts upgrades.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    for (const path of ['/api/me', '/collab', `/collab/${DOC}/extra`, '/']) {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}?token=${token}`)
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0)
          ws.terminate()
        })
        ws.once('open', () => reject(new Error(`${path} accepted an upgrade`)))
        ws.once('error', () => {})
      })
      expect(status, path).toBe(404)
    }
  })

  test('A stock client without a session never syncs.', async () => {
    const { server } = await startTestServer()
    const client = connectClient(server, DOC, 'not-a-session')
    const statuses: string[] = []
    client.provider.on('status', ({ status }) => statuses.push(status))
    await vi.waitFor(() => expect(statuses.filter((s) => s === 'connecting').length).toBeGreaterThanOrEqual(2), WAIT)
    expect(client.provider.synced).toBe(false)
    expect(client.fragment.length).toBe(0)
  })
})

/** A sync update message that would add a paragraph "BASURA" to any document. */
function basuraUpdateMessage(): Uint8Array {
  const doc = new Y.Doc()
  appendParagraph(doc, 'BASURA')
  return syncUpdateMessage(Y.encodeStateAsUpdate(doc))
}

function awarenessMessage(clientId: number, clock: number, stateJson: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, 1)
  encoding.writeVarUint(update, clientId)
  encoding.writeVarUint(update, clock)
  encoding.writeVarString(update, stateJson)
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update))
  return encoding.toUint8Array(encoder)
}

describe('Garbage on the wire', () => {
  const cases: Array<{ name: string; frame: () => Uint8Array | string; code: number; reason?: RegExp }> = [
    {
      name: 'random bytes',
      frame: () => prng.uint8Array(prng.create(20211001), 256),
      code: CloseCode.badMessage,
      reason: /unknown message type|malformed message|trailing bytes/
    },
    {
      name: 'a truncated sync update',
      frame: () => basuraUpdateMessage().slice(0, -7),
      code: CloseCode.badMessage,
      reason: /malformed message/
    },
    {
      name: 'a sync update followed by trailing bytes',
      frame: () => Uint8Array.from([...basuraUpdateMessage(), 1, 2, 3]),
      code: CloseCode.badMessage,
      reason: /trailing bytes/
    },
    {
      name: 'a sync update whose inner update is garbage',
      frame: () => syncUpdateMessage(Uint8Array.from([5, 200, 1, 2, 3, 4, 5, 6, 7])),
      code: CloseCode.badMessage,
      reason: /malformed message/
    },
    { name: 'an unknown message type 99', frame: () => Uint8Array.of(99), code: CloseCode.badMessage, reason: /unknown message type 99/ },
    { name: 'an auth message, which only the server sends', frame: () => Uint8Array.of(MessageType.auth, 0), code: CloseCode.badMessage, reason: /unknown message type 2/ },
    { name: 'an unknown sync step', frame: () => Uint8Array.of(MessageType.sync, 7, 0), code: CloseCode.badMessage, reason: /unknown sync message type 7/ },
    { name: 'an empty message', frame: () => new Uint8Array(0), code: CloseCode.badMessage, reason: /malformed message/ },
    { name: 'a text frame', frame: () => 'hola', code: CloseCode.badMessage, reason: /text frames/ },
    {
      name: 'an awareness state that is not an object',
      frame: () => awarenessMessage(4242, 1, '42'),
      code: CloseCode.badMessage,
      reason: /not an object/
    },
    {
      name: 'an awareness update followed by trailing bytes',
      frame: () => Uint8Array.from([...awarenessMessage(4242, 1, '{"cursor":1}'), 0]),
      code: CloseCode.badMessage,
      reason: /trailing bytes/
    },
    {
      name: 'an awareness state that is not JSON',
      frame: () => awarenessMessage(4242, 1, '{nope'),
      code: CloseCode.badMessage,
      reason: /malformed message/
    },
    {
      name: 'a message bigger than maxMessageBytes',
      frame: () => new Uint8Array(100 * 1024),
      code: CloseCode.messageTooBig
    }
  ]

  for (const { name, frame, code, reason } of cases) {
    test(
      `A connection that sends ${name} is closed with code ${code}; the server stays up, other clients keep syncing and the stored document is unchanged.`,
      async () => {
        const { server, dataDir } = await startTestServer({ config: { maxMessageBytes: 64 * 1024 } })
        const pptToken = await login(server.url, 'ppt')
        const ppt = await connectSynced(server, DOC, pptToken)
        const se = await connectSynced(server, DOC, await login(server.url, 'se'))
        const stored = await storedContent(dataDir)
        const presences = new Set<number>()
        se.provider.awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }) => {
          for (const id of [...added, ...updated]) presences.add(id)
        })

        const raw = await openRawSocket(server, DOC, { token: pptToken })
        // The server greets an editor with its sync step 1 once the document is loaded.
        await vi.waitFor(() => expect(raw.messages.length).toBeGreaterThan(0), WAIT)
        const data = frame()
        raw.ws.send(data, { binary: typeof data !== 'string' })
        const closed = await raw.closed
        expect(closed.code).toBe(code)
        if (reason) {
          expect(closed.reason).not.toBe('')
          expect(closed.reason).toMatch(reason)
        }

        expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
        expect(contentOf(ppt.doc)).toBe(stored)
        appendParagraph(ppt.doc, 'La sesión sigue.')
        await expectContains(se, 'La sesión sigue.')
        // se hears of changes in the order the server made them: a presence
        // taken from the garbage would have come before the paragraph.
        expect([...presences].filter((id) => id !== ppt.doc.clientID && id !== se.doc.clientID)).toEqual([])
        await server.close()
        expect(await storedContent(dataDir)).toBe(contentOf(ppt.doc))
        expect(contentOf(se.doc)).toBe(contentOf(ppt.doc))
        expect(contentOf(ppt.doc)).not.toContain('BASURA')
      }
    )
  }

  test('A message of exactly maxMessageBytes is accepted.', async () => {
    const { server } = await startTestServer({ config: { maxMessageBytes: 64 * 1024 } })
    const token = await login(server.url, 'ppt')
    const se = await connectSynced(server, DOC, await login(server.url, 'se'))
    const raw = await openRawSocket(server, DOC, { token })
    const update = (size: number) => {
      const d = new Y.Doc()
      // A fixed client id: a random one changes the message's length by its varint size.
      d.clientID = 7
      appendParagraph(d, 'x'.repeat(size))
      return syncUpdateMessage(Y.encodeStateAsUpdate(d))
    }
    // Grow the text until the whole message is exactly the limit.
    let size = 64 * 1024 - 100
    while (update(size).length < 64 * 1024) size++
    const message = update(size)
    expect(message.length).toBe(64 * 1024)
    raw.ws.send(message)
    await vi.waitFor(() => expect(contentOf(se.doc)).toContain('x'.repeat(1000)), WAIT)
    expect(raw.ws.readyState).toBe(raw.ws.OPEN)
  })
})

describe('Presence', () => {
  test("Another client sees a delegate's presence with the name and country of its account, not the ones it claims.", async () => {
    const { server } = await startTestServer()
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const gt = connectClient(server, DOC, await login(server.url, 'gt'))
    gt.provider.awareness.setLocalState({ user: { name: 'Fake', country: 'US', color: '#000000' }, cursor: { anchor: 7 } })

    await vi.waitFor(() => {
      const state = ppt.provider.awareness.getStates().get(gt.doc.clientID)
      expect(state?.user).toEqual({
        name: 'Delegación de Guatemala',
        username: 'gt',
        role: 'delegate',
        country: 'GT',
        color: '#0b7a35'
      })
      // What is not identity is relayed as sent.
      expect(state?.cursor).toEqual({ anchor: 7 })
    }, WAIT)

    // Claiming again changes nothing either.
    gt.provider.awareness.setLocalStateField('user', { name: 'Otro', country: 'CA' })
    gt.provider.awareness.setLocalStateField('cursor', { anchor: 8 })
    await vi.waitFor(() => expect(ppt.provider.awareness.getStates().get(gt.doc.clientID)?.cursor).toEqual({ anchor: 8 }), WAIT)
    expect(ppt.provider.awareness.getStates().get(gt.doc.clientID)?.user).toMatchObject({ name: 'Delegación de Guatemala', country: 'GT' })
  })

  test("A client cannot remove or take over another person's presence.", async () => {
    const { server } = await startTestServer()
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const gt = connectClient(server, DOC, await login(server.url, 'gt'))
    gt.provider.awareness.setLocalStateField('cursor', { anchor: 1 })
    await vi.waitFor(() => expect(ppt.provider.awareness.getStates().get(gt.doc.clientID)?.cursor).toEqual({ anchor: 1 }), WAIT)

    const intruder = await openRawSocket(server, DOC, { token: await login(server.url, 'mx') })
    intruder.ws.send(awarenessMessage(gt.doc.clientID, 1000, 'null'))
    intruder.ws.send(awarenessMessage(gt.doc.clientID, 1001, JSON.stringify({ cursor: { anchor: 99 } })))
    // A presence of its own, sent last: once the PPT sees it, the others were handled.
    intruder.ws.send(awarenessMessage(777_777, 1, JSON.stringify({ cursor: { anchor: 5 } })))
    await vi.waitFor(() => expect(ppt.provider.awareness.getStates().get(777_777)?.user).toMatchObject({ username: 'mx' }), WAIT)

    const state = ppt.provider.awareness.getStates().get(gt.doc.clientID)
    expect(state?.cursor).toEqual({ anchor: 1 })
    expect(state?.user).toMatchObject({ username: 'gt' })

    // When the intruder leaves, its presence goes with it, and gt's stays.
    intruder.ws.close()
    await vi.waitFor(() => expect(ppt.provider.awareness.getStates().has(777_777)).toBe(false), WAIT)
    expect(ppt.provider.awareness.getStates().get(gt.doc.clientID)?.user).toMatchObject({ username: 'gt' })
  })
})

type Json = Record<string, unknown>

async function api(url: string, path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers = new Headers(init.headers)
  if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`)
  const res = await fetch(`${url}${path}`, { ...init, headers })
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers }
}

const postJson = (url: string, path: string, body: unknown, token?: string) =>
  api(url, path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    token
  })

describe('The REST API', () => {
  test('Login with a wrong password answers 401 with an error, as does an unknown user.', async () => {
    const { server } = await startTestServer()
    const wrong = await postJson(server.url, '/api/login', { username: 'ppt', password: 'not the password' })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toEqual({ error: 'wrong username or password' })
    expect(wrong.headers.get('set-cookie')).toBeNull()
    const unknown = await postJson(server.url, '/api/login', { username: 'nadie', password: 'not the password' })
    expect(unknown).toMatchObject({ status: 401, body: wrong.body })
  })

  test('Login with malformed JSON answers 400 with an error.', async () => {
    const { server } = await startTestServer()
    const res = await postJson(server.url, '/api/login', '{"username": "ppt", ')
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: 'malformed JSON in the request body' })
  })

  for (const { name, body } of [
    { name: 'no password', body: { username: 'ppt' } },
    { name: 'no username', body: { password: 'x' } },
    { name: 'no fields', body: {} },
    { name: 'a number as password', body: { username: 'ppt', password: 12345 } },
    { name: 'an extra field', body: { username: 'ppt', password: 'x', role: 'ppt' } },
    { name: 'an array', body: [] }
  ]) {
    test(`Login with ${name} answers 400 with an error.`, async () => {
      const { server } = await startTestServer()
      const res = await postJson(server.url, '/api/login', body)
      expect(res.status).toBe(400)
      expect(res.body.error).toMatch(/^invalid request body/)
    })
  }

  test('Login sent as a form rather than JSON answers 400 with an error.', async () => {
    const { server } = await startTestServer()
    const res = await api(server.url, '/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `username=ppt&password=${encodeURIComponent(DEMO_PASSWORD)}`
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/^invalid request body/)
  })

  test('A request body larger than 1 MiB answers 413 with an error.', async () => {
    const { server } = await startTestServer()
    const res = await postJson(server.url, '/api/login', { username: 'ppt', password: 'x'.repeat(2 * 1024 * 1024) })
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ error: 'request body larger than 1mb' })
  })

  test('The document list needs a session: 401 without one, 401 with a bad one.', async () => {
    const { server } = await startTestServer()
    expect(await api(server.url, '/api/documents')).toMatchObject({ status: 401, body: { error: expect.any(String) } })
    expect(await api(server.url, '/api/documents', { token: 'nope' })).toMatchObject({ status: 401 })
    expect(await api(server.url, '/api/me')).toMatchObject({ status: 401 })
  })

  test("The PPT's session lists estrategia (and the demo's concept note) as editable, a delegate's as read-only, and an observer's lists nothing.", async () => {
    const { server } = await startTestServer()
    const list = async (username: string) =>
      (await api(server.url, '/api/documents', { token: await login(server.url, username) })).body.documents as Json[]
    const ppt = await list('ppt')
    expect(ppt.map((d) => d.id)).toEqual(['estrategia', 'nota-conceptual'])
    expect(ppt[0]).toMatchObject({ id: 'estrategia', mayEdit: true, title: expect.stringContaining('Estrategia') })
    expect((await list('bz'))[0]).toMatchObject({ id: 'estrategia', mayEdit: false })
    expect(await list('observador')).toEqual([])
  })

  test('Opening estrategia answers 200 to the PPT, 403 to an observer and 404 for an unknown document.', async () => {
    const { server } = await startTestServer()
    const ppt = await login(server.url, 'ppt')
    expect(await api(server.url, '/api/documents/estrategia', { token: ppt })).toMatchObject({
      status: 200,
      body: { document: { id: 'estrategia', mayEdit: true } }
    })
    const observer = await api(server.url, '/api/documents/estrategia', { token: await login(server.url, 'observador') })
    expect(observer.status).toBe(403)
    expect(observer.body).toEqual({ error: expect.stringContaining('observer') })
    expect(await api(server.url, '/api/documents/no-existe', { token: ppt })).toMatchObject({ status: 404 })
  })

  test('The login response sets an HttpOnly, SameSite=Strict cookie that alone works for /api/me and for the WebSocket.', async () => {
    const { server } = await startTestServer()
    const res = await postJson(server.url, '/api/login', { username: 'se', password: DEMO_PASSWORD })
    expect(res.status).toBe(200)
    expect(res.body.user).toEqual({
      username: 'se',
      name: 'Secretaría Ejecutiva de la CRM',
      role: 'secretariat',
      country: null,
      mayEdit: true
    })
    const [setCookie, ...others] = res.headers.getSetCookie()
    expect(others).toEqual([])
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`))
    expect(setCookie).toMatch(/;\s*HttpOnly/i)
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i)
    expect(setCookie).toMatch(/;\s*Path=\//i)
    expect(setCookie).not.toMatch(/;\s*Secure/i)
    const cookie = (setCookie as string).split(';')[0] as string
    expect(cookie).toBe(`${SESSION_COOKIE}=${res.body.token as string}`)

    const me = await api(server.url, '/api/me', { headers: { Cookie: cookie } })
    expect(me).toMatchObject({ status: 200, body: { user: { username: 'se', role: 'secretariat' } } })

    // y-websocket cannot send headers: a raw socket and a hand-made sync step 1.
    const raw = await openRawSocket(server, DOC, { headers: { Cookie: cookie } })
    raw.ws.send(syncStep1Message())
    const doc = new Y.Doc()
    await vi.waitFor(() => {
      const step2 = raw.messages.find((m) => m[0] === MessageType.sync && m[1] === syncProtocol.messageYjsSyncStep2)
      expect(step2).toBeDefined()
      const decoder = decoding.createDecoder(step2 as Uint8Array)
      decoding.readVarUint(decoder)
      decoding.readVarUint(decoder)
      Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
    }, WAIT)
    expect(readContent(doc).childCount).toBeGreaterThan(50)
  })

  test('Logout ends the session: the token stops working for the API and for the WebSocket.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    const other = await login(server.url, 'ppt')
    expect((await api(server.url, '/api/me', { token })).status).toBe(200)

    const out = await postJson(server.url, '/api/logout', {}, token)
    expect(out).toMatchObject({ status: 200, body: { ok: true } })
    expect(out.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`, 'i'))

    expect((await api(server.url, '/api/me', { token })).status).toBe(401)
    expect((await api(server.url, '/api/documents', { token })).status).toBe(401)
    expect(await refusedUpgradeStatus(server, DOC, { token })).toBe(401)
    // Only that session ends.
    expect((await api(server.url, '/api/me', { token: other })).status).toBe(200)
  })

  test('An unknown API route answers 404 with JSON.', async () => {
    const { server } = await startTestServer()
    const res = await api(server.url, '/api/nothing', { token: await login(server.url, 'ppt') })
    expect(res).toMatchObject({ status: 404, body: { error: 'no route GET /api/nothing' } })
  })
})

describe('The demo workspace', () => {
  test('The demo document has at least 2,500 words and at least 8 level-2 headings, and every block has a unique id.', async () => {
    const { server } = await startTestServer()
    const client = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const doc = readContent(client.doc)
    expect(countWords(plainText(doc))).toBeGreaterThanOrEqual(2500)
    let h2 = 0
    const ids: unknown[] = []
    doc.descendants((node) => {
      if (node.type.name === 'heading' && node.attrs.level === 2) h2++
      if (BLOCK_TYPES.has(node.type.name)) ids.push(node.attrs.id)
      return true
    })
    expect(h2).toBeGreaterThanOrEqual(8)
    expect(ids.length).toBeGreaterThan(100)
    for (const id of ids) expect(id).toMatch(/^b[a-z0-9]{10}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
