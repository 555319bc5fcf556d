import type { AccountBudgetConfig, MessageRate, MessageThrottleConfig } from '../config'

/** The kinds of message a connection's rates are counted for. */
export type MessageKind = 'updates' | 'awareness'

/**
 * A token bucket that may go into debt: what is taken is always taken (the
 * message is already in memory, and refusing it would break the protocol),
 * and the debt says how long to wait before the next. Starts full.
 */
class TokenBucket {
  private tokens: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private at: number
  ) {
    if (!(perSecond > 0) || !(burst > 0)) throw new RangeError(`a rate needs a positive rate and burst, got ${perSecond}/s burst ${burst}`)
    this.tokens = burst
  }

  /** Takes `amount` at time `now` (ms); returns the ms until the balance is no longer negative. */
  take(amount: number, now: number): number {
    this.refill(now)
    this.tokens -= amount
    return this.wait(now)
  }

  /** The ms from `now` until the bucket holds `share` (0–1) of its burst (0: it does). */
  untilHolds(share: number, now: number): number {
    this.refill(now)
    const missing = share * this.burst - this.tokens
    return missing > 0 ? (missing / this.perSecond) * 1000 : 0
  }

  /** The ms from `now` until the balance is no longer negative. */
  wait(now: number): number {
    this.refill(now)
    return this.tokens >= 0 ? 0 : (-this.tokens / this.perSecond) * 1000
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000)
    this.at = Math.max(this.at, now)
  }
}

/** A pair of buckets: messages and bytes. */
class RateBuckets {
  readonly messages: TokenBucket
  readonly bytes: TokenBucket

  constructor(rate: MessageRate, now: number) {
    this.messages = new TokenBucket(rate.messagesPerSecond, rate.messageBurst, now)
    this.bytes = new TokenBucket(rate.bytesPerSecond, rate.byteBurst, now)
  }

  take(messages: number, bytes: number, now: number): number {
    return Math.max(this.messages.take(messages, now), this.bytes.take(bytes, now))
  }

  wait(now: number): number {
    return Math.max(this.messages.wait(now), this.bytes.wait(now))
  }

  untilHolds(share: number, now: number): number {
    return Math.max(this.messages.untilHolds(share, now), this.bytes.untilHolds(share, now))
  }
}

/**
 * What charging a message leads to: how long to stop reading, or the end of
 * the connection (`byAccount` when the account's shared budget, not the
 * connection's own rates, is what was exceeded).
 */
export type ThrottleVerdict = { readonly waitMs: number } | { readonly exceeded: string; readonly byAccount?: true }

/**
 * The rates all the connections of one account share (see
 * {@link AccountBudgetConfig}): every message any of them sends, and every
 * sync answer the server makes them, is charged here too.
 */
export class AccountBudget {
  readonly buckets: Record<MessageKind, RateBuckets>
  // Since a connection was closed for this budget, until the account has rested.
  private barred = false

  constructor(
    readonly config: AccountBudgetConfig,
    clock: () => number
  ) {
    const now = clock()
    this.buckets = { updates: new RateBuckets(config.updates, now), awareness: new RateBuckets(config.awareness, now) }
  }

  /** The ms until the account may send again (0: now). */
  wait(now: number): number {
    return Math.max(this.buckets.updates.wait(now), this.buckets.awareness.wait(now))
  }

  /**
   * Whether the account has had a break: its buckets refilled to a quarter
   * of their bursts. Connections held back and let go at the budget's pace
   * (a flood the pausing merely paces) never get there; people do.
   */
  rested(now: number): boolean {
    return this.restsIn(now) === 0
  }

  // The ms from `now` until the account has rested (0: it has).
  private restsIn(now: number): number {
    return Math.max(this.buckets.updates.untilHolds(0.25, now), this.buckets.awareness.untilHolds(0.25, now))
  }

  /** A connection of the account was closed for this budget: no new one opens until the account has rested. */
  bar(): void {
    this.barred = true
  }

  /**
   * The ms until a new connection of the account may open (0: now). A
   * flood closed with 4430 and opened again at once would otherwise cost
   * the server a handshake, a session and a greeting per socket, over and
   * over; refused at the upgrade it costs a session check.
   */
  refusesFor(now: number): number {
    if (!this.barred) return 0
    const ms = this.restsIn(now)
    if (ms === 0) this.barred = false
    return ms
  }
}

/**
 * The rates of one connection (see {@link MessageThrottleConfig}): document
 * updates and awareness each have a bucket of messages and one of bytes.
 * Charging a message says how long the transport should stop reading the
 * socket (0: go on), or that the connection has been over its rates too long
 * and must be closed. Time comes from `clock` (ms, monotonic). With an
 * `account` budget, each message is charged to it as well, and the wait is
 * the longer of the two.
 */
export class MessageThrottle {
  private readonly buckets: Record<MessageKind, RateBuckets>
  // Since when the connection has been over its rates without a break.
  private overSince: number | undefined

  constructor(
    private readonly config: MessageThrottleConfig,
    private readonly clock: () => number,
    private readonly account?: AccountBudget
  ) {
    const now = clock()
    this.buckets = { updates: new RateBuckets(config.updates, now), awareness: new RateBuckets(config.awareness, now) }
  }

  /** Charges `messages` messages and `bytes` bytes of `kind`; `ownOnly`: to this connection's rates, not to its account's. */
  charge(kind: MessageKind, messages: number, bytes: number, options: { readonly ownOnly?: boolean } = {}): ThrottleVerdict {
    const now = this.clock()
    this.buckets[kind].take(messages, bytes, now)
    if (!options.ownOnly) this.account?.buckets[kind].take(messages, bytes, now)
    const waitMs = this.waitMs()
    if (waitMs === 0) {
      if (!this.account || this.account.rested(now)) this.overSince = undefined
      // Over the limit while paced by the account's budget without a break: see below.
      else if (this.overSince !== undefined && now - this.overSince > this.config.maxThrottledMs) return this.accountExceeded(kind, now)
      return { waitMs }
    }
    this.overSince ??= now
    const limit = this.config.maxThrottledMs
    if (waitMs > limit || now - this.overSince > limit) {
      const what = kind === 'updates' ? 'document updates' : 'awareness messages'
      const own = Math.max(this.buckets.updates.wait(now), this.buckets.awareness.wait(now))
      if (this.account && this.account.wait(now) > own) return this.accountExceeded(kind, now)
      const rate = this.config[kind]
      return {
        exceeded: `too many ${what}: more than ${rate.messagesPerSecond} messages or ${formatBytes(rate.bytesPerSecond)} a second for over ${limit / 1000} s`
      }
    }
    return { waitMs }
  }

  private accountExceeded(kind: MessageKind, _now: number): ThrottleVerdict {
    const what = kind === 'updates' ? 'document updates' : 'awareness messages'
    const account = this.account as AccountBudget
    account.bar()
    const rate = account.config[kind]
    return {
      exceeded: `too many ${what} from this account's connections together: more than ${rate.messagesPerSecond} messages or ${formatBytes(rate.bytesPerSecond)} a second for over ${this.config.maxThrottledMs / 1000} s`,
      byAccount: true
    }
  }

  /** The ms until every rate allows another message (0: now). */
  waitMs(): number {
    const now = this.clock()
    return Math.max(this.buckets.updates.wait(now), this.buckets.awareness.wait(now), this.account?.wait(now) ?? 0)
  }
}

/** A size for people: `32 MiB`, `1.5 MiB`, `48 KiB`, `900 bytes`. */
export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [
    [1024 * 1024, 'MiB'],
    [1024, 'KiB']
  ]
  for (const [size, unit] of units)
    if (bytes >= size) return `${Number((bytes / size).toFixed(bytes % size === 0 ? 0 : 1))} ${unit}`
  return `${bytes} bytes`
}
