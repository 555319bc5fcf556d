import { describe, expect, test } from 'vitest'
import { plainText } from '../../src'
import { importDocx } from '../../server/exchange'
import { docPath, openCommentPeriod, quoteSelector, startWithSessions, type ApiSession, type Reachable } from '../support'

// Passages of the demo Strategy no demo bracket touches.
const ALONE = 'afrontar este reto'
const OTHER = 'de forma aislada'

/** A server with the demo (no comment period open) and the sessions of the chair, the Secretariat, two delegations present and one absent. */
function started() {
  return startWithSessions(['ppt', 'se', 'gt', 'mx', 'hn'])
}

async function startMeeting(chair: ApiSession) {
  const res = await chair.post(docPath('/meetings'), { title: 'Cuarta reunión', agenda: [], attendees: ['GT', 'MX', 'CR'] })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.meeting as { id: string }
}

async function place(session: ApiSession, exact: string) {
  const res = await session.post(docPath('/brackets'), { anchor: quoteSelector(exact), reason: 'Sin consenso.' })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.bracket as { id: string; anchor: { blockId: string } }
}

/** The test's own audit entries of `action` (the demo's, stamped 2021, left out), oldest first. */
async function audited(session: ApiSession, action: string) {
  const res = await session.get(`/api/audit?action=${action}&limit=100`)
  expect(res.status).toBe(200)
  return (res.body.entries as Array<Record<string, any>>).filter((e) => e.at >= '2025').reverse()
}

async function minutesOf(server: Reachable, session: ApiSession, meetingId: string, format: 'md' | 'docx') {
  const res = await fetch(`${server.url}${docPath(`/meetings/${meetingId}/minutes?format=${format}`)}`, { headers: { Authorization: `Bearer ${session.token}` } })
  expect(res.status).toBe(200)
  return format === 'md' ? res.text() : plainText(await importDocx(new Uint8Array(await res.arrayBuffer())))
}

/** An open proposal of the demo by a country other than `not`, for a delegation to support. */
async function openProposal(session: ApiSession, not: string) {
  const comments = (await session.get(docPath('/comments'))).body.comments as Array<Record<string, any>>
  const found = comments.find((c) => c.country && c.country !== not && c.suggestion && !c.suggestion.decision && c.status === 'open')
  expect(found, 'an open proposal in the demo').toBeDefined()
  return found!
}

describe('Acts of the chair in a meeting', () => {
  test('Brackets placed, options added and chosen, brackets removed and paragraph statuses set while a meeting runs record its id on the record and in the audit trail, and the minutes list them.', async () => {
    const { server, ppt, se } = await started()
    const meeting = await startMeeting(ppt)
    const bracket = await place(ppt, ALONE)
    const option = (await se.post(docPath(`/brackets/${bracket.id}/options`), { text: 'enfrentar juntos este reto' })).body.bracket.options[0]
    expect((await ppt.post(docPath(`/brackets/${bracket.id}/options/${option.id}/choose`))).status).toBe(200)
    const removed = await ppt.delete(docPath(`/brackets/${bracket.id}`))
    expect(removed.status).toBe(200)
    expect(removed.body.bracket).toMatchObject({ chosen: { meeting: meeting.id }, removed: { meeting: meeting.id } })
    const status = await se.put(docPath(`/blocks/${bracket.anchor.blockId}/status`), { status: 'ad-ref', pending: ['HN', 'SV'] })
    expect(status.status, JSON.stringify(status.body)).toBe(200)

    // On the record: the bracket carries the meeting of each act (the status record's is read back by the minutes below).
    expect(bracket).toMatchObject({ meeting: meeting.id })
    expect(option).toMatchObject({ meeting: meeting.id })
    for (const action of ['bracket.placed', 'bracket.option.added', 'bracket.option.chosen', 'bracket.removed', 'block.status']) {
      const entries = await audited(ppt, action)
      expect(entries, action).toHaveLength(1)
      expect(entries[0]!.target.meeting, action).toBe(meeting.id)
    }

    const md = await minutesOf(server, ppt, meeting.id, 'md')
    expect(md).toContain(`corchetes colocados en «${ALONE}»`)
    expect(md).toContain('opción añadida a los corchetes')
    expect(md).toContain('«enfrentar juntos este reto»')
    expect(md).toContain('corchetes retirados')
    expect(md).toMatch(/estado: Acordado ad referéndum \(pendiente de confirmación de (HN, SV|SV, HN)\)/)
    const docx = await minutesOf(server, ppt, meeting.id, 'docx')
    expect(docx).toContain(`corchetes colocados en «${ALONE}»`)
    expect(docx).toContain('estado: Acordado ad referéndum')

    // Acts after the meeting ended are no longer in it, nor in its minutes.
    expect((await ppt.post(docPath(`/meetings/${meeting.id}/end`))).status).toBe(200)
    const after = await place(ppt, OTHER)
    const placed = await audited(ppt, 'bracket.placed')
    expect(placed.find((e) => e.target.bracket === after.id)!.target.meeting).toBeUndefined()
    expect(await minutesOf(server, ppt, meeting.id, 'md')).not.toContain(`«${OTHER}»`)
  })

  test('Outside a meeting, acts of the chair carry no meeting, on the record or in the audit trail.', async () => {
    const { ppt } = await started()
    const bracket = await place(ppt, ALONE)
    expect(bracket).not.toHaveProperty('meeting')
    expect((await ppt.put(docPath(`/blocks/${bracket.anchor.blockId}/status`), { status: 'agreed' })).status).toBe(200)
    for (const action of ['bracket.placed', 'block.status']) expect((await audited(ppt, action))[0]!.target).not.toHaveProperty('meeting')
  })
})

describe('Delegations acting in a meeting', () => {
  test('Outside a period a delegation is refused, unless the chair allowed it in a running meeting the delegation attends; after the meeting ends it is refused again.', async () => {
    const { ppt, gt, hn } = await started()
    const bracket = await place(ppt, ALONE)
    const proposal = await openProposal(ppt, 'GT')
    const meeting = await startMeeting(ppt)

    // The meeting alone allows nothing.
    expect((await gt.post(docPath(`/brackets/${bracket.id}/hold`))).status).toBe(409)
    expect((await gt.post(docPath(`/comments/${proposal.id}/support`))).status).toBe(409)

    const allowed = await ppt.post(docPath(`/meetings/${meeting.id}/allow`), { holds: true })
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200)
    expect(allowed.body.meeting.delegationsMayAct).toBe(true)
    const [entry] = await audited(ppt, 'meeting.delegations')
    expect(entry).toMatchObject({ actor: { username: 'ppt' }, target: { meeting: meeting.id }, details: { allowed: true } })

    const held = await gt.post(docPath(`/brackets/${bracket.id}/hold`))
    expect(held.status, JSON.stringify(held.body)).toBe(200)
    expect(held.body.bracket.holders).toEqual(['GT'])
    expect((await audited(ppt, 'bracket.held'))[0]!.target.meeting).toBe(meeting.id)
    expect((await gt.post(docPath(`/comments/${proposal.id}/support`))).body.comment.supporters).toEqual(['GT'])
    // A delegation not present at the meeting is still refused.
    expect((await hn.post(docPath(`/brackets/${bracket.id}/hold`))).status).toBe(409)
    expect((await gt.post(docPath(`/brackets/${bracket.id}/lift`))).body.bracket.holders).toEqual([])

    // The chair may withdraw it.
    expect((await ppt.post(docPath(`/meetings/${meeting.id}/allow`), { holds: false })).body.meeting.delegationsMayAct).toBe(false)
    expect((await gt.post(docPath(`/brackets/${bracket.id}/hold`))).status).toBe(409)
    await ppt.post(docPath(`/meetings/${meeting.id}/allow`), { holds: true })
    expect((await ppt.post(docPath(`/meetings/${meeting.id}/end`))).status).toBe(200)
    const refused = await gt.post(docPath(`/brackets/${bracket.id}/hold`))
    expect(refused.status).toBe(409)
    expect(refused.body.code).toMatch(/^period_/)
    expect((await gt.delete(docPath(`/comments/${proposal.id}/support`))).status).toBe(409)
    // An ended meeting cannot be opened to delegations again.
    expect((await ppt.post(docPath(`/meetings/${meeting.id}/allow`), { holds: true })).status).toBe(409)
  })

  test('Only the chair allows it; the body says only whether, and a bad body changes nothing.', async () => {
    const { ppt, se, gt } = await started()
    const meeting = await startMeeting(ppt)
    expect((await gt.post(docPath(`/meetings/${meeting.id}/allow`), { holds: true })).status).toBe(403)
    for (const body of [{}, { holds: 'yes' }, { holds: true, country: 'GT' }])
      expect((await ppt.post(docPath(`/meetings/${meeting.id}/allow`), body)).status).toBe(400)
    expect((await ppt.get(docPath(`/meetings/${meeting.id}`))).body.meeting.delegationsMayAct).toBeUndefined()
    expect((await se.post(docPath(`/meetings/${meeting.id}/allow`), { holds: true })).body.meeting.delegationsMayAct).toBe(true)
  })

  test('In an open period a delegation acts as before, meeting or not.', async () => {
    const { ppt, mx } = await started()
    await openCommentPeriod(ppt)
    const bracket = await place(ppt, ALONE)
    expect((await mx.post(docPath(`/brackets/${bracket.id}/hold`))).body.bracket.holders).toEqual(['MX'])
  })
})
