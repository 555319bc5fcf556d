import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import { isUsername, type Username } from '../../src'
import { RecordStore, type StorageAdapter } from '../../storage'
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

// How stale lastSeenAt may get before a request writes it again.
const TOUCH_EVERY_MS = 60_000

/**
 * Bearer sessions: a random 256-bit token given to the client (as cookie or
 * `token` parameter), expiring after an idle time and an absolute time.
 * Sessions survive a restart of the server.
 */
export class Sessions {
  private readonly records: RecordStore<Session>

  constructor(
    storage: StorageAdapter,
    private readonly config: SessionConfig,
    private readonly now: () => number = Date.now
  ) {
    this.records = new RecordStore(storage, ['session'], sessionFromJSON)
  }

  /** Opens a session for `username`; the token is known only to the caller. */
  async open(username: Username): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url')
    const now = this.now()
    const session: Session = { id: idOf(token), username, createdAt: now, lastSeenAt: now }
    await this.records.put(session.id, session)
    return { token, session }
  }

  /** The live session of `token`, or undefined if it is unknown or expired. */
  async resolve(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 100) return undefined
    const session = await this.records.get(idOf(token))
    if (!session) return undefined
    const now = this.now()
    if (now - session.lastSeenAt > this.config.idleMs || now - session.createdAt > this.config.absoluteMs) {
      await this.records.remove(session.id)
      return undefined
    }
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) {
      const touched = { ...session, lastSeenAt: now }
      await this.records.put(session.id, touched)
      return touched
    }
    return session
  }

  /** Ends the session of `token`, if any. */
  async close(token: string | undefined): Promise<void> {
    if (token) await this.records.remove(idOf(token))
  }
}
