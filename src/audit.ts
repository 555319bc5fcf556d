import type { IsoDate } from './calendar'
import type { CountryCode } from './country'
import type { Role } from './role'

/**
 * Every kind of act the audit trail records. The server records them; the
 * app names them in words and offers them as filters, so they live here.
 */
export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'login.throttled',
  'logout',
  'logout.everywhere',
  'account.created',
  'account.disabled',
  'account.enabled',
  'settings.changed',
  'period.opened',
  'period.changed',
  'comment.created',
  'proposal.created',
  'markup.imported',
  'comment.replied',
  'comment.status',
  'comment.withdrawn',
  'proposal.accepted',
  'proposal.rejected',
  'proposal.supported',
  'proposal.unsupported',
  'block.status',
  'version.published',
  'version.restored',
  'document.created',
  'document.replaced',
  'export.version',
  'export.diff',
  'export.comments',
  'export.audit',
  'share.created',
  'share.withdrawn',
  'bracket.placed',
  'bracket.held',
  'bracket.lifted',
  'bracket.removed',
  'bracket.option.added',
  'bracket.option.supported',
  'bracket.option.unsupported',
  'bracket.option.chosen',
  'meeting.started',
  'meeting.focus',
  'meeting.floor.asked',
  'meeting.floor.withdrawn',
  'meeting.floor.given',
  'meeting.intervention',
  'meeting.delegations',
  'meeting.ended',
  'export.minutes',
  'silence.opened',
  'silence.objected',
  'silence.settled'
] as const

export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export const isAuditAction = (value: unknown): value is AuditAction =>
  typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value)

/** Who acted: the account as the server knew it then (a failed login names only the username tried). */
export interface AuditActor {
  readonly username: string
  readonly role: Role | null
  readonly country: CountryCode | null
}

/** What an act was done to; every field optional, the ones that apply are set. */
export interface AuditTarget {
  readonly document?: string
  readonly comment?: string
  readonly version?: string
  readonly period?: string
  readonly account?: string
  readonly share?: string
  readonly bracket?: string
  /** One of a bracket's options (with `bracket`). */
  readonly option?: string
  /** A meeting; with `comment`, the meeting an intervention or a decision was made in. */
  readonly meeting?: string
}

/** Short facts about an act (a version's name, a deadline, a format); never document text. */
/**
 * Every key an entry's details may have: the server writes no other, and the
 * app has a label for each in both languages.
 */
export const AUDIT_DETAIL_KEYS = [
  'sessions',
  'retryAfterSeconds',
  'role',
  'country',
  'format',
  'name',
  'words',
  'lang',
  'comments',
  'entries',
  'from',
  'fromName',
  'to',
  'toName',
  'action',
  'actor',
  'document',
  'title',
  'file',
  'timeZone',
  'previousTimeZone',
  'holidays',
  'holidaysAdded',
  'holidaysRemoved',
  'start',
  'deadline',
  'previousDeadline',
  'businessDays',
  'change',
  'reopened',
  'replies',
  'status',
  'previous',
  'answered',
  'bulk',
  'version',
  'observers',
  'proposals',
  'unplaced',
  'holders',
  'options',
  'block',
  'agenda',
  'attendees',
  'outcome',
  'objections',
  'pending',
  'supporters',
  'allowed'
] as const

export type AuditDetailKey = (typeof AUDIT_DETAIL_KEYS)[number]

export type AuditDetails = Readonly<Partial<Record<AuditDetailKey, string | number | boolean | null>>>

/** An act to record, as the code that performed it describes it. */
export interface AuditRecord {
  readonly action: AuditAction
  readonly actor: AuditActor
  readonly target?: AuditTarget
  readonly details?: AuditDetails
  /** The network address the request came from, where there was one. */
  readonly address?: string
}

/**
 * One entry of the trail. `seq` counts from 1 without gaps, in the order the
 * entries were appended; `at` is the acting workspace's clock (the demo's
 * replay of 2021 appends entries stamped 2021); `hash` chains each entry to
 * the one before, so that an entry changed or removed afterwards shows.
 */
export interface AuditEntry extends AuditRecord {
  readonly seq: number
  readonly at: string
  readonly hash: string
}

/**
 * What the ids in a page of entries' targets are called, for reading them
 * in words: documents' titles, versions' names, the author of a comment, a
 * period's days, the version a share shares, an account's name, a meeting's title. Only what
 * the reader may see anyway; an id left out is shown as recorded.
 */
export interface AuditTargetNames {
  readonly documents: Readonly<Record<string, string>>
  readonly versions: Readonly<Record<string, string>>
  readonly comments: Readonly<Record<string, { readonly author: string; readonly country: CountryCode | null }>>
  readonly periods: Readonly<Record<string, { readonly start: IsoDate; readonly deadline: IsoDate }>>
  readonly shares: Readonly<Record<string, string>>
  readonly accounts: Readonly<Record<string, string>>
  /** Meetings' titles. */
  readonly meetings: Readonly<Record<string, string>>
}

/**
 * Whether the role may read the audit trail: the Presidency and the
 * Secretariat, who answer for the process. Countries, reviewers and observers
 * would otherwise learn who else looked at or exported what.
 */
export const mayReadAuditTrail = (role: Role): boolean => role === 'ppt' || role === 'secretariat'
