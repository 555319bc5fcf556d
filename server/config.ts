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
  /** Largest WebSocket message accepted, in bytes. Default 16 MiB: a whole large draft's first sync fits. */
  readonly maxMessageBytes: number
  /** Largest JSON request body. Default 1 MiB. */
  readonly maxJsonBytes: string
  readonly persistence: PersistenceConfig
  readonly sessions: SessionConfig
  /** Folder of the built browser app. Default `dist/editor`. */
  readonly editorDir: string
}

export const defaultPersistence: PersistenceConfig = { debounceMs: 2000, maxWaitMs: 10000 }

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
  maxMessageBytes: 16 * 1024 * 1024,
  maxJsonBytes: '1mb',
  persistence: defaultPersistence,
  sessions: defaultSessions,
  editorDir: 'dist/editor'
}
