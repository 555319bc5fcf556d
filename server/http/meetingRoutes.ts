import type { Router } from 'express'
import { z } from 'zod'
import { MAX_AGENDA_ITEMS, MAX_INTERVENTION_LENGTH, MAX_MEETING_TITLE } from '../../src'
import { MINUTES_FORMATS } from '../meetings/Meetings'
import type { Workspace } from '../Workspace'
import { sendFile } from './exportRoutes'
import { countryCode, text } from './fields'
import { documentOf, signedInOf } from './locals'
import { bodyOf, HttpError, requestKeyOf, valueOf } from './request'

const blockId = z.string().min(1).max(40)
const agendaItem = z
  .object({
    title: text(MAX_MEETING_TITLE),
    minutes: z.number().int().min(0).max(24 * 60).optional(),
    lead: text(MAX_MEETING_TITLE).optional(),
    blockId: blockId.optional()
  })
  .strict()
// Who chairs is the session's account: a body's "chair" or "startedBy" is refused, not trusted.
const newMeetingBody = z
  .object({ title: text(MAX_MEETING_TITLE), agenda: z.array(agendaItem).max(MAX_AGENDA_ITEMS), attendees: z.array(countryCode).max(11).optional() })
  .strict()
const focusBody = z.object({ blockId }).strict()
const interventionBody = z.object({ blockId, country: countryCode, summary: text(MAX_INTERVENTION_LENGTH) }).strict()
// The chair lets the delegations present hold, lift and support in the room, or stops letting them.
const allowBody = z.object({ holds: z.boolean() }).strict()
const minutesQuery = z.object({ format: z.enum(MINUTES_FORMATS) })

const countryParam = (value: unknown) => {
  const parsed = countryCode.safeParse(value)
  if (!parsed.success) throw new HttpError(400, `${String(value)} is not the ISO code of a member country`)
  return parsed.data
}

/**
 * The routes of meetings, under `/api/documents/:id` (`document`, behind
 * `requireDocument`: observers reach none); who may do what is the
 * workspace's to say, from the session:
 * - `GET /meetings` → `{ meetings }`; `GET /meetings/:mid` → `{ meeting }`
 * - `POST /meetings` `{ title, agenda: [{ title, minutes?, lead?, blockId? }], attendees? }` → 201 `{ meeting }` (Presidency, Secretariat)
 * - `POST /meetings/:mid/focus` `{ blockId }` → `{ meeting }`, the paragraph presented (the chair)
 * - `POST /meetings/:mid/floor` → `{ meeting }`, the session's delegation asks for the floor; `DELETE` withdraws its request or yields
 * - `POST /meetings/:mid/floor/next` → `{ meeting }`, the chair gives the floor to the first waiting (or closes it)
 * - `POST /meetings/:mid/floor/:country` → `{ meeting }`, the chair gives the floor; `DELETE` takes it back or drops the request
 * - `POST /meetings/:mid/interventions` `{ blockId, country, summary }` (`Idempotency-Key`) → 201 `{ comment }` of kind `intervention` (Presidency, Secretariat)
 * - `POST /meetings/:mid/allow` `{ holds: boolean }` → `{ meeting }`: whether the delegations present may hold and
 *   lift brackets and support options and proposals while it runs, outside a comment period (the chair)
 * - `POST /meetings/:mid/end` → `{ meeting }` (the chair)
 * - `GET /meetings/:mid/minutes?format=docx|md` → the minutes as a download
 *
 * Every change is also sent to the document's event stream as a `meeting` event.
 */
export function meetingRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  const { meetings } = workspace
  const mid = (params: Record<string, unknown>) => String(params.mid)

  document.get('/meetings', async (_req, res) => {
    res.json({ meetings: await meetings.list(documentOf(res).id) })
  })

  document.post('/meetings', async (req, res) => {
    const { title, agenda, attendees } = bodyOf(req, newMeetingBody)
    res.status(201).json({ meeting: valueOf(await meetings.start(signedInOf(res).account, documentOf(res).id, { title, agenda, attendees: attendees ?? [] })) })
  })

  document.get('/meetings/:mid', async (req, res) => {
    res.json({ meeting: valueOf(await meetings.get(documentOf(res).id, mid(req.params))) })
  })

  document.post('/meetings/:mid/focus', async (req, res) => {
    const { blockId } = bodyOf(req, focusBody)
    res.json({ meeting: valueOf(await meetings.focus(signedInOf(res).account, documentOf(res).id, mid(req.params), blockId)) })
  })

  document.post('/meetings/:mid/floor', async (req, res) => {
    res.json({ meeting: valueOf(await meetings.askFloor(signedInOf(res).account, documentOf(res).id, mid(req.params))) })
  })

  document.delete('/meetings/:mid/floor', async (req, res) => {
    res.json({ meeting: valueOf(await meetings.withdrawFloor(signedInOf(res).account, documentOf(res).id, mid(req.params))) })
  })

  document.post('/meetings/:mid/floor/next', async (req, res) => {
    res.json({ meeting: valueOf(await meetings.giveFloor(signedInOf(res).account, documentOf(res).id, mid(req.params))) })
  })

  document.post('/meetings/:mid/floor/:country', async (req, res) => {
    const country = countryParam(req.params.country)
    res.json({ meeting: valueOf(await meetings.giveFloor(signedInOf(res).account, documentOf(res).id, mid(req.params), country)) })
  })

  document.delete('/meetings/:mid/floor/:country', async (req, res) => {
    const country = countryParam(req.params.country)
    res.json({ meeting: valueOf(await meetings.withdrawFloor(signedInOf(res).account, documentOf(res).id, mid(req.params), country)) })
  })

  document.post('/meetings/:mid/interventions', async (req, res) => {
    const input = bodyOf(req, interventionBody)
    res.status(201).json({ comment: valueOf(await meetings.intervene(signedInOf(res).account, documentOf(res).id, mid(req.params), input, requestKeyOf(req))) })
  })

  document.post('/meetings/:mid/allow', async (req, res) => {
    const { holds } = bodyOf(req, allowBody)
    res.json({ meeting: valueOf(await meetings.allowDelegations(signedInOf(res).account, documentOf(res).id, mid(req.params), holds)) })
  })

  document.post('/meetings/:mid/end', async (req, res) => {
    res.json({ meeting: valueOf(await meetings.end(signedInOf(res).account, documentOf(res).id, mid(req.params))) })
  })

  document.get('/meetings/:mid/minutes', async (req, res) => {
    const parsed = minutesQuery.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, 'format must be docx or md')
    sendFile(res, valueOf(await meetings.minutes(signedInOf(res).account, documentOf(res), mid(req.params), parsed.data.format)))
  })
}
