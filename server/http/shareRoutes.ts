import type { Response, Router } from 'express'
import { Node as ProseMirrorNode } from 'prosemirror-model'
import { z } from 'zod'
import { isUsername, ROLE_TITLES, schema, type DocumentMeta } from '../../src'
import { actorOf } from '../audit'
import type { StoredAccount } from '../auth/Accounts'
import { DOCX_MIME_TYPE, MARKDOWN_MIME_TYPE, serializeMarkdown, versionToDocx } from '../exchange'
import type { Workspace } from '../Workspace'
import { bodyOf, fileName, HttpError, valueOf } from './request'

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

const exportQuery = z.object({ format: z.enum(['docx', 'md']) })

const accountOf = (res: Response) => res.locals.account as StoredAccount
const documentOf = (res: Response) => res.locals.document as DocumentMeta

/**
 * The routes of versions shared with observers.
 *
 * Under `/api/documents/:id` (`documentRoutes`, whose middleware already
 * refuses anyone who may not read the document, observers included):
 * - `POST /versions/:vid/shares` `{ observers?: string[] }` → 201 `{ share }` (Presidency)
 * - `GET /shares` → `{ shares }`, withdrawn ones included (Presidency, Secretariat)
 * - `DELETE /shares/:sid` → `{ share }` withdrawn (Presidency); 404 unknown, 409 already withdrawn
 *
 * Under `/api` (`api`, after the session check), for observers:
 * - `GET /shared` → `{ shares }` that stand for the caller; every other role gets an empty list
 * - `GET /shared/:sid` → `{ share, document, version }`, the version's text only
 * - `GET /shared/:sid/export?format=docx|md` → the version as a file (recorded as `export.version`)
 *
 * A shared version that does not exist, was withdrawn or is not for the
 * caller answers 404 alike.
 */
export function shareRoutes({ api, documentRoutes, workspace }: { api: Router; documentRoutes: Router; workspace: Workspace }): void {
  documentRoutes.post('/versions/:vid/shares', async (req, res) => {
    const { observers } = bodyOf(req, newShareBody)
    const share = valueOf(
      await workspace.shares.share(accountOf(res), documentOf(res).id, String(req.params.vid), observers ? { observers } : {})
    )
    res.status(201).json({ share })
  })

  documentRoutes.get('/shares', async (_req, res) => {
    res.json({ shares: valueOf(await workspace.shares.list(accountOf(res), documentOf(res).id)) })
  })

  documentRoutes.delete('/shares/:sid', async (req, res) => {
    res.json({ share: valueOf(await workspace.shares.withdraw(accountOf(res), documentOf(res).id, String(req.params.sid))) })
  })

  api.get('/shared', async (_req, res) => {
    res.json({ shares: await workspace.shares.sharedWith(accountOf(res)) })
  })

  api.get('/shared/:sid', async (req, res) => {
    res.json(valueOf(await workspace.shares.open(accountOf(res), String(req.params.sid))))
  })

  api.get('/shared/:sid/export', async (req, res) => {
    const parsed = exportQuery.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, 'format must be docx or md')
    const account = accountOf(res)
    const shared = valueOf(await workspace.shares.open(account, String(req.params.sid)))
    const { format } = parsed.data
    const doc = ProseMirrorNode.fromJSON(schema, shared.version.content)
    const bytes =
      format === 'md'
        ? serializeMarkdown(doc)
        : Buffer.from(
            await versionToDocx(doc, {
              title: shared.document.title,
              versionName: shared.version.name,
              createdAt: shared.version.createdAt,
              // Only the Presidency shares versions with observers: the file comes from it.
              author: ROLE_TITLES.ppt
            })
          )
    await workspace.audit.record({
      action: 'export.version',
      actor: actorOf(account),
      target: { document: shared.document.id, version: shared.version.id, share: shared.share.id },
      details: { format, name: shared.version.name }
    })
    res.attachment(fileName(`${shared.document.title} - ${shared.version.name}`, format))
    res.type(format === 'md' ? MARKDOWN_MIME_TYPE : DOCX_MIME_TYPE).send(bytes)
  })
}
