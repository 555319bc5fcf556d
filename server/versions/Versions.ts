import { createHash, randomUUID } from 'node:crypto'
import { Node as ProseMirrorNode } from 'prosemirror-model'
import { z } from 'zod'
import {
  authorOf,
  blockStatusChanges,
  countWords,
  diffBrackets,
  diffDocuments,
  encodeContent,
  mayDecide,
  plainText,
  readContent,
  sameVersionName,
  replaceContent,
  schema,
  type Account,
  type BracketView,
  type BlockView,
  type CommentView,
  type DiffSide,
  type DocumentId,
  type ProposalCredit,
  type RequestStamp,
  type VersionDetail,
  type VersionDiff,
  type VersionSummary
} from '../../src'
import { RecordStore, type DamageReport, type Store } from '../../storage'
import { actorOf, type AuditLog } from '../audit'
import { DocumentTooLarge, type Collaboration, type UpdateOrigin } from '../collab'
import type { Comments } from '../comments/Comments'
import type { Brackets } from '../negotiation/Brackets'
import type { BlockStatuses } from '../negotiation/BlockStatuses'
import { ok, refuse, type Outcome } from '../Outcome'
import { findRetry, requestStampRecord, stampOf } from '../requestStamp'
import type { Differ } from '../work'

/**
 * A published version as it is stored: an immutable, named snapshot of a
 * document and of its comments (see {@link VersionDetail}, which the API
 * answers with its plain text added).
 */
export interface Version extends Omit<VersionDetail, 'text'> {
  /** The request that published it, when its client named it; never shown by the API. */
  readonly request?: RequestStamp
}

const versionRecord = z.object({
  id: z.string(),
  documentId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  author: z.object({ username: z.string(), name: z.string(), role: z.string(), country: z.string().nullable() }),
  contentHash: z.string(),
  words: z.number(),
  content: z.unknown(),
  comments: z.array(z.unknown()),
  brackets: z.array(z.unknown()).optional(),
  blockStatuses: z.array(z.unknown()).optional(),
  request: requestStampRecord
})

const summaryOf = ({ content: _c, comments: _m, brackets: _b, blockStatuses: _s, request: _r, ...summary }: Version): VersionSummary => summary

/** The id that stands for the live draft in comparisons. */
export const DRAFT = 'draft'

/**
 * Named versions of documents. A version is its ProseMirror JSON and the
 * comments as they stood: the comparison, the exports, restoring and sharing
 * all read that, and nothing changes a version afterwards. No Yjs state is
 * kept for it (files written before kept one under `versionState`, which
 * nothing reads). A new draft can start from any version: the live text is
 * edited into it, as one change. Who asked for a change is read from the
 * decisions on proposals, which name the country and the text. Publishing
 * and starting a draft are in the audit trail before they are answered.
 */
export class Versions {

  // Comparisons of two published versions, most recently asked last (see compare).
  private readonly comparisons = new Map<string, Comparison>()

  constructor(
    private readonly store: Store,
    private readonly collaboration: Collaboration,
    private readonly comments: Comments,
    private readonly brackets: Brackets,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    /** Hears of each record of this kind that cannot be read or validated: it is left out, and the rest works. */
    private readonly onDamaged?: DamageReport,
    /** The paragraphs' standing, frozen into each version published; without it versions keep none. */
    private readonly blockStatuses?: BlockStatuses
  ) {}

  private records(id: DocumentId) {
    return new RecordStore<Version>(this.store.records, { kind: 'version', scope: id }, (json) => versionRecord.parse(json) as unknown as Version, this.onDamaged)
  }

  async list(id: DocumentId): Promise<VersionSummary[]> {
    return (await this.records(id).list()).map(summaryOf).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  }

  async get(id: DocumentId, versionId: string): Promise<Outcome<VersionDetail>> {
    const stored = await this.records(id).get(versionId)
    if (!stored) return refuse(404, `no version ${versionId} of this document`)
    const { request: _request, ...version } = stored
    return ok({ ...version, text: plainText(ProseMirrorNode.fromJSON(schema, version.content)) })
  }

  /**
   * Publishes the live draft as a version named `name` (trimmed). A name that
   * another version of the document has, in any case, is refused (409): the
   * compare menus could not tell the two apart. With `requestKey` (the
   * request's `Idempotency-Key`) the key is stored in the version, in the same
   * write: the same account retrying with the same key and name gets that
   * version back, and nothing is published or recorded again; with another
   * name, a 409 refusal.
   */
  publish(account: Account, id: DocumentId, name: string, requestKey?: string): Promise<Outcome<VersionSummary>> {
    const trimmed = name.trim()
    const request = stampOf(requestKey, { name: trimmed })
    // Publishing reads the versions (a retry? a name taken?) before it writes one: one at a time per document, in any process.
    return this.store.locks.run(`versions:${id}`, async () => {
      const versions = await this.records(id).list()
      const retry = findRetry(versions.filter((v) => v.author.username === account.username), request, 'version')
      if (retry) return 'failed' in retry ? retry : ok(summaryOf(retry.ok))
      if (!mayDecide(account.role)) return refuse(403, 'only the Presidency or the Secretariat publish versions')
      const namesake = versions.find((v) => sameVersionName(v.name, trimmed))
      if (namesake)
        return refuse(409, `this document already has a version named "${namesake.name}": give the new version another name`, 'version_name_taken', {
          name: namesake.name
        })
      const content = await this.collaboration.withDocument(id, (doc) => readContent(doc))
      const json = content.toJSON()
      const comments = await this.comments.list(id)
      const blockStatuses = await this.blockStatuses?.list(id, comments)
      const version: Version = {
        id: randomUUID(),
        documentId: id,
        name: trimmed,
        createdAt: this.now().toISOString(),
        author: authorOf(account),
        contentHash: createHash('sha256').update(JSON.stringify(json)).digest('hex'),
        words: countWords(plainText(content)),
        content: json,
        comments,
        brackets: await this.brackets.list(id),
        ...(blockStatuses ? { blockStatuses } : {}),
        ...(request ? { request } : {})
      }
      // The record (with its request stamp) and the audit entry in one write:
      // a retry finds both or neither.
      await this.audit.record(
        {
          action: 'version.published',
          actor: actorOf(account),
          target: { document: id, version: version.id },
          details: { name: version.name, words: version.words }
        },
        [this.records(id).writeOf(version.id, version)]
      )
      return ok(summaryOf(version))
    })
  }

  /** Makes the live draft say what the version says, as an edit by `account`. */
  async startDraftFrom(account: Account, id: DocumentId, versionId: string): Promise<Outcome<true>> {
    if (!mayDecide(account.role)) return refuse(403, 'only the Presidency or the Secretariat start a draft from a version')
    const version = await this.records(id).get(versionId)
    if (!version) return refuse(404, `no version ${versionId} of this document`)
    const origin: UpdateOrigin = { kind: 'restore', versionId, account }
    const content = ProseMirrorNode.fromJSON(schema, version.content)
    try {
      // At most the whole version is new, plus the record of what it deletes.
      await this.collaboration.withDocument(id, (doc) => replaceContent(doc, content, origin), { adds: encodeContent(content).byteLength + 16 * 1024 })
    } catch (err) {
      if (err instanceof DocumentTooLarge) return refuse(413, err.message)
      throw err
    }
    await this.audit.record({
      action: 'version.restored',
      actor: actorOf(account),
      target: { document: id, version: versionId },
      details: { name: version.name }
    })
    return ok(true)
  }

  /**
   * Compares two versions, or a version and the live draft (`to` = "draft"),
   * naming on each changed block the accepted proposals that brought it:
   * those decided between the two, anchored in that block.
   */
  async diff(id: DocumentId, fromId: string, toId: string, differ: Differ = inlineDiffer): Promise<Outcome<VersionDiff>> {
    const compared = await this.compare(id, fromId, toId, differ)
    return 'failed' in compared ? compared : ok(compared.ok.diff)
  }

  /**
   * The diff of {@link diff} with the two texts it compares (for exports
   * that keep formatting). `differ` makes the diff: the server's routes pass
   * one that works off the event loop (`pooledDiffer`), whose refusals
   * (over budget, busy) are answered as they are.
   */
  async compare(
    id: DocumentId,
    fromId: string,
    toId: string,
    differ: Differ = inlineDiffer
  ): Promise<Outcome<Comparison>> {
    // Two published versions never change, nor does their comparison: asked
    // again (a reader paging back and forth, or a script asking in a loop)
    // it is answered from memory, with no work at all.
    const key = toId === DRAFT ? undefined : JSON.stringify([id, fromId, toId])
    const cached = key === undefined ? undefined : this.comparisons.get(key)
    if (key !== undefined && cached) {
      this.comparisons.delete(key)
      this.comparisons.set(key, cached)
      return ok(cached)
    }
    const from = await this.records(id).get(fromId)
    if (!from) return refuse(404, `no version ${fromId} of this document`)
    // Both texts stay ProseMirror JSON, as versions are stored and as the
    // worker pool takes them: a long text is not parsed here only to be
    // written out again for the worker (tens of ms for 4,000 paragraphs).
    let to: { side: DiffSide; content: unknown; comments: readonly CommentView[]; brackets: readonly BracketView[] | undefined; blockStatuses?: readonly BlockView[] }
    if (toId === DRAFT) {
      const content = await this.collaboration.withDocument(id, (doc) => readContent(doc).toJSON())
      const comments = await this.comments.list(id)
      const blockStatuses = await this.blockStatuses?.list(id, comments)
      to = {
        side: { id: DRAFT, name: 'draft', createdAt: this.now().toISOString() },
        content,
        comments,
        brackets: await this.brackets.list(id),
        ...(blockStatuses ? { blockStatuses } : {})
      }
    } else {
      const version = await this.records(id).get(toId)
      if (!version) return refuse(404, `no version ${toId} of this document`)
      to = {
        side: sideOf(version),
        content: version.content,
        comments: version.comments,
        brackets: version.brackets,
        ...(version.blockStatuses ? { blockStatuses: version.blockStatuses } : {})
      }
    }
    // A side published before paragraphs had a status stands open throughout;
    // when neither has statuses there is nothing to compare.
    const statusChanges = from.blockStatuses || to.blockStatuses ? blockStatusChanges(from.blockStatuses ?? [], to.blockStatuses ?? []) : undefined
    const fromContent = from.content
    const made = await differ(fromContent, to.content)
    if ('failed' in made) return made
    const diff = made.ok
    const credits = new Map<string, ProposalCredit[]>()
    for (const c of to.comments) {
      const decision = c.suggestion?.decision
      if (!decision || decision.outcome !== 'accepted' || c.anchor.detached) continue
      if (decision.at <= from.createdAt || decision.at > to.side.createdAt) continue
      const blockId = c.anchor.blockId
      credits.set(blockId, [...(credits.get(blockId) ?? []), { commentId: c.id, country: c.country, role: c.author.role, text: c.suggestion?.text ?? '' }])
    }
    const comparison: Comparison = {
      from: fromContent,
      to: to.content,
      diff: {
        from: sideOf(from),
        to: to.side,
        stats: diff.stats,
        ...(diff.coarse ? { coarse: true as const } : {}),
        // Only when both sides froze their brackets: an older version's absence of them is not their removal.
        ...(from.brackets && to.brackets ? { brackets: diffBrackets(from.brackets, to.brackets) } : {}),
        ...(statusChanges ? { statusChanges } : {}),
        blocks: diff.blocks.map((b) => {
          const proposals = b.op !== 'equal' && b.blockId ? credits.get(b.blockId) : undefined
          return proposals ? { ...b, proposals } : b
        })
      }
    }
    if (key !== undefined) {
      this.comparisons.set(key, comparison)
      const oldest = this.comparisons.keys().next().value
      if (this.comparisons.size > REMEMBERED_COMPARISONS && oldest !== undefined) this.comparisons.delete(oldest)
    }
    return ok(comparison)
  }
}

// Compares in this thread, within the default budget: for callers that are not serving requests.
const inlineDiffer: Differ = async (from, to) => ok(diffDocuments(ProseMirrorNode.fromJSON(schema, from), ProseMirrorNode.fromJSON(schema, to)))

/** A comparison and the two texts it compares, as ProseMirror JSON (for exports that keep formatting). */
export interface Comparison {
  readonly diff: VersionDiff
  readonly from: unknown
  readonly to: unknown
}

// How many comparisons of published versions are kept, the least recently asked dropped first.
const REMEMBERED_COMPARISONS = 16

const sideOf = (v: Version): DiffSide => ({ id: v.id, name: v.name, createdAt: v.createdAt })
