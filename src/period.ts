import type { Username } from './account'
import { addBusinessDays, endOfDayIn, isIsoDate, startOfDayIn, type IsoDate } from './calendar'
import type { DocumentId } from './document'
import type { RequestStamp } from './requestStamp'
import type { RefusalCode } from './wire'

/** A window in which delegates may comment on a document, deadline included. */
export interface CommentPeriod {
  readonly id: string
  readonly documentId: DocumentId
  readonly start: IsoDate
  readonly deadline: IsoDate
  /** Set when the deadline was given as business days from `start`. */
  readonly businessDays: number | null
  readonly openedBy: Username
  /** ISO timestamp. */
  readonly openedAt: string
  /** ISO timestamp at which the Presidency closed it early, if it did. */
  readonly closedAt: string | null
  /** The request that opened it, when its client named it. */
  readonly request?: RequestStamp
}

/** How a period's deadline is given: a date, or business days from the start. */
export type DeadlineRule = { readonly deadline: IsoDate } | { readonly businessDays: number }

/**
 * The deadline a rule gives for a period starting on `start`, skipping
 * weekends and `holidays`; or why the rule is invalid.
 */
export function deadlineOf(start: IsoDate, rule: DeadlineRule, holidays: readonly IsoDate[]): { deadline: IsoDate } | { failed: string } {
  if (!isIsoDate(start)) return { failed: `start must be a date written YYYY-MM-DD, got ${JSON.stringify(start)}` }
  if ('businessDays' in rule) {
    if (!Number.isInteger(rule.businessDays) || rule.businessDays < 1 || rule.businessDays > 260)
      return { failed: 'businessDays must be a whole number from 1 to 260' }
    return { deadline: addBusinessDays(start, rule.businessDays, holidays) }
  }
  if (!isIsoDate(rule.deadline)) return { failed: `deadline must be a date written YYYY-MM-DD, got ${JSON.stringify(rule.deadline)}` }
  if (rule.deadline < start) return { failed: `the deadline ${rule.deadline} is before the start ${start}` }
  return { deadline: rule.deadline }
}

/** Today's date in a time zone (the workspace's), as `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: Date): IsoDate {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now) as IsoDate
}

/** Whether the period accepts comments on `today`. */
export const isPeriodOpen = (period: CommentPeriod, today: IsoDate): boolean =>
  period.closedAt === null && period.start <= today && today <= period.deadline

/**
 * The first and the last instant at which the period accepts comments, in
 * the workspace's `timeZone`: the start of its first day and the last
 * millisecond (23:59) of its deadline day, as {@link isPeriodOpen} counts days there.
 */
export const periodBounds = (period: Pick<CommentPeriod, 'start' | 'deadline'>, timeZone: string): { opens: Date; closes: Date } => ({
  opens: startOfDayIn(period.start, timeZone),
  closes: endOfDayIn(period.deadline, timeZone)
})

/** The period that governs a document now: the one opened last. */
export const currentPeriod = (periods: readonly CommentPeriod[]): CommentPeriod | undefined =>
  [...periods].sort((a, b) => a.openedAt.localeCompare(b.openedAt)).at(-1)

/**
 * Why a delegate may not comment: the English message, and a stable `code`
 * with the dates it names (`start`, `deadline`, `closedOn`) for a translation.
 */
export interface PeriodRefusal {
  readonly code: Extract<RefusalCode, `period_${string}`>
  readonly message: string
  readonly values: Readonly<Record<string, IsoDate>>
}

/**
 * Why a delegate may not comment on `today`, naming the deadline; undefined
 * when the current period is open. `timeZone` (the workspace's, default UTC)
 * is the one in which an early close is dated, as `today` is.
 */
export function periodRefusal(periods: readonly CommentPeriod[], today: IsoDate, timeZone = 'UTC'): PeriodRefusal | undefined {
  const period = currentPeriod(periods)
  if (!period) return { code: 'period_not_opened', message: 'no comment period has been opened for this document', values: {} }
  if (isPeriodOpen(period, today)) return undefined
  const { start, deadline } = period
  if (today < start)
    return { code: 'period_not_started', message: `the comment period opens on ${start} (deadline ${deadline})`, values: { start, deadline } }
  if (period.closedAt !== null && today <= deadline) {
    const closedOn = todayIn(timeZone, new Date(period.closedAt))
    return {
      code: 'period_closed_early',
      message: `the comment period was closed by the Presidency on ${closedOn} (deadline was ${deadline})`,
      values: { closedOn, deadline }
    }
  }
  return { code: 'period_ended', message: `the comment period ended on ${deadline}: the deadline has passed`, values: { deadline } }
}
