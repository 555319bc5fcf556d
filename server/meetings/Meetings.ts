import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import {
  allowDelegations,
  askFloor,
  authorOf,
  authorTitle,
  endMeeting,
  giveFloor,
  isCountryCode,
  isRunning,
  mayChair,
  MAX_MEETINGS_PER_DOCUMENT,
  moveFocus,
  nextSpeaker,
  textBlocks,
  withdrawFloor,
  type Account,
  type AgendaItem,
  type CommentView,
  type CountryCode,
  type DocumentId,
  type DocumentMeta,
  type Meeting,
  type MeetingId,
  type MeetingResult
} from '../../src'
import { DamagedRecordError, RecordStore, type DamageReport, type Store } from '../../storage'
import { actorOf, type AuditLog, type AuditRecord } from '../audit'
import type { Collaboration } from '../collab'
import type { Comments } from '../comments/Comments'
import { chargeAct, type CommentQuota } from '../comments/CommentQuota'
import type { BlockStatuses } from '../negotiation/BlockStatuses'
import type { Brackets } from '../negotiation/Brackets'
import type { DocumentEvents } from '../DocumentEvents'
import { ok, refuse, type Outcome } from '../Outcome'
import { DOCX_MIME_TYPE, fileNameOf, MARKDOWN_MIME_TYPE, type ExportedFile } from '../exchange'
import type { Settings } from '../settings'
import { refusalOf, type WorkerPool } from '../work'
import { meetingMinutes, type MinutesParagraph } from './meetingMinutes'
import { minutesDocument } from './minutesDocument'

const author = z.object({ username: z.string(), name: z.string(), role: z.string(), country: z.string().nullable() })
const country = z.string().refine(isCountryCode)
const turn = z.object({ country, since: z.string() })
const meetingRecord = z.object({
  id: z.string(),
  documentId: z.string(),
  title: z.string(),
  agenda: z.array(
    z.object({ title: z.string(), minutes: z.number().optional(), lead: z.string().optional(), blockId: z.string().optional() })
  ),
  attendees: z.array(country),
  startedAt: z.string(),
  startedBy: author,
  endedAt: z.string().nullable(),
  endedBy: author.nullable(),
  focus: z.object({ blockId: z.string(), at: z.string() }).nullable(),
  speaking: turn.nullable(),
  queue: z.array(turn),
  turns: z.array(z.object({ country, from: z.string(), to: z.string().nullable() })),
  delegationsMayAct: z.boolean().optional()
})

const meetingFromJSON = (json: unknown) => meetingRecord.parse(json) as unknown as Meeting

/** What the chair gives to start a meeting. */
export interface NewMeeting {
  readonly title: string
  readonly agenda: readonly AgendaItem[]
  readonly attendees: readonly CountryCode[]
}

/** What the Secretariat records of an intervention. */
export interface NewIntervention {
  readonly blockId: string
  readonly country: CountryCode
  readonly summary: string
}

/** What {@link Meetings} works with. */
export interface MeetingSources {
  readonly store: Store
  readonly collaboration: Pick<Collaboration, 'withDocument'>
  readonly comments: Pick<Comments, 'recordIntervention' | 'list'>
  readonly events: DocumentEvents
  readonly audit: Pick<AuditLog, 'record'>
  /** The acts on brackets and paragraph statuses taken in a meeting, for its minutes. */
  readonly brackets: Pick<Brackets, 'stored'>
  readonly blockStatuses: Pick<BlockStatuses, 'stored'>
  /** The workspace's time zone, in which the minutes give times. */
  readonly settings: Pick<Settings, 'load'>
  /** The worker pool the minutes' Word file is made in. */
  readonly work: Pick<WorkerPool, 'run'>
  /** Each delegation account's budget of acts, charged for its requests for the floor (shared with the brackets). */
  readonly quota: CommentQuota
}

/** The formats of a meeting's minutes. */
export const MINUTES_FORMATS = ['docx', 'md'] as const
export type MinutesFormat = (typeof MINUTES_FORMATS)[number]

const CHAIR_ONLY = 'only the Presidency or the Secretariat chair a meeting'

/**
 * The meetings held on documents (see `Meeting`): started, moderated and
 * ended by the chair (Presidency or Secretariat); a delegation asks for the
 * floor for its own country, the session says which. Every act is stamped
 * from the session, in the audit trail with the meeting's new state in one
 * write, and told to the document's viewers as a `meeting` event. An ended
 * meeting refuses every act (409). One meeting runs on a document at a time;
 * acts on one document's meetings run one at a time.
 */
export class Meetings {
  constructor(
    private readonly sources: MeetingSources,
    private readonly now: () => Date,
    /** Hears of each record of this kind that cannot be read or validated: it is left out, and the rest works. */
    private readonly onDamaged?: DamageReport
  ) {}

  private records(id: DocumentId) {
    return new RecordStore<Meeting>(this.sources.store.records, { kind: 'meeting', scope: id }, meetingFromJSON, this.onDamaged)
  }

  /** The document's meetings, oldest first. */
  async list(id: DocumentId): Promise<Meeting[]> {
    return (await this.records(id).list()).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id))
  }

  /** The meeting `meetingId` of the document, or 404. */
  async get(id: DocumentId, meetingId: string): Promise<Outcome<Meeting>> {
    try {
      const meeting = await this.records(id).get(meetingId)
      return meeting ? ok(meeting) : refuse(404, `no meeting ${meetingId} on this document`)
    } catch (err) {
      if (!(err instanceof DamagedRecordError)) throw err
      this.onDamaged?.(err.record)
      return refuse(409, `the stored meeting ${meetingId} is damaged and cannot be read; a backup of the data folder holds it`)
    }
  }

  /** The meeting running on the document, if one is: acts of the chair then are taken "in the room". */
  async running(id: DocumentId): Promise<Meeting | undefined> {
    return (await this.records(id).list()).find(isRunning)
  }

  // Whether every block named exists in the live text; the first missing one otherwise.
  private async missingBlock(id: DocumentId, blockIds: readonly string[]): Promise<string | undefined> {
    if (blockIds.length === 0) return undefined
    const present = await this.sources.collaboration.withDocument(id, (doc) => new Set(textBlocks(doc).map((b) => b.id as string)))
    return blockIds.find((b) => !present.has(b))
  }

  private entry(account: Account, action: AuditRecord['action'], meeting: Meeting, details?: AuditRecord['details']): AuditRecord {
    return { action, actor: actorOf(account), target: { document: meeting.documentId, meeting: meeting.id }, ...(details ? { details } : {}) }
  }

  private async store(entry: AuditRecord, meeting: Meeting): Promise<Meeting> {
    await this.sources.audit.record(entry, [this.records(meeting.documentId).writeOf(meeting.id, meeting)])
    this.sources.events.publish(meeting.documentId, { type: 'meeting', data: meeting })
    return meeting
  }

  /** Starts a meeting (the chair): 409 while another runs on the document, 422 if the agenda names a paragraph the text lacks. */
  start(account: Account, id: DocumentId, input: NewMeeting): Promise<Outcome<Meeting>> {
    if (!mayChair(account.role)) return Promise.resolve(refuse(403, CHAIR_ONLY))
    return this.sources.store.locks.run(`meetings:${id}`, async () => {
      const held = await this.records(id).list()
      const running = held.find(isRunning)
      if (running) return refuse(409, `the meeting "${running.title}" is still running on this document: end it first`)
      if (held.length >= MAX_MEETINGS_PER_DOCUMENT) return refuse(422, `a document holds at most ${MAX_MEETINGS_PER_DOCUMENT} meetings`)
      const missing = await this.missingBlock(id, input.agenda.flatMap((item) => (item.blockId ? [item.blockId] : [])))
      if (missing) return refuse(422, `the agenda points at ${missing}, which is not in the text`)
      const meeting: Meeting = {
        id: randomUUID() as MeetingId,
        documentId: id,
        title: input.title.trim(),
        agenda: input.agenda,
        attendees: [...new Set(input.attendees)],
        startedAt: this.now().toISOString(),
        startedBy: authorOf(account),
        endedAt: null,
        endedBy: null,
        focus: null,
        speaking: null,
        queue: [],
        turns: []
      }
      return ok(
        await this.store(this.entry(account, 'meeting.started', meeting, { title: meeting.title, agenda: meeting.agenda.length, attendees: meeting.attendees.join(' ') }), meeting)
      )
    })
  }

  // Reads the meeting, lets `change` decide (a refusal of the meeting's state is a 409), stores and announces.
  // A change that gives the same meeting back changes nothing and records nothing.
  private change(
    id: DocumentId,
    meetingId: string,
    change: (meeting: Meeting, at: string) => Promise<Outcome<MeetingResult>> | Outcome<MeetingResult>,
    entry: (meeting: Meeting) => AuditRecord
  ): Promise<Outcome<Meeting>> {
    return this.sources.store.locks.run(`meetings:${id}`, async () => {
      const found = await this.get(id, meetingId)
      if ('failed' in found) return found
      const changed = await change(found.ok, this.now().toISOString())
      if ('failed' in changed) return changed
      if ('failed' in changed.ok) return refuse(changed.ok.tooMany ? 422 : 409, changed.ok.failed)
      if (changed.ok.ok === found.ok) return ok(found.ok)
      return ok(await this.store(entry(changed.ok.ok), changed.ok.ok))
    })
  }

  /** The chair presents the paragraph `blockId`: every follower's view moves to it. 422 if the text lacks it. */
  focus(account: Account, id: DocumentId, meetingId: string, blockId: string): Promise<Outcome<Meeting>> {
    if (!mayChair(account.role)) return Promise.resolve(refuse(403, CHAIR_ONLY))
    return this.change(
      id,
      meetingId,
      async (meeting, at) => {
        if (isRunning(meeting) && (await this.missingBlock(id, [blockId]))) return refuse(422, `no paragraph ${blockId} in the text`)
        return ok(moveFocus(meeting, blockId, at))
      },
      (meeting) => this.entry(account, 'meeting.focus', meeting, { block: blockId })
    )
  }

  // A delegation's act on the floor that changes the meeting, charged to its budget (see `chargeAct`); the chair's are not.
  private charged(account: Account, meeting: Meeting, result: MeetingResult): Outcome<MeetingResult> {
    if (mayChair(account.role) || 'failed' in result || result.ok === meeting) return ok(result)
    const charged = chargeAct(this.sources.quota, account)
    return 'failed' in charged ? charged : ok(result)
  }

  /** A delegation asks for the floor, for the country of the session's account. */
  askFloor(account: Account, id: DocumentId, meetingId: string): Promise<Outcome<Meeting>> {
    const own = account.role === 'delegate' ? account.country : null
    if (!own) return Promise.resolve(refuse(403, 'only a delegation asks for the floor, for its own country'))
    return this.change(id, meetingId, (meeting, at) => this.charged(account, meeting, askFloor(meeting, own, at)), (meeting) =>
      this.entry(account, 'meeting.floor.asked', meeting, { country: own })
    )
  }

  /**
   * `country` no longer holds or waits for the floor. A delegation withdraws
   * only its own country's request or turn; the chair any.
   */
  withdrawFloor(account: Account, id: DocumentId, meetingId: string, country?: CountryCode): Promise<Outcome<Meeting>> {
    const whose = country ?? (account.role === 'delegate' ? account.country : null)
    if (!whose) return Promise.resolve(refuse(400, 'name the country whose floor is withdrawn'))
    const own = account.role === 'delegate' && account.country === whose
    if (!own && !mayChair(account.role)) return Promise.resolve(refuse(403, "a delegation withdraws only its own country's request for the floor"))
    return this.change(id, meetingId, (meeting, at) => this.charged(account, meeting, withdrawFloor(meeting, whose, at)), (meeting) =>
      this.entry(account, 'meeting.floor.withdrawn', meeting, { country: whose })
    )
  }

  /** The chair gives the floor to `country`, or (without one) to the first in the queue. */
  giveFloor(account: Account, id: DocumentId, meetingId: string, country?: CountryCode): Promise<Outcome<Meeting>> {
    if (!mayChair(account.role)) return Promise.resolve(refuse(403, CHAIR_ONLY))
    return this.change(
      id,
      meetingId,
      (meeting, at) => ok(country ? giveFloor(meeting, country, at) : nextSpeaker(meeting, at)),
      (meeting) => this.entry(account, 'meeting.floor.given', meeting, { country: meeting.speaking?.country ?? null })
    )
  }

  /**
   * The Secretariat (or the Presidency) records what `country` said, against
   * the paragraph `blockId`: a comment of kind `intervention` (see
   * `Comments.recordIntervention`). 409 once the meeting has ended. With
   * `requestKey` (the request's `Idempotency-Key`) a retry after a lost
   * answer gets the intervention recorded the first time, recorded once.
   */
  intervene(account: Account, id: DocumentId, meetingId: string, input: NewIntervention, requestKey?: string): Promise<Outcome<CommentView>> {
    if (!mayChair(account.role)) return Promise.resolve(refuse(403, 'only the Presidency or the Secretariat record interventions'))
    // In the meeting's turn: it cannot end between the check and the record.
    return this.sources.store.locks.run(`meetings:${id}`, async () => {
      const found = await this.get(id, meetingId)
      if ('failed' in found) return found
      if (!isRunning(found.ok)) return refuse(409, `the meeting "${found.ok.title}" ended at ${found.ok.endedAt}`)
      return this.sources.comments.recordIntervention(account, id, { meeting: meetingId, ...input }, requestKey)
    })
  }

  /**
   * The minutes of the meeting (see `meetingMinutes`) as Word or Markdown,
   * recorded in the audit trail before they are handed back; a running
   * meeting's minutes say they are provisional. Both files are made in the
   * worker pool, by the writers of versions, and count against the account's
   * rate of jobs (429 past it).
   */
  async minutes(account: Account, document: DocumentMeta, meetingId: string, format: MinutesFormat): Promise<Outcome<ExportedFile>> {
    const found = await this.get(document.id, meetingId)
    if ('failed' in found) return found
    const meeting = found.ok
    const [comments, brackets, statuses, { timeZone }, paragraphs] = await Promise.all([
      this.sources.comments.list(document.id),
      this.sources.brackets.stored(document.id),
      this.sources.blockStatuses.stored(document.id),
      this.sources.settings.load(),
      this.sources.collaboration.withDocument(
        document.id,
        (doc) => new Map<string, MinutesParagraph>(textBlocks(doc).map((b, i) => [b.id as string, { label: `§ ${i + 1}`, section: b.section, text: b.text }]))
      )
    ])
    const minutes = meetingMinutes({ documentTitle: document.title, meeting, comments, timeZone, brackets, statuses }, paragraphs)
    const doc = minutesDocument(minutes)
    // Both formats in the pool, as every export: off the event loop, and within the account's rate of jobs.
    const made =
      format === 'md'
        ? await this.sources.work.run(account.username, 'versionMarkdown', { content: doc.toJSON() })
        : await this.sources.work.run(account.username, 'versionDocx', {
            content: doc.toJSON(),
            meta: { title: document.title, versionName: `Acta: ${meeting.title}`, createdAt: minutes.date, author: authorTitle(meeting.startedBy) }
          })
    if ('refused' in made) return refusalOf(made, 422)
    const bytes = made.ok
    await this.sources.audit.record(this.entry(account, 'export.minutes', meeting, { format, title: meeting.title }))
    return ok({ fileName: fileNameOf(`${document.title} - acta ${meeting.title}`, format), mimeType: format === 'md' ? MARKDOWN_MIME_TYPE : DOCX_MIME_TYPE, bytes })
  }

  /**
   * The chair lets the delegations present hold and lift brackets and
   * support options and proposals while the meeting runs, even outside a
   * comment period (`allowed`), or stops letting them. 409 once it has ended.
   */
  allowDelegations(account: Account, id: DocumentId, meetingId: string, allowed: boolean): Promise<Outcome<Meeting>> {
    if (!mayChair(account.role)) return Promise.resolve(refuse(403, CHAIR_ONLY))
    return this.change(id, meetingId, (meeting) => ok(allowDelegations(meeting, allowed)), (meeting) =>
      this.entry(account, 'meeting.delegations', meeting, { allowed })
    )
  }

  /** The chair ends the meeting; from then on it refuses every act, and its minutes can be read. */
  end(account: Account, id: DocumentId, meetingId: string): Promise<Outcome<Meeting>> {
    if (!mayChair(account.role)) return Promise.resolve(refuse(403, CHAIR_ONLY))
    return this.change(id, meetingId, (meeting, at) => ok(endMeeting(meeting, authorOf(account), at)), (meeting) =>
      this.entry(account, 'meeting.ended', meeting, { title: meeting.title })
    )
  }
}
