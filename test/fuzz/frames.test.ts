/**
 * Random and mutated frames on the collaboration socket: random bytes, and
 * valid y-protocols messages with bits flipped, cut short, junk inserted,
 * varints corrupted, their type changed or a huge length written in. The
 * server never crashes and other clients keep syncing; a frame refused as a
 * bad message (4400) changes nothing, live or stored; and nothing a
 * read-only connection sends ever changes the document.
 */
import fc from 'fast-check'
import { expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { CONTENT_FRAGMENT } from '../../src'
import { CloseCode, MessageType, type RunningServer } from '../../server'
import {
  appendParagraph,
  connectSynced,
  contentOf,
  DOC,
  login,
  openRawSocket,
  startTestServer,
  syncStep1Message,
  WAIT,
  type RawSocket
} from '../support'
import { checkProperty } from './fuzzing'

// ---- Valid messages, the material mutations start from ----

const text = fc.string({ unit: 'grapheme', maxLength: 30 })

/** A document update: paragraphs typed into a fresh document, or edits of a copy of the server's. */
function updateOf(base: Uint8Array | undefined, paragraphs: string[], deletions: number): Uint8Array {
  const doc = new Y.Doc()
  if (base) Y.applyUpdate(doc, base)
  const before = Y.encodeStateVector(doc)
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT)
  doc.transact(() => {
    for (let i = 0; i < deletions && fragment.length > 1; i++) fragment.delete((i * 7) % fragment.length, 1)
  })
  for (const p of paragraphs) appendParagraph(doc, p)
  const update = Y.encodeStateAsUpdate(doc, before)
  doc.destroy()
  return update
}

function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

function awarenessMessage(entries: Array<[number, number, string]>): Uint8Array {
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, entries.length)
  for (const [client, clock, state] of entries) {
    encoding.writeVarUint(update, client)
    encoding.writeVarUint(update, clock)
    encoding.writeVarString(update, state)
  }
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update))
  return encoding.toUint8Array(encoder)
}

/** Valid messages of every type; `base()` is the server's document as last seen, to edit. */
function validMessage(base: () => Uint8Array): fc.Arbitrary<Uint8Array> {
  const stateVector = fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }).map((pairs) => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, pairs.length)
    for (const [client, clock] of pairs) {
      encoding.writeVarUint(encoder, client)
      encoding.writeVarUint(encoder, clock)
    }
    return encoding.toUint8Array(encoder)
  })
  const update = fc
    .record({ onServerState: fc.boolean(), paragraphs: fc.array(text, { maxLength: 3 }), deletions: fc.nat({ max: 3 }) })
    .map(({ onServerState, paragraphs, deletions }) => updateOf(onServerState ? base() : undefined, paragraphs, deletions))
  const state = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.constant('null'), fc.constant('{"cursor":{"anchor":1}}'), text)
  return fc.oneof(
    stateVector.map((sv) => syncMessage(syncProtocol.messageYjsSyncStep1, sv)),
    fc.tuple(fc.constantFrom(syncProtocol.messageYjsSyncStep2, syncProtocol.messageYjsUpdate), update).map(([step, u]) => syncMessage(step, u)),
    fc.array(fc.tuple(fc.nat(), fc.nat(), state), { minLength: 1, maxLength: 3 }).map(awarenessMessage),
    fc.constant(Uint8Array.of(MessageType.queryAwareness))
  )
}

// ---- Mutations ----

type Mutation = (message: Uint8Array) => Uint8Array

const at = (message: Uint8Array, position: number) => (message.length === 0 ? 0 : position % message.length)

// A varUint that does not fit in 32 bits, or never ends.
const HUGE_VARINTS = [
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80],
  [0xff, 0xff, 0xff, 0x7f]
]

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // A bit flipped.
  fc.tuple(fc.nat(), fc.nat({ max: 7 })).map(([position, bit]): Mutation => (m) => {
    const copy = m.slice()
    const i = at(copy, position)
    if (copy.length > 0) copy[i] = (copy[i] as number) ^ (1 << bit)
    return copy
  }),
  // Cut short.
  fc.nat().map((length): Mutation => (m) => m.slice(0, length % (m.length + 1))),
  // Junk inserted.
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([position, junk]): Mutation => (m) => {
    const i = m.length === 0 ? 0 : position % (m.length + 1)
    return Uint8Array.from([...m.slice(0, i), ...junk, ...m.slice(i)])
  }),
  // A byte replaced by a huge or endless varint: a length or a count of millions.
  fc.tuple(fc.nat(), fc.constantFrom(...HUGE_VARINTS)).map(([position, varint]): Mutation => (m) => {
    const i = at(m, position)
    return Uint8Array.from([...m.slice(0, i), ...varint, ...m.slice(i + 1)])
  }),
  // The wrong message type (or sync step).
  fc.tuple(fc.nat({ max: 1 }), fc.nat({ max: 255 })).map(([position, type]): Mutation => (m) => {
    const copy = m.slice()
    if (copy.length > position) copy[position] = type
    return copy
  })
)

/** What is sent: random bytes, a valid message, or a valid message mutated up to three times. */
function frame(base: () => Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: validMessage(base) },
    {
      weight: 4,
      arbitrary: fc.tuple(validMessage(base), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([m, ms]) => ms.reduce((acc, f) => f(acc), m))
    }
  )
}

// ---- The server as observed ----

/** The document as the server holds it: live state vector and text, and the bytes stored for it. */
async function observe(server: RunningServer) {
  const { collaboration, store } = server.workspace
  await collaboration.flushAll()
  const room = collaboration.loadedDocument(DOC)
  if (!room) throw new Error('the demo document is not loaded')
  const { snapshot, updates } = await store.documents.load(DOC)
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
  return {
    stateVector: Y.encodeStateVector(room.doc),
    content: contentOf(room.doc),
    stored: [...(snapshot ? [`snapshot:${base64(snapshot)}`] : []), ...updates.map((u) => `${u.seq}:${base64(u.update)}`)]
  }
}

/**
 * Sends `data` and then a sync step 1 on a fresh socket, and resolves with
 * the close code if the server closed it, or `undefined` once the answer to
 * the step 1 shows that the frame was handled and the socket stays open.
 */
async function sendFrame(socket: RawSocket, data: Uint8Array): Promise<number | undefined> {
  const answered = new Promise<undefined>((done) =>
    socket.ws.on('message', (message: Buffer) => {
      if (message[0] === MessageType.sync && message[1] === syncProtocol.messageYjsSyncStep2) done(undefined)
    })
  )
  socket.ws.send(data)
  socket.ws.send(syncStep1Message(), { binary: true })
  const result = await Promise.race([answered, socket.closed.then(({ code }) => code)])
  socket.ws.terminate()
  return result
}

/** A server with two stock clients on the Strategy (an editor and a reader) that must keep syncing. */
async function scene() {
  // Frames the server accepts leave their sockets open until the test ends:
  // hundreds of one account, far over the per-account limit of real use.
  const { server } = await startTestServer({ config: { connectionLimits: { perAccount: 1_000, perAddress: 1_000 } } })
  const se = await connectSynced(server, DOC, await login(server.url, 'se'))
  const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
  return { server, se, gt }
}

/** The server still answers and its clients still sync: an edit reaches the reader, and all agree. */
async function expectAlive(s: Awaited<ReturnType<typeof scene>>) {
  expect((await fetch(`${s.server.url}/healthz`)).status).toBe(200)
  const line = `Sigue vivo ${Math.random()}`
  appendParagraph(s.se.doc, line)
  await vi.waitFor(() => expect(contentOf(s.gt.doc)).toContain(line), WAIT)
  const room = s.server.workspace.collaboration.loadedDocument(DOC)
  await vi.waitFor(() => {
    expect(Y.encodeStateVector(s.se.doc)).toEqual(Y.encodeStateVector(room?.doc ?? new Y.Doc()))
    expect(Y.encodeStateVector(s.gt.doc)).toEqual(Y.encodeStateVector(room?.doc ?? new Y.Doc()))
  }, WAIT)
}

// Codes a fuzzed frame may end a connection with; anything else (1006 from a
// crashed server, 1011) is a failure.
const EXPECTED_CLOSES: number[] = [CloseCode.badMessage, CloseCode.messageTooBig]

test('Random and mutated frames from an editor never crash the server; a frame refused as a bad message changes nothing, live or stored.', async () => {
  const s = await scene()
  const token = await login(s.server.url, 'ppt')
  let base = Y.encodeStateAsUpdate(s.server.workspace.collaboration.loadedDocument(DOC)?.doc ?? new Y.Doc())
  const closes = new Map<number | 'open', number>()
  await checkProperty(
    'frames from an editor',
    fc.asyncProperty(frame(() => base), async (data) => {
      const before = await observe(s.server)
      const socket = await openRawSocket(s.server, DOC, { token })
      const code = await sendFrame(socket, data)
      closes.set(code ?? 'open', (closes.get(code ?? 'open') ?? 0) + 1)
      if (code === undefined) {
        // Accepted: it may have changed the document, which later edits start from.
        const room = s.server.workspace.collaboration.loadedDocument(DOC)
        if (room) base = Y.encodeStateAsUpdate(room.doc)
        return
      }
      expect(EXPECTED_CLOSES).toContain(code)
      expect(await observe(s.server)).toEqual(before)
    }),
    400
  )
  console.info('frames from an editor, by outcome:', Object.fromEntries(closes))
  // Both outcomes happened: the fuzzing reached past the decoder, and it was refused.
  expect(closes.get(CloseCode.badMessage)).toBeGreaterThan(0)
  expect(closes.get('open')).toBeGreaterThan(0)
  await expectAlive(s)
}, 60_000)

test('An update whose second item points at a later item of its own client is refused whole: its first item does not go in.', async () => {
  const s = await scene()
  // Written by hand in Yjs's update format: two string items of client 4242;
  // the first goes into the text's fragment, the second names as its parent
  // the item 4242:9, which nobody has made. Yjs would take the first and
  // then throw on the second.
  const client = 4242
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, 1) // clients
  encoding.writeVarUint(update, 2) // items of this client
  encoding.writeVarUint(update, client)
  encoding.writeVarUint(update, 0) // clock of the first
  encoding.writeUint8(update, 4) // a string item, no origins: its parent follows
  encoding.writeVarUint(update, 1) // the parent is a root type, by name
  encoding.writeVarString(update, CONTENT_FRAGMENT)
  encoding.writeVarString(update, 'a')
  encoding.writeUint8(update, 4)
  encoding.writeVarUint(update, 0) // the parent is an item, by id
  encoding.writeVarUint(update, client)
  encoding.writeVarUint(update, 9)
  encoding.writeVarString(update, 'b')
  encoding.writeVarUint(update, 0) // no deletions
  const before = await observe(s.server)
  const socket = await openRawSocket(s.server, DOC, { token: await login(s.server.url, 'ppt') })
  expect(await sendFrame(socket, syncMessage(syncProtocol.messageYjsUpdate, encoding.toUint8Array(update)))).toBe(CloseCode.badMessage)
  const after = await observe(s.server)
  expect(after).toEqual(before)
  expect(Y.decodeStateVector(after.stateVector).has(client)).toBe(false)
  await expectAlive(s)
})

test('No frame from a read-only connection ever changes the document.', async () => {
  const s = await scene()
  const token = await login(s.server.url, 'mx')
  const base = Y.encodeStateAsUpdate(s.server.workspace.collaboration.loadedDocument(DOC)?.doc ?? new Y.Doc())
  const before = await observe(s.server)
  await checkProperty(
    'frames from a delegate',
    fc.asyncProperty(frame(() => base), async (data) => {
      const socket = await openRawSocket(s.server, DOC, { token })
      const code = await sendFrame(socket, data)
      if (code !== undefined) expect(EXPECTED_CLOSES).toContain(code)
      expect(await observe(s.server)).toEqual(before)
    }),
    200
  )
  await expectAlive(s)
}, 60_000)
