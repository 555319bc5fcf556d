import type { Author } from './comment'
import type { CountryCode } from './country'
import type { DocumentId } from './document'
import type { Role } from './role'

/** The id of a meeting. */
export type MeetingId = string & { __brand: 'MeetingId' }

/** One item of a meeting's agenda; it may point at the paragraph or section heading it discusses. */
export interface AgendaItem {
  readonly title: string
  /** How long it is planned to take, in minutes. */
  readonly minutes?: number
  /** Who coordinates or takes part ("PPT / SE CRM"), as the agenda says it. */
  readonly lead?: string
  /** The text block (a paragraph or a section's heading) it presents. */
  readonly blockId?: string
}

/** A delegation waiting for the floor, or holding it. */
export interface FloorTurn {
  readonly country: CountryCode
  /** When it asked (in the queue) or was given the floor (speaking). */
  readonly since: string
}

/** One time a delegation held the floor, for the minutes. */
export interface SpokenTurn {
  readonly country: CountryCode
  readonly from: string
  /** When the floor passed on; null while it still speaks. */
  readonly to: string | null
}

/** The paragraph the chair is presenting, which every participant's view follows. */
export interface MeetingFocus {
  readonly blockId: string
  readonly at: string
}

/**
 * A moderated session on a document: the chair (Presidency or Secretariat)
 * presents the text paragraph by paragraph, gives the floor in the order it
 * was asked for, and the Secretariat records each intervention (as a comment
 * of kind `intervention` carrying the meeting's id). Who acted is stamped by
 * the server from the session.
 */
export interface Meeting {
  readonly id: MeetingId
  readonly documentId: DocumentId
  readonly title: string
  readonly agenda: readonly AgendaItem[]
  /** The countries present, as the chair listed them. */
  readonly attendees: readonly CountryCode[]
  readonly startedAt: string
  readonly startedBy: Author
  /** Null while the meeting runs. */
  readonly endedAt: string | null
  readonly endedBy: Author | null
  readonly focus: MeetingFocus | null
  readonly speaking: FloorTurn | null
  /** Delegations waiting for the floor, in the order they asked. */
  readonly queue: readonly FloorTurn[]
  /** Every turn at the floor, in order. */
  readonly turns: readonly SpokenTurn[]
  /**
   * Whether the chair lets the delegations present hold, lift and support
   * (brackets, options, proposals) while the meeting runs, outside a comment
   * period. Absent (older records) means not.
   */
  readonly delegationsMayAct?: boolean
}

/** Longest meeting title, agenda item title or lead, in characters. */
export const MAX_MEETING_TITLE = 300
/** Most items on an agenda. */
export const MAX_AGENDA_ITEMS = 50
/**
 * Most meetings held on one document, running or ended: every list of the
 * meetings (each viewer's panel, at each reconnection) carries them all.
 * A negotiation meets on a text some dozens of times.
 */
export const MAX_MEETINGS_PER_DOCUMENT = 500
/**
 * Most turns at the floor in one meeting: the meeting is stored whole at
 * each act, so its record must stay small. A two-hour session gives some dozens.
 */
export const MAX_TURNS_PER_MEETING = 2_000
/** Longest intervention summary, in characters. */
export const MAX_INTERVENTION_LENGTH = 5_000

/** Whether the role chairs meetings: starts them, moves the focus, gives the floor, records interventions, ends them. */
export const mayChair = (role: Role): boolean => role === 'ppt' || role === 'secretariat'

/** Whether the meeting still runs. */
export const isRunning = (meeting: Meeting): boolean => meeting.endedAt === null

/** A meeting act that the meeting's state does not allow, with the reason; `tooMany` for one turn more than {@link MAX_TURNS_PER_MEETING}. */
export type MeetingResult = { readonly ok: Meeting } | { readonly failed: string; readonly tooMany?: true }

const ended = (meeting: Meeting): MeetingResult | undefined =>
  isRunning(meeting) ? undefined : { failed: `the meeting "${meeting.title}" ended at ${meeting.endedAt}` }

const turnsFull = (meeting: Meeting): MeetingResult | undefined =>
  meeting.turns.length < MAX_TURNS_PER_MEETING ? undefined : { failed: `a meeting holds at most ${MAX_TURNS_PER_MEETING} turns at the floor`, tooMany: true }

/** The chair lets the delegations present hold, lift and support in the room (`allowed`), or stops letting them. */
export function allowDelegations(meeting: Meeting, allowed: boolean): MeetingResult {
  const refused = ended(meeting)
  if (refused) return refused
  return { ok: (meeting.delegationsMayAct ?? false) === allowed ? meeting : { ...meeting, delegationsMayAct: allowed } }
}

/**
 * Whether `country`'s delegation may hold, lift and support outside a
 * comment period because of `meeting`: it runs, its chair allowed it, and
 * the country is present.
 */
export function delegationMayActIn(meeting: Meeting | undefined, country: CountryCode): boolean {
  return meeting !== undefined && isRunning(meeting) && meeting.delegationsMayAct === true && meeting.attendees.includes(country)
}

/** The chair presents `blockId` (whose existence the caller checks). */
export function moveFocus(meeting: Meeting, blockId: string, at: string): MeetingResult {
  return ended(meeting) ?? { ok: { ...meeting, focus: { blockId, at } } }
}

/** `country` asks for the floor: it joins the end of the queue (asking twice keeps its place). */
export function askFloor(meeting: Meeting, country: CountryCode, at: string): MeetingResult {
  const refused = ended(meeting)
  if (refused) return refused
  if (meeting.speaking?.country === country || meeting.queue.some((t) => t.country === country)) return { ok: meeting }
  return { ok: { ...meeting, queue: [...meeting.queue, { country, since: at }] } }
}

// The floor passes from whoever holds it (their turn ends at `at`) to `next`.
function passFloor(meeting: Meeting, next: CountryCode | null, at: string): Meeting {
  const turns = meeting.speaking
    ? meeting.turns.map((t, i) => (i === meeting.turns.length - 1 && t.to === null ? { ...t, to: at } : t))
    : meeting.turns
  return {
    ...meeting,
    speaking: next ? { country: next, since: at } : null,
    queue: meeting.queue.filter((t) => t.country !== next),
    turns: next ? [...turns, { country: next, from: at, to: null }] : turns
  }
}

/** The chair gives the floor to `country`, asked for or not; it leaves the queue, and whoever spoke is done. */
export function giveFloor(meeting: Meeting, country: CountryCode, at: string): MeetingResult {
  return ended(meeting) ?? turnsFull(meeting) ?? { ok: passFloor(meeting, country, at) }
}

/** The chair gives the floor to the first delegation in the queue; with none waiting, the floor is just closed. */
export function nextSpeaker(meeting: Meeting, at: string): MeetingResult {
  const next = meeting.queue[0]?.country ?? null
  return ended(meeting) ?? (next ? turnsFull(meeting) : undefined) ?? { ok: passFloor(meeting, next, at) }
}

/**
 * `country` no longer holds or waits for the floor: it yields or withdraws
 * its request, or the chair takes the floor back. Nothing to withdraw is no change.
 */
export function withdrawFloor(meeting: Meeting, country: CountryCode, at: string): MeetingResult {
  const refused = ended(meeting)
  if (refused) return refused
  if (meeting.speaking?.country === country) return { ok: passFloor(meeting, null, at) }
  return { ok: { ...meeting, queue: meeting.queue.filter((t) => t.country !== country) } }
}

/** Ends the meeting: the floor closes, and from then on it refuses every act. */
export function endMeeting(meeting: Meeting, by: Author, at: string): MeetingResult {
  const refused = ended(meeting)
  if (refused) return refused
  return { ok: { ...passFloor(meeting, null, at), queue: [], endedAt: at, endedBy: by } }
}
