import { describe, expect, test, vi } from 'vitest'
import { MAX_MEETINGS_PER_DOCUMENT, MAX_TURNS_PER_MEETING, plainText } from '../../src'
import { importDocx } from '../../server/exchange'
import {
  docPath,
  openCommentPeriod,
  quoteSelector,
  signIn,
  startTestServer,
  startWithSessions,
  subscribeToEvents,
  WAIT,
  type ApiSession,
  type Reachable
} from '../support'

const PUEBLA = 'Proceso Puebla'

/** Two paragraphs of the demo Strategy, by the block ids its seeded comments sit on. */
async function twoParagraphs(session: ApiSession): Promise<[string, string]> {
  const ids = [...new Set((await session.get(docPath('/comments'))).body.comments.flatMap((c: any) => (c.anchor.detached ? [] : [c.anchor.blockId])))]
  expect(ids.length).toBeGreaterThanOrEqual(2)
  return [ids[0] as string, ids[1] as string]
}

/** A server with the demo and the sessions of the chair, the Secretariat, two delegations, a reviewer. */
function meetingServer() {
  return startWithSessions(['ppt', 'se', 'gt', 'cr', 'revisor'])
}

async function startMeeting(chair: ApiSession, agenda: unknown[] = [{ title: 'Apertura', minutes: 10, lead: 'PPT / SE CRM' }]) {
  const res = await chair.post(docPath('/meetings'), { title: 'Tercera reunión de seguimiento', agenda, attendees: ['GT', 'CR', 'PA', 'MX'] })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.meeting
}

const meetingPath = (id: string, rest = '') => docPath(`/meetings/${id}${rest}`)

describe('Meetings', () => {
  test('The Presidency starts a meeting stamped from its session; delegates, reviewers and bad bodies are refused and nothing is stored.', async () => {
    const { ppt, gt, revisor } = await meetingServer()
    const [first] = await twoParagraphs(ppt)
    for (const who of [gt, revisor]) expect((await who.post(docPath('/meetings'), { title: 'Reunión', agenda: [] })).status).toBe(403)
    for (const body of [{ agenda: [] }, { title: '', agenda: [] }, { title: 'R', agenda: [], attendees: ['XX'] }, { title: 'R', agenda: [], startedBy: 'gt' }])
      expect((await ppt.post(docPath('/meetings'), body)).status).toBe(400)
    expect((await ppt.post(docPath('/meetings'), { title: 'R', agenda: [{ title: 'Punto', blockId: 'no-such-block' }] })).status).toBe(422)
    // The demo's meeting of 2021, ended, and nothing more.
    const before = (await ppt.get(docPath('/meetings'))).body.meetings
    expect(before.map((m: any) => m.endedAt !== null)).toEqual([true])

    const meeting = await startMeeting(ppt, [{ title: 'Presentación de la Estrategia', minutes: 50, blockId: first }])
    expect(meeting).toMatchObject({
      title: 'Tercera reunión de seguimiento',
      agenda: [{ title: 'Presentación de la Estrategia', minutes: 50, blockId: first }],
      attendees: ['GT', 'CR', 'PA', 'MX'],
      startedBy: { username: 'ppt', role: 'ppt', country: null },
      endedAt: null,
      focus: null,
      speaking: null,
      queue: []
    })
    // One meeting at a time on a document.
    expect((await ppt.post(docPath('/meetings'), { title: 'Otra', agenda: [] })).status).toBe(409)
    // A delegation reads it, as every reader of the document does.
    expect((await gt.get(meetingPath(meeting.id))).body.meeting.id).toBe(meeting.id)
    expect((await gt.get(docPath('/meetings'))).body.meetings).toHaveLength(2)
  })

  test('The demo replays the third meeting of 12 November 2021, 14:00–16:00 in Mexico City, with its agenda and the statements of Guatemala, Costa Rica and Panamá on record.', async () => {
    const { server, ppt, gt } = await meetingServer()
    const [meeting] = (await gt.get(docPath('/meetings'))).body.meetings
    expect(meeting).toMatchObject({
      startedAt: '2021-11-12T20:00:00.000Z',
      endedAt: '2021-11-12T22:00:00.000Z',
      startedBy: { username: 'ppt' },
      speaking: null,
      queue: []
    })
    expect(meeting.agenda.map((item: any) => item.minutes)).toEqual([10, 50, 30, 20, 10])
    expect(meeting.attendees).toHaveLength(11)
    const interventions = (await gt.get(docPath('/comments'))).body.comments.filter((c: any) => c.kind === 'intervention')
    expect(interventions.every((c: any) => c.meeting === meeting.id && c.author.username === 'se' && !c.anchor.detached)).toBe(true)
    expect(interventions.map((c: any) => c.country)).toEqual(expect.arrayContaining(['GT', 'CR', 'PA']))
    const md = await fetchMinutes(server, ppt, meeting.id, 'md')
    // The zone as the pages name it, not the database's name for it.
    expect(md).toContain('12 de noviembre de 2021, 14:00–16:00 (hora estándar central)')
    expect(md).not.toContain('America/Mexico_City')
    const docx = plainText(await importDocx(await fetchMinutes(server, ppt, meeting.id, 'docx')))
    expect(docx).toContain('14:00–16:00 (hora estándar central)')
    expect(docx).not.toContain('America/Mexico_City')
    expect(md).toMatch(/\*\*Guatemala\*\*: 15:00–15:10/)
    expect(md).toContain('Panamá describe el aumento de los flujos extrarregionales')
  })

  test('Bad bodies are refused with 4xx and an error, and change nothing: no meeting, no comment, no audit entry.', async () => {
    const { ppt, se } = await meetingServer()
    const [first] = await twoParagraphs(ppt)
    const meeting = await startMeeting(ppt)
    const state = async () => ({
      meetings: (await ppt.get(docPath('/meetings'))).body.meetings,
      comments: (await ppt.get(docPath('/comments'))).body.comments.length,
      audit: (await ppt.get('/api/audit?limit=1')).body.total
    })
    const before = await state()
    const refusals: Array<[ApiSession, string, unknown]> = [
      ...[null, [], 'x', 5, { title: 5, agenda: [] }, { title: 'x'.repeat(301), agenda: [] }, { title: 't', agenda: 'no' }, { title: 't', agenda: [{ title: '' }] },
        { title: 't', agenda: [{ title: 'a', minutes: -1 }] }, { title: 't', agenda: [{ title: 'a', blockId: 7 }] }, { title: 't', agenda: Array.from({ length: 51 }, () => ({ title: 'a' })) },
        { title: 't', agenda: [], attendees: 'GT' }].map((body): [ApiSession, string, unknown] => [ppt, docPath('/meetings'), body]),
      ...[null, {}, { blockId: 5 }, { blockId: '' }, { blockId: 'x'.repeat(41) }, { blockId: first, extra: 1 }, { blockId: 'nope' }].map(
        (body): [ApiSession, string, unknown] => [ppt, meetingPath(meeting.id, '/focus'), body]
      ),
      ...[{}, { blockId: first, country: 'gt', summary: 'x' }, { blockId: first, country: 'GT', summary: '   ' }, { blockId: first, country: 'GT', summary: 'x'.repeat(5001) },
        { blockId: 'nope', country: 'GT', summary: 'x' }, { blockId: first, country: 'GT' }].map((body): [ApiSession, string, unknown] => [se, meetingPath(meeting.id, '/interventions'), body]),
      [ppt, docPath('/meetings/no-such-meeting/focus'), { blockId: first }],
      [ppt, meetingPath(meeting.id, '/floor/gt'), {}]
    ]
    for (const [session, path, body] of refusals) {
      const res = await session.post(path, body)
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(typeof res.body.error).toBe('string')
    }
    expect(await state()).toEqual(before)
  })

  test('Observers reach no meeting: the same 403 as for the document.', async () => {
    const { server, ppt } = await meetingServer()
    const meeting = await startMeeting(ppt)
    const observer = await signIn(server, 'observador')
    expect((await observer.get(docPath('/meetings'))).status).toBe(403)
    expect((await observer.get(meetingPath(meeting.id))).status).toBe(403)
    expect((await observer.get(meetingPath(meeting.id, '/minutes?format=md'))).status).toBe(403)
  })

  test('The chair moves the focus and every viewer hears it over the event stream; a delegate may not move it.', async () => {
    const { server, ppt, gt } = await meetingServer()
    const [first, second] = await twoParagraphs(ppt)
    const meeting = await startMeeting(ppt)
    const stream = await subscribeToEvents(server, gt.token)
    expect((await gt.post(meetingPath(meeting.id, '/focus'), { blockId: first })).status).toBe(403)
    expect((await ppt.post(meetingPath(meeting.id, '/focus'), { blockId: 'missing' })).status).toBe(422)
    expect((await ppt.post(meetingPath(meeting.id, '/focus'), { blockId: first })).body.meeting.focus).toMatchObject({ blockId: first })
    expect((await ppt.post(meetingPath(meeting.id, '/focus'), { blockId: second })).status).toBe(200)
    await vi.waitFor(() => {
      const focus = stream.events.filter((e) => e.type === 'meeting').map((e) => e.data.focus?.blockId)
      expect(focus).toEqual([first, second])
    }, WAIT)
  })

  test('A delegation asking for and withdrawing the floor in a loop is stopped at its budget with 429 and the code act_quota; the chair is not held back.', async () => {
    const { ppt, gt } = await startWithSessions(['ppt', 'gt'], { config: { commentQuota: { burst: 4, perMinute: 1, bytesPerHour: 1024 * 1024 } } })
    const meeting = await startMeeting(ppt!)
    for (let i = 0; i < 2; i++) {
      expect((await gt!.post(meetingPath(meeting.id, '/floor'))).status).toBe(200)
      expect((await gt!.delete(meetingPath(meeting.id, '/floor'))).status).toBe(200)
    }
    const refused = await gt!.post(meetingPath(meeting.id, '/floor'))
    expect(refused.status).toBe(429)
    expect(refused.body.code).toBe('act_quota')
    expect((await gt!.get(meetingPath(meeting.id))).body.meeting.queue).toEqual([])
    for (let i = 0; i < 6; i++) expect((await ppt!.post(meetingPath(meeting.id, '/floor/CR'))).status).toBe(200)
  })

  test('An intervention retried with the same Idempotency-Key is recorded once, with one audit entry; the key used for another summary is refused.', async () => {
    const { server, ppt, se } = await meetingServer()
    const [first] = await twoParagraphs(ppt)
    const meeting = await startMeeting(ppt)
    const send = (summary: string) =>
      fetch(`${server.url}${meetingPath(meeting.id, '/interventions')}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${se.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'intervencion-1' },
        body: JSON.stringify({ blockId: first, country: 'CR', summary })
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }))
    const once = await send('Costa Rica apoya el eje de protección.')
    const again = await send('Costa Rica apoya el eje de protección.')
    expect(once.status).toBe(201)
    expect(again.body.comment.id).toBe(once.body.comment.id)
    expect(again.body.comment.request).toBeUndefined()
    const recorded = (await ppt.get(docPath('/comments'))).body.comments.filter((c: any) => c.meeting === meeting.id)
    expect(recorded).toHaveLength(1)
    const entries = (await ppt.get('/api/audit?action=meeting.intervention')).body.entries.filter((e: any) => e.target?.meeting === meeting.id)
    expect(entries).toHaveLength(1)
    const other = await send('Otra intervención.')
    expect(other.status).toBe(409)
    expect(other.body.error).toMatch(/Idempotency-Key/)
  })

  test('A document holds at most its cap of meetings: one more is refused with 422, and nothing is started nor recorded.', async () => {
    const { server, ppt } = await meetingServer()
    const ended = (await ppt.get(docPath('/meetings'))).body.meetings.find((m: any) => m.endedAt !== null)
    expect(ended).toBeDefined()
    const documentId = docPath().split('/').pop() as string
    const held = (await ppt.get(docPath('/meetings'))).body.meetings.length
    // The store is filled directly: starting and ending hundreds of meetings by request would take most of the test's time.
    await server.workspace.store.records.write(
      Array.from({ length: MAX_MEETINGS_PER_DOCUMENT - held }, (_, i) => ({ kind: 'meeting', scope: documentId, id: `filler-${i}`, value: { ...ended, id: `filler-${i}` } }))
    )
    const refused = await ppt.post(docPath('/meetings'), { title: 'Una más', agenda: [] })
    expect(refused.status).toBe(422)
    expect(refused.body.error).toContain(String(MAX_MEETINGS_PER_DOCUMENT))
    expect((await ppt.get(docPath('/meetings'))).body.meetings).toHaveLength(MAX_MEETINGS_PER_DOCUMENT)
    expect((await ppt.get('/api/audit?action=meeting.started')).body.entries.filter((e: any) => e.details?.title === 'Una más')).toEqual([])
  })

  test("Downloading the minutes as Markdown counts against the account's rate of jobs, as every export does: past it, 429 with Retry-After and no audit entry.", async () => {
    const { server, ppt, gt } = await startWithSessions(['ppt', 'gt'], { config: { work: { workers: 1, maxQueued: 16, jobTimeoutMs: 10_000, maxImportBlocks: 10_000, perAccount: { burst: 2, jobsPerMinute: 1 } } } })
    const meeting = await startMeeting(ppt!)
    const download = () => fetch(`${server.url}${meetingPath(meeting.id, '/minutes?format=md')}`, { headers: { Authorization: `Bearer ${gt!.token}` } })
    for (let i = 0; i < 2; i++) expect((await download()).status).toBe(200)
    const refused = await download()
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await refused.json()) as { error: string }).error).toEqual(expect.any(String))
    const entries = (await ppt!.get('/api/audit?action=export.minutes')).body.entries.filter((e: any) => e.target?.meeting === meeting.id)
    expect(entries).toHaveLength(2)
  })

  test('A meeting holds at most its cap of turns at the floor: the chair giving one more is refused with 422, and the meeting stays as it was.', async () => {
    const { server, ppt, gt } = await meetingServer()
    const meeting = await startMeeting(ppt)
    const documentId = docPath().split('/').pop() as string
    // The record is filled directly: giving the floor thousands of times by request would take most of the test's time.
    const turns = Array.from({ length: MAX_TURNS_PER_MEETING }, () => ({ country: 'CR', from: meeting.startedAt, to: meeting.startedAt }))
    await server.workspace.store.records.write([{ kind: 'meeting', scope: documentId, id: meeting.id, value: { ...meeting, turns } }])
    expect((await gt.post(meetingPath(meeting.id, '/floor'))).status).toBe(200)
    for (const path of ['/floor/PA', '/floor/next']) {
      const refused = await ppt.post(meetingPath(meeting.id, path))
      expect(refused.status, path).toBe(422)
      expect(refused.body.error).toContain(String(MAX_TURNS_PER_MEETING))
    }
    const after = (await ppt.get(meetingPath(meeting.id))).body.meeting
    expect(after).toMatchObject({ speaking: null, queue: [{ country: 'GT' }] })
    expect(after.turns).toHaveLength(MAX_TURNS_PER_MEETING)
    expect((await ppt.post(meetingPath(meeting.id, '/end'))).status).toBe(200)
  })

  test("A delegation asks for the floor only for its own country; the chair gives it in order, takes it back, and everyone sees who speaks and who is next.", async () => {
    const { server, ppt, gt, cr } = await meetingServer()
    const meeting = await startMeeting(ppt)
    const stream = await subscribeToEvents(server, cr.token)
    // The chair does not queue; the country is the session's, whatever the body says.
    expect((await ppt.post(meetingPath(meeting.id, '/floor'))).status).toBe(403)
    expect((await gt.post(meetingPath(meeting.id, '/floor'), { country: 'CR' })).body.meeting.queue).toMatchObject([{ country: 'GT' }])
    expect((await cr.post(meetingPath(meeting.id, '/floor'))).body.meeting.queue.map((t: any) => t.country)).toEqual(['GT', 'CR'])
    // Asking twice keeps one's place.
    expect((await gt.post(meetingPath(meeting.id, '/floor'))).body.meeting.queue.map((t: any) => t.country)).toEqual(['GT', 'CR'])
    // A delegation gives no floor and withdraws no other country's request.
    expect((await gt.post(meetingPath(meeting.id, '/floor/GT'))).status).toBe(403)
    expect((await gt.delete(meetingPath(meeting.id, '/floor/CR'))).status).toBe(403)
    expect((await ppt.post(meetingPath(meeting.id, '/floor/XX'))).status).toBe(400)

    const next = (await ppt.post(meetingPath(meeting.id, '/floor/next'))).body.meeting
    expect(next.speaking).toMatchObject({ country: 'GT' })
    expect(next.queue.map((t: any) => t.country)).toEqual(['CR'])
    const given = (await ppt.post(meetingPath(meeting.id, '/floor/CR'))).body.meeting
    expect(given).toMatchObject({ speaking: { country: 'CR' }, queue: [] })
    expect(given.turns.map((t: any) => [t.country, t.to === null])).toEqual([['GT', false], ['CR', true]])
    // Costa Rica yields; Guatemala asks again and withdraws.
    expect((await cr.delete(meetingPath(meeting.id, '/floor'))).body.meeting.speaking).toBeNull()
    await gt.post(meetingPath(meeting.id, '/floor'))
    expect((await gt.delete(meetingPath(meeting.id, '/floor'))).body.meeting.queue).toEqual([])
    await vi.waitFor(() => {
      const last = stream.events.filter((e) => e.type === 'meeting').at(-1)?.data
      expect(last).toMatchObject({ speaking: null, queue: [] })
      expect(last.turns).toHaveLength(2)
    }, WAIT)
  })

  test('The Secretariat records an intervention: a comment of kind "intervención en sesión" of the country that spoke, written by the Secretariat, seen by all at once.', async () => {
    const { server, ppt, se, gt } = await meetingServer()
    const [first] = await twoParagraphs(ppt)
    const meeting = await startMeeting(ppt)
    const stream = await subscribeToEvents(server, gt.token)
    const body = { blockId: first, country: 'GT', summary: 'Guatemala propone reforzar la cooperación consular.' }
    expect((await gt.post(meetingPath(meeting.id, '/interventions'), body)).status).toBe(403)
    expect((await se.post(meetingPath(meeting.id, '/interventions'), { ...body, country: 'XX' })).status).toBe(400)
    expect((await se.post(meetingPath(meeting.id, '/interventions'), { ...body, blockId: 'missing' })).status).toBe(422)
    // Who wrote it is the session's: a body naming an author is refused, not trusted.
    expect((await se.post(meetingPath(meeting.id, '/interventions'), { ...body, author: { username: 'gt' } })).status).toBe(400)
    const res = await se.post(meetingPath(meeting.id, '/interventions'), body)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.comment).toMatchObject({
      kind: 'intervention',
      meeting: meeting.id,
      country: 'GT',
      body: body.summary,
      author: { username: 'se', role: 'secretariat', country: null },
      anchor: { blockId: first, detached: false },
      suggestion: null
    })
    await vi.waitFor(() => expect(stream.events.some((e) => e.type === 'comment' && e.data.id === res.body.comment.id)).toBe(true), WAIT)
    // In the list, and so in the sidebar and the matrix, like any other input.
    const listed = (await gt.get(docPath('/comments?country=GT'))).body.comments
    expect(listed.find((c: any) => c.id === res.body.comment.id)).toMatchObject({ kind: 'intervention' })
    const matrix = await fetch(`${server.url}${docPath('/comments/export?format=csv')}`, { headers: { Authorization: `Bearer ${ppt.token}` } })
    expect(await matrix.text()).toContain(`Intervención en sesión: ${body.summary}`)
    // The record is the meeting's: the country that spoke cannot withdraw it, and it stays open.
    const withdrawn = await gt.patch(docPath(`/comments/${res.body.comment.id}`), { status: 'withdrawn' })
    expect(withdrawn.status).toBe(403)
    expect(withdrawn.body.error).toMatch(/intervention/)
    expect((await gt.get(docPath('/comments?country=GT'))).body.comments.find((c: any) => c.id === res.body.comment.id)).toMatchObject({ status: 'open' })
  })

  test('A proposal accepted while a meeting runs records the meeting; one decided after it ended does not; the minutes list the decision and the text agreed.', async () => {
    const { server, ppt, gt } = await meetingServer()
    await openCommentPeriod(ppt)
    const propose = async (text: string) => {
      const res = await gt.post(docPath('/comments'), { body: 'Propuesta.', anchor: quoteSelector(PUEBLA), suggestion: { text } })
      expect(res.status).toBe(201)
      return res.body.comment.id as string
    }
    const inRoom = await propose('Proceso de Puebla')
    const later = await propose('la Conferencia Regional sobre Migración')
    const meeting = await startMeeting(ppt)
    expect((await ppt.post(docPath(`/comments/${inRoom}/accept`))).body.comment.suggestion.decision).toMatchObject({ outcome: 'accepted', meeting: meeting.id })
    expect((await ppt.post(meetingPath(meeting.id, '/end'))).status).toBe(200)
    const afterwards = (await ppt.post(docPath(`/comments/${later}/reject`))).body.comment.suggestion.decision
    expect(afterwards.outcome).toBe('rejected')
    expect(afterwards.meeting).toBeUndefined()
    const minutes = await fetchMinutes(server, ppt, meeting.id, 'md')
    expect(minutes).toContain('propuesta de Guatemala aceptada')
    expect(minutes).toContain('Proceso de Puebla')
    expect(minutes).not.toContain('rechazada')
  })

  test('An ended meeting refuses every act with 409; its record, interventions and audit trail survive a restart.', async () => {
    const { server, dataDir, ppt, se, gt } = await meetingServer()
    const [first] = await twoParagraphs(ppt)
    const meeting = await startMeeting(ppt)
    await ppt.post(meetingPath(meeting.id, '/focus'), { blockId: first })
    await gt.post(meetingPath(meeting.id, '/floor'))
    await ppt.post(meetingPath(meeting.id, '/floor/GT'))
    const intervention = (await se.post(meetingPath(meeting.id, '/interventions'), { blockId: first, country: 'GT', summary: 'Apoya el párrafo.' })).body.comment
    expect((await gt.post(meetingPath(meeting.id, '/end'))).status).toBe(403)
    const ended = (await se.post(meetingPath(meeting.id, '/end'))).body.meeting
    expect(ended).toMatchObject({ endedBy: { username: 'se' }, speaking: null, queue: [] })
    expect(ended.endedAt).not.toBeNull()
    expect(ended.turns[0].to).toBe(ended.endedAt)
    for (const [session, path, body] of [
      [ppt, '/focus', { blockId: first }],
      [gt, '/floor', undefined],
      [ppt, '/floor/GT', undefined],
      [ppt, '/floor/next', undefined],
      [se, '/interventions', { blockId: first, country: 'GT', summary: 'Tarde.' }],
      [ppt, '/end', undefined]
    ] as const) {
      const res = await session.post(meetingPath(meeting.id, path), body)
      expect(res.status, path).toBe(409)
      expect(res.body.error).toMatch(/ended/)
    }
    // Ended, a new one may start.
    const before = (await ppt.get(meetingPath(meeting.id))).body.meeting
    await server.close()
    const { server: again } = await startTestServer({ dataDir })
    const pptAgain = await signIn(again, 'ppt')
    expect((await pptAgain.get(meetingPath(meeting.id))).body.meeting).toEqual(before)
    expect((await pptAgain.get(`/api/documents/${before.documentId}/comments/${intervention.id}`)).body.comment).toMatchObject({ kind: 'intervention', meeting: meeting.id })
    const audit = (await pptAgain.get('/api/audit?limit=100')).body.entries.filter((e: any) => e.target?.meeting === meeting.id)
    expect(audit.map((e: any) => e.action).reverse()).toEqual([
      'meeting.started',
      'meeting.focus',
      'meeting.floor.asked',
      'meeting.floor.given',
      'meeting.intervention',
      'meeting.ended'
    ])
    expect(audit.find((e: any) => e.action === 'meeting.intervention').actor).toMatchObject({ username: 'se', role: 'secretariat' })
    // The audit page names the meeting by its title.
    expect((await pptAgain.get('/api/audit?limit=100')).body.names.meetings[meeting.id]).toBe('Tercera reunión de seguimiento')
    expect(audit.find((e: any) => e.action === 'meeting.floor.asked').actor).toMatchObject({ username: 'gt', country: 'GT' })
    expect((await pptAgain.post(docPath('/meetings'), { title: 'Cuarta reunión', agenda: [] })).status).toBe(201)
  })

  test('The minutes, as Markdown and as Word, give attendance, agenda, who spoke, and the interventions per paragraph.', async () => {
    const { server, ppt, se, gt, cr } = await meetingServer()
    const [first, second] = await twoParagraphs(ppt)
    const meeting = await startMeeting(ppt, [
      { title: 'Apertura de la reunión y bienvenida', minutes: 10, lead: 'PPT / SE CRM' },
      { title: 'Presentación de la Estrategia', minutes: 50, lead: 'PPT / Países Miembros', blockId: first }
    ])
    await gt.post(meetingPath(meeting.id, '/floor'))
    await cr.post(meetingPath(meeting.id, '/floor'))
    await ppt.post(meetingPath(meeting.id, '/floor/next'))
    await se.post(meetingPath(meeting.id, '/interventions'), { blockId: first, country: 'GT', summary: 'Guatemala pide <b>datos</b> desagregados por sexo.' })
    await ppt.post(meetingPath(meeting.id, '/floor/next'))
    await se.post(meetingPath(meeting.id, '/interventions'), { blockId: second, country: 'CR', summary: 'Costa Rica apoya la redacción.' })
    // While it runs, the minutes are provisional.
    expect(await fetchMinutes(server, gt, meeting.id, 'md')).toContain('provisional')
    await ppt.post(meetingPath(meeting.id, '/end'))
    const md = await fetchMinutes(server, gt, meeting.id, 'md')
    expect(md).toContain('# Acta: Tercera reunión de seguimiento')
    expect(md).not.toContain('provisional')
    for (const country of ['Costa Rica', 'Guatemala', 'México', 'Panamá']) expect(md).toContain(country)
    expect(md).toContain('Apertura de la reunión y bienvenida (10 min) — PPT / SE CRM')
    expect(md).toMatch(/Presentación de la Estrategia \(50 min\) — PPT \/ Países Miembros — § \d+/)
    expect(md.indexOf('Guatemala pide')).toBeLessThan(md.indexOf('Costa Rica apoya'))
    // Text that looks like markup is escaped.
    expect(md).toContain('\\<b>datos')
    expect(md).toContain('registró Secretaría Ejecutiva de la CRM')

    const docx = await fetchMinutes(server, ppt, meeting.id, 'docx')
    const text = plainText(await importDocx(docx))
    expect(text).toContain('Acta: Tercera reunión de seguimiento')
    expect(text).toContain('Guatemala pide <b>datos</b> desagregados por sexo.')
    expect(text).toContain('Costa Rica apoya la redacción.')
    expect(text).toContain('Asistencia')
    const exports = (await ppt.get('/api/audit?action=export.minutes')).body.entries
    expect(exports.map((e: any) => e.details.format)).toEqual(['docx', 'md', 'md'])
    expect((await ppt.get(meetingPath(meeting.id, '/minutes?format=pdf'))).status).toBe(400)
  })
})

/** The minutes as a download: the Markdown's text or the Word file's bytes. */
async function fetchMinutes(server: Reachable, session: ApiSession, meetingId: string, format: 'md'): Promise<string>
async function fetchMinutes(server: Reachable, session: ApiSession, meetingId: string, format: 'docx'): Promise<Uint8Array>
async function fetchMinutes(server: Reachable, session: ApiSession, meetingId: string, format: 'md' | 'docx'): Promise<string | Uint8Array> {
  const res = await fetch(`${server.url}${meetingPath(meetingId, `/minutes?format=${format}`)}`, { headers: { Authorization: `Bearer ${session.token}` } })
  expect(res.status, await res.clone().text().catch(() => '')).toBe(200)
  expect(res.headers.get('content-disposition')).toMatch(/acta/)
  return format === 'md' ? res.text() : new Uint8Array(await res.arrayBuffer())
}
