/**
 * A cold open costs about one apply of the document, not two in a row: the
 * first client's sync step 1 is answered from the stored bytes as soon as
 * they are read, before the server applies them to its own copy (issue 12,
 * the trace row's cold open).
 */
import { describe, expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import type { Account, DocumentId } from '../../src'
import { Collaboration, MessageType, silentLogger, type WebSocketLike } from '../../server'
import { syncStep1Message } from '../support'
import * as decoding from 'lib0/decoding'

const DOCUMENT = 'historia' as DocumentId

// A document stored as one snapshot, and a Collaboration whose store holds it.
function setup() {
  const written = new Y.Doc()
  written.getText('t').insert(0, 'Texto guardado en una sola instantánea.')
  const snapshot = Y.encodeStateAsUpdate(written)
  const collaboration = new Collaboration(
    {
      onAuthenticate: () => Promise.reject(new Error('not used')),
      onLoadDocument: async (id) => (id === DOCUMENT ? { updates: [snapshot], seq: 0 } : undefined),
      onStoreDocument: async () => undefined
    },
    { logger: silentLogger }
  )
  return { snapshot, collaboration }
}

const account = { username: 'ppt', name: 'Presidencia', role: 'ppt', country: null } as unknown as Account

// A socket that keeps each sync step 2 the server sends, and whether the
// server's document held any of the text when it was sent.
function step2Recorder(collaboration: ReturnType<typeof setup>['collaboration']) {
  const answers: { step2: Uint8Array; serverHadIt: boolean }[] = []
  const socket: WebSocketLike = {
    readyState: 1,
    send: (message) => {
      const decoder = decoding.createDecoder(message)
      if (decoding.readVarUint(decoder) !== MessageType.sync || decoding.readVarUint(decoder) !== 1) return
      const room = collaboration.loadedDocument(DOCUMENT)
      answers.push({ step2: decoding.readVarUint8Array(decoder), serverHadIt: (room?.doc.store.clients.size ?? 0) > 0 })
    },
    close: () => {}
  }
  return { socket, answers }
}

describe('Cold open', () => {
  test('the first sync step 1 is answered from the stored snapshot before the server has applied it, and the client gets the whole text', async () => {
    const { snapshot, collaboration } = setup()
    const { socket, answers } = step2Recorder(collaboration)
    const connection = collaboration.connect(socket, { documentId: DOCUMENT, account, sessionId: 's', readOnly: true })
    connection.receive(syncStep1Message())
    await collaboration.loadedDocument(DOCUMENT)?.loaded
    await vi.waitFor(() => expect(answers).toHaveLength(1))

    expect(answers[0]?.serverHadIt).toBe(false)
    expect(answers[0]?.step2).toEqual(snapshot)
    const client = new Y.Doc()
    Y.applyUpdate(client, answers[0]?.step2 as Uint8Array)
    expect(client.getText('t').toString()).toBe('Texto guardado en una sola instantánea.')
    await collaboration.close()
  })

  test('a sync step 1 that comes after the stored state was read, before it is applied, is still answered from the stored bytes', async () => {
    const { snapshot, collaboration } = setup()
    const { socket, answers } = step2Recorder(collaboration)
    const connection = collaboration.connect(socket, { documentId: DOCUMENT, account, sessionId: 's', readOnly: true })
    await collaboration.loadedDocument(DOCUMENT)?.storedState()
    // A turn later, as a step 1 that arrives over the network after the read.
    await new Promise<void>((resolve) => setImmediate(resolve))
    connection.receive(syncStep1Message())
    await vi.waitFor(() => expect(answers).toHaveLength(1))

    expect(answers[0]?.serverHadIt).toBe(false)
    expect(answers[0]?.step2).toEqual(snapshot)
    await collaboration.loadedDocument(DOCUMENT)?.loaded
    await collaboration.close()
  })

  test('once the document is applied, a sync step 1 is answered from the live document, changes included', async () => {
    const { collaboration } = setup()
    const answers: Uint8Array[] = []
    const socket: WebSocketLike = {
      readyState: 1,
      send: (message) => {
        const decoder = decoding.createDecoder(message)
        if (decoding.readVarUint(decoder) === MessageType.sync && decoding.readVarUint(decoder) === 1) answers.push(decoding.readVarUint8Array(decoder))
      },
      close: () => {}
    }
    await collaboration.withDocument(DOCUMENT, (doc) => doc.transact(() => doc.getText('t').insert(0, 'Nuevo. '), { kind: 'edit', account, reason: 'test' }))
    const connection = collaboration.connect(socket, { documentId: DOCUMENT, account, sessionId: 's', readOnly: true })
    connection.receive(syncStep1Message())
    await vi.waitFor(() => expect(answers).toHaveLength(1))
    const client = new Y.Doc()
    Y.applyUpdate(client, answers[0] as Uint8Array)
    expect(client.getText('t').toString()).toBe('Nuevo. Texto guardado en una sola instantánea.')
    await collaboration.close()
  })
})
