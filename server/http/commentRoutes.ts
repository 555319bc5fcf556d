import type { Router } from 'express'
import { z } from 'zod'
import { COMMENT_STATUSES, MAX_COMMENT_LENGTH, MAX_JUSTIFICATION_LENGTH, MAX_SUGGESTION_LENGTH, type CommentStatus } from '../../src'
import type { Workspace } from '../Workspace'
import { countryCode, quoteSelector, text } from './fields'
import { documentOf, signedInOf } from './locals'
import { bodyOf, HttpError, requestKeyOf, valueOf } from './request'

const commentStatus = z.enum(COMMENT_STATUSES as [CommentStatus, ...CommentStatus[]])

// Input bodies drop fields they do not define: a client's "country", "author"
// or "createdAt" is ignored, never trusted (the session decides them).
const newCommentBody = z.object({
  body: text(MAX_COMMENT_LENGTH),
  anchor: quoteSelector,
  suggestion: z.object({ text: z.string().max(MAX_SUGGESTION_LENGTH) }).optional(),
  justification: z.string().max(MAX_JUSTIFICATION_LENGTH).optional()
})
const replyBody = z.object({ body: text(MAX_COMMENT_LENGTH) })
const statusBody = z.object({ status: commentStatus, answer: text(MAX_COMMENT_LENGTH).optional() })
const decideAllBody = z.object({ country: countryCode, outcome: z.enum(['accept', 'reject']) }).strict()
const commentQuery = z.object({ country: countryCode.optional(), status: commentStatus.optional() })

/**
 * The routes of comments and proposals, under `/api/documents/:id`
 * (`document`, behind `requireDocument`); who may do what is the workspace's to say:
 * - `GET /comments?country&status` → `{ comments }`
 * - `POST /comments` (`Idempotency-Key`) → 201 `{ comment }`, anchored to the quoted passage
 * - `GET /comments/:cid` → `{ comment }`
 * - `POST /comments/:cid/replies` (`Idempotency-Key`) → 201 `{ comment }`
 * - `PATCH /comments/:cid` `{ status, answer? }` → `{ comment }`
 * - `POST /comments/:cid/accept|reject` → `{ comment }`, a proposal decided
 * - `POST|DELETE /comments/:cid/support` → `{ comment }`, the session's country's support for another country's proposal given or taken back
 * - `POST /proposals/decide` `{ country, outcome }` → `{ results }`, every open proposal of a country decided, each with its own result
 *
 * Mount it after `GET /comments/export` (see `exportRoutes`): otherwise "export" reads as a comment id.
 */
export function commentRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  document.get('/comments', async (req, res) => {
    const parsed = commentQuery.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, `invalid filter: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`)
    res.json({ comments: await workspace.comments.list(documentOf(res).id, parsed.data) })
  })

  document.post('/comments', async (req, res) => {
    const input = bodyOf(req, newCommentBody)
    res.status(201).json({ comment: valueOf(await workspace.comments.create(signedInOf(res).account, documentOf(res).id, input, requestKeyOf(req))) })
  })

  document.post('/proposals/decide', async (req, res) => {
    const { country, outcome } = bodyOf(req, decideAllBody)
    const decided = await workspace.comments.decideAll(signedInOf(res).account, documentOf(res).id, country, outcome === 'accept' ? 'accepted' : 'rejected')
    res.json({
      results: valueOf(decided).map((r) => ('failed' in r.result ? { id: r.id, error: r.result.failed.message } : { id: r.id, comment: r.result.ok }))
    })
  })

  document.get('/comments/:cid', async (req, res) => {
    res.json({ comment: valueOf(await workspace.comments.get(documentOf(res).id, String(req.params.cid))) })
  })

  document.post('/comments/:cid/replies', async (req, res) => {
    const { body } = bodyOf(req, replyBody)
    const replied = await workspace.comments.reply(signedInOf(res).account, documentOf(res).id, String(req.params.cid), body, requestKeyOf(req))
    res.status(201).json({ comment: valueOf(replied) })
  })

  document.patch('/comments/:cid', async (req, res) => {
    const { status, answer } = bodyOf(req, statusBody)
    res.json({ comment: valueOf(await workspace.comments.setStatus(signedInOf(res).account, documentOf(res).id, String(req.params.cid), status, answer)) })
  })

  for (const [method, on] of [['post', true], ['delete', false]] as const)
    document[method]('/comments/:cid/support', async (req, res) => {
      res.json({ comment: valueOf(await workspace.comments.support(signedInOf(res).account, documentOf(res).id, String(req.params.cid), on)) })
    })

  for (const [path, outcome] of [['accept', 'accepted'], ['reject', 'rejected']] as const)
    document.post(`/comments/:cid/${path}`, async (req, res) => {
      res.json({ comment: valueOf(await workspace.comments.decide(signedInOf(res).account, documentOf(res).id, String(req.params.cid), outcome)) })
    })
}
