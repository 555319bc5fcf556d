import type { Router } from 'express'
import { z } from 'zod'
import { isUsername } from '../../src'
import { VERSION_FORMATS } from '../exchange'
import type { Workspace } from '../Workspace'
import { sendFile } from './exportRoutes'
import { documentOf, signedInOf } from './locals'
import { bodyOf, HttpError, valueOf } from './request'

// Strict on purpose: a misspelt "observers" must not silently widen a share
// to every observer.
const newShareBody = z
  .object({
    observers: z
      .array(z.string().refine(isUsername, 'not a username'))
      .min(1, 'name at least one observer, or leave the list out to share with every observer')
      .max(500)
      .optional()
  })
  .strict()

const exportQuery = z.object({ format: z.enum(VERSION_FORMATS) })

/**
 * The routes of versions shared with observers.
 *
 * Under `/api/documents/:id` (`document`, behind `requireDocument`, which
 * refuses anyone who may not read the document, observers included):
 * - `POST /versions/:vid/shares` `{ observers?: string[] }` → 201 `{ share }` (Presidency)
 * - `GET /shares` → `{ shares }`, withdrawn ones included (Presidency, Secretariat)
 * - `DELETE /shares/:sid` → `{ share }` withdrawn (Presidency); 404 unknown, 409 already withdrawn
 *
 * Under `/api` (`api`, behind `requireSession`), for observers:
 * - `GET /shared` → `{ shares }` that stand for the caller; every other role gets an empty list
 * - `GET /shared/:sid` → `{ share, document, version }`, the version's text only
 * - `GET /shared/:sid/export?format=docx|md` → the version as a file (recorded as `export.version`)
 *
 * A shared version that does not exist, was withdrawn or is not for the
 * caller answers 404 alike.
 */
export function shareRoutes({ api, document, workspace }: { api: Router; document: Router; workspace: Workspace }): void {
  document.post('/versions/:vid/shares', async (req, res) => {
    const { observers } = bodyOf(req, newShareBody)
    const share = valueOf(
      await workspace.shares.share(signedInOf(res).account, documentOf(res).id, String(req.params.vid), observers ? { observers } : {})
    )
    res.status(201).json({ share })
  })

  document.get('/shares', async (_req, res) => {
    res.json({ shares: valueOf(await workspace.shares.list(signedInOf(res).account, documentOf(res).id)) })
  })

  document.delete('/shares/:sid', async (req, res) => {
    res.json({ share: valueOf(await workspace.shares.withdraw(signedInOf(res).account, documentOf(res).id, String(req.params.sid))) })
  })

  api.get('/shared', async (_req, res) => {
    res.json({ shares: await workspace.shares.sharedWith(signedInOf(res).account) })
  })

  api.get('/shared/:sid', async (req, res) => {
    res.json(valueOf(await workspace.shares.open(signedInOf(res).account, String(req.params.sid))))
  })

  api.get('/shared/:sid/export', async (req, res) => {
    const parsed = exportQuery.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, 'format must be docx or md')
    sendFile(res, valueOf(await workspace.exports.sharedVersion(signedInOf(res).account, String(req.params.sid), parsed.data.format)))
  })
}
