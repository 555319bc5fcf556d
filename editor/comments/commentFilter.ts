import { COMMENT_STATUSES, COUNTRIES, type CommentStatus, type CommentView, type CountryCode } from '../../src'

/** The Presidency's and the Secretariat's own notes, which have no country. */
export const NO_COUNTRY = 'none'

/** What the sidebar narrows the comments to; '' means any. */
export interface CommentFilter {
  readonly country: CountryCode | typeof NO_COUNTRY | ''
  readonly status: CommentStatus | ''
  /** Only proposals some other country supports. */
  readonly supported: boolean
}

export const ANY: CommentFilter = { country: '', status: '', supported: false }

const countryKey = (comment: CommentView) => comment.country ?? NO_COUNTRY

const matchesCountry = (comment: CommentView, filter: CommentFilter) => filter.country === '' || countryKey(comment) === filter.country
const matchesStatus = (comment: CommentView, filter: CommentFilter) => filter.status === '' || comment.status === filter.status

const matchesSupport = (comment: CommentView, filter: CommentFilter) => !filter.supported || supportersOf(comment).length > 0

/** A comment's supporters; none for one from before support existed (a version's). */
export const supportersOf = (comment: CommentView): readonly CountryCode[] => comment.supporters ?? []

/** The comments the filter lets through, in their order. */
export const filterComments = (comments: readonly CommentView[], filter: CommentFilter): CommentView[] =>
  comments.filter((c) => matchesCountry(c, filter) && matchesStatus(c, filter) && matchesSupport(c, filter))

/** How many comments there are per country and per status. */
export interface CommentCounts {
  /** Per country code (and {@link NO_COUNTRY}), under the status filter. */
  readonly byCountry: ReadonlyMap<string, number>
  /** Per status, under the country filter. */
  readonly byStatus: ReadonlyMap<CommentStatus, number>
}

/**
 * Counts per country and per status, each narrowed by the other filter (as
 * facets are): choosing Guatemala shows how many of Guatemala's comments are
 * in each status, and the reverse.
 */
export function countComments(comments: readonly CommentView[], filter: CommentFilter): CommentCounts {
  const byCountry = new Map<string, number>()
  const byStatus = new Map<CommentStatus, number>(COMMENT_STATUSES.map((s) => [s, 0]))
  for (const comment of comments) {
    if (matchesStatus(comment, filter)) byCountry.set(countryKey(comment), (byCountry.get(countryKey(comment)) ?? 0) + 1)
    if (matchesCountry(comment, filter)) byStatus.set(comment.status, (byStatus.get(comment.status) ?? 0) + 1)
  }
  return { byCountry, byStatus }
}

/** The country keys in the Conference's order, the Presidency's notes last. */
export const COUNTRY_KEYS: readonly string[] = [...COUNTRIES.map((c) => c.code), NO_COUNTRY]
