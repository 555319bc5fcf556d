import type { Account } from './account'
import type { Author, Comment } from './comment'
import type { MeetingId } from './meeting'
import { COUNTRIES, isCountryCode, type CountryCode } from './country'
import type { Role } from './role'

/**
 * Where the negotiation of one paragraph stands, as the Presidency says:
 * still `open`; agreed `informal`ly in the room; agreed `ad-ref`erendum,
 * pending the confirmation of some capitals; or `agreed`.
 */
export type BlockStatus = 'open' | 'informal' | 'ad-ref' | 'agreed'

/** The statuses, from the least agreed to the most. */
export const BLOCK_STATUSES: readonly BlockStatus[] = ['open', 'informal', 'ad-ref', 'agreed']

export const isBlockStatus = (value: unknown): value is BlockStatus =>
  typeof value === 'string' && (BLOCK_STATUSES as readonly string[]).includes(value)

/** A paragraph's status and, agreed ad referendum, the countries whose capitals must still confirm. */
export interface BlockStanding {
  readonly status: BlockStatus
  /** Empty unless `status` is `ad-ref`; then at least one country, in the Conference's order. */
  readonly pending: readonly CountryCode[]
}

/** Where a paragraph no one has set a status for stands. */
export const OPEN_STANDING: BlockStanding = { status: 'open', pending: [] }

/** A paragraph's status as stored: what the Presidency or the Secretariat last set, by whom and when. */
export interface BlockStatusRecord extends BlockStanding {
  readonly blockId: string
  readonly by: Author
  /** ISO timestamp. */
  readonly at: string
  /** The meeting running on the document when it was set, if one was: set "in the room". */
  readonly meeting?: MeetingId
}

/**
 * One paragraph of a document as `GET /api/documents/:id/blocks` answers:
 * its standing, and the countries whose accepted proposals shaped it
 * (its provenance), in the Conference's order.
 */
export interface BlockView extends BlockStanding {
  readonly blockId: string
  readonly provenance: readonly CountryCode[]
}

/** The body of `PUT /api/documents/:id/blocks/:blockId/status`. */
export interface NewBlockStatus {
  readonly status: BlockStatus
  readonly pending?: readonly CountryCode[]
}

/** Whether the role sets the status of paragraphs: the Presidency and the Secretariat, who chair. */
export const maySetBlockStatus = (role: Role): boolean => role === 'ppt' || role === 'secretariat'

const ORDER = new Map<string, number>(COUNTRIES.map((c, i) => [c.code, i]))

/** `countries` once each, in the order the Conference lists them. */
export const inConferenceOrder = (countries: Iterable<CountryCode>): CountryCode[] =>
  [...new Set(countries)].sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0))

/**
 * The standing a request asks for, checked: `pending` only with `ad-ref`,
 * and `ad-ref` only with the capitals it waits for (member countries).
 */
export function standingOf(input: NewBlockStatus): { ok: BlockStanding } | { failed: string } {
  const pending = input.pending ?? []
  const stranger = pending.find((c) => !isCountryCode(c))
  if (stranger !== undefined) return { failed: `not a member country: ${JSON.stringify(stranger)}` }
  if (input.status !== 'ad-ref' && pending.length > 0) return { failed: 'only a paragraph agreed ad referendum has countries pending' }
  if (input.status === 'ad-ref' && pending.length === 0) return { failed: 'agreed ad referendum needs the countries whose capitals must still confirm' }
  return { ok: { status: input.status, pending: inConferenceOrder(pending) } }
}

/** Whether two standings say the same. */
export const sameStanding = (a: BlockStanding, b: BlockStanding): boolean =>
  a.status === b.status && a.pending.length === b.pending.length && a.pending.every((c, i) => b.pending[i] === c)

/**
 * Each block's provenance: the countries whose accepted proposals now sit in
 * it. `accepted` are the proposals accepted by the Presidency with the block
 * that holds their wording now (a proposal whose wording is gone is left out
 * by the caller); the Presidency's own proposals (no country) add none.
 */
export function provenanceOf(accepted: Iterable<{ readonly country: CountryCode | null; readonly blockId: string }>): Map<string, CountryCode[]> {
  const found = new Map<string, CountryCode[]>()
  for (const { country, blockId } of accepted) if (country) found.set(blockId, [...(found.get(blockId) ?? []), country])
  return new Map([...found].map(([blockId, countries]) => [blockId, inConferenceOrder(countries)]))
}

/** How much of a text is agreed: its paragraphs, and how many of them stand `agreed`. */
export function agreementCount(blocks: readonly BlockStanding[]): { readonly agreed: number; readonly total: number } {
  return { agreed: blocks.filter((b) => b.status === 'agreed').length, total: blocks.length }
}

/** A paragraph whose standing differs between two moments, as a comparison reports it. */
export interface BlockStatusChange {
  readonly blockId: string
  readonly from: BlockStanding
  readonly to: BlockStanding
}

/**
 * The paragraphs whose standing differs from `before` to `after` (a block
 * missing from one side stands open there), in the order of `after` and
 * then of `before`.
 */
export function blockStatusChanges(before: readonly (BlockStanding & { readonly blockId: string })[], after: readonly (BlockStanding & { readonly blockId: string })[]): BlockStatusChange[] {
  const then = new Map(before.map((b) => [b.blockId, b]))
  const now = new Map(after.map((b) => [b.blockId, b]))
  const ids = [...new Set([...now.keys(), ...then.keys()])]
  const standing = (b: BlockStanding | undefined): BlockStanding => (b ? { status: b.status, pending: b.pending } : OPEN_STANDING)
  return ids
    .map((blockId) => ({ blockId, from: standing(then.get(blockId)), to: standing(now.get(blockId)) }))
    .filter((c) => !sameStanding(c.from, c.to))
}

// ---------------------------------------------------------------------------
// Support for proposals

/** Longest justification of a proposal, in characters. */
export const MAX_JUSTIFICATION_LENGTH = 5_000

/** Why an account may not give or take back its country's support for a proposal. */
export interface SupportRefusal {
  readonly status: 403 | 409
  readonly message: string
}

/**
 * Why `account` may not add or remove its country's support for `comment`,
 * or undefined if it may: only a delegation, for another country's proposed
 * wording still awaiting a decision (not a plain comment, not its own
 * country's, not the Presidency's, not withdrawn). Whether a comment period is
 * open is the caller's to check.
 */
export function supportRefusal(account: Pick<Account, 'role' | 'country'>, comment: Pick<Comment, 'country' | 'status' | 'suggestion'>): SupportRefusal | undefined {
  if (account.role !== 'delegate' || account.country === null) return { status: 403, message: 'only a delegation supports proposals, for its own country' }
  if (!comment.suggestion) return { status: 409, message: 'this comment proposes no wording: only proposals are supported' }
  if (comment.country === null) return { status: 409, message: "the Presidency's own proposals are not supported by delegations" }
  if (comment.country === account.country) return { status: 403, message: "a delegation does not support its own country's proposal" }
  if (comment.status === 'withdrawn') return { status: 409, message: 'this proposal was withdrawn by its country' }
  if (comment.suggestion.decision) return { status: 409, message: `this proposal was already ${comment.suggestion.decision.outcome}` }
  return undefined
}

/** The supporters with `country` added (`on`) or removed, in the Conference's order. */
export function withSupport(supporters: readonly CountryCode[] | undefined, country: CountryCode, on: boolean): CountryCode[] {
  const rest = (supporters ?? []).filter((c) => c !== country)
  return inConferenceOrder(on ? [...rest, country] : rest)
}
