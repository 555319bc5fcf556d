import { defaultLoginThrottle, type LoginThrottleConfig } from '../config'

/**
 * Whether a login may be tried now, or how long until it may. `firstRefusal`
 * is true for the first refusal of a lockout only, so that a flood of
 * attempts is recorded once, not once per attempt.
 */
export type LoginAllowance =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly firstRefusal: boolean }

interface Failures {
  // Instants of the failures still in the window, oldest first.
  readonly instants: number[]
  // Until when the current lockout has already been reported as refused.
  refusedUntil: number
}

// Addresses and names a flood may invent are bounded: past this many keys the
// expired ones are dropped, then the ones whose last failure is oldest.
const MAX_KEYS = 50_000

/**
 * Counts failed logins per username (lower-cased, whether or not the account
 * exists, so that the answer tells nothing about which names exist) and per
 * remote address, in a sliding window. Over either limit a login is refused
 * without looking at the password until the oldest failure in the window
 * leaves it. Refused attempts are not counted: the window ends when it says,
 * however hard a client keeps knocking.
 *
 * The counters live in memory only: a restart of the server resets them.
 * Memory stays bounded: a key keeps at most its limit of instants, expired
 * instants are dropped on every use, and the number of keys is capped.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>()

  constructor(
    private readonly config: LoginThrottleConfig = defaultLoginThrottle,
    private readonly now: () => number = Date.now
  ) {}

  /** Whether `username` may try to log in from `address` now. */
  check(username: string, address: string | undefined): LoginAllowance {
    const now = this.now()
    let retryAfterMs = 0
    let firstRefusal = false
    for (const { key, max } of this.keysOf(username, address)) {
      const wait = this.waitFor(key, max, now)
      if (wait <= 0) continue
      retryAfterMs = Math.max(retryAfterMs, wait)
      const failures = this.failures.get(key) as Failures
      if (failures.refusedUntil <= now) firstRefusal = true
      failures.refusedUntil = now + wait
    }
    return retryAfterMs > 0 ? { allowed: false, retryAfterMs, firstRefusal } : { allowed: true }
  }

  /** Counts a failed login of `username` from `address`. */
  fail(username: string, address: string | undefined): void {
    const now = this.now()
    for (const { key, max } of this.keysOf(username, address)) {
      const failures = this.live(key, now)
      failures.instants.push(now)
      // Only the newest `max` matter for the limit.
      if (failures.instants.length > max) failures.instants.splice(0, failures.instants.length - max)
      // Re-inserted, so that the map's order is that of the last failure.
      this.failures.delete(key)
      this.failures.set(key, failures)
    }
    if (this.failures.size > MAX_KEYS) this.prune(now)
  }

  /** Forgets the failures of `username` after a successful login (the address keeps its count). */
  succeed(username: string): void {
    this.failures.delete(accountKey(username))
  }

  /** How many keys are held (for tests of the memory bound). */
  get size(): number {
    return this.failures.size
  }

  private keysOf(username: string, address: string | undefined): { key: string; max: number }[] {
    const keys = [{ key: accountKey(username), max: this.config.maxPerAccount }]
    if (address) keys.push({ key: `address:${addressKey(address)}`, max: this.config.maxPerAddress })
    return keys
  }

  // How long until `key` is under its limit again; 0 if it is now.
  private waitFor(key: string, max: number, now: number): number {
    const { instants } = this.live(key, now)
    if (instants.length === 0) this.failures.delete(key)
    if (instants.length < max) return 0
    return (instants[instants.length - max] as number) + this.config.windowMs - now
  }

  // The failures of `key` still in the window; drops the expired ones.
  private live(key: string, now: number): Failures {
    const failures = this.failures.get(key) ?? { instants: [], refusedUntil: 0 }
    const { instants } = failures
    const firstLive = instants.findIndex((at) => now - at < this.config.windowMs)
    if (firstLive === -1) instants.length = 0
    else if (firstLive > 0) instants.splice(0, firstLive)
    return failures
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) if (this.live(key, now).instants.length === 0) this.failures.delete(key)
    // A Map iterates in insertion order and `fail` re-inserts each key it
    // touches, so the first keys are those whose last failure is oldest.
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_KEYS) break
      this.failures.delete(key)
    }
  }
}

const accountKey = (username: string) => `account:${username.trim().toLowerCase()}`

/**
 * The key of a remote address: an IPv4 address as it is (also when written
 * IPv4-mapped, `::ffff:a.b.c.d`), an IPv6 address by its /64 prefix, since
 * one machine commonly holds a whole /64 and could otherwise rotate through it.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1] as string
  if (!address.includes(':')) return address
  const [head = '', tail] = (address.split('%')[0] as string).split('::')
  const front = head ? head.split(':') : []
  const back = tail ? tail.split(':') : []
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back]
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`
}
