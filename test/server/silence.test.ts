/**
 * Silence procedures on a real server with the demo workspace, its clock
 * injected: the Presidency puts a published version under procedure, a
 * delegation breaks the silence for its own country before the deadline,
 * and at the deadline the server records the outcome once, with nobody
 * connected and across restarts.
 */
import { describe, expect, test, vi } from 'vitest'
import { silentLogger, startServer, type RunningServer } from '../../server'
import { SERVER_ACTOR } from '../../server/silence'
import { entryText } from '../exchange/helpers'
import { DEMO_PASSWORD, docPath, seededDataDir, signIn, WAIT, type ApiSession } from '../support'

const NOVEMBER = 'Borrador noviembre 2021'
const OCTOBER = 'Borrador octubre 2021'
// A version each test publishes, then the latest of the document: the only kind a procedure may be opened on.
const LATEST = 'Borrador diciembre 2021'

/** A clock the test sets, which also runs on in real time from where it was set (a timer's wait is real). */
class TestClock {
  private base = 0
  private setAt = 0
  constructor(at: string) {
    this.set(at)
  }
  set(at: string | number): void {
    this.base = typeof at === 'number' ? at : Date.parse(at)
    this.setAt = Date.now()
  }
  readonly now = (): Date => new Date(this.base + (Date.now() - this.setAt))
}

/** A server over `dataDir` (a fresh demo folder by default) whose clock is `clock`; closed when the test ends. */
async function serverAt(clock: TestClock, dataDir?: string): Promise<{ server: RunningServer; dataDir: string }> {
  const dir = dataDir ?? (await seededDataDir())
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: dir, demoPassword: DEMO_PASSWORD, persistence: { debounceMs: 50, maxWaitMs: 200 } },
    { logger: silentLogger, clock: clock.now }
  )
  return { server, dataDir: dir }
}

async function versionId(session: ApiSession, name: string): Promise<string> {
  const versions = (await session.get(docPath('/versions'))).body.versions as Array<{ id: string; name: string }>
  const found = versions.find((v) => v.name === name)
  if (!found) throw new Error(`no demo version ${name}`)
  return found.id
}

/** Publishes the live text as a new version, now the latest one (the only kind a procedure may be opened on), and answers its id. */
async function publishLatest(ppt: ApiSession, name: string): Promise<string> {
  const published = await ppt.post(docPath('/versions'), { name })
  expect(published.status, JSON.stringify(published.body)).toBe(201)
  return published.body.version.id as string
}

/** The `silence.settled` entries of the audit trail for `version`, read from the store (no request made). */
const settledEntries = async (server: RunningServer, version: string) =>
  (await server.workspace.audit.list({ action: 'silence.settled' })).filter((e) => e.target?.version === version)

describe('Silence procedure', () => {
  test('Only the Presidency opens one, on a published version, once; only delegations break the silence, for their own country.', async () => {
    const clock = new TestClock('2030-03-04T12:00:00Z')
    const { server } = await serverAt(clock)
    try {
      const [ppt, se, gt, revisor] = [await signIn(server, 'ppt'), await signIn(server, 'se'), await signIn(server, 'gt'), await signIn(server, 'revisor')]
      const latest = await publishLatest(ppt, LATEST)
      const path = docPath(`/versions/${latest}/silence`)
      expect((await se.post(path, { businessDays: 5 })).status).toBe(403)
      expect((await gt.post(path, { businessDays: 5 })).status).toBe(403)
      expect((await revisor.post(path, { businessDays: 5 })).status).toBe(403)
      expect((await ppt.post(docPath('/versions/nope/silence'), { businessDays: 5 })).status).toBe(404)
      expect((await ppt.post(path, { businessDays: 0 })).status).toBe(400)
      expect((await ppt.post(path, { deadline: '2030-03-01T10:00' })).body.error).toMatch(/already passed/)
      expect((await ppt.post(path, { businessDays: 5, deadline: '2030-03-10T10:00' })).status).toBe(400)
      expect((await ppt.get(path)).status).toBe(404)

      const opened = await ppt.post(path, { deadline: '2030-03-05T18:00' })
      expect(opened.status, JSON.stringify(opened.body)).toBe(201)
      // 18:00 in Mexico City (UTC−6) is midnight UTC.
      expect(opened.body.procedure).toMatchObject({ versionId: latest, versionName: LATEST, deadline: '2030-03-06T00:00:00.000Z', outcome: 'pending', objections: [] })
      expect((await ppt.post(path, { businessDays: 3 })).status).toBe(409)

      const objections = `${path}/objections`
      expect((await ppt.post(objections, { reason: 'no' })).status).toBe(403)
      expect((await se.post(objections, { reason: 'no' })).status).toBe(403)
      expect((await revisor.post(objections, { reason: 'no' })).status).toBe(403)
      expect((await gt.post(objections, { reason: '   ' })).status).toBe(400)
      // The country comes from the session: a body that names one is refused.
      expect((await gt.post(objections, { reason: 'Reserva', country: 'MX' })).status).toBe(400)
      const broken = await gt.post(objections, { reason: 'Guatemala no puede aceptar el párrafo 4.7.', amendment: 'Suprimir el párrafo 4.7.' })
      expect(broken.status, JSON.stringify(broken.body)).toBe(201)
      expect(broken.body.procedure.objections).toEqual([
        expect.objectContaining({ country: 'GT', reason: 'Guatemala no puede aceptar el párrafo 4.7.', amendment: 'Suprimir el párrafo 4.7.', at: expect.any(String) })
      ])
      expect(broken.body.procedure.objections[0].author).toMatchObject({ username: 'gt', role: 'delegate', country: 'GT' })
      const again = await (await signIn(server, 'gt')).post(objections, { reason: 'otra vez' })
      expect(again.status).toBe(409)
      expect(again.body.code).toBe('silence_already_broken')

      // Everyone who reads the document sees it; the observer does not.
      const seen = await revisor.get(path)
      expect(seen.body.procedure).toMatchObject({ outcome: 'pending', objections: [expect.objectContaining({ country: 'GT' })] })
      expect((await (await signIn(server, 'observador')).get(path)).status).toBe(403)
      expect((await revisor.get(docPath('/silence'))).body.procedures.map((p: { versionName: string }) => p.versionName)).toEqual([NOVEMBER, LATEST])

      const actions = (await ppt.get('/api/audit?action=silence.opened')).body
      expect(JSON.stringify(actions)).toContain('silence.opened')
    } finally {
      await server.close()
    }
  })

  test('A superseded version, not the latest published one, is refused with 409 saying why, and nothing is stored or recorded.', async () => {
    const clock = new TestClock('2030-03-04T12:00:00Z')
    const { server } = await serverAt(clock)
    try {
      const ppt = await signIn(server, 'ppt')
      const october = await versionId(ppt, OCTOBER)
      const path = docPath(`/versions/${october}/silence`)
      const auditedBefore = (await server.workspace.audit.list({ action: 'silence.opened' })).length
      const refused = await ppt.post(path, { businessDays: 5 })
      expect(refused.status).toBe(409)
      expect(refused.body).toMatchObject({ code: 'silence_superseded', values: { version: OCTOBER, latest: NOVEMBER } })
      expect(refused.body.error).toContain('superseded')
      expect(refused.body.error).toContain(NOVEMBER)
      expect((await ppt.get(path)).status).toBe(404)
      expect((await ppt.get(docPath('/silence'))).body.procedures.map((p: { versionName: string }) => p.versionName)).toEqual([NOVEMBER])
      expect(await server.workspace.audit.list({ action: 'silence.opened' })).toHaveLength(auditedBefore)
      // Once a later version is published, November is superseded too.
      const latest = await publishLatest(ppt, LATEST)
      const november = await versionId(ppt, NOVEMBER)
      expect((await ppt.post(docPath(`/versions/${november}/silence`), { businessDays: 5 })).status).toBe(409)
      expect((await ppt.post(docPath(`/versions/${latest}/silence`), { businessDays: 5 })).status).toBe(201)
    } finally {
      await server.close()
    }
  })

  test('An objection after the deadline is refused with 409 naming it, and the reading after it settles the outcome: not adopted, with the objections.', async () => {
    const clock = new TestClock('2030-03-04T12:00:00Z')
    const { server } = await serverAt(clock)
    try {
      const ppt = await signIn(server, 'ppt')
      const [cr, pa] = [await signIn(server, 'cr'), await signIn(server, 'pa')]
      const latest = await publishLatest(ppt, LATEST)
      const path = docPath(`/versions/${latest}/silence`)
      // 10:00 in Mexico City; sessions stay alive over the four hours the clock moves.
      expect((await ppt.post(path, { deadline: '2030-03-04T10:00' })).status).toBe(201)
      expect((await cr.post(`${path}/objections`, { reason: 'Costa Rica pide revisar el eje 2.' })).status).toBe(201)
      clock.set('2030-03-04T16:00:00Z')
      const late = await pa.post(`${path}/objections`, { reason: 'tarde' })
      expect(late.status).toBe(409)
      expect(late.body.code).toBe('silence_ended')
      expect(late.body.error).toContain('2030-03-04T16:00:00.000Z')
      expect(late.body.values).toEqual({ deadline: '2030-03-04T16:00:00.000Z' })
      const read = await pa.get(path)
      expect(read.body.procedure).toMatchObject({ outcome: 'not-adopted', objections: [expect.objectContaining({ country: 'CR' })] })
      expect(read.body.procedure.settledAt).not.toBeNull()
      await pa.get(path)
      await ppt.get(docPath('/silence'))
      const entries = await settledEntries(server, latest)
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({ actor: { username: SERVER_ACTOR.username, role: null }, details: { outcome: 'not-adopted', objections: 1, country: 'CR' } })
    } finally {
      await server.close()
    }
  })

  test('N business days count from today in the workspace zone, skipping weekends and its holidays, and end at 23:59 there.', async () => {
    // Friday 1 March 2030, 10:00 in Mexico City.
    const clock = new TestClock('2030-03-01T16:00:00Z')
    const { server } = await serverAt(clock)
    try {
      const ppt = await signIn(server, 'ppt')
      const settings = (await ppt.get('/api/settings')).body
      expect((await ppt.put('/api/settings', { ...settings.settings, holidays: ['2030-03-04'] })).status).toBe(200)
      const opened = await ppt.post(docPath(`/versions/${await publishLatest(ppt, LATEST)}/silence`), { businessDays: 2 })
      expect(opened.status, JSON.stringify(opened.body)).toBe(201)
      // Monday the 4th is a holiday: Tuesday 5th, Wednesday 6th; 23:59:59.999 there is 05:59:59.999 UTC on the 7th.
      expect(opened.body.procedure).toMatchObject({ businessDays: 2, deadline: '2030-03-07T05:59:59.999Z' })
    } finally {
      await server.close()
    }
  })

  test('At the deadline the server records the outcome with nobody connected, exactly once, across restarts before and after it.', async () => {
    const clock = new TestClock('2030-03-04T12:00:00Z')
    const first = await serverAt(clock)
    let earlier: string
    let later: string
    try {
      const ppt = await signIn(first.server, 'ppt')
      // The demo's November draft already had its procedure: two versions of their own, each opened while it is the latest.
      earlier = await publishLatest(ppt, LATEST)
      // Its deadline in under a second, the later version's after a restart.
      expect((await ppt.post(docPath(`/versions/${earlier}/silence`), { deadline: '2030-03-04T12:00:00.800Z' })).status).toBe(201)
      later = await publishLatest(ppt, 'Versión consolidada')
      expect((await ppt.post(docPath(`/versions/${later}/silence`), { deadline: '2030-03-04T13:00:00Z' })).status).toBe(201)
      await (await signIn(first.server, 'gt')).post(docPath(`/versions/${later}/silence/objections`), { reason: 'Reserva de Guatemala.' })
      // No request from here on: the timer settles October on the server's clock.
      await vi.waitFor(async () => expect(await settledEntries(first.server, earlier)).toHaveLength(1), WAIT)
      expect((await settledEntries(first.server, earlier))[0]?.details).toMatchObject({ outcome: 'adopted', objections: 0 })
      expect(await settledEntries(first.server, later)).toHaveLength(0)
    } finally {
      await first.server.close()
    }

    // Restarted after November's deadline: settled at start, before anyone asks.
    clock.set('2030-03-04T13:00:00Z')
    const second = await serverAt(clock, first.dataDir)
    try {
      await vi.waitFor(async () => expect(await settledEntries(second.server, later)).toHaveLength(1), WAIT)
      expect(await settledEntries(second.server, earlier)).toHaveLength(1)
    } finally {
      await second.server.close()
    }

    // Restarted again, and read: nothing is recorded twice.
    clock.set('2030-03-05T09:00:00Z')
    const third = await serverAt(clock, first.dataDir)
    try {
      const revisor = await signIn(third.server, 'revisor')
      expect((await revisor.get(docPath(`/versions/${earlier}/silence`))).body.procedure.outcome).toBe('adopted')
      expect((await revisor.get(docPath(`/versions/${later}/silence`))).body.procedure).toMatchObject({ outcome: 'not-adopted', objections: [expect.objectContaining({ country: 'GT' })] })
      expect(await settledEntries(third.server, earlier)).toHaveLength(1)
      expect(await settledEntries(third.server, later)).toHaveLength(1)
    } finally {
      await third.server.close()
    }
  })

  test('The version\'s Word and HTML files close with the record: who objected, when and why, and the outcome.', async () => {
    const clock = new TestClock('2030-03-04T12:00:00Z')
    const { server } = await serverAt(clock)
    try {
      const ppt = await signIn(server, 'ppt')
      const latest = await publishLatest(ppt, LATEST)
      const path = docPath(`/versions/${latest}/silence`)
      expect((await ppt.post(path, { deadline: '2030-03-04T10:00' })).status).toBe(201)
      expect((await (await signIn(server, 'hn')).post(`${path}/objections`, { reason: 'Honduras objeta la línea 3.2.', amendment: 'Texto alternativo de Honduras.' })).status).toBe(201)
      clock.set('2030-03-04T17:00:00Z')
      const download = async (format: string) =>
        new Uint8Array(await (await fetch(`${server.url}${docPath(`/versions/${latest}/export?format=${format}`)}`, { headers: { Authorization: `Bearer ${ppt.token}` } })).arrayBuffer())
      const html = new TextDecoder().decode(await download('html'))
      expect(html).toContain('<section class="silence-record"><h2>Procedimiento de silencio</h2>')
      expect(html).toContain('Resultado: no adoptada')
      expect(html).toMatch(/Honduras \(Delegación de Honduras\), 4 de marzo de 2030, 06:00 \(hora estándar central\): Honduras objeta la línea 3\.2\. Enmienda propuesta: Texto alternativo de Honduras\./)
      const xml = entryText(await download('docx'), 'word/document.xml')
      const text = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('\n')
      expect(text).toContain('Procedimiento de silencio')
      expect(text).toContain('Honduras objeta la línea 3.2.')
      // The zone as the pages name it, not the database's name for it.
      expect(text).toContain('hora estándar central')
      expect(text).not.toContain('America/Mexico_City')
      expect(text).toContain('Resultado: no adoptada')
      // The demo's November draft closes with its adoption.
      const november = await versionId(ppt, NOVEMBER)
      const adopted = await fetch(`${server.url}${docPath(`/versions/${november}/export?format=html`)}`, { headers: { Authorization: `Bearer ${ppt.token}` } })
      expect(await adopted.text()).toContain('Resultado: adoptada, sin objeciones.')
    } finally {
      await server.close()
    }
  })

  test('The demo\'s November draft was adopted by silence without objection, and the audit trail says so once.', async () => {
    const clock = new TestClock('2030-03-04T12:00:00Z')
    const { server } = await serverAt(clock)
    try {
      const revisor = await signIn(server, 'revisor')
      const november = await versionId(revisor, NOVEMBER)
      const { procedure } = (await revisor.get(docPath(`/versions/${november}/silence`))).body
      expect(procedure).toMatchObject({ versionName: NOVEMBER, outcome: 'adopted', objections: [], businessDays: 3, deadline: '2021-11-27T05:59:59.999Z' })
      expect(await settledEntries(server, november)).toHaveLength(1)
    } finally {
      await server.close()
    }
  })
})
