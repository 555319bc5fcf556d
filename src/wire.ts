/**
 * The contract between the server and the browser app, in one place: the
 * WebSocket close codes and the reasons a session ends, the HTTP header names
 * both sides write, the refusal codes the app translates, and the shapes of
 * the API's answers. The server's services return these types and the app's
 * API modules read them, so that a field renamed on one side fails `tsc`
 * instead of a person. (Hocuspocus shares `packages/common` between its server
 * and its provider the same way.)
 */
import type { Account, Username } from './account'
import type { CountryCode } from './country'
import type { Anchor, TextQuoteSelector } from './anchor'
import type { AuditEntry, AuditTargetNames } from './audit'
import type { IsoDate } from './calendar'
import type { Bracket, BracketDiffEntry } from './bracket'
import type { Author, Comment } from './comment'
import type { BlockChange, DiffStats } from './diff'
import type { BlockStatusChange, BlockView } from './blockStatus'
import type { DocumentId, DocumentMeta } from './document'
import type { Meeting } from './meeting'
import type { SilenceProcedure } from './silence'
import type { CommentPeriod } from './period'
import type { Role } from './role'

// ---------------------------------------------------------------------------
// WebSocket

/**
 * Close codes the server uses (see PROTOCOL.md). 4000–4999 are for
 * applications; each 44xx mirrors the HTTP status it stands for, so clients
 * can show the same message.
 */
export const CloseCode = {
  /** The server is shutting down; the client reconnects later. */
  goingAway: 1001,
  /** A message was larger than the server accepts. */
  messageTooBig: 1009,
  /** The document could not be loaded. */
  internalError: 1011,
  /** A malformed, truncated or unknown message. */
  badMessage: 4400,
  /** No valid session; the reason is a {@link SessionEndReason} when an open session ended. */
  unauthorized: 4401,
  /** The session's account may not open this document. */
  forbidden: 4403,
  /** No document with that id. */
  notFound: 4404,
  /** An update would take the document over its maximum size; nothing of it was applied. */
  documentTooLarge: 4413,
  /**
   * An update broke a rule of the content: a link that is not an http(s) or
   * mailto address (see `isSafeHref`), or a picture that is not a raster
   * data: URL within the limit (see `isSafeImageSrc`). Nothing of it was
   * applied, forwarded or stored.
   */
  unsafeContent: 4422,
  /** The connection stayed over its message rates for too long (flood control). */
  tooManyMessages: 4429,
  /**
   * The account's connections together stayed over the account's budget for
   * too long (sync answers, updates, awareness): one person with many
   * connections gets one person's share.
   */
  accountOverBudget: 4430
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

/**
 * Whether a close code is a refusal (44xx, an HTTP 4xx over the socket): the
 * stock y-websocket client does not reconnect after one.
 */
export const isRefusalClose = (code: number): boolean => code >= 4400 && code < 4500

/**
 * Why the open connections and event streams of a session were closed: the
 * reason of a {@link CloseCode.unauthorized} close, as the client is told.
 */
export const SessionEndReason = {
  loggedOut: 'signed out',
  loggedOutEverywhere: 'signed out everywhere',
  accountDisabled: 'account disabled',
  expired: 'session expired'
} as const

export type SessionEndReasonText = (typeof SessionEndReason)[keyof typeof SessionEndReason]

/** Whether a close reason is one of the {@link SessionEndReason}s. */
export const isSessionEndReason = (value: string): value is SessionEndReasonText =>
  (Object.values(SessionEndReason) as readonly string[]).includes(value)

// ---------------------------------------------------------------------------
// HTTP headers

/**
 * The header that carries the session's anti-CSRF token (the `csrfToken` of
 * `/api/login`, `/api/session` and `/api/me`) on every request that changes
 * something, since the session cookie alone does not prove where it came from.
 */
export const CSRF_HEADER = 'X-CSRF-Token'

/**
 * The header naming one request a client may send again after getting no
 * answer: the server answers a retry with what it made the first time.
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key'

// ---------------------------------------------------------------------------
// Refusals

/**
 * The stable names of the refusals people meet in normal use, which the app
 * words in the reader's language; the server's English message goes with
 * each, for logs and API users. Any other refusal has no code.
 */
export const REFUSAL_CODES = [
  'period_not_opened',
  'period_not_started',
  'period_closed_early',
  'period_ended',
  'quote_not_found',
  'import_unsupported_format',
  'import_malformed',
  'import_too_large',
  'import_empty',
  'upload_too_large',
  'username_taken',
  'country_delegates_full',
  'password_too_short',
  'version_name_taken',
  'comment_quota',
  'delegate_needs_country',
  'name_imitates_role',
  'bracket_held',
  'silence_ended',
  'silence_already_broken',
  'silence_superseded',
  'act_quota'
] as const

export type RefusalCode = (typeof REFUSAL_CODES)[number]

export const isRefusalCode = (value: unknown): value is RefusalCode => (REFUSAL_CODES as readonly unknown[]).includes(value)

/**
 * The body of an answer that is not 2xx: the English `error`, and for the
 * refusals the app translates, their `code` and the `values` it names (a
 * date, a country, a limit).
 */
export interface ErrorBody {
  readonly error: string
  readonly code?: RefusalCode
  readonly values?: Readonly<Record<string, string>>
}

// ---------------------------------------------------------------------------
// Sessions and accounts

/** The signed-in user as the server describes it. */
export type User = Account & { readonly mayEdit: boolean }

/**
 * A signed-in session as the server describes it: who, the anti-CSRF token
 * (see {@link CSRF_HEADER}), and the workspace's IANA time zone, in which times are shown.
 */
export interface SessionView {
  readonly user: User
  readonly csrfToken: string
  readonly timeZone: string
}

/** An account as the people who manage accounts see it. */
export type AccountEntry = Account & { readonly createdAt: string; readonly disabled: boolean }

/** A document listed for the user. */
export type DocumentEntry = DocumentMeta & { readonly mayEdit: boolean }

// ---------------------------------------------------------------------------
// Comments and comment periods

/** A comment's anchor as the API shows it: where its passage is now, or that it was deleted. */
export type AnchorView = Anchor &
  (
    | { readonly detached: true; readonly text: null }
    | { readonly detached: false; readonly from: number; readonly to: number; readonly text: string; readonly section: string }
  )

/**
 * A comment as the API shows it: its anchor resolved against the document as
 * the server last saw it; its supporters and its justification (none, and
 * null, for a comment stored before either existed or made without).
 */
export type CommentView = Omit<Comment, 'anchor' | 'supporters' | 'justification'> & {
  readonly anchor: AnchorView
  readonly supporters: readonly CountryCode[]
  readonly justification: string | null
}

/** A new comment: the passage as a quote, and optionally the wording proposed for it ("" proposes deleting it). */
export interface NewComment {
  readonly body: string
  readonly anchor: TextQuoteSelector
  readonly suggestion?: { readonly text: string }
  /** Why the country proposes the wording; only with `suggestion`. */
  readonly justification?: string
}

/** One proposal of a bulk decision: the comment as decided, or why it was not. */
export type BulkResult = { readonly id: string; readonly comment: CommentView } | { readonly id: string; readonly error: string }

// ---------------------------------------------------------------------------
// Brackets

/**
 * A bracket as the API shows it: its anchor resolved against the live text,
 * and `quote`, the bracketed passage's text now (or as last quoted, once the
 * passage was deleted).
 */
export type BracketView = Omit<Bracket, 'anchor' | 'request'> & { readonly anchor: AnchorView; readonly quote: string }

/** A new bracket: the passage as a quote, why, and the countries that asked for it. */
export interface NewBracket {
  readonly anchor: TextQuoteSelector
  readonly reason: string
  readonly holders?: readonly CountryCode[]
}

/** A document's comment periods as the API shows them. */
export interface PeriodsView {
  readonly periods: readonly CommentPeriod[]
  /** The period that governs now (the last opened), if any. */
  readonly current: CommentPeriod | null
  /** Whether delegates may comment today. */
  readonly open: boolean
  /** Today in the workspace's time zone. */
  readonly today: IsoDate
}

// ---------------------------------------------------------------------------
// A document's event stream (GET /api/documents/:id/events, Server-Sent Events)

/**
 * What each event of a document's stream carries, by its type. Before them
 * the stream's first event, `stream`, names it ({ id }) for
 * DELETE /api/documents/:id/events/:id, which ends it cleanly.
 */
export interface DocumentEventData {
  readonly comment: CommentView
  readonly period: PeriodsView
  /** With `removed` set once removed. */
  readonly bracket: BracketView
  /** The whole meeting as it now stands (its focus, its floor). */
  readonly meeting: Meeting
  /** A paragraph's status and provenance. */
  readonly block: BlockView
  readonly silence: SilenceProcedure
}

export type DocumentEventType = keyof DocumentEventData

/** Every type of event a document's stream sends. */
export const DOCUMENT_EVENT_TYPES = ['comment', 'period', 'bracket', 'meeting', 'block', 'silence'] as const satisfies readonly DocumentEventType[]

// ---------------------------------------------------------------------------
// Versions and comparisons

/** A published version as the list shows it. */
export interface VersionSummary {
  readonly id: string
  readonly documentId: DocumentId
  readonly name: string
  readonly createdAt: string
  readonly author: Author
  /** SHA-256 of the content's JSON: equal content, equal hash. */
  readonly contentHash: string
  readonly words: number
}

/** A published version with its text, and the comments as they stood when it was published. */
export interface VersionDetail extends VersionSummary {
  /** The text as ProseMirror JSON. */
  readonly content: unknown
  readonly comments: readonly CommentView[]
  /**
   * The standing brackets as they stood at publishing, their passages placed
   * in the text then; absent from versions published before brackets existed.
   */
  readonly brackets?: readonly BracketView[]
  /**
   * Every paragraph's standing and provenance as they stood when it was
   * published; absent from versions published before paragraphs had a status.
   */
  readonly blockStatuses?: readonly BlockView[]
  /** The text as plain text. */
  readonly text: string
}

/** A change between two versions that an accepted proposal brought. */
export interface ProposalCredit {
  readonly commentId: string
  /** The proposing author's country, and their role: together they say whose proposal it was (see `partyName`). */
  readonly country: CountryCode | null
  readonly role: Role
  readonly text: string
}

/** A changed block, with the accepted proposals that brought it. */
export type CreditedChange = BlockChange & { readonly proposals?: readonly ProposalCredit[] }

/** One side of a comparison: a version, or the live draft. */
export interface DiffSide {
  readonly id: string
  readonly name: string
  readonly createdAt: string
}

/** What changed from one version (or the draft) to another. */
export interface VersionDiff {
  readonly from: DiffSide
  readonly to: DiffSide
  readonly blocks: readonly CreditedChange[]
  readonly stats: DiffStats
  /** True when some blocks were over the diff's budget and are shown replaced whole (each marked `coarse`). */
  readonly coarse?: true
  /** What changed in the brackets; absent when either side is a version published before brackets were kept. */
  readonly brackets?: readonly BracketDiffEntry[]
  /**
   * The paragraphs whose standing changed from one side to the other ("agreed
   * ad ref → agreed"); absent when neither side has statuses (a version
   * published before paragraphs had one).
   */
  readonly statusChanges?: readonly BlockStatusChange[]
}

// ---------------------------------------------------------------------------
// Sharing with observers

/** Who withdrew a share, and when. */
export interface Withdrawal {
  readonly at: string
  readonly by: Author
}

/**
 * One published version of a document made readable to observers, as the
 * Presidency and the Secretariat see it. A share is never deleted: withdrawing
 * it is a state, so the record of who saw what, from when to when, stays.
 */
export interface Share {
  readonly id: string
  readonly documentId: DocumentId
  readonly versionId: string
  /** The version's name when it was shared (versions never change, so it stays true). */
  readonly versionName: string
  /**
   * The observer accounts that may read it, or `null` for every observer
   * account, including those created after the share.
   */
  readonly observers: readonly Username[] | null
  readonly sharedAt: string
  readonly sharedBy: Author
  /** Set once the share is withdrawn; from then on no observer reads it. */
  readonly withdrawn: Withdrawal | null
}

/**
 * A share as its audience sees it: what was shared, when and by whom, and
 * nothing of the other observers it was shared with.
 */
export interface SharedEntry {
  readonly share: { readonly id: string; readonly sharedAt: string; readonly sharedBy: { readonly name: string } }
  readonly document: { readonly id: DocumentId; readonly title: string }
  readonly version: { readonly id: string; readonly name: string; readonly createdAt: string }
}

/**
 * A shared version opened by its audience: the text as ProseMirror JSON and
 * nothing else of the version (no comments, no Yjs state, no hash).
 */
export interface SharedVersion extends SharedEntry {
  readonly version: SharedEntry['version'] & { readonly content: unknown }
}

// ---------------------------------------------------------------------------
// Audit trail

/** One page of the trail, newest first, as the audit log reads it. */
export interface AuditPage {
  readonly entries: readonly AuditEntry[]
  /** How many entries match the filter, on every page together. */
  readonly total: number
  /** The `before` that asks for the next (older) page, or null on the last one. */
  readonly next: number | null
}

/** One page of the trail as the API answers it: with what the entries' targets are called, as far as the reader may see them. */
export interface NamedAuditPage extends AuditPage {
  readonly names: AuditTargetNames
}

/** What checking the trail's hash chain found. */
export type AuditVerification = { readonly ok: true; readonly entries: number } | { readonly ok: false; readonly seq: number }

/**
 * What `GET /api/audit/verify` answers: the chain's check, and the names of
 * the stored records the server found damaged since it started (each left
 * out where it is read, e.g. `comment/estrategia/<id>`), so that the
 * Presidency and the Secretariat learn of them and restore them from a backup.
 */
export type AuditCheck = AuditVerification & { readonly damaged: readonly string[] }

/**
 * Something of an imported file that the document does not hold (a picture
 * of a type or size that is not kept), listed in the import's answer rather
 * than dropped silently.
 */
export interface LeftOut {
  /** What was left out: "image" for a picture. */
  readonly what: 'image'
  /** Why, in words for the person who uploaded the file. */
  readonly reason: string
}

/** A tracked change or Word comment of a marked-up copy that the current draft no longer has room for. */
export interface UnplacedMarkup {
  /** The passage of the copy it was on ("" for an insertion point). */
  readonly quote: string
  /** Why it was not placed, in words for the uploader. */
  readonly reason: string
}

/**
 * The answer to `POST /api/documents/:id/markup`: the country's comments and
 * proposals made from a marked-up Word copy (or, with `?dryRun=1`, those
 * that would be made, stored nowhere), and what could not be placed.
 */
export interface MarkupResult {
  readonly created: { readonly comments: readonly CommentView[]; readonly proposals: readonly CommentView[] }
  readonly unplaced: readonly UnplacedMarkup[]
}
