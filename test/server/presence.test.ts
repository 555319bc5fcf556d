/**
 * Presence ids cannot be squatted (issue 14, item 9): an awareness client id
 * belongs to the session that first used it in the document, also while its
 * socket is down, until the document is unloaded or the binding runs out.
 */
import { describe, expect, test, vi } from 'vitest'
import * as encoding from 'lib0/encoding'
import type { DocumentId } from '../../src'
import { MessageType, silentLogger } from '../../server'
import { PRESENCE_BINDING_MS, Room } from '../../server/collab'
import { connectClient, connectSynced, DOC, login, openRawSocket, startTestServer, WAIT } from '../support'

/** An awareness message for one client, as a y-websocket client writes it. */
function awarenessMessage(clientId: number, clock: number, state: unknown): Uint8Array {
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, 1)
  encoding.writeVarUint(update, clientId)
  encoding.writeVarUint(update, clock)
  encoding.writeVarString(update, JSON.stringify(state))
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update))
  return encoding.toUint8Array(encoder)
}

describe('Presence squatting', () => {
  test("After the PPT's socket drops, a delegate claiming its client id is ignored, and the PPT's presence is back as soon as it reconnects.", async () => {
    const { server } = await startTestServer()
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
    const pptId = ppt.doc.clientID
    ppt.provider.awareness.setLocalStateField('cursor', { anchor: 1 })
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().get(pptId)?.user).toMatchObject({ username: 'ppt' }), WAIT)

    ppt.provider.disconnect()
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().has(pptId)).toBe(false), WAIT)

    const squatter = await openRawSocket(server, DOC, { token: await login(server.url, 'mx') })
    squatter.ws.send(awarenessMessage(pptId, 1000, { cursor: { anchor: 99 } }))
    // A presence of its own, sent last: once gt sees it, the claim was handled.
    squatter.ws.send(awarenessMessage(777_777, 1, { cursor: { anchor: 5 } }))
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().get(777_777)?.user).toMatchObject({ username: 'mx' }), WAIT)
    expect(gt.provider.awareness.getStates().has(pptId)).toBe(false)
    expect(server.workspace.collaboration.loadedDocument(DOC)?.awareness.getStates().has(pptId)).toBe(false)

    ppt.provider.connect()
    await vi.waitFor(() => expect(ppt.provider.synced).toBe(true), WAIT)
    ppt.provider.awareness.setLocalStateField('cursor', { anchor: 2 })
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().get(pptId)).toMatchObject({ cursor: { anchor: 2 }, user: { username: 'ppt' } }), WAIT)
  })

  test("Another session, even of the PPT's own account, is refused the id while its binding lasts; the same session on a new socket speaks for it again.", async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    const ppt = connectClient(server, DOC, token)
    ppt.provider.awareness.setLocalStateField('cursor', { anchor: 1 })
    const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
    const pptId = ppt.doc.clientID
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().get(pptId)?.cursor).toEqual({ anchor: 1 }), WAIT)
    ppt.provider.disconnect()
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().has(pptId)).toBe(false), WAIT)

    // Another session of the PPT's own account is another session.
    const other = await openRawSocket(server, DOC, { token: await login(server.url, 'ppt') })
    other.ws.send(awarenessMessage(pptId, 2000, { cursor: { anchor: 42 } }))
    other.ws.send(awarenessMessage(888_888, 1, { cursor: { anchor: 6 } }))
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().has(888_888)).toBe(true), WAIT)
    expect(gt.provider.awareness.getStates().has(pptId)).toBe(false)

    // The same session, on a new socket, speaks for its id again.
    const again = await openRawSocket(server, DOC, { token })
    again.ws.send(awarenessMessage(pptId, 3000, { cursor: { anchor: 3 } }))
    await vi.waitFor(() => expect(gt.provider.awareness.getStates().get(pptId)).toMatchObject({ cursor: { anchor: 3 }, user: { username: 'ppt' } }), WAIT)
  })
})

describe('Room.claimPresence', () => {
  test('A client id stays bound to its session for PRESENCE_BINDING_MS after it left, then may be claimed by another; its own session may always come back.', async () => {
    let now = 0
    const room = new Room(
      'memory' as DocumentId,
      {
        onAuthenticate: () => Promise.reject(new Error('no connections here')),
        onLoadDocument: () => Promise.resolve({ updates: [], seq: 0 }),
        onStoreDocument: () => Promise.resolve(undefined)
      },
      { debounceMs: 10, maxWaitMs: 10 },
      silentLogger,
      Number.POSITIVE_INFINITY,
      () => now
    )
    await room.loaded
    expect(room.claimPresence(1, 'session-a')).toBe(true)
    expect(room.claimPresence(1, 'session-b')).toBe(false)
    room.releasePresence([1])
    now += PRESENCE_BINDING_MS - 1
    expect(room.claimPresence(1, 'session-b')).toBe(false)
    expect(room.claimPresence(1, 'session-a')).toBe(true)
    room.releasePresence([1])
    now += PRESENCE_BINDING_MS
    expect(room.claimPresence(1, 'session-b')).toBe(true)
    expect(room.claimPresence(1, 'session-a')).toBe(false)
    room.destroy()
  })
})
