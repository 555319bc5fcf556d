import { createHash } from 'node:crypto'
import type { Response, Router } from 'express'
import { z } from 'zod'
import type { VersionDiff } from '../../src'
import { redlineHtml } from '../versions/redlineHtml'
import { pooledDiffer, refusalOf } from '../work'
import type { Workspace } from '../Workspace'
import { text } from './fields'
import { documentOf, signedInOf } from './locals'
import { bodyOf, HttpError, requestKeyOf, valueOf } from './request'

const newVersionBody = z.object({ name: text(200) })
const diffQuery = z.object({
  from: z.string().min(1, 'from names a version'),
  to: z.string().min(1, 'to names a version or "draft"'),
  format: z.enum(['json', 'html']).optional()
})

/**
 * The routes of versions and their comparison, under `/api/documents/:id`
 * (`document`, behind `requireDocument`):
 * - `GET /versions` → `{ versions }`
 * - `POST /versions` `{ name }` (`Idempotency-Key`) → 201 `{ version }`, the live text published
 * - `GET /versions/:vid` → `{ version }`
 * - `POST /versions/:vid/restore` → `{ ok }`, a new draft started from the version
 * - `GET /diff?from&to&format=json|html` → the comparison, as JSON or as a redline page
 */
export function versionRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  // A comparison of two published versions is the same object each time it
  // is asked for (Versions keeps it): it is written out once per format and
  // title, not on the event loop for every request. The JSON of 4,000
  // reworded paragraphs, and the hash of its ETag, take tens of ms each time.
  const written = new WeakMap<VersionDiff, Map<string, { readonly body: Buffer; readonly etag: string }>>()
  const sendOnce = (res: Response, diff: VersionDiff, type: 'json' | 'html', key: string, write: () => string) => {
    let bodies = written.get(diff)
    if (!bodies) written.set(diff, (bodies = new Map()))
    let answer = bodies.get(key)
    if (!answer) {
      const body = Buffer.from(write())
      // The weak ETag express would make of the same body.
      answer = { body, etag: `W/"${body.byteLength.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"` }
      bodies.set(key, answer)
    }
    res.type(type).set('ETag', answer.etag).send(answer.body)
  }

  document.get('/versions', async (_req, res) => {
    res.json({ versions: await workspace.versions.list(documentOf(res).id) })
  })

  document.post('/versions', async (req, res) => {
    const { name } = bodyOf(req, newVersionBody)
    res.status(201).json({ version: valueOf(await workspace.versions.publish(signedInOf(res).account, documentOf(res).id, name, requestKeyOf(req))) })
  })

  document.get('/versions/:vid', async (req, res) => {
    res.json({ version: valueOf(await workspace.versions.get(documentOf(res).id, String(req.params.vid))) })
  })

  document.post('/versions/:vid/restore', async (req, res) => {
    valueOf(await workspace.versions.startDraftFrom(signedInOf(res).account, documentOf(res).id, String(req.params.vid)))
    res.json({ ok: true })
  })

  document.get('/diff', async (req, res) => {
    const parsed = diffQuery.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, `invalid comparison: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`)
    const { from, to, format } = parsed.data
    // Compared off the event loop, within the diff's budget; every request
    // counts against the account's rate, even one answered from memory.
    const { username } = signedInOf(res).account
    const refused = workspace.work.admit(username)
    if (refused) valueOf(refusalOf(refused, 422))
    const diff = valueOf(await workspace.versions.diff(documentOf(res).id, from, to, pooledDiffer(workspace.work, username, { admitted: true })))
    if (format === 'html') {
      // The page carries its own inline style and no script at all.
      res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
      const { title } = documentOf(res)
      sendOnce(res, diff, 'html', `html ${title}`, () => redlineHtml(diff, title))
      return
    }
    sendOnce(res, diff, 'json', 'json', () => JSON.stringify(diff))
  })
}
