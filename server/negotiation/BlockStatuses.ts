import { z } from 'zod'
import {
  authorOf,
  isBlockStatus,
  isCountryCode,
  maySetBlockStatus,
  OPEN_STANDING,
  provenanceOf,
  sameStanding,
  standingOf,
  textBlocks,
  type Account,
  type BlockStatusRecord,
  type BlockView,
  type CommentView,
  type DocumentId,
  type Meeting,
  type NewBlockStatus
} from '../../src'
import { DamagedRecordError, RecordStore, SerialQueue, type DamageReport, type Store } from '../../storage'
import { actorOf, type AuditLog } from '../audit'
import type { Collaboration } from '../collab'
import type { Comments } from '../comments/Comments'
import type { DocumentEvents } from '../DocumentEvents'
import { ok, refuse, type Outcome } from '../Outcome'

const author = z.object({ username: z.string(), name: z.string(), role: z.string(), country: z.string().nullable() })
const statusRecord = z.object({
  blockId: z.string(),
  status: z.string().refine(isBlockStatus),
  pending: z.array(z.string().refine(isCountryCode)),
  by: author,
  at: z.string(),
  meeting: z.string().optional()
})

/**
 * The paragraphs that hold the wording of accepted proposals, with the
 * proposing country: a proposal whose wording is no longer in the text
 * (its passage deleted since) shaped no paragraph that is left.
 */
export function acceptedPlaces(comments: readonly CommentView[]): Array<{ country: CommentView['country']; blockId: string }> {
  return comments.flatMap((c) =>
    c.suggestion?.decision?.outcome === 'accepted' && !c.anchor.detached ? [{ country: c.country, blockId: c.anchor.blockId }] : []
  )
}

/**
 * Where the negotiation of each paragraph of a document stands: the status
 * the Presidency or the Secretariat set (open, informally agreed, agreed ad
 * referendum with the capitals still to confirm, agreed), stored per block
 * id, and its provenance, read from the decisions on proposals. Every change
 * is stamped with the session's account, recorded in the audit trail in the
 * same write and told to the document's viewers (event `block`); one set
 * while a meeting runs records the meeting, on the record and in the audit
 * entry (`target.meeting`).
 */
export class BlockStatuses {
  // One change at a time per document: each reads the record it replaces.
  private readonly queue = new SerialQueue<DocumentId>()

  constructor(
    private readonly store: Store,
    private readonly collaboration: Collaboration,
    private readonly comments: Comments,
    private readonly events: DocumentEvents,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    /** Hears of each record of this kind that cannot be read or validated: it is left out, and the rest works. */
    private readonly onDamaged?: DamageReport,
    /** The meeting running on a document, if any (see the class). Default none. */
    private readonly runningMeeting: (id: DocumentId) => Promise<Meeting | undefined> = async () => undefined
  ) {}

  private records(id: DocumentId) {
    return new RecordStore<BlockStatusRecord>(
      this.store.records,
      { kind: 'blockStatus', scope: id },
      (json) => statusRecord.parse(json) as unknown as BlockStatusRecord,
      this.onDamaged
    )
  }

  /** The statuses set on the document's paragraphs, as stored (paragraphs since deleted included). */
  async stored(id: DocumentId): Promise<BlockStatusRecord[]> {
    return this.records(id).list()
  }

  /**
   * Every paragraph of the live text that has words, in reading order, with
   * its status (open if none was set) and provenance. `comments`, if the
   * caller has them, spares listing them again.
   */
  async list(id: DocumentId, comments?: readonly CommentView[]): Promise<BlockView[]> {
    const set = new Map((await this.records(id).list()).map((r) => [r.blockId, r]))
    const provenance = provenanceOf(acceptedPlaces(comments ?? (await this.comments.list(id))))
    const ids = await this.collaboration.withDocument(id, (doc) => textBlocks(doc).flatMap((b) => (b.id && b.text.trim() !== '' ? [b.id as string] : [])))
    return ids.map((blockId) => viewOf(blockId, set.get(blockId), provenance.get(blockId)))
  }

  /**
   * Sets the status of paragraph `blockId` (Presidency and Secretariat
   * only): 400 for a standing `standingOf` refuses, 404 for a block the live
   * text does not have. Setting the standing it already has records nothing.
   */
  set(account: Account, id: DocumentId, blockId: string, input: NewBlockStatus): Promise<Outcome<BlockView>> {
    if (!maySetBlockStatus(account.role)) return Promise.resolve(refuse(403, 'only the Presidency or the Secretariat set the status of a paragraph'))
    const standing = standingOf(input)
    if ('failed' in standing) return Promise.resolve(refuse(400, standing.failed))
    return this.queue.run(id, async () => {
      const exists = await this.collaboration.withDocument(id, (doc) => textBlocks(doc).some((b) => b.id === blockId))
      if (!exists) return refuse(404, `no paragraph ${blockId} in this document`)
      const records = this.records(id)
      const before = await records.get(blockId).catch((err: unknown) => {
        // A damaged record is named and set anew: the status set now is what counts.
        if (!(err instanceof DamagedRecordError)) throw err
        this.onDamaged?.(err.record)
        return undefined
      })
      const provenance = provenanceOf(acceptedPlaces(await this.comments.list(id))).get(blockId)
      if (sameStanding(before ?? OPEN_STANDING, standing.ok)) return ok(viewOf(blockId, before, provenance))
      const meeting = (await this.runningMeeting(id))?.id
      const record: BlockStatusRecord = { blockId, ...standing.ok, by: authorOf(account), at: this.now().toISOString(), ...(meeting === undefined ? {} : { meeting }) }
      await this.audit.record(
        {
          action: 'block.status',
          actor: actorOf(account),
          target: { document: id, ...(meeting === undefined ? {} : { meeting }) },
          details: {
            block: blockId,
            status: record.status,
            previous: (before ?? OPEN_STANDING).status,
            ...(record.pending.length > 0 ? { pending: record.pending.join(' ') } : {})
          }
        },
        [records.writeOf(blockId, record)]
      )
      const view = viewOf(blockId, record, provenance)
      this.events.publish(id, { type: 'block', data: view })
      return ok(view)
    })
  }
}

const viewOf = (blockId: string, record: BlockStatusRecord | undefined, provenance: readonly BlockView['provenance'][number][] | undefined): BlockView => ({
  blockId,
  status: record?.status ?? 'open',
  pending: record?.pending ?? [],
  provenance: provenance ?? []
})
