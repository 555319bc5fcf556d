/**
 * The room's broadcast: what its connections receive when changes arrive in
 * one turn of the event loop. Fake connections record the messages; the
 * room's doc and awareness are real.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { AWARENESS_EVERY_MS, Broadcast, MessageType, STORAGE_ORIGIN, type Connection, type UpdateOrigin } from '../../server/collab'

/** A stand-in for a connection: its origin and what it was sent. */
function fakeConnection(name: string) {
  const sent: Uint8Array[] = []
  const origin = { kind: 'connection', context: { documentId: 'doc', account: { username: name }, readOnly: false } } as unknown as UpdateOrigin
  const connection = { origin, send: (m: Uint8Array) => sent.push(m) } as unknown as Connection
  return { connection, origin, sent }
}

/** A writer's doc whose updates are collected in order. */
function writer(clientID: number) {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  return { doc, updates, type: (text: string) => doc.getText('t').insert(doc.getText('t').length, text) }
}

/** The kind of each message: 'update' (with its update) or 'awareness'. */
function read(message: Uint8Array): { kind: 'update'; update: Uint8Array } | { kind: 'awareness' } {
  const decoder = decoding.createDecoder(message)
  const type = decoding.readVarUint(decoder)
  if (type === MessageType.awareness) return { kind: 'awareness' }
  expect(type).toBe(MessageType.sync)
  expect(decoding.readVarUint(decoder)).toBe(syncProtocol.messageYjsUpdate)
  return { kind: 'update', update: decoding.readVarUint8Array(decoder) }
}

/** The text a fresh doc holds after applying every update message in `sent`. */
function textOf(sent: readonly Uint8Array[]): string {
  const doc = new Y.Doc()
  for (const m of sent) {
    const message = read(m)
    if (message.kind === 'update') Y.applyUpdate(doc, message.update)
  }
  return doc.getText('t').toString()
}

const turn = () => new Promise<void>((done) => setImmediate(done))

function setup() {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc())
  awareness.setLocalState(null)
  const a = fakeConnection('a')
  const b = fakeConnection('b')
  const reader = fakeConnection('reader')
  const connections = new Set([a.connection, b.connection, reader.connection])
  return { broadcast: new Broadcast(connections, awareness), awareness, a, b, reader }
}

describe('Broadcast', () => {
  test('a single update goes out unchanged, after the turn, to every connection but the one that made it', async () => {
    const { broadcast, a, b, reader } = setup()
    const w = writer(1)
    w.type('hola')
    broadcast.update(w.updates[0] as Uint8Array, a.origin)
    expect(reader.sent).toHaveLength(0)
    await turn()
    expect(a.sent).toHaveLength(0)
    for (const c of [b, reader]) {
      expect(c.sent).toHaveLength(1)
      expect(read(c.sent[0] as Uint8Array)).toEqual({ kind: 'update', update: w.updates[0] })
    }
  })

  test('updates of one turn go out as one merged message; each writer gets only the others’ updates', async () => {
    const { broadcast, a, b, reader } = setup()
    const wa = writer(1)
    const wb = writer(2)
    for (let i = 0; i < 5; i++) {
      wa.type(`a${i} `)
      broadcast.update(wa.updates.at(-1) as Uint8Array, a.origin)
      wb.type(`b${i} `)
      broadcast.update(wb.updates.at(-1) as Uint8Array, b.origin)
    }
    await turn()
    expect(reader.sent).toHaveLength(1)
    expect(a.sent).toHaveLength(1)
    expect(b.sent).toHaveLength(1)
    const both = new Y.Doc()
    for (const u of [...wa.updates, ...wb.updates]) Y.applyUpdate(both, u)
    expect(textOf(reader.sent)).toBe(both.getText('t').toString())
    expect(textOf(a.sent)).toBe(wb.doc.getText('t').toString())
    expect(textOf(b.sent)).toBe(wa.doc.getText('t').toString())
  })

  test('a long run is cut into messages of at most 64 updates, which together hold everything', async () => {
    const { broadcast, reader } = setup()
    const w = writer(1)
    for (let i = 0; i < 150; i++) {
      w.type('x')
      broadcast.update(w.updates.at(-1) as Uint8Array, STORAGE_ORIGIN)
    }
    await turn()
    expect(reader.sent).toHaveLength(3)
    expect(textOf(reader.sent)).toBe('x'.repeat(150))
  })

  test('awareness changes go out as one message after the updates gathered so far, and at most one every AWARENESS_EVERY_MS', async () => {
    const { broadcast, awareness, a, reader } = setup()
    const w = writer(1)
    w.type('uno')
    broadcast.update(w.updates.at(-1) as Uint8Array, a.origin)
    const other = new awarenessProtocol.Awareness(new Y.Doc())
    const move = (cursor: number) => {
      other.setLocalState({ cursor })
      awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]), 'x')
      broadcast.awarenessChange([other.clientID])
    }
    move(1)
    move(2)
    w.type('dos')
    broadcast.update(w.updates.at(-1) as Uint8Array, a.origin)
    // The updates of the turn, merged, not split by the cursor moves between them; then the moves.
    await new Promise((done) => setTimeout(done, 5))
    expect(reader.sent.map((m) => read(m).kind)).toEqual(['update', 'awareness'])
    expect(textOf(reader.sent)).toBe('unodos')
    // Moves within the next AWARENESS_EVERY_MS wait for it, and go out as one message with the latest state.
    move(3)
    move(4)
    await turn()
    expect(reader.sent).toHaveLength(2)
    await new Promise((done) => setTimeout(done, AWARENESS_EVERY_MS + 20))
    expect(reader.sent.map((m) => read(m).kind)).toEqual(['update', 'awareness', 'awareness'])
    const seen = new awarenessProtocol.Awareness(new Y.Doc())
    const last = decoding.createDecoder(reader.sent[2] as Uint8Array)
    decoding.readVarUint(last)
    awarenessProtocol.applyAwarenessUpdate(seen, decoding.readVarUint8Array(last), 'test')
    expect(seen.getStates().get(other.clientID)).toEqual({ cursor: 4 })
  })

  test('cancel drops what is queued', async () => {
    const { broadcast, reader } = setup()
    const w = writer(1)
    w.type('nada')
    broadcast.update(w.updates[0] as Uint8Array, STORAGE_ORIGIN)
    broadcast.cancel()
    await turn()
    expect(reader.sent).toHaveLength(0)
  })
})
