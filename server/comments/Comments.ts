import { createHash, randomUUID } from 'node:crypto'
import { z } from 'zod'
import type * as Y from 'yjs'
import {
  anchorFromQuote,
  delegationMayActIn,
  anchorInBlock,
  COMMENT_KINDS,
  authorOf,
  isCommentStatus,
  kindOf,
  isCountryCode,
  supportRefusal,
  withSupport,
  mayComment,
  mayDecide,
  mayWithdraw,
  needsOpenPeriod,
  resolveAnchor,
  textBlocks,
  type Account,
  type Comment,
  type CommentId,
  type CommentKind,
  type CommentStatus,
  type CommentView,
  type CountryCode,
  type DocumentId,
  type MarkupResult,
  type NewComment,
  type TextQuoteSelector,
  type UnplacedMarkup,
  type Meeting
} from '../../src'
import type { Markup, MarkupPlace } from '../exchange'
import { DamagedRecordError, RecordStore, type DamageReport, type Store } from '../../storage'
import { actorOf, type AuditAction, type AuditDetails, type AuditLog, type AuditRecord } from '../audit'
import { replaceWording, type Collaboration } from '../collab'
import type { DocumentEvents } from '../DocumentEvents'
import { findRetry, requestStampRecord, stampOf } from '../requestStamp'
import { ok, refuse, type Outcome } from '../Outcome'
import type { CommentQuotaConfig } from '../config'
import { CommentQuota } from './CommentQuota'
import type { Periods } from './Periods'

const author = z.object({ username: z.string(), name: z.string(), role: z.string(), country: z.string().nullable() })
const commentRecord = z.object({
  id: z.string(),
  documentId: z.string(),
  country: z.string().nullable(),
  author,
  createdAt: z.string(),
  body: z.string(),
  status: z.string().refine(isCommentStatus),
  anchor: z.object({ blockId: z.string(), start: z.unknown(), end: z.unknown(), quote: z.string() }),
  replies: z.array(z.object({ id: z.string(), author, createdAt: z.string(), body: z.string(), request: requestStampRecord })),
  suggestion: z
    .object({
      text: z.string(),
      decision: z
        .object({
          outcome: z.enum(['accepted', 'rejected']),
          by: author,
          at: z.string(),
          replaced: z.string().optional(),
          quoted: z.string().optional(),
          meeting: z.string().optional()
        })
        .nullable()
    })
    .nullable(),
  answer: z.object({ body: z.string(), by: author, at: z.string() }).nullable(),
  request: requestStampRecord,
  kind: z.enum(COMMENT_KINDS as [CommentKind, ...CommentKind[]]).optional(),
  meeting: z.string().optional(),
  supporters: z.array(z.string().refine(isCountryCode)).optional(),
  justification: z.string().optional()
})

const commentFromJSON = (json: unknown) => commentRecord.parse(json) as unknown as Comment

/** What lists may be narrowed to. */
export interface CommentFilter {
  readonly country?: CountryCode
  readonly status?: CommentStatus
}

// Proposed wording is inline text: line breaks become spaces.
const inline = (text: string) => text.replace(/\s*\n\s*/g, ' ')

/**
 * The comments of documents: countries' remarks and proposed wording, their
 * threads, and the Presidency's answers and decisions. Every change is
 * stamped with the session's account, recorded in the audit trail and told
 * to the document's viewers. Changes to one document's comments run one at a
 * time, in any process sharing the store (its lock `comments:<document>`):
 * each reads, changes and writes a record.
 */
export class Comments {
  private readonly quota: CommentQuota

  /** `quota`: each account's budgets of comments and replies (see {@link CommentQuota}). */
  constructor(
    private readonly store: Store,
    private readonly collaboration: Collaboration,
    private readonly periods: Periods,
    private readonly events: DocumentEvents,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    quota: CommentQuotaConfig,
    /** Hears of each record of this kind that cannot be read or validated: it is left out, and the rest works. */
    private readonly onDamaged?: DamageReport,
    /**
     * The meeting running on a document, if any: a decision taken while one
     * runs is a decision "in the room" and records the meeting's id, and a
     * delegation present may support proposals in it if its chair allows.
     * Default none.
     */
    private readonly runningMeeting: (id: DocumentId) => Promise<Meeting | undefined> = async () => undefined
  ) {
    this.quota = new CommentQuota(quota, () => now().getTime())
  }

  // Charges a write of `texts` to the account's budgets; a 429 with Retry-After if over either.
  // The Presidency and the Secretariat have none: they answer every country's
  // comments and edit the text itself, so a budget would hold back their work
  // and guard against nothing they could not do more directly.
  private charge(account: Account, texts: readonly string[]): Outcome<true> {
    if (mayDecide(account.role)) return ok(true)
    const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0)
    const allowance = this.quota.charge(account.username, bytes)
    if (allowance.allowed) return ok(true)
    const seconds = Math.max(1, Math.ceil(allowance.retryAfterMs / 1000))
    const what = allowance.over === 'rate' ? 'too many comments and replies in a short time' : 'too much comment text in the last hour'
    return {
      failed: { status: 429, message: `${what}: try again in ${seconds} seconds`, code: 'comment_quota', values: { seconds: String(seconds) }, retryAfterSeconds: seconds }
    }
  }

  // The audit entry of an act by `account` on `comment`.
  private act(account: Account, action: AuditAction, comment: Comment, details?: AuditDetails): AuditRecord {
    return { action, actor: actorOf(account), target: { document: comment.documentId, comment: comment.id }, ...(details ? { details } : {}) }
  }

  private records(id: DocumentId) {
    return new RecordStore<Comment>(this.store.records, { kind: 'comment', scope: id }, commentFromJSON, this.onDamaged)
  }

  private view(doc: Y.Doc, { request: _request, ...comment }: Comment, blocks = textBlocks(doc)): CommentView {
    const resolved = resolveAnchor(doc, comment.anchor, blocks)
    return {
      ...comment,
      supporters: comment.supporters ?? [],
      justification: comment.justification ?? null,
      // Request keys are the author's client's own business.
      replies: comment.replies.map(({ request: _key, ...reply }) => reply),
      anchor: resolved.detached
        ? { ...comment.anchor, detached: true, text: null }
        : { ...comment.anchor, ...resolved, detached: false }
    }
  }

  private async publish(comment: Comment): Promise<CommentView> {
    const view = await this.collaboration.withDocument(comment.documentId, (doc) => this.view(doc, comment))
    this.events.publish(comment.documentId, { type: 'comment', data: view })
    return view
  }

  /** The document's comments in order of creation, narrowed by `filter`. */
  /**
   * The stored comments of a document as they were written, without placing
   * their passages in the text (which loads the live document): for naming
   * them, as the audit page does.
   */
  async stored(id: DocumentId): Promise<Comment[]> {
    return this.records(id).list()
  }

  async list(id: DocumentId, filter: CommentFilter = {}): Promise<CommentView[]> {
    const comments = (await this.records(id).list())
      .filter((c) => (filter.country === undefined || c.country === filter.country) && (filter.status === undefined || c.status === filter.status))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    return this.collaboration.withDocument(id, (doc) => {
      const blocks = textBlocks(doc)
      return comments.map((c) => this.view(doc, c, blocks))
    })
  }

  async get(id: DocumentId, commentId: string): Promise<Outcome<CommentView>> {
    const found = await this.storedComment(id, commentId)
    if ('failed' in found) return found
    return ok(await this.collaboration.withDocument(id, (doc) => this.view(doc, found.ok)))
  }

  // The stored comment, or why there is none to show: a damaged record is
  // reported and refused, not thrown, so that it answers no 500.
  private async storedComment(id: DocumentId, commentId: string): Promise<Outcome<Comment>> {
    try {
      const comment = await this.records(id).get(commentId)
      return comment ? ok(comment) : refuse(404, `no comment ${commentId} on this document`)
    } catch (err) {
      if (!(err instanceof DamagedRecordError)) throw err
      this.onDamaged?.(err.record)
      return refuse(409, `the stored comment ${commentId} is damaged and cannot be read; a backup of the data folder holds it`)
    }
  }

  private async mayWriteNow(account: Account, id: DocumentId): Promise<Outcome<true>> {
    if (!mayComment(account.role)) return refuse(403, `the ${account.role} role may not comment`)
    if (needsOpenPeriod(account.role)) {
      const refusal = await this.periods.refusal(id)
      if (refusal) return refuse(409, refusal.message, refusal.code, refusal.values)
    }
    return ok(true)
  }

  /**
   * A new comment (with proposed wording if `suggestion` is given) on the
   * quoted passage. With `requestKey` (the request's `Idempotency-Key`) the
   * key is stored in the comment, in the same write: the same account
   * retrying with the same key and the same text (body, quoted passage,
   * proposed wording) gets that comment back, as it now stands, and no second
   * one; with other text, a 409 refusal. A comment over its account's
   * budgets ({@link CommentQuota}) is refused with 429 and stores nothing.
   */
  create(account: Account, id: DocumentId, input: NewComment, requestKey?: string): Promise<Outcome<CommentView>> {
    return this.store.locks.run(`comments:${id}`, async () => {
      // What the person wrote, not where the passage now stands: a retry may find the text around it edited.
      const request = stampOf(requestKey, { body: input.body, quote: input.anchor.exact, suggestion: input.suggestion?.text ?? null, ...(input.justification ? { justification: input.justification } : {}) })
      const retry = request && findRetry((await this.records(id).list()).filter((c) => c.author.username === account.username), request, 'comment')
      // Checked before the period: a retry of a comment made in time is answered after the deadline too.
      if (retry) return 'failed' in retry ? retry : ok(await this.collaboration.withDocument(id, (doc) => this.view(doc, retry.ok)))
      const allowed = await this.mayWriteNow(account, id)
      if ('failed' in allowed) return allowed
      const anchored = await this.collaboration.withDocument(id, (doc) => anchorFromQuote(doc, input.anchor))
      if ('failed' in anchored) return refuse(422, anchored.failed, anchored.code)
      // Charged once the write is allowed, before anything is stored: a retry or a refusal costs nothing.
      const justification = input.justification?.trim() ?? ''
      if (justification !== '' && !input.suggestion) return refuse(400, 'a justification goes with proposed wording: this comment proposes none')
      const charged = this.charge(account, [input.body, input.anchor.exact, input.suggestion?.text ?? '', justification])
      if ('failed' in charged) return charged
      const comment: Comment = {
        id: randomUUID() as CommentId,
        documentId: id,
        country: account.role === 'delegate' ? account.country : null,
        author: authorOf(account),
        createdAt: this.now().toISOString(),
        body: input.body.trim(),
        status: 'open',
        anchor: anchored.anchor,
        replies: [],
        suggestion: input.suggestion ? { text: inline(input.suggestion.text), decision: null } : null,
        answer: null,
        ...(justification === '' ? {} : { justification }),
        ...(request ? { request } : {})
      }
      await this.audit.record(this.act(account, comment.suggestion ? 'proposal.created' : 'comment.created', comment), [
        this.records(id).writeOf(comment.id, comment)
      ])
      return ok(await this.publish(comment))
    })
  }

  /**
   * What `country` said in the meeting `meeting`, as `account` (the
   * Secretariat or the Presidency; the meeting's rules are the caller's to
   * check) summarises it, on the record against the whole paragraph
   * `blockId`: a comment of kind `intervention`, attributed to the country,
   * written by the account, with no proposed wording. 422 if the paragraph
   * is not in the text.
   */
  recordIntervention(
    account: Account,
    id: DocumentId,
    input: { readonly meeting: string; readonly blockId: string; readonly country: CountryCode; readonly summary: string },
    requestKey?: string
  ): Promise<Outcome<CommentView>> {
    return this.store.locks.run(`comments:${id}`, async () => {
      if (!mayDecide(account.role)) return refuse(403, 'only the Presidency or the Secretariat record interventions')
      const request = stampOf(requestKey, { ...input, summary: input.summary.trim() })
      const retry = request && findRetry((await this.records(id).list()).filter((c) => c.author.username === account.username), request, 'intervention')
      if (retry) return 'failed' in retry ? retry : ok(await this.collaboration.withDocument(id, (doc) => this.view(doc, retry.ok)))
      const anchored = await this.collaboration.withDocument(id, (doc) => {
        const block = textBlocks(doc).find((b) => b.id === input.blockId)
        return block ? anchorInBlock(block.element, 0, block.text.length) : { failed: `no paragraph ${input.blockId} in the text` }
      })
      if ('failed' in anchored) return refuse(422, anchored.failed)
      const comment: Comment = {
        id: randomUUID() as CommentId,
        documentId: id,
        country: input.country,
        author: authorOf(account),
        createdAt: this.now().toISOString(),
        body: input.summary.trim(),
        status: 'open',
        anchor: anchored.anchor,
        replies: [],
        suggestion: null,
        answer: null,
        kind: 'intervention',
        meeting: input.meeting,
        ...(request ? { request } : {})
      }
      await this.audit.record(
        { ...this.act(account, 'meeting.intervention', comment, { country: input.country, block: input.blockId }), target: { document: id, comment: comment.id, meeting: input.meeting } },
        [this.records(id).writeOf(comment.id, comment)]
      )
      return ok(await this.publish(comment))
    })
  }

  /**
   * A country's marked-up Word copy (see `readMarkup`) as its input: each
   * tracked change a proposal, each Word comment a comment with its replies
   * as the thread, all stamped with `country` and made by `account` (a
   * delegate of that country, or the Presidency or Secretariat uploading on
   * its behalf); the Word author is kept in the text as a note, never as an
   * identity. Each is placed in the current draft by its passage and the
   * words around it, as a comment's quote is; what cannot be placed is listed
   * with the reason. The same file (`fileHash`) for the same country makes
   * nothing twice: its comments have ids derived from both. One audit entry
   * for the whole upload. Refused with 409 outside an open comment period,
   * as a comment is. With `dryRun`, answers the same and stores nothing.
   */
  importMarkup(
    account: Account,
    id: DocumentId,
    input: { readonly country: CountryCode; readonly markup: Markup; readonly fileHash: string; readonly file: string; readonly dryRun: boolean }
  ): Promise<Outcome<MarkupResult>> {
    return this.store.locks.run(`comments:${id}`, async () => {
      if (!mayComment(account.role)) return refuse(403, `the ${account.role} role may not comment`)
      const refusal = await this.periods.refusal(id)
      if (refusal) return refuse(409, refusal.message, refusal.code, refusal.values)
      const existing = new Map((await this.records(id).list()).map((c) => [c.id as string, c]))
      const idOf = (n: number) => {
        const hex = createHash('sha256').update(`${input.fileHash}\0${input.country}\0${n}`).digest('hex')
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}` as CommentId
      }
      const now = this.now().toISOString()
      const madeBy = authorOf(account)
      const note = (authors: readonly string[]) => (authors.filter(Boolean).length ? ` (en Word: ${authors.filter(Boolean).join(', ')})` : '')
      const planned: Array<{ place: MarkupPlace; make: (anchor: Comment['anchor']) => Comment; id: CommentId }> = [
        ...input.markup.changes.map((change, n) => ({
          id: idOf(n),
          place: change,
          make: (anchor: Comment['anchor']): Comment => ({
            id: idOf(n),
            documentId: id,
            country: input.country,
            author: madeBy,
            createdAt: now,
            body: `Cambio marcado en la copia de Word${note(change.authors)}.`,
            status: 'open',
            anchor,
            replies: [],
            suggestion: { text: inline(change.text), decision: null },
            answer: null
          })
        })),
        ...input.markup.comments.map((comment, n) => ({
          id: idOf(input.markup.changes.length + n),
          place: comment,
          make: (anchor: Comment['anchor']): Comment => ({
            id: idOf(input.markup.changes.length + n),
            documentId: id,
            country: input.country,
            author: madeBy,
            createdAt: now,
            body: `${comment.body}${note([comment.author])}`,
            status: 'open',
            anchor,
            replies: comment.replies.map((reply) => ({ id: randomUUID(), author: madeBy, createdAt: now, body: `${reply.body}${note([reply.author])}` })),
            suggestion: null,
            answer: null
          })
        }))
      ]
      const { made, unplaced } = await this.collaboration.withDocument(id, (doc) => {
        const made: Comment[] = []
        const unplaced: UnplacedMarkup[] = []
        for (const plan of planned) {
          const stored = existing.get(plan.id)
          if (stored) {
            made.push(stored)
            continue
          }
          const anchored = placeMarkup(doc, plan.place)
          if ('failed' in anchored) unplaced.push({ quote: plan.place.quote, reason: anchored.failed })
          else made.push(plan.make(anchored.anchor))
        }
        return { made, unplaced }
      })
      const fresh = made.filter((c) => !existing.has(c.id))
      if (!input.dryRun && fresh.length > 0)
        await this.audit.record(
          {
            action: 'markup.imported',
            actor: actorOf(account),
            target: { document: id },
            details: {
              country: input.country,
              file: input.file,
              proposals: fresh.filter((c) => c.suggestion).length,
              comments: fresh.filter((c) => !c.suggestion).length,
              unplaced: unplaced.length
            }
          },
          fresh.map((comment) => this.records(id).writeOf(comment.id, comment))
        )
      const views = input.dryRun
        ? await this.collaboration.withDocument(id, (doc) => made.map((c) => this.view(doc, c)))
        : await Promise.all(made.map((c) => (existing.has(c.id) ? this.collaboration.withDocument(id, (doc) => this.view(doc, c)) : this.publish(c))))
      return ok({
        created: { proposals: views.filter((c) => c.suggestion), comments: views.filter((c) => !c.suggestion) },
        unplaced
      })
    })
  }

  /**
   * Adds a reply to a comment's thread. With `requestKey`, as for
   * {@link create}: a retry by the same account with the same key and body
   * answers the comment as it stands and adds nothing.
   */
  reply(account: Account, id: DocumentId, commentId: string, body: string, requestKey?: string): Promise<Outcome<CommentView>> {
    const request = stampOf(requestKey, { body })
    return this.update(id, commentId, async (comment) => {
      const retry = findRetry(comment.replies.filter((r) => r.author.username === account.username), request, 'reply')
      if (retry) return 'failed' in retry ? retry : ok(comment)
      const allowed = mayDecide(account.role) ? ok(true) : await this.mayWriteNow(account, id)
      if ('failed' in allowed) return allowed
      const charged = this.charge(account, [body])
      if ('failed' in charged) return charged
      return ok({
        ...comment,
        replies: [
          ...comment.replies,
          { id: randomUUID(), author: authorOf(account), createdAt: this.now().toISOString(), body: body.trim(), ...(request ? { request } : {}) }
        ]
      })
    }, (_before, after) => this.act(account, 'comment.replied', after, { replies: after.replies.length }))
  }

  /** Sets a comment's status, with the Presidency's answer; or withdraws it for its country. */
  setStatus(account: Account, id: DocumentId, commentId: string, status: CommentStatus, answer: string | undefined): Promise<Outcome<CommentView>> {
    return this.update(id, commentId, async (comment) => {
      if (mayDecide(account.role))
        return ok({
          ...comment,
          status,
          answer: answer === undefined ? comment.answer : { body: answer.trim(), by: authorOf(account), at: this.now().toISOString() }
        })
      if (status === 'withdrawn' && mayWithdraw(account, comment)) return ok({ ...comment, status })
      if (status === 'withdrawn')
        return refuse(
          403,
          kindOf(comment) === 'intervention'
            ? "an intervention is the meeting's record: its country cannot withdraw it"
            : comment.status !== 'open'
              ? 'only an open comment can be withdrawn'
              : "only the comment's own country may withdraw it"
        )
      return refuse(403, 'only the Presidency or the Secretariat set the status of a comment')
    }, (before, after) =>
      mayDecide(account.role)
        ? this.act(account, 'comment.status', after, { status, previous: before.status, answered: answer !== undefined, country: after.country })
        : this.act(account, 'comment.withdrawn', after, { previous: before.status })
    )
  }

  /**
   * Adds (`on`) or removes the support of the account's country for another
   * country's proposed wording (see `supportRefusal`), while a comment period
   * is open. Adding a support the country already gives, or removing one it
   * does not, changes and records nothing.
   */
  support(account: Account, id: DocumentId, commentId: string, on: boolean): Promise<Outcome<CommentView>> {
    return this.update(id, commentId, async (comment) => {
      const refusal = supportRefusal(account, comment)
      if (refusal) return refuse(refusal.status, refusal.message)
      const country = account.country as CountryCode
      // Outside a period, only in a running meeting whose chair allows it.
      const period = await this.periods.refusal(id)
      if (period && !delegationMayActIn(await this.runningMeeting(id), country)) return refuse(409, period.message, period.code, period.values)
      const supporters = comment.supporters ?? []
      if (supporters.includes(country) === on) return ok(comment)
      return ok({ ...comment, supporters: withSupport(supporters, country, on) })
    }, (_before, after) => this.act(account, on ? 'proposal.supported' : 'proposal.unsupported', after, { country: after.country, supporters: (after.supporters ?? []).join(' ') }))
  }

  /**
   * Accepts a proposed wording: the passage is replaced in the live text, as
   * an edit of the deciding account linked to the comment, stored before the
   * decision is; or rejects it. Either way the comment records the decision.
   */
  decide(account: Account, id: DocumentId, commentId: string, outcome: 'accepted' | 'rejected'): Promise<Outcome<CommentView>> {
    return this.decideOne(account, id, commentId, outcome, false)
  }

  private decideOne(account: Account, id: DocumentId, commentId: string, outcome: 'accepted' | 'rejected', bulk: boolean): Promise<Outcome<CommentView>> {
    return this.update(id, commentId, async (comment) => {
      if (!mayDecide(account.role)) return refuse(403, 'only the Presidency or the Secretariat decide on proposals')
      if (!comment.suggestion) return refuse(409, 'this comment proposes no wording')
      if (comment.suggestion.decision) return refuse(409, `this proposal was already ${comment.suggestion.decision.outcome}`)
      if (comment.status === 'withdrawn') return refuse(409, 'this proposal was withdrawn by its country')
      const at = this.now().toISOString()
      const meeting = (await this.runningMeeting(id))?.id
      let replaced: string | undefined
      let anchor = comment.anchor
      if (outcome === 'accepted') {
        const applied = await replaceWording(this.collaboration, id, comment.anchor, comment.suggestion.text, { kind: 'proposal', commentId: comment.id, account })
        if ('failed' in applied) return applied
        replaced = applied.ok.replaced
        // From now on the comment points at the wording it brought in.
        anchor = applied.ok.anchor
      }
      return ok({
        ...comment,
        anchor,
        status: outcome === 'accepted' ? 'incorporated' : 'not_incorporated',
        suggestion: {
          ...comment.suggestion,
          decision: {
            outcome,
            by: authorOf(account),
            at,
            ...(replaced === undefined ? {} : { replaced, quoted: comment.anchor.quote }),
            ...(meeting === undefined ? {} : { meeting })
          }
        }
      })
    }, (_before, after) => {
      const entry = this.act(account, outcome === 'accepted' ? 'proposal.accepted' : 'proposal.rejected', after, { country: after.country, bulk })
      const meeting = after.suggestion?.decision?.meeting
      return meeting === undefined ? entry : { ...entry, target: { ...entry.target, meeting } }
    })
  }

  /** Decides every open proposal of one country, oldest first; reports each outcome. */
  async decideAll(
    account: Account,
    id: DocumentId,
    country: CountryCode,
    outcome: 'accepted' | 'rejected'
  ): Promise<Outcome<Array<{ id: string; result: Outcome<CommentView> }>>> {
    if (!mayDecide(account.role)) return refuse(403, 'only the Presidency or the Secretariat decide on proposals')
    const pending = (await this.records(id).list())
      .filter((c) => c.country === country && c.suggestion && !c.suggestion.decision && c.status === 'open')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    const results = []
    for (const c of pending) results.push({ id: c.id, result: await this.decideOne(account, id, c.id, outcome, true) })
    return ok(results)
  }

  // Reads a comment, lets `change` decide, stores, records (as `act` says) and announces the result.
  private update(
    id: DocumentId,
    commentId: string,
    change: (comment: Comment) => Promise<Outcome<Comment>>,
    act: (before: Comment, after: Comment) => AuditRecord
  ): Promise<Outcome<CommentView>> {
    return this.store.locks.run(`comments:${id}`, async () => {
      const records = this.records(id)
      const found = await this.storedComment(id, commentId)
      if ('failed' in found) return found
      const comment = found.ok
      const changed = await change(comment)
      if ('failed' in changed) return changed
      // The same record back: a retried request, nothing to store, record or announce.
      if (changed.ok === comment) return ok(await this.collaboration.withDocument(id, (doc) => this.view(doc, comment)))
      await this.audit.record(act(comment, changed.ok), [records.writeOf(commentId, changed.ok)])
      return ok(await this.publish(changed.ok))
    })
  }
}

// Finds a marked-up passage in the draft: with the words on both sides of it,
// then on one side, then alone (the draft may have changed around it). The
// first refusal is the one given: it names the fullest search.
function placeMarkup(doc: Y.Doc, place: MarkupPlace): ReturnType<typeof anchorFromQuote> {
  const { quote: exact, prefix, suffix } = place
  if (exact === '' && prefix === '' && suffix === '') return { failed: 'it marks no passage of the text' }
  const tries: TextQuoteSelector[] = [
    { type: 'TextQuoteSelector', exact, prefix, suffix },
    { type: 'TextQuoteSelector', exact, prefix },
    { type: 'TextQuoteSelector', exact, suffix },
    ...(exact === '' ? [] : [{ type: 'TextQuoteSelector' as const, exact }])
  ]
  let first: ReturnType<typeof anchorFromQuote> | undefined
  for (const selector of tries) {
    const placed = anchorFromQuote(doc, selector)
    if ('anchor' in placed) return placed
    first ??= placed
  }
  if (first && 'code' in first && first.code === 'quote_not_found') return { failed: 'the passage is no longer in the current draft' }
  return first ?? { failed: 'nothing to place' }
}
