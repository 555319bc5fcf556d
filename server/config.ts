/** How the collaboration server saves a document's changes. */
export interface PersistenceConfig {
  /**
   * Quiet time after the last change before it is written, in ms. Default
   * 2000: a typing burst becomes one write; a crash loses at most this much
   * plus {@link maxWaitMs} of unsaved typing of a process that dies uncleanly.
   */
  readonly debounceMs: number
  /** Longest a change waits while typing goes on, in ms. Default 10000. */
  readonly maxWaitMs: number
}

/** How long sessions last. */
export interface SessionConfig {
  /** A session unused this long ends, in ms. Default 8 hours: a working day. */
  readonly idleMs: number
  /** A session ends this long after login whatever its use, in ms. Default 7 days. */
  readonly absoluteMs: number
  /** Send the cookie only over HTTPS. Default false; set it behind an HTTPS proxy. */
  readonly secureCookie: boolean
}

/**
 * How failed logins are slowed (see `LoginThrottle`; the counts live in
 * memory). Failures count per pair of name and address, so that nobody can
 * lock a person out from elsewhere, and per address, more loosely.
 */
export interface LoginThrottleConfig {
  /** How long a failure counts, in ms. Default 15 minutes. */
  readonly windowMs: number
  /**
   * Failures of one name from one address, within the window, before that
   * pair has to wait. Default 5: a person who mistypes a few times never waits.
   */
  readonly freePerPair: number
  /**
   * The wait after the first failure past the free ones, in ms; it doubles
   * with each further failure. Default 1000: 1 s, 2 s, 4 s… a guesser from
   * one address gets about 15 tries in the window, a typist barely notices.
   */
  readonly firstDelayMs: number
  /** Longest wait of a pair, in ms. Default 15 minutes. */
  readonly maxDelayMs: number
  /**
   * Failures from one address within the window, whatever the names, before
   * the address is refused until the oldest leaves the window. Default 100:
   * one machine trying many names is stopped, a delegation behind one office
   * NAT keeps room for its typos. Behind a reverse proxy set `trustProxy`, or
   * every client shares the proxy's address and this ceiling.
   */
  readonly maxPerAddress: number
}

export const defaultLoginThrottle: LoginThrottleConfig = {
  windowMs: 15 * 60 * 1000,
  freePerPair: 5,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
  maxPerAddress: 100
}

/**
 * Which proxies in front of the server are trusted to say the client's
 * address in `X-Forwarded-For` (express's `trust proxy`): `false` trusts none
 * (the peer's address is the client's), a number trusts that many hops
 * nearest the server, a list trusts those addresses and subnets (CIDR, or
 * `loopback`, `linklocal`, `uniquelocal`). Trusting every proxy is not
 * offered: any client could then claim any address.
 */
export type TrustProxy = false | number | readonly string[]

/**
 * How fast one collaboration connection may send one kind of message: two
 * token buckets, one counting messages and one counting bytes. A bucket
 * starts full, refills at its rate and holds at most its burst.
 */
export interface MessageRate {
  /** Messages a second, sustained. */
  readonly messagesPerSecond: number
  /** Messages that may arrive at once after a quiet spell. */
  readonly messageBurst: number
  /** Bytes a second, sustained. */
  readonly bytesPerSecond: number
  /** Bytes that may arrive at once after a quiet spell; keep it at least `maxMessageBytes`. */
  readonly byteBurst: number
}

/**
 * Flood control of the collaboration socket, per connection (see
 * `MessageThrottle`). A connection over its rate is not refused anything: the
 * server stops reading its socket until the rate allows the next message, so
 * TCP slows the client down and the other clients of the document keep their
 * share of the server.
 */
export interface MessageThrottleConfig {
  /**
   * Sync messages: document updates and sync steps (a sync step 1 is charged
   * the bytes of its answer too, the whole document for an empty client).
   * Default 200 messages/s, burst 1,000; 4 MiB/s, burst 32 MiB: fast typing
   * makes 10–20 updates a second, the benchmark 20 per client (its
   * persistence row 100), a paste or a first sync of the largest document
   * one message; a flooding script makes thousands.
   */
  readonly updates: MessageRate
  /**
   * Awareness messages and awareness queries: cursors and selections.
   * Default 60 messages/s, burst 240; 256 KiB/s, burst 1 MiB: a selection
   * dragged with the mouse sends one per frame, a state is a few hundred bytes.
   */
  readonly awareness: MessageRate
  /**
   * A connection held back longer than this, in ms, is closed with 4429: one
   * that owes more waiting than this at once, or that has been over its rate
   * without a break for this long. Default 10000: long enough for any burst
   * a person makes to pass, short enough that a flood does not occupy the
   * server.
   */
  readonly maxThrottledMs: number
}

export const defaultMessageThrottle: MessageThrottleConfig = {
  updates: { messagesPerSecond: 200, messageBurst: 1_000, bytesPerSecond: 4 * 1024 * 1024, byteBurst: 32 * 1024 * 1024 },
  awareness: { messagesPerSecond: 60, messageBurst: 240, bytesPerSecond: 256 * 1024, byteBurst: 1024 * 1024 },
  maxThrottledMs: 10_000
}

/**
 * Per-account budgets of comments and replies (see `CommentQuota`): over
 * either, a write is answered 429 with `Retry-After` and stores nothing.
 * They bind the roles that comment, not the Presidency and the Secretariat,
 * who answer every comment and edit the text itself.
 */
export interface CommentQuotaConfig {
  /** Comments and replies an account may write at once after a quiet spell. Default 30: a delegation entering its remarks from notes. */
  readonly burst: number
  /** Comments and replies an account may write a minute, sustained. Default 10: more than anyone types, far less than a script. */
  readonly perMinute: number
  /**
   * Bytes of text (comment, proposed wording, quoted passage) an account may
   * write an hour; also the most at once. Default 2 MiB: some hundred long
   * comments, against the 350 MiB an hour a script managed without it.
   */
  readonly bytesPerHour: number
}

export const defaultCommentQuota: CommentQuotaConfig = { burst: 30, perMinute: 10, bytesPerHour: 2 * 1024 * 1024 }

/**
 * Flood control shared by all the collaboration connections of one account
 * (see `AccountBudget`): on top of each connection's own rates, so that ten
 * connections of one person do not get ten times one person's share. Over
 * it, every connection of the account is held back; one held back longer
 * than `MessageThrottleConfig.maxThrottledMs` is closed with 4430.
 */
export interface AccountBudgetConfig {
  /**
   * Sync messages of all the account's connections together, the answers to
   * their sync steps 1 counted in bytes. Default 400 messages/s, burst 2,000;
   * 4 MiB/s, burst 16 MiB: one connection's rate of bytes, since the answers
   * are encoded by the server's one thread (a faster rate is more of its
   * time for one person); the first syncs of a document larger than the
   * burst on several tabs are held back, about a second per 4 MiB.
   */
  readonly updates: MessageRate
  /** Awareness of all the account's connections together. Default 120 messages/s, burst 480; 512 KiB/s, burst 2 MiB. */
  readonly awareness: MessageRate
}

export const defaultAccountBudget: AccountBudgetConfig = {
  updates: { messagesPerSecond: 400, messageBurst: 2_000, bytesPerSecond: 4 * 1024 * 1024, byteBurst: 16 * 1024 * 1024 },
  awareness: { messagesPerSecond: 120, messageBurst: 480, bytesPerSecond: 512 * 1024, byteBurst: 2 * 1024 * 1024 }
}

/**
 * How many collaboration connections may be open at once. An upgrade over
 * either limit is refused with 429 before the WebSocket handshake.
 */
export interface ConnectionLimitsConfig {
  /**
   * Open connections of one account, all documents together. Default 12: a
   * person with a few tabs and devices; env `MAX_CONNECTIONS_PER_ACCOUNT`.
   */
  readonly perAccount: number
  /**
   * Open connections from one remote address. Default 200: a delegation
   * behind one office NAT, or everyone behind a reverse proxy on the same
   * machine (raise it there); env `MAX_CONNECTIONS_PER_ADDRESS`.
   */
  readonly perAddress: number
}

export const defaultConnectionLimits: ConnectionLimitsConfig = { perAccount: 12, perAddress: 200 }

/**
 * The pool of worker threads that does the heavy work off the event loop:
 * imports, comparisons and Word exports (see `WorkerPool`).
 */
export interface WorkConfig {
  /**
   * Worker threads. Default 1: the server's own thread keeps the
   * collaboration going on a second core; more only helps with cores to spare.
   * Env `WORKERS`.
   */
  readonly workers: number
  /** Jobs that may wait for a worker; beyond, a request is answered 503 with Retry-After. Default 16. */
  readonly maxQueued: number
  /**
   * Longest a job may run, in ms; its worker is then stopped and the request
   * answered 413 (an import) or 422 (a comparison or an export) with the
   * reason. Default 10000. Env `JOB_TIMEOUT_MS`.
   */
  readonly jobTimeoutMs: number
  /**
   * Jobs one account may start, sustained and at once; beyond, 429 with
   * Retry-After. Default 30 a minute, burst 10: far above a person
   * comparing versions one after another, a bound for a script.
   */
  readonly perAccount: { readonly jobsPerMinute: number; readonly burst: number }
  /** Most text blocks of an imported file; more is refused with 413. Default 10,000 (see `ImportLimits.maxBlocks`). */
  readonly maxImportBlocks: number
}

export const defaultWork: WorkConfig = {
  workers: 1,
  maxQueued: 16,
  jobTimeoutMs: 10_000,
  perAccount: { jobsPerMinute: 30, burst: 10 },
  maxImportBlocks: 10_000
}

/** The server's whole configuration. Only `server/main.ts` fills it from the environment. */
export interface ServerConfig {
  /** Interface to listen on. Default `0.0.0.0`. */
  readonly host: string
  /** TCP port; 0 picks a free one (tests). Default 8080. */
  readonly port: number
  /** Folder of the data file `consenso.json`. Default `./data`. */
  readonly dataDir: string
  /** Password of the demo accounts; when undefined a random one is made and printed once. */
  readonly demoPassword: string | undefined
  /**
   * A PostgreSQL connection URL (`postgres://user:password@host:5432/db`):
   * the workspace is stored there instead of in `dataDir`, and several
   * processes may serve it at once (no data folder lock is taken). Default
   * undefined: the embedded store in `dataDir`, one process.
   */
  readonly databaseUrl: string | undefined
  /** Largest WebSocket message accepted, in bytes. Default 16 MiB: a whole large draft's first sync fits. */
  readonly maxMessageBytes: number
  /** Largest JSON request body. Default 1 MiB. */
  readonly maxJsonBytes: string
  /**
   * Largest size of a document, in bytes of stored Yjs state (its history
   * included, as versions need it). Default 32 MiB: the Strategy is about
   * 0.1 MiB, a text after 250,000 edits about 1.1 MiB. A change that would
   * take a document over it is refused: a connection is closed with 4413,
   * an upload or an accepted proposal answered 413.
   */
  readonly maxDocumentBytes: number
  /** Flood control of the collaboration socket. Default {@link defaultMessageThrottle}. */
  readonly messageThrottle: MessageThrottleConfig
  /** Flood control shared by an account's connections. Default {@link defaultAccountBudget}. */
  readonly accountBudget: AccountBudgetConfig
  /** Open collaboration connections per account and per address. Default {@link defaultConnectionLimits}. */
  readonly connectionLimits: ConnectionLimitsConfig
  /** Heavy work off the event loop, with its budgets. Default {@link defaultWork}. */
  readonly work: WorkConfig
  readonly persistence: PersistenceConfig
  readonly sessions: SessionConfig
  /** How failed logins are slowed, per name and address and per address. Default {@link defaultLoginThrottle}. */
  readonly loginThrottle: LoginThrottleConfig
  /**
   * The proxies trusted to name the client's address (see {@link TrustProxy}).
   * Default `false`: behind a TLS proxy set it (`TRUST_PROXY=1`), or every
   * client shares the proxy's address for login throttling and the audit trail.
   */
  readonly trustProxy: TrustProxy
  /** Per-account budgets of comments and replies. Default {@link defaultCommentQuota}. */
  readonly commentQuota: CommentQuotaConfig
  /**
   * How often the sessions behind open WebSockets and event streams are
   * checked, in ms: one that expired or was ended closes its connections
   * within this time. Default 30000; logout, "logout everywhere" and
   * disabling an account close them at once, whatever this is.
   */
  readonly sessionCheckMs: number
  /** Folder of the built browser app. Default `dist/editor`. */
  readonly editorDir: string
  /** How long a document stays in memory after its last connection leaves, in ms. Default 5000 (see `CollaborationOptions.unloadAfterMs`). */
  readonly unloadAfterMs: number
  /**
   * The Redis (`redis://host:port`) through which several processes serving
   * one workspace pass live traffic (document changes, presence, comment
   * events, ended sessions) and share login throttling. Default undefined:
   * one process alone, nothing shared.
   */
  readonly redisUrl: string | undefined
  /** First part of every Redis channel and key, so that several workspaces share one Redis. Default `consenso`. */
  readonly redisPrefix: string
}

export const defaultPersistence: PersistenceConfig = { debounceMs: 2000, maxWaitMs: 10000 }

/**
 * The default with other processes (`REDIS_URL`): a process relays a change
 * only once it is stored, so a debounce would hold every change back from
 * the other processes' clients (up to `maxWaitMs` while people type). Each
 * change is stored at once instead; those that arrive while a write is under
 * way go together in the next one.
 */
export const relayedPersistence: PersistenceConfig = { debounceMs: 0, maxWaitMs: 0 }

export const defaultSessions: SessionConfig = {
  idleMs: 8 * 60 * 60 * 1000,
  absoluteMs: 7 * 24 * 60 * 60 * 1000,
  secureCookie: false
}

export const defaultConfig: ServerConfig = {
  host: '0.0.0.0',
  port: 8080,
  dataDir: './data',
  demoPassword: undefined,
  databaseUrl: undefined,
  maxMessageBytes: 16 * 1024 * 1024,
  maxJsonBytes: '1mb',
  maxDocumentBytes: 32 * 1024 * 1024,
  messageThrottle: defaultMessageThrottle,
  accountBudget: defaultAccountBudget,
  connectionLimits: defaultConnectionLimits,
  work: defaultWork,
  persistence: defaultPersistence,
  sessions: defaultSessions,
  loginThrottle: defaultLoginThrottle,
  trustProxy: false,
  commentQuota: defaultCommentQuota,
  sessionCheckMs: 30_000,
  editorDir: 'dist/editor',
  unloadAfterMs: 5_000,
  redisUrl: undefined,
  redisPrefix: 'consenso'
}
