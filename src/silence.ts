import type { Author } from './comment'
import { addBusinessDays, endOfDayIn, isIsoDate, wallClockIn, type IsoDate } from './calendar'
import type { CountryCode } from './country'
import type { DocumentId } from './document'
import { todayIn } from './period'
import type { Role } from './role'

/**
 * A silence procedure (procedimiento de silencio): a published version
 * circulates with a precise deadline and is adopted unless a delegation
 * breaks the silence with a reasoned objection before it.
 */
export interface SilenceProcedure {
  readonly documentId: DocumentId
  /** The version under the procedure: one procedure per version. */
  readonly versionId: string
  readonly versionName: string
  /** The instant after which nothing more is accepted (ISO timestamp, UTC). */
  readonly deadline: string
  /** Set when the deadline was given as business days from the day it was opened. */
  readonly businessDays: number | null
  /** ISO timestamp. */
  readonly openedAt: string
  readonly openedBy: Author
  /** The objections, in the order they came. */
  readonly objections: readonly SilenceObjection[]
  /** `pending` until the server settles it at the deadline. */
  readonly outcome: SilenceOutcome
  /** When the server settled it (at or soon after the deadline); null while pending. */
  readonly settledAt: string | null
}

/** A delegation breaking the silence: its country (from the session), who, when and why. */
export interface SilenceObjection {
  readonly id: string
  readonly country: CountryCode
  readonly author: Author
  /** ISO timestamp. */
  readonly at: string
  readonly reason: string
  /** The wording the delegation proposes instead, if it proposed one. */
  readonly amendment: string | null
}

export const SILENCE_OUTCOMES = ['pending', 'adopted', 'not-adopted'] as const

/** Where a procedure stands: before the deadline, or what the deadline decided. */
export type SilenceOutcome = (typeof SILENCE_OUTCOMES)[number]

export const isSilenceOutcome = (value: unknown): value is SilenceOutcome =>
  typeof value === 'string' && (SILENCE_OUTCOMES as readonly string[]).includes(value)

/** How a procedure's deadline is given: an instant, or N business days after today in the workspace. */
export type SilenceDeadlineRule = { readonly deadline: string } | { readonly businessDays: number }

/** Longest reason or amendment of an objection, in characters. */
export const MAX_OBJECTION_LENGTH = 10_000

/** Most business days a procedure may run. */
export const MAX_SILENCE_BUSINESS_DAYS = 60

/** Only the Presidency puts a version under silence procedure: the issue gives it the act, as it gives it sharing. */
export const mayOpenSilence = (role: Role): boolean => role === 'ppt'

/** Only delegations break the silence, each for its own country. */
export const mayBreakSilence = (role: Role): boolean => role === 'delegate'

// A date and time as a form sends it, with no zone: read on the workspace's wall clock.
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/
// With a zone (Z or ±hh:mm), it names one instant anywhere.
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/

/**
 * The deadline a rule gives for a procedure opened at `now`, in the
 * workspace's `timeZone` with its `holidays`: a date-time without a zone is
 * read on the workspace's wall clock; N business days end at 23:59 of the
 * Nth business day after today there. Refused: a malformed rule, or a
 * deadline not after `now`.
 */
export function silenceDeadlineOf(
  rule: SilenceDeadlineRule,
  now: Date,
  timeZone: string,
  holidays: readonly IsoDate[]
): { deadline: Date } | { failed: string } {
  let deadline: Date
  if ('businessDays' in rule) {
    const n = rule.businessDays
    if (!Number.isInteger(n) || n < 1 || n > MAX_SILENCE_BUSINESS_DAYS)
      return { failed: `businessDays must be a whole number from 1 to ${MAX_SILENCE_BUSINESS_DAYS}` }
    deadline = endOfDayIn(addBusinessDays(todayIn(timeZone, now), n, holidays), timeZone)
  } else {
    const local = LOCAL_DATE_TIME.exec(rule.deadline)
    if (local && isIsoDate(local[1])) {
      const [hours, minutes, seconds] = [Number(local[2]), Number(local[3]), Number(local[4] ?? 0)]
      if (hours > 23 || minutes > 59 || seconds > 59) return { failed: `deadline is not a time of day: ${JSON.stringify(rule.deadline)}` }
      deadline = new Date(wallClockIn(local[1], hours * 60 + minutes, timeZone).getTime() + seconds * 1000)
    } else if (ZONED_DATE_TIME.test(rule.deadline) && !Number.isNaN(Date.parse(rule.deadline))) deadline = new Date(rule.deadline)
    else return { failed: `deadline must be a date and time written YYYY-MM-DDTHH:MM (the workspace's time), got ${JSON.stringify(rule.deadline)}` }
  }
  if (deadline.getTime() <= now.getTime()) return { failed: `the deadline ${deadline.toISOString()} has already passed` }
  return { deadline }
}

/** Whether the procedure still accepts objections at `now`: before its deadline, never at it. */
export const isSilenceOpen = (procedure: Pick<SilenceProcedure, 'deadline'>, now: Date): boolean => now.getTime() < Date.parse(procedure.deadline)

/**
 * What the deadline decides: adopted if no delegation broke the silence,
 * not adopted otherwise. Precondition: the deadline has passed.
 */
export const outcomeAtDeadline = (procedure: Pick<SilenceProcedure, 'objections'>): Exclude<SilenceOutcome, 'pending'> =>
  procedure.objections.length === 0 ? 'adopted' : 'not-adopted'
