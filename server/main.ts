import { once } from 'node:events'
import { readdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isIP, type AddressInfo } from 'node:net'
import { DataFolderLock, dataFileIn, MemoryStore, openWorkspaceStore, PostgresStore, type Store } from '../storage'
import { defaultConfig, relayedPersistence, type ServerConfig, type TrustProxy } from './config'
import { createHttpServer } from './http'
import { consoleLogger, type Logger } from './Logger'
import { systemClock, type Clock } from './Clock'
import { seedDemo } from './demo/seedDemo'
import { Workspace, type SharedParts } from './Workspace'
import { RedisRelay } from './relay'
import { RedisLoginThrottle } from './auth/RedisLoginThrottle'

/** A running Consenso server. */
export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string
  readonly port: number
  readonly workspace: Workspace
  /** Stops accepting connections, closes the open ones, stores every pending change. */
  close(): Promise<void>
}

/** Where the data file lives under the data folder. */
export const dataFile = dataFileIn

/**
 * Opens the workspace in `config.dataDir` (or in `store` when it is
 * given, closed with the server; or in PostgreSQL at `config.databaseUrl`),
 * creates the demo on first start, and listens. The data folder is
 * locked first (see {@link DataFolderLock}): a second server on the same
 * folder is refused with `DataFolderInUseError`, the lock of a server that
 * died is taken over, and `close` gives the folder up. On PostgreSQL no
 * folder is locked: several servers share the database, and what must run
 * once (migrations, the demo) runs under the database's locks.
 * `clock` is the workspace's (see {@link Clock}); default the wall clock.
 */
export async function startServer(
  overrides: Partial<ServerConfig> = {},
  deps: { store?: Store; logger?: Logger; clock?: Clock } = {}
): Promise<RunningServer> {
  const config: ServerConfig = { ...defaultConfig, ...overrides }
  const logger = deps.logger ?? consoleLogger
  const lock = deps.store || config.databaseUrl ? undefined : await DataFolderLock.acquire(config.dataDir)
  if (lock?.tookOverFrom)
    logger.info(`took over the data folder from process ${lock.tookOverFrom.pid}, which is no longer running (it stopped without closing)`)
  let store = deps.store
  try {
    if (!store && config.databaseUrl) {
      store = await PostgresStore.open(config.databaseUrl, { onError: (err) => logger.error('a PostgreSQL connection failed; the pool opens another', { error: err.message }) })
      logger.info(`the workspace is stored in PostgreSQL, ${databaseNameOf(config.databaseUrl)}; other processes may serve it too`)
      // Someone moving to PostgreSQL must not think the workspace they had was lost, nor that it is served.
      if ((await readdir(config.dataDir).catch(() => [])).some((name) => name === 'store' || name === 'consenso.json'))
        logger.error(`DATA_DIR (${config.dataDir}) holds an embedded store, which is not read while DATABASE_URL is set: the workspace served is the database's`)
    }
    if (!store) {
      const opened = await openWorkspaceStore(config.dataDir)
      store = opened.store
      if (opened.upgraded) logger.info(`upgraded the data folder to the current layout; the data as it was is kept in ${opened.upgraded.keptAs}`)
      for (const d of opened.upgraded?.copied.damaged ?? [])
        logger.error(`damaged record ${d.kind}${d.scope === undefined ? '' : `/${d.scope}`}/${d.id} left out of the upgrade (it stays in ${opened.upgraded?.keptAs}): ${d.reason}`)
    }
    return await listen(config, logger, lock, store, deps.clock ?? systemClock)
  } catch (err) {
    // The folder is given up only once nothing of this process writes it any more.
    if (!deps.store) await store?.close().catch(() => {})
    await lock?.release()
    throw err
  }
}

// The rest of startServer, once the folder is locked and the store open: the workspace, the demo, the socket.
async function listen(config: ServerConfig, logger: Logger, lock: DataFolderLock | undefined, store: Store, clock: Clock): Promise<RunningServer> {
  const relay = config.redisUrl ? await RedisRelay.connect({ url: config.redisUrl, prefix: config.redisPrefix, logger }) : undefined
  try {
    return await serve(config, logger, lock, store, clock, relay)
  } catch (err) {
    await relay?.close()
    throw err
  }
}

// The rest of listen, with the link to the other processes if there are any.
async function serve(config: ServerConfig, logger: Logger, lock: DataFolderLock | undefined, store: Store, clock: Clock, relay: RedisRelay | undefined): Promise<RunningServer> {
  const shared: SharedParts = relay
    ? { relay, loginThrottle: new RedisLoginThrottle(relay.client, relay.key('login'), config.loginThrottle, () => clock().getTime(), logger) }
    : {}
  const workspace = new Workspace(store, config, logger, clock, shared)
  // Under the store's lock: two servers sharing one store must not both seed it.
  const password = await store.locks.run('seed-demo', () => seedDemo(workspace, config.demoPassword))
  if (password !== undefined && config.demoPassword === undefined)
    logger.info(`demo accounts created (ppt, se, revisor, observador, bz, ca, cr, sv, us, gt, hn, mx, ni, pa, do); their password, shown only now: ${password}`)

  // Deadlines that passed while the server was down are settled now; the nearest pending one gets a timer.
  await workspace.silence.start()
  const server = createHttpServer(workspace, config)
  server.listen(config.port, config.host)
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  let closing: Promise<void> | undefined
  return {
    url: `http://${host}:${port}`,
    port,
    workspace,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((done) => server.close(() => done()))
        await workspace.silence.stop()
        await workspace.collaboration.close()
        await relay?.close()
        await workspace.work.close()
        server.closeAllConnections()
        await stopped
        await store.close()
        await lock?.release()
      })())
  }
}

// Where a connection URL points, without its user or password: `host:port/database`.
function databaseNameOf(url: string): string {
  try {
    const { host, pathname } = new URL(url)
    return `${host}${pathname}`
  } catch {
    return 'at DATABASE_URL'
  }
}

function configFromEnv(env: NodeJS.ProcessEnv): Partial<ServerConfig> {
  const port = env.PORT === undefined ? defaultConfig.port : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT must be a port number, got ${env.PORT}`)
  const persistence = env.REDIS_URL ? relayedPersistence : defaultConfig.persistence
  return {
    port,
    host: env.HOST || defaultConfig.host,
    dataDir: env.DATA_DIR || defaultConfig.dataDir,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX || defaultConfig.redisPrefix,
    demoPassword: env.DEMO_PASSWORD || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    persistence: {
      debounceMs: milliseconds(env, 'PERSIST_DEBOUNCE_MS', persistence.debounceMs),
      maxWaitMs: milliseconds(env, 'PERSIST_MAX_WAIT_MS', persistence.maxWaitMs)
    },
    work: {
      ...defaultConfig.work,
      workers: count(env, 'WORKERS', defaultConfig.work.workers),
      jobTimeoutMs: milliseconds(env, 'JOB_TIMEOUT_MS', defaultConfig.work.jobTimeoutMs)
    },
    connectionLimits: {
      perAccount: count(env, 'MAX_CONNECTIONS_PER_ACCOUNT', defaultConfig.connectionLimits.perAccount),
      perAddress: count(env, 'MAX_CONNECTIONS_PER_ADDRESS', defaultConfig.connectionLimits.perAddress)
    },
    sessions: {
      idleMs: minutes(env, 'SESSION_IDLE_MINUTES', defaultConfig.sessions.idleMs),
      absoluteMs: minutes(env, 'SESSION_MAX_MINUTES', defaultConfig.sessions.absoluteMs),
      secureCookie: env.SECURE_COOKIE === '1'
    },
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    commentQuota: {
      burst: count(env, 'COMMENT_BURST', defaultConfig.commentQuota.burst),
      perMinute: count(env, 'COMMENTS_PER_MINUTE', defaultConfig.commentQuota.perMinute),
      bytesPerHour: count(env, 'COMMENT_KIB_PER_HOUR', defaultConfig.commentQuota.bytesPerHour / 1024) * 1024
    }
  }
}

// A positive whole number from the environment (1 to 1,000,000,000), or `fallback` when unset.
function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1 || value > 1_000_000_000) throw new RangeError(`${name} must be a whole number from 1 to 1000000000, got ${text}`)
  return value
}

/**
 * The `trustProxy` setting from the text of `TRUST_PROXY`: unset, empty or
 * `0` trusts no proxy; a whole number (1–10) trusts that many hops nearest
 * the server; otherwise a comma-separated list of addresses, subnets (CIDR)
 * or `loopback`, `linklocal`, `uniquelocal`. `true` is refused: trusting
 * every hop lets any client claim any address.
 */
export function trustProxyOf(text: string | undefined): TrustProxy {
  const value = text?.trim() ?? ''
  if (value === '' || value === '0' || value.toLowerCase() === 'false') return false
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops > 10) throw new RangeError(`TRUST_PROXY must be a number of hops from 0 to 10 or a list of addresses, got ${text}`)
    return hops
  }
  if (value.toLowerCase() === 'true') throw new RangeError('TRUST_PROXY=true would trust any client to name its own address: give the number of proxy hops (e.g. 1) or their addresses')
  const list = value.split(',').map((item) => item.trim())
  const named = new Set(['loopback', 'linklocal', 'uniquelocal'])
  for (const item of list)
    if (!named.has(item) && isIP(item.split('/')[0] ?? '') === 0)
      throw new RangeError(`TRUST_PROXY must list addresses, subnets or loopback, linklocal, uniquelocal; got ${item}`)
  return list
}

// A duration in ms from the environment: a whole number from 0 to one hour, or `fallback` when unset.
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 3_600_000) throw new RangeError(`${name} must be a whole number of milliseconds from 0 to 3600000, got ${text}`)
  return value
}

// A session limit from the environment, in whole minutes (1 minute to 90 days), as ms; `fallback` when unset.
function minutes(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1 || value > 90 * 24 * 60) throw new RangeError(`${name} must be a whole number of minutes from 1 to 129600, got ${text}`)
  return value * 60_000
}

async function main(): Promise<void> {
  // performance.now() counts from the process's start: what came before this
  // line is Node's start and loading the modules (compiling them, under tsx);
  // what follows is the server's own start (the data folder opened, listening).
  const loaded = performance.now()
  const running = await startServer(configFromEnv(process.env), { store: process.env.DATA_DIR === ':memory:' ? new MemoryStore() : undefined })
  const listening = performance.now()
  consoleLogger.info(
    `Consenso listening on ${running.url} (${Math.round(listening)} ms after the process started: ` +
      `modules loaded at ${Math.round(loaded)} ms, then ${Math.round(listening - loaded)} ms to open the data folder and listen)`
  )
  const stop = (signal: string) => {
    consoleLogger.info(`${signal}: storing pending changes and stopping`)
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        consoleLogger.error('could not stop cleanly', { error: String(err) })
        process.exit(1)
      }
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    consoleLogger.error(err instanceof Error ? err.message : String(err))
    process.exit(1)
  })
}
