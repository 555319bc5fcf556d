/**
 * What a role may not read, it may not learn about either (issue 14, item 12):
 * an observer cannot tell which document ids exist, does not read the
 * workspace settings, and no event stream may be kept by a cache.
 */
import { describe, expect, test } from 'vitest'
import { apiSession, DOC, docPath, login, refusedUpgradeStatus, signIn, startTestServer } from '../support'

describe('Small leaks', () => {
  test('An observer gets the same 403 for a document that exists and for one that does not, over HTTP and the WebSocket.', async () => {
    const { server } = await startTestServer()
    const observer = await signIn(server, 'observador')
    const missing = 'no-such-document-anywhere'
    for (const path of ['', '/comments', '/versions', '/periods']) {
      const existing = await observer.get(docPath(path, DOC))
      const absent = await observer.get(docPath(path, missing))
      expect(existing.status, `GET ${docPath(path, DOC)}`).toBe(403)
      expect(absent, `GET ${docPath(path, missing)}`).toEqual(existing)
    }
    expect(await refusedUpgradeStatus(server, missing, { token: observer.token })).toBe(403)
    expect(await refusedUpgradeStatus(server, DOC, { token: observer.token })).toBe(403)
    // Readers who may read documents still learn that one is missing.
    const mx = await signIn(server, 'mx')
    expect((await mx.get(docPath('', missing))).status).toBe(404)
  })

  test('An observer may not read the workspace settings; the other roles may.', async () => {
    const { server } = await startTestServer()
    const observer = await signIn(server, 'observador')
    const refused = await observer.get('/api/settings')
    expect(refused.status).toBe(403)
    expect(refused.body.error).toMatch(/observer/)
    expect(refused.body.settings).toBeUndefined()
    const mx = apiSession(server, await login(server.url, 'mx'))
    expect((await mx.get('/api/settings')).body.settings.timeZone).toBe('America/Mexico_City')
  })

  test('The event stream is sent with Cache-Control: no-store, as the rest of the API.', async () => {
    const { server } = await startTestServer()
    const mx = await signIn(server, 'mx')
    const abort = new AbortController()
    const res = await fetch(`${server.url}${docPath('/events')}`, { headers: { Authorization: `Bearer ${mx.token}` }, signal: abort.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('cache-control')?.split(/,\s*/)).toContain('no-store')
    abort.abort()
  })
})
