import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { isUsername, type Username } from '../../src'
import { RecordStore, type DamageReport, type Store } from '../../storage'
import { systemClock, type Clock } from '../Clock'
import type { SessionConfig } from '../config'

/** A signed-in session. Stored under the hash of its token, never the token. */
export interface Session {
  readonly id: string
  readonly username: Username
  readonly createdAt: number
  readonly lastSeenAt: number
}

const sessionRecord = z.object({
  id: z.string(),
  username: z.string().refine(isUsername),
  createdAt: z.number(),
  lastSeenAt: z.number()
})

const sessionFromJSON = (json: unknown): Session => sessionRecord.parse(json) as Session

// A leaked data file must not hand out live sessions: only the hash is kept.
const idOf = (token: string) => createHash('sha256').update(token).digest('base64url')

/**
 * The id of the session of `token`: the hash under which it is stored. Safe
 * to keep in memory and in logs, it cannot be turned back into the token.
 */
export const sessionIdOf = (token: string): string => idOf(token)

/**
 * The anti-CSRF token of a session: derived from its token, so nothing more
 * is stored, and unguessable without the token, which the browser keeps in an
 * HttpOnly cookie that no script (and no other site) can read.
 */
export const csrfTokenOf = (token: string): string => createHash('sha256').update(`csrf:${token}`).digest('base64url')

/** Whether `candidate` is the anti-CSRF token of the session `token`, compared in constant time. */
export function isCsrfTokenOf(token: string, candidate: string | undefined): boolean {
  if (candidate === undefined) return false
  const expected = Buffer.from(csrfTokenOf(token))
  const given = Buffer.from(candidate)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

// How stale lastSeenAt may get before a request writes it again (at most a
// tenth of the idle time, so that a short idle limit still counts uses).
const TOUCH_EVERY_MS = 60_000

/**
 * Bearer sessions: a random 256-bit token given to the client (as cookie or
 * `token` parameter), expiring after an idle time and an absolute time, or
 * ended by {@link close} (logout) or {@link closeAll} (logout everywhere, a
 * disabled account). Sessions survive a restart of the server. Closing what
 * a session holds open (sockets, streams) is `AccountAccess`'s part.
 */
export class Sessions {
  private readonly records: RecordStore<Session>

  constructor(
    store: Store,
    private readonly config: SessionConfig,
    private readonly clock: Clock = systemClock,
    /** Hears of each stored session that cannot be read: it is left out of lists. */
    onDamaged?: DamageReport
  ) {
    this.records = new RecordStore(store.records, { kind: 'session' }, sessionFromJSON, onDamaged)
  }

  /** Opens a session for `username`; the token is known only to the caller. */
  async open(username: Username): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url')
    const now = this.now()
    const session: Session = { id: idOf(token), username, createdAt: now, lastSeenAt: now }
    await this.records.put(session.id, session)
    return { token, session }
  }

  /** The live session of `token`, or undefined if it is unknown or expired. Counts as a use of it. */
  async resolve(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 100) return undefined
    return this.use(idOf(token))
  }

  /**
   * The live session whose id is `id`, or undefined if it is unknown or
   * expired (an expired one is removed). Unlike {@link resolve} this is no
   * use of the session: it is how the server checks an open connection.
   */
  async live(id: string): Promise<Session | undefined> {
    const session = await this.records.get(id)
    if (!session) return undefined
    if (this.expired(session)) {
      await this.records.remove(session.id)
      return undefined
    }
    return session
  }

  /**
   * Counts a use of the session `id` (work done over an open connection, which
   * makes no request), postponing its idle end; undefined if it is no longer live.
   */
  async use(id: string): Promise<Session | undefined> {
    const session = await this.live(id)
    if (!session) return undefined
    const now = this.now()
    if (now - session.lastSeenAt > Math.min(TOUCH_EVERY_MS, this.config.idleMs / 10)) {
      const touched = { ...session, lastSeenAt: now }
      await this.records.put(session.id, touched)
      return touched
    }
    return session
  }

  /** Ends the session of `token`; the session that ended, if there was one. */
  async close(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 100) return undefined
    const session = await this.records.get(idOf(token))
    if (session) await this.records.remove(session.id)
    return session
  }

  /** Ends every session of `username`; the ids of those it removed. */
  async closeAll(username: Username): Promise<string[]> {
    const ended: string[] = []
    for (const session of await this.records.list()) {
      if (session.username !== username) continue
      await this.records.remove(session.id)
      ended.push(session.id)
    }
    return ended
  }

  /**
   * Removes every expired session, which otherwise stays stored until its
   * token is shown again (a browser long closed never shows it); how many it removed.
   */
  async sweep(): Promise<number> {
    const expired = (await this.records.list()).filter((session) => this.expired(session))
    // Not one after the other: the store gathers removals made together into one write.
    await Promise.all(expired.map((session) => this.records.remove(session.id)))
    return expired.length
  }

  // Sessions keep their times as milliseconds since the epoch.
  private now(): number {
    return this.clock().getTime()
  }

  private expired(session: Session): boolean {
    const now = this.now()
    return now - session.lastSeenAt > this.config.idleMs || now - session.createdAt > this.config.absoluteMs
  }
}
