/**
 * The importers' link rule holds for every way into the text (issue 14,
 * item 11): an update over the WebSocket that formats text as a
 * `javascript:` link is refused with a named close code, and nothing of it
 * is applied, forwarded or stored; a link that keeps to the rule goes through.
 */
import { describe, expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../server'
import { connectSynced, contentOf, DOC, login, paragraphTexts, startTestServer, storedContent, WAIT, type TestClient } from '../support'

// The close codes a stock client saw, in order.
function closesOf(client: TestClient): Array<{ code: number; reason: string }> {
  const closes: Array<{ code: number; reason: string }> = []
  client.provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) closes.push({ code: event.code, reason: event.reason })
  })
  return closes
}

describe('Links over the WebSocket', () => {
  test.each([
    ['javascript:alert(document.cookie)'],
    ['  JavaScript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['/relative/path']
  ])('An editor formatting text as a link to %j is closed with 4422; nobody gets the link and it is never stored.', async (href) => {
    const { server, dataDir } = await startTestServer()
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
    const closes = closesOf(ppt)
    const target = paragraphTexts(ppt.doc)[1]
    if (!target) throw new Error('no paragraph')
    target.format(0, 8, { link: { href, title: null } })
    await vi.waitFor(() => expect(closes[0]).toEqual({ code: CloseCode.unsafeContent, reason: 'a link may only point to an http(s) or mailto address' }), WAIT)

    // The link is in the client's own copy, and in no other.
    const mark = href.trim().slice(0, 10)
    expect(contentOf(ppt.doc)).toContain(mark)
    const room = server.workspace.collaboration.loadedDocument(DOC)
    expect(room && contentOf(room.doc)).not.toContain(mark)
    expect(contentOf(gt.doc)).not.toContain(mark)
    await server.close()
    expect(await storedContent(dataDir)).not.toContain(mark)
  })

  test('A link to an https address goes through to the other clients and is stored.', async () => {
    const { server, dataDir } = await startTestServer()
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
    const closes = closesOf(ppt)
    const target = paragraphTexts(ppt.doc)[1]
    if (!target) throw new Error('no paragraph')
    target.format(0, 8, { link: { href: 'https://www.sica.int/', title: null } })
    await vi.waitFor(() => expect(contentOf(gt.doc)).toContain('https://www.sica.int/'), WAIT)
    expect(closes).toEqual([])
    await server.close()
    expect(await storedContent(dataDir)).toContain('https://www.sica.int/')
  })
})

describe('Pictures over the WebSocket', () => {
  // A 1×1 PNG.
  const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

  // Inserts a picture with `src` at the start of the text's second paragraph, as y-prosemirror writes one.
  const insertPicture = (client: TestClient, src: string) => {
    const paragraph = paragraphTexts(client.doc)[1]?.parent
    if (!(paragraph instanceof Y.XmlElement)) throw new Error('no paragraph')
    const picture = new Y.XmlElement('image')
    picture.setAttribute('src', src)
    paragraph.insert(0, [picture])
  }

  test.each([['https://example.org/tracker.png'], ['data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+']])(
    'An editor inserting a picture whose source is %j is closed with 4422; nobody gets it and it is never stored.',
    async (src) => {
      const { server, dataDir } = await startTestServer()
      const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
      const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
      const closes = closesOf(ppt)
      insertPicture(ppt, src)
      await vi.waitFor(() => expect(closes[0]?.code).toBe(CloseCode.unsafeContent), WAIT)
      expect(contentOf(gt.doc)).not.toContain(src)
      await server.close()
      expect(await storedContent(dataDir)).not.toContain(src)
    }
  )

  test('A PNG picture kept in the text goes through to the other clients and is stored.', async () => {
    const { server, dataDir } = await startTestServer()
    const ppt = await connectSynced(server, DOC, await login(server.url, 'ppt'))
    const gt = await connectSynced(server, DOC, await login(server.url, 'gt'))
    const closes = closesOf(ppt)
    insertPicture(ppt, PNG)
    await vi.waitFor(() => expect(contentOf(gt.doc)).toContain(PNG), WAIT)
    expect(closes).toEqual([])
    await server.close()
    expect(await storedContent(dataDir)).toContain(PNG)
  })
})
