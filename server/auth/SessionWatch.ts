/** What a watched session belongs to. */
export interface WatchedSession {
  /** The session's id (the hash of its token). */
  readonly id: string
  readonly username: string
}

/** Told once that the session it watches has ended, with why (e.g. "account disabled"). */
export type SessionEnded = (reason: string) => void

interface Watcher {
  readonly session: WatchedSession
  readonly onEnd: SessionEnded
}

/**
 * The things kept open on behalf of a session besides collaboration sockets
 * (an event stream, say), so that they end when the session does: at logout,
 * at "logout everywhere", when the account is disabled, or when the
 * periodic check finds the session expired. Each watcher is told at most
 * once, and is forgotten when told or when it stops watching.
 */
export class SessionWatch {
  private readonly watchers = new Set<Watcher>()

  /** Calls `onEnd` once `session` ends; returns the function that stops watching. */
  watch(session: WatchedSession, onEnd: SessionEnded): () => void {
    const watcher: Watcher = { session: { id: session.id, username: session.username }, onEnd }
    this.watchers.add(watcher)
    return () => void this.watchers.delete(watcher)
  }

  /** The ids of the sessions watched now (each once). */
  sessionIds(): Set<string> {
    return new Set([...this.watchers].map((w) => w.session.id))
  }

  /** Tells the watchers of the sessions `ids`, or of every session of `username`, that they ended. */
  end(which: { readonly ids?: Iterable<string>; readonly username?: string }, reason: string): void {
    const ids = new Set(which.ids ?? [])
    for (const watcher of [...this.watchers])
      if (ids.has(watcher.session.id) || watcher.session.username === which.username) {
        this.watchers.delete(watcher)
        watcher.onEnd(reason)
      }
  }
}
