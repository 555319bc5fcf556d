import { randomBytes } from 'node:crypto'
import type { RedisClientType } from 'redis'
import type { LoginThrottleConfig } from '../config'
import type { Logger } from '../Logger'
import { addressKey, LoginThrottle, pairKey, type LoginAllowance, type LoginThrottling } from './LoginThrottle'

// Failures of a pair kept past its free ones, as LoginThrottle keeps them.
const KEPT_PAST_FREE = 32

// KEYS: the failures (sorted sets, scored by instant) of the pair and of the
// address, then the marks that their current wait was already reported.
// ARGV: now, windowMs, freePerPair, firstDelayMs, maxDelayMs, maxPerAddress.
// Returns { wait in ms, 1 if this is the wait's first refusal }. One script,
// so that the read, the trimming and the mark are one step for every process.
const CHECK = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local free = tonumber(ARGV[3])
local first = tonumber(ARGV[4])
local max_delay = tonumber(ARGV[5])
local per_address = tonumber(ARGV[6])
local wait = 0
local first_refusal = 0
for i = 1, #KEYS / 2 do
  local key = KEYS[i]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  local w = 0
  if i == 1 then
    local past = n - free
    if past >= 0 and n > 0 then
      local last = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
      w = last + math.min(first * 2 ^ past, max_delay) - now
    end
  elseif n >= per_address then
    local oldest = tonumber(redis.call('ZRANGE', key, n - per_address, n - per_address, 'WITHSCORES')[2])
    w = oldest + window - now
  end
  if w > 0 then
    w = math.ceil(w)
    if w > wait then wait = w end
    if redis.call('SET', KEYS[#KEYS / 2 + i], '1', 'PX', w, 'NX') then first_refusal = 1 end
  end
end
return { wait, first_refusal }
`

// KEYS: the pair's and the address's failures. ARGV: now, a unique member,
// windowMs, then how many failures each key keeps.
const FAIL = `
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], tonumber(ARGV[1]), ARGV[2])
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(tonumber(ARGV[3 + i]) + 1))
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
end
return 1
`

/**
 * The {@link LoginThrottle}'s rules with the counters in Redis, shared by
 * every process of the workspace: five failures spread over two processes
 * are five failures. Each check and each failure is one Lua script (atomic
 * in Redis); the counters expire with their window. While Redis cannot be
 * reached the process falls back to its own in-memory throttle (limits per
 * process then), logged once per outage.
 */
export class RedisLoginThrottle implements LoginThrottling {
  private readonly fallback: LoginThrottle
  private usingFallback = false

  constructor(
    private readonly client: RedisClientType,
    /** First part of every key, e.g. `consenso:login`. */
    private readonly prefix: string,
    private readonly config: LoginThrottleConfig,
    private readonly now: () => number,
    private readonly logger: Logger
  ) {
    this.fallback = new LoginThrottle(config, now)
  }

  async check(username: string, address: string | undefined): Promise<LoginAllowance> {
    const { windowMs, freePerPair, firstDelayMs, maxDelayMs, maxPerAddress } = this.config
    const keys = this.keysOf(username, address)
    const reply = await this.shared(
      () =>
        this.client.eval(CHECK, {
          keys: [...keys, ...keys.map((key) => `${key}:refused`)],
          arguments: [this.now(), windowMs, freePerPair, firstDelayMs, maxDelayMs, maxPerAddress].map(String)
        }),
      () => this.fallback.check(username, address)
    )
    if (!Array.isArray(reply)) return reply as LoginAllowance
    const [wait, firstRefusal] = reply.map(Number) as [number, number]
    return wait > 0 ? { allowed: false, retryAfterMs: wait, firstRefusal: firstRefusal === 1 } : { allowed: true }
  }

  async fail(username: string, address: string | undefined): Promise<void> {
    const keys = this.keysOf(username, address)
    const kept = [this.config.freePerPair + KEPT_PAST_FREE, this.config.maxPerAddress].slice(0, keys.length)
    await this.shared(
      () =>
        this.client.eval(FAIL, {
          keys,
          arguments: [String(this.now()), randomBytes(8).toString('hex'), String(this.config.windowMs), ...kept.map(String)]
        }),
      () => this.fallback.fail(username, address)
    )
  }

  async succeed(username: string, address: string | undefined): Promise<void> {
    const [pair] = this.keysOf(username, address)
    await this.shared(
      () => this.client.del(pair as string),
      () => this.fallback.succeed(username, address)
    )
  }

  private keysOf(username: string, address: string | undefined): string[] {
    return [`${this.prefix}:${pairKey(username, address)}`, ...(address ? [`${this.prefix}:address:${addressKey(address)}`] : [])]
  }

  // Redis's answer, or the in-memory throttle's while Redis is down.
  private async shared<T, F>(inRedis: () => Promise<T>, inMemory: () => F): Promise<T | F> {
    if (this.client.isReady) {
      try {
        const reply = await inRedis()
        if (this.usingFallback) this.logger.info('login throttling is shared through Redis again')
        this.usingFallback = false
        return reply
      } catch (err) {
        this.noteFallback(err)
      }
    } else this.noteFallback(new Error('not connected'))
    return inMemory()
  }

  private noteFallback(err: unknown): void {
    if (this.usingFallback) return
    this.usingFallback = true
    this.logger.error('Redis unreachable: login throttling counts in this process only until it is back', { error: String(err) })
  }
}
