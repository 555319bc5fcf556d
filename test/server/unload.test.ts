/**
 * An idle document is not kept in memory (issue 12): the collaboration
 * server stores a document's changes as soon as its last connection leaves,
 * keeps it for a grace period (a reload, a dropped network) and then
 * releases it; someone who comes back within the grace finds it loaded.
 */
import { describe, expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import { appendParagraph, connectSynced, contentOf, DOC, login, startTestServer, storedContent, WAIT } from '../support'

describe('Unloading idle documents', () => {
  test('A document is stored when its last connection leaves, kept through the grace period, and released after it.', async () => {
    const { server, dataDir } = await startTestServer({ config: { unloadAfterMs: 400 } })
    const token = await login(server.url, 'ppt')
    const client = await connectSynced(server, DOC, token)
    const { collaboration } = server.workspace
    const room = collaboration.loadedDocument(DOC)
    expect(room).toBeDefined()
    appendParagraph(client.doc, 'Escrito antes de irse.')
    await vi.waitFor(() => expect(contentOf(room?.doc as never)).toContain('Escrito antes de irse.'), WAIT)
    client.provider.destroy()

    await vi.waitFor(() => expect(room?.connections.size).toBe(0), WAIT)
    // Stored at once, without waiting for the debounce or the grace.
    await vi.waitFor(async () => expect(await storedContent(dataDir)).toContain('Escrito antes de irse.'), WAIT)
    expect(collaboration.loadedDocument(DOC)).toBe(room)
    await vi.waitFor(() => expect(collaboration.loadedDocument(DOC)).toBeUndefined(), WAIT)
    expect(await storedContent(dataDir)).toContain('Escrito antes de irse.')
  })

  test('Someone who comes back within the grace period finds the same document loaded, not loaded again.', async () => {
    const { server, dataDir } = await startTestServer({ config: { unloadAfterMs: 60_000 } })
    const token = await login(server.url, 'ppt')
    const { collaboration } = server.workspace
    const first = await connectSynced(server, DOC, token)
    const room = collaboration.loadedDocument(DOC)
    appendParagraph(first.doc, 'Primera visita.')
    first.provider.destroy()
    await vi.waitFor(() => expect(room?.connections.size).toBe(0), WAIT)
    await vi.waitFor(async () => expect(await storedContent(dataDir)).toContain('Primera visita.'), WAIT)
    // A while after its changes were stored (a sleep: what is checked is
    // that nothing happens): still loaded, and no reload when they come back.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(collaboration.loadedDocument(DOC)).toBe(room)
    const second = await connectSynced(server, DOC, token)
    expect(collaboration.loadedDocument(DOC)).toBe(room)
    expect(contentOf(second.doc)).toContain('Primera visita.')
  })

  test('A released document is compacted: its snapshot holds every stored change and no update is left after it.', async () => {
    const { server, dataDir } = await startTestServer({ config: { unloadAfterMs: 200 } })
    const token = await login(server.url, 'ppt')
    const client = await connectSynced(server, DOC, token)
    const { collaboration, store } = server.workspace
    appendParagraph(client.doc, 'Escrito y luego compactado.')
    client.provider.destroy()
    await vi.waitFor(async () => expect((await store.documents.load(DOC)).updates).not.toHaveLength(0), WAIT)
    await vi.waitFor(() => expect(collaboration.loadedDocument(DOC)).toBeUndefined(), WAIT)

    await vi.waitFor(async () => expect((await store.documents.load(DOC)).updates).toHaveLength(0), WAIT)
    expect(await storedContent(dataDir)).toContain('Escrito y luego compactado.')
  })

  test('Stopping the server compacts the documents it had loaded.', async () => {
    const { server } = await startTestServer({ config: { unloadAfterMs: 60_000 } })
    const token = await login(server.url, 'ppt')
    const client = await connectSynced(server, DOC, token)
    const { store } = server.workspace
    appendParagraph(client.doc, 'Guardado al cerrar.')
    await vi.waitFor(() => expect(contentOf(server.workspace.collaboration.loadedDocument(DOC)?.doc as never)).toContain('Guardado al cerrar.'), WAIT)
    await server.workspace.collaboration.close()

    const history = await store.documents.load(DOC)
    expect(history.updates).toHaveLength(0)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, history.snapshot as Uint8Array)
    expect(contentOf(doc)).toContain('Guardado al cerrar.')
  })
})
