import type { BulkResult, CommentPeriod, CommentStatus, CommentView, CountryCode, DeadlineRule, IsoDate, NewComment, PeriodsView } from '../../src'
import { request } from '../api'
import { idempotencyHeader } from '../RequestKey'

const documentPath = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`
const commentPath = (documentId: string, commentId: string) =>
  `${documentPath(documentId)}/comments/${encodeURIComponent(commentId)}`

/**
 * The comment and period routes of the API for one document. Every call
 * answers the comment (or period view) as it now stands; refusals throw an
 * `ApiError` carrying the server's refusal (see `describeError`).
 */
export const commentsApi = (documentId: string) => ({
  list: () => request<{ comments: CommentView[] }>('GET', `${documentPath(documentId)}/comments`).then((r) => r.comments),
  /** Creates a comment; sent again with the same `requestKey` after no answer, it is not made twice. */
  create: (input: NewComment, requestKey?: string) =>
    request<{ comment: CommentView }>('POST', `${documentPath(documentId)}/comments`, input, idempotencyHeader(requestKey)).then((r) => r.comment),
  /** Adds a reply; sent again with the same `requestKey` after no answer, it is not added twice. */
  reply: (commentId: string, body: string, requestKey?: string) =>
    request<{ comment: CommentView }>('POST', `${commentPath(documentId, commentId)}/replies`, { body }, idempotencyHeader(requestKey)).then(
      (r) => r.comment
    ),
  /** Sets the status, with the Presidency's answer if given; a delegate may only withdraw. */
  setStatus: (commentId: string, status: CommentStatus, answer?: string) =>
    request<{ comment: CommentView }>('PATCH', commentPath(documentId, commentId), answer === undefined ? { status } : { status, answer }).then(
      (r) => r.comment
    ),
  decide: (commentId: string, outcome: 'accept' | 'reject') =>
    request<{ comment: CommentView }>('POST', `${commentPath(documentId, commentId)}/${outcome}`, {}).then((r) => r.comment),
  /** Gives (`on`) or takes back the support of the session's country for another country's proposal. */
  support: (commentId: string, on: boolean) =>
    request<{ comment: CommentView }>(on ? 'POST' : 'DELETE', `${commentPath(documentId, commentId)}/support`, on ? {} : undefined).then((r) => r.comment),
  /** Accepts or rejects every open proposal of one country, oldest first. */
  decideAll: (country: CountryCode, outcome: 'accept' | 'reject') =>
    request<{ results: BulkResult[] }>('POST', `${documentPath(documentId)}/proposals/decide`, { country, outcome }).then((r) => r.results),
  periods: () => request<PeriodsView>('GET', `${documentPath(documentId)}/periods`),
  /** Opens a period; sent again with the same `requestKey` after no answer, it is not opened twice. */
  openPeriod: (start: IsoDate, deadline: DeadlineRule, requestKey?: string) =>
    request<{ period: CommentPeriod }>('POST', `${documentPath(documentId)}/periods`, { start, ...deadline }, idempotencyHeader(requestKey)).then(
      (r) => r.period
    ),
  extendPeriod: (periodId: string, deadline: DeadlineRule) =>
    request<{ period: CommentPeriod }>('PATCH', `${documentPath(documentId)}/periods/${encodeURIComponent(periodId)}`, deadline).then(
      (r) => r.period
    ),
  closePeriod: (periodId: string) =>
    request<{ period: CommentPeriod }>('PATCH', `${documentPath(documentId)}/periods/${encodeURIComponent(periodId)}`, { closed: true }).then(
      (r) => r.period
    )
})

/** The comment routes of one document. */
export type CommentsApi = ReturnType<typeof commentsApi>
