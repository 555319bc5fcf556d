import type { BlockView, CommentView, PeriodsView } from '../../src'
import type { CommentsApi } from './commentsApi'

/** What a feed tells its owner. */
export interface CommentFeedListener {
  /** The document's comments changed; `comments` is every comment, in order of creation. */
  readonly onComments: (comments: readonly CommentView[]) => void
  readonly onPeriods: (periods: PeriodsView) => void
  /** A paragraph's standing changed (`block` events). */
  readonly onBlock?: (block: BlockView) => void
  /** The stream (re)opened: what it said while closed is lost, fetch it again. */
  readonly onOpen?: () => void
}

// How long to wait before opening the stream again after the server refused it
// (EventSource retries by itself only after network errors, not after an HTTP error).
const REOPEN_MS = 3000

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
  private source: EventSource | null = null
  private reopenTimer: ReturnType<typeof setTimeout> | undefined
  // Events that arrive while a fetch is on its way: applied over its answer.
  private pending: CommentView[] | null = null
  private pendingPeriods: PeriodsView | null = null
  private destroyed = false
  // The open stream's id, as its first event names it: what destroy() asks the server to end.
  private streamId: string | null = null

  constructor(
    private readonly api: CommentsApi,
    private readonly listener: CommentFeedListener
  ) {}

  /** Opens the stream (and so fetches everything). */
  start(): void {
    if (this.destroyed) return
    const source = new EventSource(this.api.eventsUrl)
    this.source = source
    this.streamId = null
    source.addEventListener('open', () => {
      void this.refetch()
      this.listener.onOpen?.()
    })
    source.addEventListener('stream', (event) => this.onEvent(event, (data) => (this.streamId = (data as { id: string }).id)))
    source.addEventListener('block', (event) => this.onEvent(event, (data) => this.listener.onBlock?.(data as BlockView)))
    source.addEventListener('comment', (event) => this.onEvent(event, (data) => this.receive(data as CommentView, true)))
    source.addEventListener('period', (event) => this.onEvent(event, (data) => this.receivePeriods(data as PeriodsView)))
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED || this.destroyed) return
      this.reopenTimer = setTimeout(() => this.start(), REOPEN_MS)
    })
  }

  private onEvent(event: Event, handle: (data: unknown) => void): void {
    try {
      handle(JSON.parse((event as MessageEvent<string>).data))
    } catch {
      // A malformed event is dropped; the next reconnection fetches the truth.
    }
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

  /**
   * Stops listening. A stream that is open is ended by the server first and
   * closed once it has ended, so that its request completes: closing it
   * outright aborts it (the browser logs `net::ERR_ABORTED`). Whatever it
   * still brings meanwhile is ignored.
   */
  destroy(): void {
    this.destroyed = true
    clearTimeout(this.reopenTimer)
    const { source, streamId } = this
    this.source = null
    if (!source) return
    if (streamId === null || source.readyState !== EventSource.OPEN) return source.close()
    const close = () => source.close()
    // The server's end shows as an error (the stream would reconnect): closed then, nothing is in flight.
    source.addEventListener('error', close)
    this.api.endEvents(streamId).catch(close)
  }
}
