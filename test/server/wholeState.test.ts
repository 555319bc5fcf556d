/**
 * Issue 14, item 3: a sync step 1 with an empty state vector (a client that
 * has nothing, as every attacker socket of the `sync` flood is) is answered
 * from the room's whole state as last encoded plus the updates since
 * (Room.wholeState), not by encoding the document again on the event loop
 * for each such client. The answer must be what a fresh encoding gives.
 */
import { describe, expect, test, vi } from 'vitest'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import type { DocumentId } from '../../src'
import { MessageType, silentLogger } from '../../server'
import { Room, STORAGE_ORIGIN, WHOLE_STATE_MAX_UPDATES } from '../../server/collab'
import { appendParagraph, connectSynced, contentOf, DOC, login, openRawSocket, startTestServer, syncStep1Message, WAIT } from '../support'

/** A loaded room over a stored document of one paragraph. */
async function roomWithText(): Promise<Room> {
  const stored = new Y.Doc()
  appendParagraph(stored, 'Texto inicial de la Estrategia.')
  const room = new Room(
    'memory' as DocumentId,
    {
      onAuthenticate: () => Promise.reject(new Error('no connections here')),
      onLoadDocument: () => Promise.resolve({ updates: [Y.encodeStateAsUpdate(stored)], seq: 0 }),
      onStoreDocument: () => Promise.resolve(undefined)
    },
    { debounceMs: 60_000, maxWaitMs: 60_000 },
    silentLogger
  )
  await room.loaded
  return room
}

// Edits as a client makes them: each its own update, from another Yjs client.
function edit(room: Room, times: number, seed: string): void {
  const writer = new Y.Doc()
  Y.applyUpdate(writer, Y.encodeStateAsUpdate(room.doc))
  writer.on('update', (update: Uint8Array) => Y.applyUpdate(room.doc, update, STORAGE_ORIGIN))
  for (let i = 0; i < times; i++) appendParagraph(writer, `${seed} ${i}`)
  writer.destroy()
}

/** The parts applied in order to a new document, against a fresh encoding of the room's. */
function expectSameAsFreshEncoding(room: Room, parts: readonly Uint8Array[]): void {
  const answered = new Y.Doc()
  for (const part of parts) Y.applyUpdate(answered, part)
  const fresh = new Y.Doc()
  Y.applyUpdate(fresh, Y.encodeStateAsUpdate(room.doc))
  expect(contentOf(answered)).toBe(contentOf(fresh))
  expect(Y.encodeStateVector(answered)).toEqual(Y.encodeStateVector(fresh))
  expect(Y.encodeStateAsUpdate(answered)).toEqual(Y.encodeStateAsUpdate(fresh))
}

describe('Room.wholeState', () => {
  test.each([
    { name: 'no edit', edits: 0, parts: 1 },
    { name: '3 edits', edits: 3, parts: 4 },
    { name: 'as many edits as are kept', edits: WHOLE_STATE_MAX_UPDATES, parts: 1 + WHOLE_STATE_MAX_UPDATES },
    // One update more than kept: the next answer is a new encoding, alone.
    { name: 'one edit more than are kept', edits: WHOLE_STATE_MAX_UPDATES + 1, parts: 1 }
  ])('After $name since it was first asked for, its parts give what a fresh encoding gives.', async ({ edits, parts }) => {
    const room = await roomWithText()
    // Large enough that the bytes of the edits do not outgrow it first.
    edit(room, 1, 'x'.repeat(100_000))
    const first = room.wholeState()
    expect(first).toHaveLength(1)
    edit(room, edits, 'Párrafo')
    const answer = room.wholeState()
    expect(answer).toHaveLength(parts)
    if (parts > 1) expect(answer[0]).toBe(first[0])
    expectSameAsFreshEncoding(room, answer)
    room.destroy()
  })

  test('Updates that outgrow a quarter of the encoded state make the next answer a new encoding.', async () => {
    const room = await roomWithText()
    room.wholeState()
    edit(room, 1, 'Un párrafo largo que añade más de la cuarta parte del documento.'.repeat(4))
    const answer = room.wholeState()
    expect(answer).toHaveLength(1)
    expectSameAsFreshEncoding(room, answer)
    room.destroy()
  })

  test('While Yjs holds back a change whose dependency is missing, the answer is a fresh encoding, which carries it.', async () => {
    const room = await roomWithText()
    room.wholeState()
    const writer = new Y.Doc()
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(room.doc))
    const updates: Uint8Array[] = []
    writer.on('update', (update: Uint8Array) => updates.push(update))
    appendParagraph(writer, 'primero')
    appendParagraph(writer, 'segundo')
    // Only the second arrives: it waits for the first.
    Y.applyUpdate(room.doc, updates[1] as Uint8Array, STORAGE_ORIGIN)
    expect(room.doc.store.pendingStructs).not.toBeNull()
    const answer = room.wholeState()
    expect(answer).toHaveLength(1)
    expect(answer[0]).toEqual(Y.encodeStateAsUpdate(room.doc))
    room.destroy()
  })
})

describe('Room.wholeStateAnswer', () => {
  test('Asked again with no edit between, the answer is the very same messages (framed once, not copied per client); after edits it keeps its first message and gains one per edit, and applied in order gives a fresh encoding.', async () => {
    const room = await roomWithText()
    edit(room, 1, 'x'.repeat(100_000))
    const first = room.wholeStateAnswer()
    expect(first).toHaveLength(1)
    expect(room.wholeStateAnswer()[0]).toBe(first[0])
    edit(room, 3, 'Párrafo')
    const answer = room.wholeStateAnswer()
    expect(answer).toHaveLength(4)
    expect(answer[0]).toBe(first[0])
    const answered = new Y.Doc()
    for (const message of answer) applySyncMessage(answered, message)
    expect(Y.encodeStateAsUpdate(answered)).toEqual(Y.encodeStateAsUpdate(room.doc))
    room.destroy()
  })
})

describe('A client that has nothing is answered from the whole state', () => {
  test('After edits, a new socket sending sync step 1 with an empty state vector gets the text an editor has, each time.', async () => {
    const { server } = await startTestServer()
    // The editor's own first sync (an empty state vector) has the room encode its state.
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const other = await connectSynced(server, DOC, await login(server.url, 'mx'))
    const token = await login(server.url, 'gt')
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) appendParagraph(ppt.doc, `Ronda ${round}, párrafo ${i} de la Presidencia.`)
      // The server has the edits once another client has them.
      await vi.waitFor(() => expect(contentOf(other.doc)).toBe(contentOf(ppt.doc)), WAIT)
      // Nothing is edited from here on: what this socket gets is the answer alone.
      const socket = await openRawSocket(server, DOC, { token })
      socket.ws.send(syncStep1Message())
      const answered = new Y.Doc()
      await vi.waitFor(() => {
        for (const message of socket.messages.splice(0)) applySyncMessage(answered, message)
        expect(contentOf(answered)).toBe(contentOf(ppt.doc))
      }, WAIT)
      expect(Y.encodeStateVector(answered)).toEqual(Y.encodeStateVector(ppt.doc))
      socket.ws.close()
      await socket.closed
    }
  })
})

// Applies a sync step 2 or update message from the server; ignores the rest.
function applySyncMessage(doc: Y.Doc, message: Uint8Array): void {
  const decoder = decoding.createDecoder(message)
  if (decoding.readVarUint(decoder) !== MessageType.sync) return
  const step = decoding.readVarUint(decoder)
  if (step === 0) return
  Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
}
