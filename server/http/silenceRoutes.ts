import type { Router } from 'express'
import { z } from 'zod'
import { MAX_OBJECTION_LENGTH } from '../../src'
import type { Workspace } from '../Workspace'
import { text } from './fields'
import { documentOf, signedInOf } from './locals'
import { bodyOf, valueOf } from './request'

const newProcedureBody = z.union([
  z.object({ deadline: z.string().max(40) }).strict(),
  z.object({ businessDays: z.number().int() }).strict()
])

const objectionBody = z
  .object({ reason: text(MAX_OBJECTION_LENGTH), amendment: z.string().trim().max(MAX_OBJECTION_LENGTH).optional() })
  .strict()

/**
 * The routes of silence procedures, under `/api/documents/:id` (`document`,
 * behind `requireDocument`, so observers are refused):
 * - `POST /versions/:vid/silence` `{ deadline }` (a date-time, on the
 *   workspace's clock unless it names a zone) or `{ businessDays }` → 201 `{ procedure }` (Presidency)
 * - `POST /versions/:vid/silence/objections` `{ reason, amendment? }` → 201 `{ procedure }` (a delegation, for its own country)
 * - `GET /versions/:vid/silence` → `{ procedure }`; 404 if the version has none
 * - `GET /silence` → `{ procedures }`, every procedure of the document, oldest first
 */
export function silenceRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  document.post('/versions/:vid/silence', async (req, res) => {
    const rule = bodyOf(req, newProcedureBody)
    const procedure = valueOf(await workspace.silence.open(signedInOf(res).account, documentOf(res).id, String(req.params.vid), rule))
    res.status(201).json({ procedure })
  })

  document.post('/versions/:vid/silence/objections', async (req, res) => {
    const objection = bodyOf(req, objectionBody)
    const procedure = valueOf(await workspace.silence.object(signedInOf(res).account, documentOf(res).id, String(req.params.vid), objection))
    res.status(201).json({ procedure })
  })

  document.get('/versions/:vid/silence', async (req, res) => {
    res.json({ procedure: valueOf(await workspace.silence.get(documentOf(res).id, String(req.params.vid))) })
  })

  document.get('/silence', async (_req, res) => {
    res.json({ procedures: await workspace.silence.list(documentOf(res).id) })
  })
}
