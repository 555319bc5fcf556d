/**
 * Abuse limits, each with its clear error: oversized JSON bodies, uploads,
 * comments and proposals; clients that flood the collaboration socket with
 * document updates or awareness; documents that would outgrow their maximum
 * size, over the socket and through every REST path that grows one.
 *
 * (A WebSocket message over `maxMessageBytes` closing with 1009 is tested
 * with the other bad frames in collaboration.test.ts.)
 */
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import { CONTENT_FRAGMENT, MAX_COMMENT_LENGTH, MAX_SUGGESTION_LENGTH, type DocumentId } from '../../src'
import { DocumentStore, openWorkspaceStore } from '../../storage'
import { CloseCode, MessageType, type MessageThrottleConfig, type RunningServer } from '../../server'
import { formatBytes } from '../../server/collab'
import {
  appendParagraph,
  connectSynced,
  contentOf,
  DOC,
  docPath,
  login,
  openCommentPeriod,
  openRawSocket,
  paragraphTexts,
  quoteSelector,
  seededDataDir,
  signIn,
  startTestServer,
  storedContent,
  syncStep1Message,
  syncUpdateMessage,
  WAIT,
  type ApiAnswer,
  type ApiSession,
  type Reachable,
  type TestClient
} from '../support'

const MiB = 1024 * 1024

/** Sends a file as multipart/form-data (with a title when given); the answer must be JSON. */
async function sendFile(server: Reachable, token: string, method: 'POST' | 'PUT', path: string, file: { bytes: Uint8Array | string; name: string }, title?: string): Promise<ApiAnswer> {
  const form = new FormData()
  if (title !== undefined) form.set('title', title)
  form.set('file', new Blob([typeof file.bytes === 'string' ? file.bytes : new Uint8Array(file.bytes)]), file.name)
  const res = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` }, body: form })
  expect(res.headers.get('content-type'), `${method} ${path} answers JSON`).toMatch(/^application\/json/)
  return { status: res.status, body: await res.json() }
}

/** The ids of every document the session can list. */
async function documentIds(session: ApiSession): Promise<string[]> {
  const res = await session.get('/api/documents')
  expect(res.status).toBe(200)
  return (res.body.documents as Array<{ id: string }>).map((d) => d.id).sort()
}

/** The live Y.Doc of the demo Strategy on the server (a client holds it open). */
function liveDoc(server: RunningServer): Y.Doc {
  const room = server.workspace.collaboration.loadedDocument(DOC)
  if (!room) throw new Error('the demo document is not loaded')
  return room.doc
}

/** Waits until every client and the server hold the same document. */
async function expectConverged(server: RunningServer, ...clients: TestClient[]) {
  await vi.waitFor(() => {
    const expected = Y.encodeStateVector(liveDoc(server))
    for (const client of clients) expect(Y.encodeStateVector(client.doc)).toEqual(expected)
  }, WAIT)
  for (const client of clients) expect(contentOf(client.doc)).toBe(contentOf(liveDoc(server)))
}

describe('Request limits answer with a clear error', () => {
  test('A JSON body larger than maxJsonBytes is refused with 413 and a JSON error, and nothing is created.', async () => {
    const { server } = await startTestServer({ config: { maxJsonBytes: '4kb' } })
    const ppt = await signIn(server, 'ppt')
    const before = await ppt.get(docPath('/versions'))
    const res = await ppt.post(docPath('/versions'), { name: 'Versión', padding: 'x'.repeat(8 * 1024) })
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ error: 'request body larger than 4kb' })
    expect((await ppt.get(docPath('/versions'))).body).toEqual(before.body)
  })

  test('An upload larger than 20 MiB is refused with 413 and a JSON error, and no document is created.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const before = await documentIds(ppt)
    const huge = `# Título\n\n${'Un párrafo de texto. '.repeat((20 * MiB) / 20)}`
    expect(Buffer.byteLength(huge)).toBeGreaterThan(20 * MiB)
    const res = await sendFile(server, ppt.token, 'POST', '/api/documents', { bytes: huge, name: 'enorme.md' }, 'Enorme')
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ error: 'the file is larger than 20 MiB', code: 'upload_too_large', values: { mebibytes: '20' } })
    expect(await documentIds(ppt)).toEqual(before)
  })

  test('A request line or headers larger than Node accepts are refused with 431 and a JSON error.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const res = await fetch(`${server.url}${docPath(`/comments/${'x'.repeat(20 * 1024)}`)}`, { headers: { Authorization: `Bearer ${ppt.token}` } })
    expect(res.status).toBe(431)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({ error: 'the request line or headers are larger than the server accepts' })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  describe('Comments and proposals', () => {
    async function delegateInPeriod() {
      const { server } = await startTestServer()
      await openCommentPeriod(await signIn(server, 'ppt'))
      const mx = await signIn(server, 'mx')
      const before = (await mx.get(docPath('/comments'))).body
      return { mx, before }
    }

    test(`A comment longer than ${MAX_COMMENT_LENGTH} characters is refused with 400 saying the limit, and not stored.`, async () => {
      const { mx, before } = await delegateInPeriod()
      const res = await mx.post(docPath('/comments'), { body: 'a'.repeat(MAX_COMMENT_LENGTH + 1), anchor: quoteSelector('Proceso Puebla') })
      expect(res.status).toBe(400)
      expect(res.body.error).toBe(`invalid request body: body: must be at most ${MAX_COMMENT_LENGTH} characters`)
      expect((await mx.get(docPath('/comments'))).body).toEqual(before)
    })

    test(`A reply longer than ${MAX_COMMENT_LENGTH} characters is refused with 400 saying the limit.`, async () => {
      const { mx, before } = await delegateInPeriod()
      const id = (before.comments as Array<{ id: string }>)[0]?.id
      const res = await mx.post(docPath(`/comments/${id}/replies`), { body: 'b'.repeat(MAX_COMMENT_LENGTH + 1) })
      expect(res.status).toBe(400)
      expect(res.body.error).toBe(`invalid request body: body: must be at most ${MAX_COMMENT_LENGTH} characters`)
      expect((await mx.get(docPath('/comments'))).body).toEqual(before)
    })

    test(`A proposed wording longer than ${MAX_SUGGESTION_LENGTH} characters is refused with 400 saying the limit, and not stored.`, async () => {
      const { mx, before } = await delegateInPeriod()
      const res = await mx.post(docPath('/comments'), {
        body: 'Proponemos otra redacción.',
        anchor: quoteSelector('Proceso Puebla'),
        suggestion: { text: 'c'.repeat(MAX_SUGGESTION_LENGTH + 1) }
      })
      expect(res.status).toBe(400)
      expect(res.body.error).toMatch(/^invalid request body: suggestion\.text: /)
      expect(res.body.error).toContain(String(MAX_SUGGESTION_LENGTH))
      expect((await mx.get(docPath('/comments'))).body).toEqual(before)
    })
  })
})

/** The code of the close frame among the server's (unmasked) frames after the upgrade's answer, if one came. */
function closeCodeIn(received: Buffer): number | undefined {
  let at = received.indexOf('\r\n\r\n') + 4
  while (at >= 4 && at + 2 <= received.length) {
    const opcode = (received[at] as number) & 0x0f
    let length = (received[at + 1] as number) & 0x7f
    let header = 2
    if (length === 126) [length, header] = [received.readUInt16BE(at + 2), 4]
    else if (length === 127) [length, header] = [Number(received.readBigUInt64BE(at + 2)), 10]
    if (opcode === 8 && at + header + 2 <= received.length) return received.readUInt16BE(at + header)
    at += header + length
  }
  return undefined
}

describe('Flood control on the collaboration socket', () => {
  // Low rates, so that a test floods quickly; a second of being held back closes.
  const messageThrottle: MessageThrottleConfig = {
    updates: { messagesPerSecond: 20, messageBurst: 40, bytesPerSecond: 4 * MiB, byteBurst: 32 * MiB },
    awareness: { messagesPerSecond: 20, messageBurst: 40, bytesPerSecond: 256 * 1024, byteBurst: MiB },
    maxThrottledMs: 1000
  }

  /** A server, a well-behaved editor (ppt), a reader (gt) and a raw socket of the Secretariat to flood with. */
  async function floodScene() {
    const { server, dataDir } = await startTestServer({ config: { messageThrottle } })
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
    const flooder = await openRawSocket(server, DOC, { token: await login(server.url, 'se') })
    // The server greets an editor once the document is loaded.
    await vi.waitFor(() => expect(flooder.messages.length).toBeGreaterThan(0), WAIT)
    return { server, dataDir, ppt, gt, flooder }
  }

  test('A client flooding document updates is closed with 4429, while another editor’s changes still reach a reader and everyone converges.', async () => {
    const { server, ppt, gt, flooder } = await floodScene()
    // 3,000 keystrokes of a script, each its own update message.
    const script = new Y.Doc()
    const messages: Uint8Array[] = []
    script.on('update', (update: Uint8Array) => messages.push(syncUpdateMessage(update)))
    appendParagraph(script, '')
    const text = (script.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText
    for (let i = 0; i < 3000; i++) text.insert(text.length, 'x')
    for (const message of messages) flooder.ws.send(message)

    appendParagraph(ppt.doc, 'Mientras tanto, la Presidencia sigue redactando.')
    await vi.waitFor(() => expect(contentOf(gt.doc)).toContain('Mientras tanto, la Presidencia sigue redactando.'), WAIT)
    const closed = await flooder.closed
    expect(closed.code).toBe(CloseCode.tooManyMessages)
    expect(closed.reason).toMatch(/^too many document updates/)

    appendParagraph(ppt.doc, 'Y después también.')
    await vi.waitFor(() => expect(contentOf(gt.doc)).toContain('Y después también.'), WAIT)
    await expectConverged(server, ppt, gt)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  test('A client flooding awareness is closed with 4429, while another editor’s changes and presence still reach a reader.', async () => {
    const { server, ppt, gt, flooder } = await floodScene()
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    for (let i = 0; i < 3000; i++) {
      awareness.setLocalState({ cursor: { anchor: i } })
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.awareness)
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]))
      flooder.ws.send(encoding.toUint8Array(encoder))
    }

    appendParagraph(ppt.doc, 'La Presidencia escribe pese al ruido.')
    ppt.provider.awareness.setLocalStateField('cursor', { anchor: 7 })
    await vi.waitFor(() => {
      expect(contentOf(gt.doc)).toContain('La Presidencia escribe pese al ruido.')
      expect(gt.provider.awareness.getStates().get(ppt.doc.clientID)?.cursor).toEqual({ anchor: 7 })
    }, WAIT)
    const closed = await flooder.closed
    expect(closed.code).toBe(CloseCode.tooManyMessages)
    expect(closed.reason).toMatch(/^too many awareness messages/)
    // Its presence left with it.
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().has(awareness.clientID)).toBe(false), WAIT)
    await expectConverged(server, ppt, gt)
  })

  test('A flooding client closed with 4429 that never answers the close frame is dropped soon after, its backlog unread, not kept for the 30 s of a closing handshake.', async () => {
    const { server } = await startTestServer({ config: { messageThrottle } })
    const token = await login(server.url, 'se')
    // A client of its own over TCP: it writes its frames and never answers the close frame, as a flood does.
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1')
    onTestFinished(() => {
      socket.destroy()
    })
    // Dropped with unread data in its buffers, the connection is reset.
    socket.on('error', () => {})
    let received = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])))
    const ended = new Promise<void>((done) => socket.once('close', () => done()))
    socket.write(
      `GET /collab/${DOC}?token=${encodeURIComponent(token)} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
    )
    await vi.waitFor(() => expect(received.toString('latin1')).toMatch(/^HTTP\/1\.1 101/), WAIT)
    // 200,000 asks for the whole document, each a masked binary frame (a zero mask), 2 MB at once.
    const ask = syncStep1Message()
    const frame = Buffer.concat([Buffer.from([0x82, 0x80 | ask.byteLength, 0, 0, 0, 0]), Buffer.from(ask)])
    socket.write(Buffer.concat(Array.from({ length: 200_000 }, () => frame)))
    // The server's close frame (opcode 8) with 4429 reaches the client...
    await vi.waitFor(() => expect(closeCodeIn(received)).toBe(CloseCode.tooManyMessages), WAIT)
    // ...and the connection ends without its answer: ws would wait 30 s for it.
    let done = false
    void ended.then(() => (done = true))
    await vi.waitFor(() => expect(done).toBe(true), { timeout: 10_000, interval: 100 })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})

describe('Document size limit', () => {
  /** The bytes the demo Strategy takes in storage in a fresh seeded folder, and that folder. */
  async function seededSize(): Promise<{ dataDir: string; bytes: number }> {
    const dataDir = await seededDataDir()
    const { store } = await openWorkspaceStore(dataDir)
    try {
      const updates = await new DocumentStore(store).loadUpdates(DOC as DocumentId)
      return { dataDir, bytes: updates.reduce((sum, u) => sum + u.byteLength, 0) }
    } finally {
      await store.close()
    }
  }

  /** A server whose documents may grow only `margin` bytes past the demo Strategy. */
  async function nearlyFull(margin: number) {
    const { dataDir, bytes } = await seededSize()
    const maxDocumentBytes = bytes + margin
    const { server } = await startTestServer({ dataDir, config: { maxDocumentBytes } })
    return { server, dataDir, maxDocumentBytes }
  }

  test('An update that would take the document over maxDocumentBytes closes its connection with 4413; it is neither applied, forwarded nor stored, and smaller edits go on.', async () => {
    const { server, dataDir, maxDocumentBytes } = await nearlyFull(8 * 1024)
    const stored = await storedContent(dataDir)
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
    const raw = await openRawSocket(server, DOC, { token: await login(server.url, 'se') })
    await vi.waitFor(() => expect(raw.messages.length).toBeGreaterThan(0), WAIT)

    const big = new Y.Doc()
    appendParagraph(big, 'DEMASIADO '.repeat(2000))
    raw.ws.send(syncUpdateMessage(Y.encodeStateAsUpdate(big)))
    const closed = await raw.closed
    expect(closed.code).toBe(CloseCode.documentTooLarge)
    expect(closed.reason).toBe(`the document would exceed ${formatBytes(maxDocumentBytes)}`)

    appendParagraph(ppt.doc, 'Un párrafo breve cabe.')
    await vi.waitFor(() => expect(contentOf(gt.doc)).toContain('Un párrafo breve cabe.'), WAIT)
    expect(contentOf(liveDoc(server))).not.toContain('DEMASIADO')
    await server.close()
    const after = await storedContent(dataDir)
    expect(after).toBe(contentOf(ppt.doc))
    expect(after).not.toBe(stored)
    expect(after).toContain('Un párrafo breve cabe.')
    expect(after).not.toContain('DEMASIADO')
    expect(contentOf(gt.doc)).not.toContain('DEMASIADO')
  })

  test('A document at its maximum size can still be opened and shortened by an editor, but not lengthened.', async () => {
    const { server } = await nearlyFull(0)
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const closes: number[] = []
    ppt.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closes.push(event.code)
    })
    const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
    const paragraph = paragraphTexts(ppt.doc).find((text) => text.toString().includes('Proceso Puebla'))
    if (!paragraph) throw new Error('no paragraph about the Puebla Process')
    const length = paragraph.length
    paragraph.delete(0, 10)
    await vi.waitFor(() => expect(paragraphTexts(gt.doc).some((text) => text.length === length - 10 && paragraph.toString() === text.toString())).toBe(true), WAIT)

    // Someone who was offline comes back: what its client sends repeats what the server has.
    ppt.provider.disconnect()
    ppt.provider.connect()
    await vi.waitFor(() => expect(ppt.provider.synced).toBe(true), WAIT)

    appendParagraph(ppt.doc, 'Esto ya no cabe.')
    await vi.waitFor(() => expect(closes).toContain(CloseCode.documentTooLarge), WAIT)
    expect(contentOf(gt.doc)).not.toContain('Esto ya no cabe.')
    expect(contentOf(liveDoc(server))).not.toContain('Esto ya no cabe.')
  })

  test('Uploading a new draft that would take the document over maxDocumentBytes answers 413 and leaves the text as it was; a smaller one is taken.', async () => {
    const { server, dataDir } = await nearlyFull(64 * 1024)
    const stored = await storedContent(dataDir)
    const ppt = await signIn(server, 'ppt')
    const long = `# Nuevo borrador\n\n${Array.from({ length: 1500 }, (_, i) => `Párrafo ${i} del borrador nuevo, que no cabe en el margen.`).join('\n\n')}\n`
    const refused = await sendFile(server, ppt.token, 'PUT', docPath('/content'), { bytes: long, name: 'largo.md' })
    expect(refused.status).toBe(413)
    expect(refused.body.error).toMatch(/^the document would exceed /)
    expect(await server.workspace.collaboration.withDocument(DOC as DocumentId, (doc) => contentOf(doc))).toBe(stored)

    const taken = await sendFile(server, ppt.token, 'PUT', docPath('/content'), { bytes: '# Borrador breve\n\nUn solo párrafo.\n', name: 'breve.md' })
    expect(taken.status).toBe(200)
    await server.close()
    expect(await storedContent(dataDir)).toContain('Un solo párrafo.')
  })

  test('Importing a file larger than maxDocumentBytes answers 413 and creates no document.', async () => {
    const { server } = await startTestServer({ config: { maxDocumentBytes: 64 * 1024 } })
    const ppt = await signIn(server, 'ppt')
    const before = await documentIds(ppt)
    const markdown = Array.from({ length: 2000 }, (_, i) => `Párrafo ${i} de un documento demasiado grande.`).join('\n\n')
    const res = await sendFile(server, ppt.token, 'POST', '/api/documents', { bytes: markdown, name: 'grande.md' }, 'Demasiado grande')
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ error: 'the document would exceed 64 KiB' })
    expect(await documentIds(ppt)).toEqual(before)
  })

  test('Accepting a proposal whose wording would take the document over maxDocumentBytes answers 413; the text and the proposal stay as they were.', async () => {
    const { server, dataDir } = await nearlyFull(4 * 1024)
    const ppt = await signIn(server, 'ppt')
    await openCommentPeriod(ppt)
    const mx = await signIn(server, 'mx')
    const proposed = await mx.post(docPath('/comments'), {
      body: 'Proponemos una redacción mucho más extensa.',
      anchor: quoteSelector('Proceso Puebla'),
      suggestion: { text: 'Proceso Puebla, '.repeat(250) }
    })
    expect(proposed.status).toBe(201)
    const stored = await storedContent(dataDir)
    const before = await ppt.get(docPath(`/comments/${proposed.body.comment.id}`))

    const res = await ppt.post(docPath(`/comments/${proposed.body.comment.id}/accept`))
    expect(res.status).toBe(413)
    expect(res.body.error).toMatch(/^the document would exceed /)
    const after = await ppt.get(docPath(`/comments/${proposed.body.comment.id}`))
    expect(after.body.comment.status).toBe('open')
    expect(after.body).toEqual(before.body)

    // Deciding every proposal of the country reports the same refusal for it.
    const all = await ppt.post(docPath('/proposals/decide'), { country: 'MX', outcome: 'accept' })
    expect(all.status).toBe(200)
    expect(all.body.results).toEqual([{ id: proposed.body.comment.id, error: res.body.error }])
    await server.close()
    expect(await storedContent(dataDir)).toBe(stored)
  })
})
