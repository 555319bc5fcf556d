/**
 * Published versions shared with observers, on a real server per test with
 * the demo workspace (versions «Borrador octubre 2021» and «Borrador
 * noviembre 2021»). Observers may read a shared version and nothing else:
 * not the draft, its comments, other versions, the comparison, the event
 * stream nor the live document.
 */
import { describe, expect, test } from 'vitest'
import {
  DEMO_PASSWORD,
  DOC,
  docPath,
  refusedUpgradeStatus,
  signIn,
  startTestServer,
  type ApiAnswer,
  type ApiSession,
  type Reachable
} from '../support'

const OCTOBER = 'Borrador octubre 2021'
const NOVEMBER = 'Borrador noviembre 2021'
const TITLE = 'Estrategia regional de atención a la migración irregular y masiva'

/** A DELETE through the API with `session`'s token (the shared helper knows GET, POST, PATCH and PUT). */
async function remove(server: Reachable, session: ApiSession, path: string): Promise<ApiAnswer> {
  const res = await fetch(`${server.url}${path}`, { method: 'DELETE', headers: { Authorization: `Bearer ${session.token}` } })
  expect(res.headers.get('content-type'), `DELETE ${path} answers JSON`).toMatch(/^application\/json/)
  return { status: res.status, body: await res.json() }
}

/** The id of the demo version named `name`, as the PPT lists them. */
async function versionId(ppt: ApiSession, name: string): Promise<string> {
  const versions = (await ppt.get(docPath('/versions'))).body.versions as Array<{ id: string; name: string }>
  const found = versions.find((v) => v.name === name)
  expect(found, `demo version ${name}`).toBeDefined()
  return (found as { id: string }).id
}

/** A server with the PPT and the observer signed in, and the ids of both demo versions. */
async function sharingSetup() {
  const { server, dataDir } = await startTestServer()
  const ppt = await signIn(server, 'ppt')
  const observer = await signIn(server, 'observador')
  return { server, dataDir, ppt, observer, october: await versionId(ppt, OCTOBER), november: await versionId(ppt, NOVEMBER) }
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf)
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)])
  return []
}

describe('Sharing a published version with observers', () => {
  test('The PPT shares «Borrador noviembre 2021»; the observer lists it and reads exactly that text, with no comments anywhere.', async () => {
    const { ppt, observer, november } = await sharingSetup()
    const made = await ppt.post(docPath(`/versions/${november}/shares`), {})
    expect(made.status).toBe(201)
    expect(made.body.share).toMatchObject({
      documentId: DOC,
      versionId: november,
      versionName: NOVEMBER,
      observers: null,
      sharedBy: { username: 'ppt', role: 'ppt' },
      withdrawn: null
    })
    const shareId = made.body.share.id as string

    const listed = await observer.get('/api/shared')
    expect(listed.status).toBe(200)
    expect(listed.body.shares).toEqual([
      {
        share: { id: shareId, sharedAt: made.body.share.sharedAt, sharedBy: { name: 'Presidencia Pro Tempore (México)' } },
        document: { id: DOC, title: TITLE },
        version: { id: november, name: NOVEMBER, createdAt: '2021-11-08T17:00:00.000Z' }
      }
    ])

    const opened = await observer.get(`/api/shared/${shareId}`)
    expect(opened.status).toBe(200)
    const published = (await ppt.get(docPath(`/versions/${november}`))).body.version
    expect(published.comments.length).toBeGreaterThan(0)
    expect(opened.body.version).toEqual({ id: november, name: NOVEMBER, createdAt: '2021-11-08T17:00:00.000Z', content: published.content })
    expect(Object.keys(opened.body).sort()).toEqual(['document', 'share', 'version'])
    expect(keysOf(opened.body)).not.toContain('comments')
    expect(keysOf(opened.body)).not.toContain('contentHash')
    expect(keysOf(listed.body)).not.toContain('comments')
  })

  test('The observer downloads the shared version as Markdown and Word, and each download is in the audit trail.', async () => {
    const { server, ppt, observer, november } = await sharingSetup()
    const shareId = (await ppt.post(docPath(`/versions/${november}/shares`), {})).body.share.id as string
    const get = (query: string) => fetch(`${server.url}/api/shared/${shareId}/export${query}`, { headers: { Authorization: `Bearer ${observer.token}` } })

    const markdown = await get('?format=md')
    expect(markdown.status).toBe(200)
    expect(markdown.headers.get('content-disposition')).toContain('.md')
    expect(await markdown.text()).toContain('un informe semestral de tendencias basado en la información compartida')
    const word = await get('?format=docx')
    expect(word.status).toBe(200)
    expect(word.headers.get('content-type')).toContain('officedocument.wordprocessingml')
    expect(new Uint8Array(await word.arrayBuffer()).subarray(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]))
    expect((await get('?format=pdf')).status).toBe(400)

    const exports = await server.workspace.audit.list({ action: 'export.version', actor: 'observador' })
    expect(exports.map((e) => e.details?.format)).toEqual(['md', 'docx'])
    expect(exports[0]?.target).toEqual({ document: DOC, version: november, share: shareId })
  })

  test('A share opens nothing else: the other version, the draft, comments, comparison, events and the live document stay closed to the observer.', async () => {
    const { server, ppt, observer, october, november } = await sharingSetup()
    const shareId = (await ppt.post(docPath(`/versions/${november}/shares`), {})).body.share.id as string
    expect((await observer.get(`/api/shared/${shareId}`)).status).toBe(200)

    // The October version is not shared: neither a share id nor a version id opens it.
    expect(await observer.get(`/api/shared/${october}`)).toEqual({ status: 404, body: { error: `no shared version ${october}` } })
    expect((await observer.get('/api/shared')).body.shares.map((s: { version: { name: string } }) => s.version.name)).toEqual([NOVEMBER])

    const forbidden = { status: 403, body: { error: 'the observer role may not open this document' } }
    for (const path of [
      '',
      '/versions',
      `/versions/${october}`,
      `/versions/${november}`,
      `/versions/${november}/export?format=md`,
      '/comments',
      '/comments/export?format=csv',
      '/periods',
      `/diff?from=${october}&to=${november}`,
      '/shares'
    ])
      expect(await observer.get(docPath(path)), `GET ${docPath(path)}`).toEqual(forbidden)
    expect(await observer.post(docPath(`/versions/${october}/shares`), {}), 'an observer sharing').toEqual(forbidden)
    expect((await observer.get('/api/documents')).body.documents).toEqual([])

    const events = await fetch(`${server.url}${docPath('/events')}`, { headers: { Authorization: `Bearer ${observer.token}` } })
    expect(events.status).toBe(403)
    await events.body?.cancel()
    expect(await refusedUpgradeStatus(server, DOC, { token: observer.token })).toBe(403)

    // Without a session, the shared routes answer 401 like every other.
    const anonymous = await fetch(`${server.url}/api/shared/${shareId}`)
    expect(anonymous.status).toBe(401)
  })

  test('Only the PPT shares and withdraws: the Secretariat sees the shares but may not make them, a delegate and a reviewer may not even see them.', async () => {
    const { server, ppt, november } = await sharingSetup()
    const se = await signIn(server, 'se')
    const mx = await signIn(server, 'mx')
    const revisor = await signIn(server, 'revisor')

    expect(await se.post(docPath(`/versions/${november}/shares`), {})).toEqual({
      status: 403,
      body: { error: 'only the Presidency shares versions with observers' }
    })
    expect((await mx.post(docPath(`/versions/${november}/shares`), {})).status).toBe(403)
    expect((await revisor.post(docPath(`/versions/${november}/shares`), {})).status).toBe(403)

    const shareId = (await ppt.post(docPath(`/versions/${november}/shares`), {})).body.share.id as string
    expect((await se.get(docPath('/shares'))).body.shares.map((s: { id: string }) => s.id)).toEqual([shareId])
    expect(await remove(server, se, docPath(`/shares/${shareId}`))).toEqual({
      status: 403,
      body: { error: 'only the Presidency withdraws shared versions' }
    })
    for (const session of [mx, revisor]) {
      expect((await session.get(docPath('/shares'))).status).toBe(403)
      expect((await remove(server, session, docPath(`/shares/${shareId}`))).status).toBe(403)
      // Not the audience of a share: an empty list, and the share itself is not found.
      expect(await session.get('/api/shared')).toEqual({ status: 200, body: { shares: [] } })
      expect((await session.get(`/api/shared/${shareId}`)).status).toBe(404)
    }
    expect(await ppt.get('/api/shared')).toEqual({ status: 200, body: { shares: [] } })
    expect(await server.workspace.audit.list({ action: 'share.created' })).toHaveLength(1)
  })

  test('A version shared with a named observer stays hidden from another observer account.', async () => {
    const { server, ppt, observer, november } = await sharingSetup()
    const se = await signIn(server, 'se')
    const created = await se.post('/api/users', { username: 'oim', password: DEMO_PASSWORD, name: 'Organización Internacional para las Migraciones', role: 'observer' })
    expect(created.status).toBe(201)
    const oim = await signIn(server, 'oim')

    const made = await ppt.post(docPath(`/versions/${november}/shares`), { observers: ['oim'] })
    expect(made.status).toBe(201)
    expect(made.body.share.observers).toEqual(['oim'])
    const shareId = made.body.share.id as string

    expect((await oim.get('/api/shared')).body.shares.map((s: { share: { id: string } }) => s.share.id)).toEqual([shareId])
    expect((await oim.get(`/api/shared/${shareId}`)).status).toBe(200)
    // The audience does not learn who else a version was shared with.
    expect(keysOf((await oim.get(`/api/shared/${shareId}`)).body)).not.toContain('observers')
    expect(await observer.get('/api/shared')).toEqual({ status: 200, body: { shares: [] } })
    expect(await observer.get(`/api/shared/${shareId}`)).toEqual({ status: 404, body: { error: `no shared version ${shareId}` } })
    const download = await fetch(`${server.url}/api/shared/${shareId}/export?format=md`, { headers: { Authorization: `Bearer ${observer.token}` } })
    expect(download.status).toBe(404)
  })

  test('A share names only enabled observer accounts, at least one, for a version that exists, and is not made twice.', async () => {
    const { ppt, october, november } = await sharingSetup()
    const path = docPath(`/versions/${november}/shares`)
    expect(await ppt.post(path, { observers: ['mx'] })).toEqual({ status: 422, body: { error: 'mx is not an enabled observer account' } })
    expect(await ppt.post(path, { observers: ['nadie'] })).toEqual({ status: 422, body: { error: 'nadie is not an enabled observer account' } })
    expect((await ppt.post(path, { observers: [] })).status).toBe(400)
    expect((await ppt.post(path, { observer: ['observador'] })).status).toBe(400)
    expect((await ppt.post(docPath('/versions/no-such-version/shares'), {})).status).toBe(404)
    expect((await ppt.post('/api/documents/no-existe/versions/x/shares', {})).status).toBe(404)

    expect((await ppt.post(path, { observers: ['observador', 'observador'] })).body.share.observers).toEqual(['observador'])
    expect(await ppt.post(path, { observers: ['observador'] })).toEqual({ status: 409, body: { error: `«${NOVEMBER}» is already shared with these observers` } })
    // Another audience, or another version, is a share of its own.
    expect((await ppt.post(path, {})).status).toBe(201)
    expect((await ppt.post(docPath(`/versions/${october}/shares`), {})).status).toBe(201)
    expect((await ppt.get(docPath('/shares'))).body.shares).toHaveLength(3)
  })

  test('Withdrawing closes the share at once, keeps it listed as withdrawn, and a second withdrawal is a conflict.', async () => {
    const { server, ppt, observer, november } = await sharingSetup()
    const shareId = (await ppt.post(docPath(`/versions/${november}/shares`), {})).body.share.id as string
    expect((await observer.get(`/api/shared/${shareId}`)).status).toBe(200)

    const withdrawn = await remove(server, ppt, docPath(`/shares/${shareId}`))
    expect(withdrawn.status).toBe(200)
    expect(withdrawn.body.share).toMatchObject({ id: shareId, withdrawn: { by: { username: 'ppt' } } })

    expect(await observer.get(`/api/shared/${shareId}`)).toEqual({ status: 404, body: { error: `no shared version ${shareId}` } })
    expect(await observer.get('/api/shared')).toEqual({ status: 200, body: { shares: [] } })
    const listed = (await ppt.get(docPath('/shares'))).body.shares
    expect(listed).toEqual([withdrawn.body.share])

    expect((await remove(server, ppt, docPath(`/shares/${shareId}`))).status).toBe(409)
    expect((await remove(server, ppt, docPath('/shares/no-such-share'))).status).toBe(404)
    // Withdrawn, the same version may be shared again.
    expect((await ppt.post(docPath(`/versions/${november}/shares`), {})).status).toBe(201)
  })

  test('Sharing and withdrawing are in the audit trail with the PPT as actor, and the chain stays whole.', async () => {
    const { server, ppt, november } = await sharingSetup()
    const shareId = (await ppt.post(docPath(`/versions/${november}/shares`), { observers: ['observador'] })).body.share.id as string
    await remove(server, ppt, docPath(`/shares/${shareId}`))

    const audit = server.workspace.audit
    const entries = (await audit.list({ document: DOC })).filter((e) => e.action.startsWith('share.'))
    const actor = { username: 'ppt', role: 'ppt', country: null }
    const target = { document: DOC, version: november, share: shareId }
    expect(entries).toEqual([
      expect.objectContaining({ action: 'share.created', actor, target, details: { version: NOVEMBER, observers: 'observador' }, address: expect.any(String) }),
      expect.objectContaining({ action: 'share.withdrawn', actor, target, details: { version: NOVEMBER } })
    ])
    expect(await audit.verify()).toMatchObject({ ok: true })
  })

  test('A share and its withdrawal are kept across a restart.', async () => {
    const { server, dataDir, ppt, november, october } = await sharingSetup()
    const kept = (await ppt.post(docPath(`/versions/${november}/shares`), {})).body.share.id as string
    const closed = (await ppt.post(docPath(`/versions/${october}/shares`), {})).body.share.id as string
    await remove(server, ppt, docPath(`/shares/${closed}`))
    await server.close()

    const restarted = await startTestServer({ dataDir })
    const observer = await signIn(restarted.server, 'observador')
    expect((await observer.get('/api/shared')).body.shares.map((s: { share: { id: string } }) => s.share.id)).toEqual([kept])
    expect((await observer.get(`/api/shared/${closed}`)).status).toBe(404)
    const all = (await (await signIn(restarted.server, 'ppt')).get(docPath('/shares'))).body.shares as Array<{ id: string; withdrawn: unknown }>
    expect(all.map((s) => [s.id, s.withdrawn !== null]).sort()).toEqual([[closed, true], [kept, false]].sort())
  })
})
