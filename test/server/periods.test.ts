import { describe, expect, test, vi } from 'vitest'
import { addBusinessDays, type IsoDate } from '../../src'
import {
  docPath,
  openCommentPeriod,
  quoteSelector,
  signIn,
  startWithSessions,
  subscribeToEvents,
  WAIT,
  WORKSPACE_TIME_ZONE,
  workspaceToday,
  type ApiSession
} from '../support'

const PUEBLA = 'Proceso Puebla'

/** `date` moved by `days` calendar days. */
function shift(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10) as IsoDate
}

const tryComment = (session: ApiSession, body = 'Comentario.', suggestion?: string) =>
  session.post(docPath('/comments'), {
    body,
    anchor: quoteSelector(PUEBLA),
    ...(suggestion === undefined ? {} : { suggestion: { text: suggestion } })
  })

/** Opens a period as `session`; it must be created. */
async function openPeriod(session: ApiSession, body: Record<string, unknown>) {
  const res = await session.post(docPath('/periods'), body)
  expect(res.status, `opening ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe(201)
  return res.body.period
}

/** A server with the demo, and the sessions of the PPT and of Mexico's delegate. */
function serverWithSessions() {
  return startWithSessions(['ppt', 'mx'])
}

describe('Comment periods', () => {
  test("As seeded, the demo's November period has ended: a delegate is refused with 409 naming 2021-11-22.", async () => {
    const { mx } = await serverWithSessions()
    const periods = await mx.get(docPath('/periods'))
    expect(periods.body).toMatchObject({ open: false, today: workspaceToday(), current: { start: '2021-11-12', deadline: '2021-11-22' } })
    expect(await tryComment(mx)).toEqual({
      status: 409,
      body: { error: 'the comment period ended on 2021-11-22: the deadline has passed', code: 'period_ended', values: { deadline: '2021-11-22' } }
    })
  })

  test("Outside an open period a delegate's new comment, proposal or reply is refused with 409, and the message names the deadline.", async () => {
    const { ppt, mx } = await serverWithSessions()
    const period = await openPeriod(ppt, { start: '2021-10-01', businessDays: 10 })
    expect(period).toMatchObject({ start: '2021-10-01', deadline: '2021-10-15', businessDays: 10, openedBy: 'ppt', closedAt: null })
    // The code and the date let the app word the refusal in the reader's language.
    const refusal = {
      status: 409,
      body: { error: 'the comment period ended on 2021-10-15: the deadline has passed', code: 'period_ended', values: { deadline: '2021-10-15' } }
    }
    expect(await tryComment(mx)).toEqual(refusal)
    expect(await tryComment(mx, 'Propuesta.', 'Proceso de Puebla')).toEqual(refusal)
    const note = await tryComment(ppt, 'Nota de la Presidencia.')
    expect(note.status).toBe(201)
    expect(await mx.post(docPath(`/comments/${note.body.comment.id}/replies`), { body: 'Respuesta.' })).toEqual(refusal)
    expect((await mx.get(docPath('/comments?country=MX'))).body.comments).toEqual([])
    expect((await mx.get(docPath('/periods'))).body).toMatchObject({ open: false, current: { id: period.id, deadline: '2021-10-15' } })
  })

  test('A period that starts in the future refuses delegates until it opens, naming its start and deadline.', async () => {
    const { ppt, mx } = await serverWithSessions()
    const start = shift(workspaceToday(), 30)
    const period = await openPeriod(ppt, { start, deadline: shift(start, 14) })
    expect(await tryComment(mx)).toEqual({
      status: 409,
      body: {
        error: `the comment period opens on ${start} (deadline ${period.deadline})`,
        code: 'period_not_started',
        values: { start, deadline: period.deadline }
      }
    })
  })

  test('Outside a period the PPT and the Secretariat can still comment and reply.', async () => {
    const { server, ppt } = await serverWithSessions()
    await openPeriod(ppt, { start: '2021-10-01', businessDays: 10 })
    const se = await signIn(server, 'se')
    const note = await tryComment(ppt, 'Nota de la Presidencia.')
    expect(note.status).toBe(201)
    expect(note.body.comment).toMatchObject({ country: null, author: { username: 'ppt' } })
    expect((await tryComment(se, 'Nota de la Secretaría.')).status).toBe(201)
    for (const session of [ppt, se]) {
      const reply = await session.post(docPath(`/comments/${note.body.comment.id}/replies`), { body: 'Seguimos.' })
      expect(reply.status).toBe(201)
    }
    expect((await ppt.get(docPath(`/comments/${note.body.comment.id}`))).body.comment.replies).toHaveLength(2)
  })

  for (const { name, change, expected } of [
    {
      name: 'a deadline date in the future',
      change: () => ({ deadline: shift(workspaceToday(), 7) }),
      expected: (start: IsoDate) => ({ start, deadline: shift(workspaceToday(), 7), businessDays: null })
    },
    {
      name: 'more business days, reaching into the future',
      change: () => ({ businessDays: 60 }),
      // The workspace's holiday (2021-11-15) is long past: only weekends count.
      expected: (start: IsoDate) => ({ start, deadline: addBusinessDays(start, 60), businessDays: 60 })
    }
  ]) {
    test(`Extending an ended period with ${name} reopens it for delegates.`, async () => {
      const { ppt, mx } = await serverWithSessions()
      const start = shift(workspaceToday(), -30)
      const period = await openPeriod(ppt, { start, businessDays: 1 })
      expect((await tryComment(mx)).status).toBe(409)

      const res = await ppt.patch(docPath(`/periods/${period.id}`), change())
      expect(res.status).toBe(200)
      expect(res.body.period).toMatchObject({ id: period.id, closedAt: null, ...expected(start) })
      expect(res.body.period.deadline > workspaceToday()).toBe(true)
      expect((await ppt.get(docPath('/periods'))).body).toMatchObject({ open: true, current: { id: period.id } })
      expect((await tryComment(mx)).status).toBe(201)
    })
  }

  test('Closing a period early refuses delegates with the close message; a new period reopens commenting.', async () => {
    const { ppt, mx } = await serverWithSessions()
    const period = await openCommentPeriod(ppt)
    expect((await tryComment(mx)).status).toBe(201)

    const closed = await ppt.patch(docPath(`/periods/${period.id}`), { closed: true })
    expect(closed.status).toBe(200)
    expect(closed.body.period).toMatchObject({ id: period.id, deadline: period.deadline, closedAt: expect.stringMatching(/^\d{4}-/) })
    expect((await ppt.get(docPath('/periods'))).body).toMatchObject({ open: false })
    // The close is dated in the workspace's time zone, as "today" is.
    expect(await tryComment(mx)).toEqual({
      status: 409,
      body: {
        error: `the comment period was closed by the Presidency on ${workspaceToday()} (deadline was ${period.deadline})`,
        code: 'period_closed_early',
        values: { closedOn: workspaceToday(), deadline: period.deadline }
      }
    })
    // Closing again changes nothing.
    const again = await ppt.patch(docPath(`/periods/${period.id}`), { closed: true })
    expect(again.body.period.closedAt).toBe(closed.body.period.closedAt)

    const reopened = await openCommentPeriod(ppt)
    expect(reopened.id).not.toBe(period.id)
    expect((await ppt.get(docPath('/periods'))).body).toMatchObject({ open: true, current: { id: reopened.id } })
    expect((await tryComment(mx)).status).toBe(201)
  })

  test('Moving the deadline of a period closed early opens it again.', async () => {
    const { ppt, mx } = await serverWithSessions()
    const period = await openCommentPeriod(ppt)
    await ppt.patch(docPath(`/periods/${period.id}`), { closed: true })
    expect((await tryComment(mx)).status).toBe(409)
    const moved = await ppt.patch(docPath(`/periods/${period.id}`), { deadline: shift(workspaceToday(), 20) })
    expect(moved.body.period).toMatchObject({ closedAt: null, deadline: shift(workspaceToday(), 20) })
    expect((await tryComment(mx)).status).toBe(201)
  })

  test('Workspace holidays set through PUT /api/settings shift a business-day deadline: 5 days from 2021-11-12 end on 2021-11-22 with 2021-11-15 off.', async () => {
    const { ppt } = await serverWithSessions()
    const none = await ppt.put('/api/settings', { timeZone: WORKSPACE_TIME_ZONE, holidays: [] })
    expect(none).toEqual({ status: 200, body: { settings: { timeZone: WORKSPACE_TIME_ZONE, holidays: [] } } })
    const withoutHoliday = await openPeriod(ppt, { start: '2021-11-12', businessDays: 5 })
    expect(withoutHoliday.deadline).toBe('2021-11-19')

    const set = await ppt.put('/api/settings', { timeZone: WORKSPACE_TIME_ZONE, holidays: ['2021-12-25', '2021-11-15', '2021-11-15'] })
    // Stored sorted, without repeats.
    expect(set.body.settings.holidays).toEqual(['2021-11-15', '2021-12-25'])
    expect((await ppt.get('/api/settings')).body).toEqual(set.body)
    const withHoliday = await openPeriod(ppt, { start: '2021-11-12', businessDays: 5 })
    expect(withHoliday.deadline).toBe('2021-11-22')
    // A change of business days is counted with the holidays too.
    const extended = await ppt.patch(docPath(`/periods/${withoutHoliday.id}`), { businessDays: 5 })
    expect(extended.body.period.deadline).toBe('2021-11-22')
  })

  test('Only the PPT and the Secretariat change the workspace settings, and invalid settings are refused with 400.', async () => {
    const { server, ppt, mx } = await serverWithSessions()
    const refused = await mx.put('/api/settings', { timeZone: WORKSPACE_TIME_ZONE, holidays: ['2021-11-16'] })
    expect(refused).toEqual({ status: 403, body: { error: 'only the Presidency or the Secretariat change the workspace settings' } })
    for (const settings of [
      { timeZone: 'America/Ciudad_Gotica', holidays: [] },
      { timeZone: WORKSPACE_TIME_ZONE, holidays: ['2021-11-31'] },
      { timeZone: WORKSPACE_TIME_ZONE },
      { timeZone: WORKSPACE_TIME_ZONE, holidays: [], extra: true }
    ]) {
      const res = await ppt.put('/api/settings', settings)
      expect(res.status, JSON.stringify(settings)).toBe(400)
      expect(res.body.error).toMatch(/^invalid request body/)
    }
    expect((await (await signIn(server, 'se')).put('/api/settings', { timeZone: 'America/Guatemala', holidays: [] })).status).toBe(200)
    expect((await mx.get('/api/settings')).body.settings).toEqual({ timeZone: 'America/Guatemala', holidays: [] })
  })

  test('Only the PPT and the Secretariat may open or change periods: 403 for a delegate, the reviewer and an observer.', async () => {
    const { server, ppt, mx } = await serverWithSessions()
    const body = { start: workspaceToday(), businessDays: 5 }
    expect(await mx.post(docPath('/periods'), body)).toEqual({
      status: 403,
      body: { error: 'only the Presidency or the Secretariat open comment periods' }
    })
    expect((await (await signIn(server, 'revisor')).post(docPath('/periods'), body)).status).toBe(403)
    expect((await (await signIn(server, 'observador')).post(docPath('/periods'), body)).status).toBe(403)

    const period = await openPeriod(await signIn(server, 'se'), body)
    expect(period.openedBy).toBe('se')
    expect(await mx.patch(docPath(`/periods/${period.id}`), { closed: true })).toEqual({
      status: 403,
      body: { error: 'only the Presidency or the Secretariat change comment periods' }
    })
    expect((await ppt.get(docPath('/periods'))).body).toMatchObject({ open: true, current: { id: period.id, closedAt: null } })
    expect((await ppt.patch(docPath('/periods/no-existe'), { closed: true })).status).toBe(404)
  })

  for (const { name, body } of [
    { name: 'a start that is not a date', body: { start: '2021-02-30', businessDays: 5 } },
    { name: 'a start written day first', body: { start: '01/10/2021', businessDays: 5 } },
    { name: 'a start with a time', body: { start: '2021-10-01T00:00:00Z', businessDays: 5 } },
    { name: 'no start', body: { businessDays: 5 } },
    { name: 'a deadline that is not a date', body: { start: '2021-10-01', deadline: '2021-10-32' } },
    { name: 'a deadline before the start', body: { start: '2021-10-01', deadline: '2021-09-30' } },
    { name: 'zero business days', body: { start: '2021-10-01', businessDays: 0 } },
    { name: 'a fraction of business days', body: { start: '2021-10-01', businessDays: 2.5 } },
    { name: 'business days given as text', body: { start: '2021-10-01', businessDays: '10' } },
    { name: 'both a deadline and business days', body: { start: '2021-10-01', deadline: '2021-10-15', businessDays: 10 } },
    { name: 'neither a deadline nor business days', body: { start: '2021-10-01' } }
  ]) {
    test(`Opening a period with ${name} is refused with 400 and a JSON error.`, async () => {
      const { ppt } = await serverWithSessions()
      const before = (await ppt.get(docPath('/periods'))).body.periods
      const res = await ppt.post(docPath('/periods'), body)
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ error: expect.any(String) })
      expect((await ppt.get(docPath('/periods'))).body.periods).toEqual(before)
    })
  }

  for (const { name, change } of [
    { name: 'a deadline that is not a date', change: { deadline: '2021-13-01' } },
    { name: 'a deadline before the start', change: { deadline: '2021-09-30' } },
    { name: 'negative business days', change: { businessDays: -1 } },
    { name: '"closed: false"', change: { closed: false } },
    { name: 'a new start', change: { start: '2021-10-04' } }
  ]) {
    test(`Changing a period with ${name} is refused with 400, leaving it as it was.`, async () => {
      const { ppt } = await serverWithSessions()
      const period = await openPeriod(ppt, { start: '2021-10-01', businessDays: 10 })
      const res = await ppt.patch(docPath(`/periods/${period.id}`), change)
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ error: expect.any(String) })
      expect((await ppt.get(docPath('/periods'))).body.current).toEqual(period)
    })
  }

  test('A client subscribed to the document\'s events hears of a new period, and that it is open.', async () => {
    const { server, ppt } = await serverWithSessions()
    const subscription = await subscribeToEvents(server, (await signIn(server, 'bz')).token)
    const period = await openCommentPeriod(ppt)
    await vi.waitFor(() => {
      const event = subscription.events.find((e) => e.type === 'period')
      expect(event?.data).toMatchObject({ open: true, current: { id: period.id }, today: workspaceToday() })
    }, WAIT)
  })
})
