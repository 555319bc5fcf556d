import type { CommentView, PeriodsView } from '../../src'
import type { DocumentStream } from '../DocumentStream'
import type { CommentsApi } from './commentsApi'

/** What a feed tells its owner. */
export interface CommentFeedListener {
  /** The document's comments changed; `comments` is every comment, in order of creation. */
  readonly onComments: (comments: readonly CommentView[]) => void
  readonly onPeriods: (periods: PeriodsView) => void
}

// The latest moment at which a comment changed, as far as its fields tell.
function revisionOf(comment: CommentView): string {
  let latest = comment.createdAt
  for (const at of [
    ...comment.replies.map((r) => r.createdAt),
    comment.answer?.at,
    comment.suggestion?.decision?.at
  ])
    if (at !== undefined && at > latest) latest = at
  return latest
}

/**
 * The live comments and periods of one document: fetched once the event
 * stream is open (so nothing falls between the fetch and the stream), then
 * kept current from the stream's `comment` and `period` events. Every
 * (re)connection fetches the list again, since events sent while
 * disconnected are lost.
 */
export class CommentFeed {
  private readonly comments = new Map<string, CommentView>()
  // Events that arrive while a fetch is on its way: applied over its answer.
  private pending: CommentView[] | null = null
  private pendingPeriods: PeriodsView | null = null
  private destroyed = false

  /** Listens to the document's `stream` (which the editor starts, and so the first fetch). */
  constructor(
    private readonly api: CommentsApi,
    stream: DocumentStream,
    private readonly listener: CommentFeedListener
  ) {
    stream.on('open', () => void this.refetch())
    stream.on('comment', (comment) => this.receive(comment, true))
    stream.on('period', (periods) => this.receivePeriods(periods))
  }

  private async refetch(): Promise<void> {
    this.pending = []
    try {
      const [list, periods] = await Promise.all([this.api.list(), this.api.periods()])
      if (this.destroyed) return
      const arrived = this.pending ?? []
      this.comments.clear()
      for (const comment of list) this.comments.set(comment.id, comment)
      for (const comment of arrived) this.comments.set(comment.id, comment)
      this.listener.onPeriods(this.pendingPeriods ?? periods)
    } catch {
      // Offline or refused: the stream's next reconnection fetches again.
    } finally {
      this.pending = null
      this.pendingPeriods = null
    }
    this.announce()
  }

  private receivePeriods(periods: PeriodsView): void {
    if (this.pending) this.pendingPeriods = periods
    else this.listener.onPeriods(periods)
  }

  /**
   * Takes in a comment as the server answered it to one of our own requests,
   * unless the stream already brought a later state of it.
   */
  receive(comment: CommentView, fromStream = false): void {
    if (this.destroyed) return
    if (this.pending) {
      this.pending.push(comment)
      return
    }
    const known = this.comments.get(comment.id)
    if (!fromStream && known && revisionOf(known) > revisionOf(comment)) return
    this.comments.set(comment.id, comment)
    this.announce()
  }

  private announce(): void {
    const list = [...this.comments.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    this.listener.onComments(list)
  }

  /** Stops listening (the stream itself is ended by its owner). */
  destroy(): void {
    this.destroyed = true
  }
}
