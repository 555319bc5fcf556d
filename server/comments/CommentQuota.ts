import type { Account } from '../../src'
import type { CommentQuotaConfig } from '../config'
import { ok, type Outcome } from '../Outcome'

/** Whether an account may write one more comment or reply of some size now, or how long until it may. */
export type QuotaAllowance = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number; readonly over: 'rate' | 'size' }

// A token bucket: starts full, refills continuously at `perMs`, holds at most `capacity`.
interface Bucket {
  tokens: number
  at: number
}

/**
 * Per-account budgets of comments and replies: how many (a burst, then so
 * many a minute) and how many bytes of text an hour, each a token bucket
 * that starts full. A write over either budget is refused whole and charges
 * nothing, with the time until it would fit: one account cannot fill the
 * store or the comment matrix for everyone (issue 14 saw 119 comments of
 * 15,000 characters in 25 s, about 350 MiB an hour).
 *
 * The buckets live in memory, one pair per account that wrote lately: a
 * restart refills them. A bucket that is full again is dropped.
 */
export class CommentQuota {
  private readonly buckets = new Map<string, { count: Bucket; bytes: Bucket }>()

  constructor(
    private readonly config: CommentQuotaConfig,
    private readonly now: () => number
  ) {}

  /**
   * Charges one write of `bytes` to `username` if both budgets hold it;
   * otherwise charges nothing and answers how long until they would.
   */
  charge(username: string, bytes: number): QuotaAllowance {
    const now = this.now()
    this.dropFull(now)
    const { burst, perMinute, bytesPerHour } = this.config
    const buckets = this.buckets.get(username) ?? { count: { tokens: burst, at: now }, bytes: { tokens: bytesPerHour, at: now } }
    const count = refill(buckets.count, now, burst, perMinute / 60_000)
    const size = refill(buckets.bytes, now, bytesPerHour, bytesPerHour / 3_600_000)
    if (bytes > bytesPerHour) return { allowed: false, retryAfterMs: 3_600_000, over: 'size' }
    if (count.tokens < 1) return { allowed: false, retryAfterMs: Math.ceil((1 - count.tokens) / (perMinute / 60_000)), over: 'rate' }
    if (size.tokens < bytes) return { allowed: false, retryAfterMs: Math.ceil((bytes - size.tokens) / (bytesPerHour / 3_600_000)), over: 'size' }
    count.tokens -= 1
    size.tokens -= bytes
    this.buckets.set(username, { count, bytes: size })
    return { allowed: true }
  }

  // Forgets the accounts whose buckets have refilled: they hold nothing a fresh pair would not.
  private dropFull(now: number): void {
    const { burst, perMinute, bytesPerHour } = this.config
    for (const [username, { count, bytes }] of this.buckets)
      if (refill(count, now, burst, perMinute / 60_000).tokens >= burst && refill(bytes, now, bytesPerHour, bytesPerHour / 3_600_000).tokens >= bytesPerHour)
        this.buckets.delete(username)
  }
}

function refill(bucket: Bucket, now: number, capacity: number, perMs: number): Bucket {
  bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.at) * perMs)
  bucket.at = now
  return bucket
}

/**
 * Charges one act of a delegation that stores a change and an audit entry
 * but no text (holding or lifting a bracket, supporting an option, asking
 * for the floor) to the account's budget: past it, 429 with Retry-After and
 * the code `act_quota`. Without it one delegate toggling a hold in a loop
 * would add hundreds of entries a second to the append-only audit trail and
 * send as many events to every viewer. Only the acts that change something
 * are charged; holding what is held already costs nothing.
 */
export function chargeAct(quota: CommentQuota, account: Account): Outcome<true> {
  const allowance = quota.charge(account.username, 0)
  if (allowance.allowed) return ok(true)
  const seconds = Math.max(1, Math.ceil(allowance.retryAfterMs / 1000))
  return {
    failed: { status: 429, message: `too many changes in a short time: try again in ${seconds} seconds`, code: 'act_quota', values: { seconds: String(seconds) }, retryAfterSeconds: seconds }
  }
}
