import { defaultLoginThrottle, type LoginThrottleConfig } from '../config'

/**
 * Whether a login may be tried now, or how long until it may. `firstRefusal`
 * is true for the first refusal of a wait only, so that a flood of
 * attempts is recorded once, not once per attempt.
 */
export type LoginAllowance =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly firstRefusal: boolean }

/**
 * What counts failed logins and says whether one may be tried: the
 * in-memory {@link LoginThrottle} of one process, or one shared by every
 * process (`RedisLoginThrottle`). Same rules either way.
 */
export interface LoginThrottling {
  /** Whether `username` may try to log in from `address` now. */
  check(username: string, address: string | undefined): LoginAllowance | Promise<LoginAllowance>
  /** Counts a failed login of `username` from `address`. */
  fail(username: string, address: string | undefined): void | Promise<void>
  /** Forgets the failures of `username` from `address` after a successful login from there (the address keeps its count). */
  succeed(username: string, address: string | undefined): void | Promise<void>
}

interface Failures {
  // Instants of the failures still in the window, oldest first.
  readonly instants: number[]
  // Until when the current wait has already been reported as refused.
  refusedUntil: number
}

// Addresses and names a flood may invent are bounded: past this many keys the
// expired ones are dropped, then the ones whose last failure is oldest.
const MAX_KEYS = 50_000

// Failures of a pair kept past its free ones: enough for the doubling wait to
// reach any `maxDelayMs` (2^32 times the first delay).
const KEPT_PAST_FREE = 32

/**
 * Slows password guessing without letting anyone lock someone else out.
 * Failed logins are counted, in a sliding window, per pair of name
 * (lower-cased, whether or not the account exists, so that the answer tells
 * nothing about which names exist) and remote address, and per address:
 *
 * - a pair has `freePerPair` failures free; each failure past them makes
 *   that pair wait before its next try, `firstDelayMs` and doubling, up to
 *   `maxDelayMs`. Only the pair waits: the person whose name is tried from
 *   elsewhere still logs in from their own address;
 * - an address with `maxPerAddress` failures in the window (any names) is
 *   refused until the oldest leaves it, a looser ceiling against one machine
 *   trying many names.
 *
 * While refused, the password is not looked at. Refused attempts are not
 * counted: the wait ends when it says, however hard a client keeps knocking.
 * Behind a proxy the address is the client's only if the server trusts the
 * proxy (`ServerConfig.trustProxy`); otherwise every client shares the
 * proxy's, and its ceiling.
 *
 * The counters live in memory only: a restart of the server resets them.
 * Memory stays bounded: a key keeps a bounded number of instants, expired
 * ones are dropped on every use, and the number of keys is capped.
 */
export class LoginThrottle implements LoginThrottling {
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
    for (const key of this.keysOf(username, address)) {
      const wait = this.waitFor(key, now)
      if (wait <= 0) continue
      retryAfterMs = Math.max(retryAfterMs, wait)
      const failures = this.failures.get(key.name) as Failures
      if (failures.refusedUntil <= now) firstRefusal = true
      failures.refusedUntil = now + wait
    }
    return retryAfterMs > 0 ? { allowed: false, retryAfterMs, firstRefusal } : { allowed: true }
  }

  /** Counts a failed login of `username` from `address`. */
  fail(username: string, address: string | undefined): void {
    const now = this.now()
    for (const key of this.keysOf(username, address)) {
      const failures = this.live(key.name, now)
      failures.instants.push(now)
      if (failures.instants.length > key.kept) failures.instants.splice(0, failures.instants.length - key.kept)
      // Re-inserted, so that the map's order is that of the last failure.
      this.failures.delete(key.name)
      this.failures.set(key.name, failures)
    }
    if (this.failures.size > MAX_KEYS) this.prune(now)
  }

  /** Forgets the failures of `username` from `address` after a successful login from there (the address keeps its count). */
  succeed(username: string, address: string | undefined): void {
    this.failures.delete(pairKey(username, address))
  }

  /** How many keys are held (for tests of the memory bound). */
  get size(): number {
    return this.failures.size
  }

  private keysOf(username: string, address: string | undefined): ThrottleKey[] {
    const { freePerPair, maxPerAddress } = this.config
    const keys: ThrottleKey[] = [{ name: pairKey(username, address), kind: 'pair', kept: freePerPair + KEPT_PAST_FREE }]
    if (address) keys.push({ name: `address:${addressKey(address)}`, kind: 'address', kept: maxPerAddress })
    return keys
  }

  // How long until `key` may try again; 0 if it may now.
  private waitFor(key: ThrottleKey, now: number): number {
    const { instants } = this.live(key.name, now)
    if (instants.length === 0) this.failures.delete(key.name)
    if (key.kind === 'address') {
      const max = this.config.maxPerAddress
      return instants.length < max ? 0 : (instants[instants.length - max] as number) + this.config.windowMs - now
    }
    const past = instants.length - this.config.freePerPair
    if (past < 0) return 0
    const delay = Math.min(this.config.firstDelayMs * 2 ** past, this.config.maxDelayMs)
    return (instants[instants.length - 1] as number) + delay - now
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

interface ThrottleKey {
  readonly name: string
  readonly kind: 'pair' | 'address'
  // How many instants the key keeps: no more than its rule reads.
  readonly kept: number
}

/** The throttle's key of a name tried from an address (lower-cased name, see {@link addressKey}). */
export const pairKey = (username: string, address: string | undefined) => `pair:${username.trim().toLowerCase()}@${address ? addressKey(address) : 'unknown'}`

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
