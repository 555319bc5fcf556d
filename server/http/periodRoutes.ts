import type { Router } from 'express'
import { z } from 'zod'
import type { Workspace } from '../Workspace'
import { isoDate } from './fields'
import { documentOf, signedInOf } from './locals'
import { bodyOf, requestKeyOf, valueOf } from './request'

const deadlineRule = z.union([z.object({ businessDays: z.number().int() }).strict(), z.object({ deadline: isoDate }).strict()])
const newPeriodBody = z.union([
  z.object({ start: isoDate, businessDays: z.number().int() }).strict(),
  z.object({ start: isoDate, deadline: isoDate }).strict()
])
const periodChangeBody = z.union([deadlineRule, z.object({ closed: z.literal(true) }).strict()])

/**
 * The routes of comment periods, under `/api/documents/:id` (`document`, behind `requireDocument`):
 * - `GET /periods` → the periods and whether one is open now
 * - `POST /periods` `{ start, businessDays | deadline }` (`Idempotency-Key`) → 201 `{ period }`
 * - `PATCH /periods/:pid` `{ businessDays | deadline }` or `{ closed: true }` → `{ period }`
 */
export function periodRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  document.get('/periods', async (_req, res) => {
    res.json(await workspace.periods.view(documentOf(res).id))
  })

  document.post('/periods', async (req, res) => {
    const { start, ...rule } = bodyOf(req, newPeriodBody)
    res.status(201).json({ period: valueOf(await workspace.periods.open(signedInOf(res).account, documentOf(res).id, start, rule, requestKeyOf(req))) })
  })

  document.patch('/periods/:pid', async (req, res) => {
    const change = bodyOf(req, periodChangeBody)
    res.json({ period: valueOf(await workspace.periods.change(signedInOf(res).account, documentOf(res).id, String(req.params.pid), change)) })
  })
}
