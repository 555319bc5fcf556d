/**
 * Flood control of one collaboration connection, on a clock the test moves:
 * what real clients send is never held back, floods are held back and then
 * cut off.
 */
import { describe, expect, test } from 'vitest'
import { defaultMessageThrottle, type MessageThrottleConfig } from '../../server'
import { formatBytes, MessageThrottle, type MessageKind, type ThrottleVerdict } from '../../server/collab'

const MiB = 1024 * 1024

/** A throttle on a clock that only moves when the test says. */
function throttleAt(config: MessageThrottleConfig = defaultMessageThrottle) {
  let now = 0
  const throttle = new MessageThrottle(config, () => now)
  return {
    throttle,
    advance: (ms: number) => {
      now += ms
    }
  }
}

/** Sends `count` messages of `bytes` of `kind`, `everyMs` apart; returns the longest wait asked for and whether it was cut off. */
function send(t: ReturnType<typeof throttleAt>, kind: MessageKind, count: number, bytes: number, everyMs: number) {
  let longestWait = 0
  let exceeded: string | undefined
  for (let i = 0; i < count && !exceeded; i++) {
    const verdict: ThrottleVerdict = t.throttle.charge(kind, 1, bytes)
    if ('exceeded' in verdict) exceeded = verdict.exceeded
    else longestWait = Math.max(longestWait, verdict.waitMs)
    t.advance(everyMs)
  }
  return { longestWait, exceeded }
}

describe('What real clients send is never held back', () => {
  const cases: Array<{ name: string; kind: MessageKind; count: number; bytes: number; everyMs: number }> = [
    { name: 'a benchmark writer: 20 small updates a second for two minutes', kind: 'updates', count: 20 * 120, bytes: 60, everyMs: 50 },
    { name: 'the persistence benchmark: 100 updates a second for a minute', kind: 'updates', count: 100 * 60, bytes: 60, everyMs: 10 },
    { name: 'a very fast typist: 25 keystrokes a second for ten minutes', kind: 'updates', count: 25 * 600, bytes: 80, everyMs: 40 },
    { name: 'pasting a long text: one 2 MiB update', kind: 'updates', count: 1, bytes: 2 * MiB, everyMs: 0 },
    { name: 'a selection dragged with the mouse: 60 cursor updates a second for a minute', kind: 'awareness', count: 60 * 60, bytes: 300, everyMs: 1000 / 60 }
  ]
  for (const { name, kind, count, bytes, everyMs } of cases)
    test(`${name[0]?.toUpperCase()}${name.slice(1)}.`, () => {
      const result = send(throttleAt(), kind, count, bytes, everyMs)
      expect(result).toEqual({ longestWait: 0, exceeded: undefined })
    })

  test('The first sync of the largest message allowed (16 MiB each way) is not held back.', () => {
    const t = throttleAt()
    expect(t.throttle.charge('updates', 1, 16 * MiB)).toEqual({ waitMs: 0 })
    // The server's answer to the client's sync step 1: the whole document.
    expect(t.throttle.charge('updates', 0, 16 * MiB)).toEqual({ waitMs: 0 })
  })
})

describe('Floods are held back, then cut off', () => {
  const config: MessageThrottleConfig = {
    updates: { messagesPerSecond: 10, messageBurst: 20, bytesPerSecond: 1000, byteBurst: 4000 },
    awareness: { messagesPerSecond: 5, messageBurst: 10, bytesPerSecond: 500, byteBurst: 1000 },
    maxThrottledMs: 2000
  }

  test('A burst larger than the bucket is held back for as long as the rate needs to repay it.', () => {
    const t = throttleAt(config)
    for (let i = 0; i < 20; i++) expect(t.throttle.charge('updates', 1, 10)).toEqual({ waitMs: 0 })
    // Five messages over the burst, at 10 a second: half a second.
    let verdict: ThrottleVerdict = { waitMs: 0 }
    for (let i = 0; i < 5; i++) verdict = t.throttle.charge('updates', 1, 10)
    expect(verdict).toEqual({ waitMs: 500 })
    t.advance(200)
    expect(t.throttle.waitMs()).toBe(300)
    t.advance(300)
    expect(t.throttle.waitMs()).toBe(0)
  })

  test('Bytes are counted as well as messages: one message larger than the byte burst is held back.', () => {
    const t = throttleAt(config)
    expect(t.throttle.charge('updates', 1, 5000)).toEqual({ waitMs: 1000 })
  })

  test('A connection that would owe more waiting than maxThrottledMs at once is cut off, with a reason naming the kind.', () => {
    const { exceeded } = send(throttleAt(config), 'updates', 100, 1, 0)
    expect(exceeded).toMatch(/^too many document updates: more than 10 messages or 1000 bytes a second for over 2 s$/)
  })

  test('A client that keeps sending faster than its rate after each pause is cut off after maxThrottledMs.', () => {
    const t = throttleAt(config)
    send(t, 'awareness', 10, 1, 0)
    // Always just over the rate: each message waits a little, never long.
    let cutOffAt: number | undefined
    for (let ms = 0; ms < 10_000 && cutOffAt === undefined; ms += 150) {
      const verdict = t.throttle.charge('awareness', 1, 1)
      if ('exceeded' in verdict) cutOffAt = ms
      else expect(verdict.waitMs).toBeLessThan(config.maxThrottledMs)
      t.advance(150)
    }
    expect(cutOffAt).toBeGreaterThan(config.maxThrottledMs)
    expect(cutOffAt).toBeLessThanOrEqual(config.maxThrottledMs + 300)
  })

  test('A connection held back once and then quiet starts over: its next messages pass.', () => {
    const t = throttleAt(config)
    send(t, 'updates', 30, 1, 0)
    expect(t.throttle.waitMs()).toBeGreaterThan(0)
    t.advance(60_000)
    expect(send(t, 'updates', 20, 1, 0)).toEqual({ longestWait: 0, exceeded: undefined })
  })

  test('One kind of message held back holds back the socket: the wait is the longest of all kinds.', () => {
    const t = throttleAt(config)
    send(t, 'awareness', 15, 1, 0)
    expect(t.throttle.charge('updates', 1, 1)).toEqual({ waitMs: 1000 })
  })
})

test.each([
  [32 * MiB, '32 MiB'],
  [1.5 * MiB, '1.5 MiB'],
  [48 * 1024, '48 KiB'],
  [900, '900 bytes']
])('%i bytes are shown as %s.', (bytes, shown) => {
  expect(formatBytes(bytes)).toBe(shown)
})
