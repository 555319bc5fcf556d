import type { Router } from 'express'
import { z } from 'zod'
import { BLOCK_STATUSES, type BlockStatus } from '../../src'
import type { Workspace } from '../Workspace'
import { countryCode } from './fields'
import { documentOf, signedInOf } from './locals'
import { bodyOf, valueOf } from './request'

const statusBody = z
  .object({
    status: z.enum(BLOCK_STATUSES as [BlockStatus, ...BlockStatus[]]),
    pending: z.array(countryCode).max(11).optional()
  })
  .strict()

/**
 * The routes of the paragraphs' standing, under `/api/documents/:id`
 * (`document`, behind `requireDocument`); who may do what is the workspace's to say:
 * - `GET /blocks` → `{ blocks: [{ blockId, status, pending, provenance }] }`, every paragraph of the live text
 * - `PUT /blocks/:blockId/status` `{ status, pending? }` → `{ block }` (Presidency, Secretariat)
 */
export function blockRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  document.get('/blocks', async (_req, res) => {
    res.json({ blocks: await workspace.blockStatuses.list(documentOf(res).id) })
  })

  document.put('/blocks/:blockId/status', async (req, res) => {
    const input = bodyOf(req, statusBody)
    res.json({ block: valueOf(await workspace.blockStatuses.set(signedInOf(res).account, documentOf(res).id, String(req.params.blockId), input)) })
  })
}
