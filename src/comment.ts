import type { Account, Username } from './account'
import type { Anchor } from './anchor'
import { countryOf, type CountryCode } from './country'
import type { DocumentId } from './document'
import type { RequestStamp } from './requestStamp'
import { ROLE_TITLES, type Role } from './role'

/** The id of a comment. */
export type CommentId = string & { __brand: 'CommentId' }

/** Where a comment stands, as the Presidency decides (or the author's country withdraws). */
export type CommentStatus = 'open' | 'incorporated' | 'partially_incorporated' | 'not_incorporated' | 'withdrawn'

export const COMMENT_STATUSES: readonly CommentStatus[] = [
  'open',
  'incorporated',
  'partially_incorporated',
  'not_incorporated',
  'withdrawn'
]

export const isCommentStatus = (value: unknown): value is CommentStatus =>
  typeof value === 'string' && (COMMENT_STATUSES as readonly string[]).includes(value)

/** Who wrote something, as the server's session said, at the time. */
export interface Author {
  readonly username: Username
  readonly name: string
  readonly role: Role
  readonly country: CountryCode | null
}

export const authorOf = (account: Account): Author => ({
  username: account.username,
  name: account.name,
  role: account.role,
  country: account.country
})

/**
 * Whom a file Consenso writes names for what someone did (a tracked change's
 * author, a file's creator): their country for a delegation, else their
 * role ("Presidencia Pro Tempore"), never a person. Unlike `partyName`'s
 * labels it spells the role out: a file's metadata has no legend.
 */
export const authorTitle = (author: Pick<Author, 'role' | 'country'>): string =>
  author.country ? countryOf(author.country).name.es : ROLE_TITLES[author.role]

export interface Reply {
  readonly id: string
  readonly author: Author
  /** ISO timestamp. */
  readonly createdAt: string
  readonly body: string
  /** The request that made the reply, when its client named it. */
  readonly request?: RequestStamp
}

/** The Presidency's decision on a proposed wording. */
export interface Decision {
  readonly outcome: 'accepted' | 'rejected'
  readonly by: Author
  readonly at: string
  /** The meeting running on the document when the decision was taken ("in the room"), set by the server. */
  readonly meeting?: string
  /** For an accepted proposal: the text as it stood before, replaced by the proposal. */
  readonly replaced?: string
  /**
   * For an accepted proposal: the passage as the country quoted it when it
   * commented (the anchor's quote then; from then on the anchor quotes the
   * wording brought in). Absent from decisions recorded before it was kept.
   */
  readonly quoted?: string
}

/** A proposed wording: the passage's replacement ("" proposes deleting it). */
export interface Suggestion {
  readonly text: string
  readonly decision: Decision | null
}

/** The Presidency's answer to a comment. */
export interface Answer {
  readonly body: string
  readonly by: Author
  readonly at: string
}

/**
 * What kind of input a comment is: a remark written by a delegation (or the
 * Presidency's note), or an intervention a delegation made in a meeting,
 * recorded by the Secretariat against the paragraph under discussion.
 */
export type CommentKind = 'comment' | 'intervention'

export const COMMENT_KINDS: readonly CommentKind[] = ['comment', 'intervention']

/** A comment's kind; records written before kinds existed are remarks. */
export const kindOf = (comment: Pick<Comment, 'kind'>): CommentKind => comment.kind ?? 'comment'

/**
 * A country's remark on a passage of a document, with its thread, its status,
 * the Presidency's answer and, if it proposes wording, the proposal. `country`
 * and `author` are stamped by the server from the session.
 */
export interface Comment {
  readonly id: CommentId
  readonly documentId: DocumentId
  /** The country whose input this is; null for the Presidency's or the Secretariat's own notes. */
  readonly country: CountryCode | null
  readonly author: Author
  readonly createdAt: string
  readonly body: string
  readonly status: CommentStatus
  readonly anchor: Anchor
  readonly replies: readonly Reply[]
  readonly suggestion: Suggestion | null
  readonly answer: Answer | null
  /**
   * The other countries that support the proposed wording (co-sponsors), in
   * the Conference's order; absent from comments stored before support existed.
   */
  readonly supporters?: readonly CountryCode[]
  /** Why the country proposes its wording, in its own words; absent if it gave no reason. */
  readonly justification?: string
  /** The request that made the comment, when its client named it. */
  readonly request?: RequestStamp
  /**
   * Absent for a written remark. `intervention`: what `country` said in the
   * meeting `meeting`, as summarised by `author` (the Secretariat or the Presidency).
   */
  readonly kind?: CommentKind
  /** The meeting an intervention was made in. */
  readonly meeting?: string
}

/** Longest comment, reply or answer body, in characters. */
export const MAX_COMMENT_LENGTH = 10_000
/** Longest proposed wording, in characters. */
export const MAX_SUGGESTION_LENGTH = 5_000

/** Whether the role may write comments and proposals at all. */
export const mayComment = (role: Role): boolean => role === 'delegate' || role === 'ppt' || role === 'secretariat'

/** Whether the role answers comments, sets their status and decides on proposals. */
export const mayDecide = (role: Role): boolean => role === 'ppt' || role === 'secretariat'

/** Whether what this role writes must fall within an open comment period. */
export const needsOpenPeriod = (role: Role): boolean => role === 'delegate'

/** Whether `account` may withdraw `comment`: a delegate of its country, while it is open. */
export const mayWithdraw = (account: Account, comment: Pick<Comment, 'country' | 'status' | 'kind'>): boolean =>
  account.role === 'delegate' &&
  account.country !== null &&
  account.country === comment.country &&
  comment.status === 'open' &&
  // An intervention is the Secretariat's record of what a country said in a meeting, not the country's own text.
  kindOf(comment) !== 'intervention'
