import { once } from 'node:events'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AddressInfo } from 'node:net'
import { DataFolderLock, dataFileIn, LowdbStorageAdapter, MemoryStorageAdapter, type StorageAdapter } from '../storage'
import { defaultConfig, type ServerConfig } from './config'
import { createHttpServer } from './http'
import { consoleLogger, type Logger } from './Logger'
import { systemClock, type Clock } from './Clock'
import { seedDemo } from './demo/seedDemo'
import { Workspace } from './Workspace'

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
 * Opens the workspace in `config.dataDir` (or in memory when `storage` is
 * given), creates the demo on first start, and listens. The data folder is
 * locked first (see {@link DataFolderLock}): a second server on the same
 * folder is refused with `DataFolderInUseError`, the lock of a server that
 * died is taken over, and `close` gives the folder up.
 * `clock` is the workspace's (see {@link Clock}); default the wall clock.
 */
export async function startServer(
  overrides: Partial<ServerConfig> = {},
  deps: { storage?: StorageAdapter; logger?: Logger; clock?: Clock } = {}
): Promise<RunningServer> {
  const config: ServerConfig = { ...defaultConfig, ...overrides }
  const logger = deps.logger ?? consoleLogger
  const lock = deps.storage ? undefined : await DataFolderLock.acquire(config.dataDir)
  if (lock?.tookOverFrom)
    logger.info(`took over the data folder from process ${lock.tookOverFrom.pid}, which is no longer running (it stopped without closing)`)
  let storage = deps.storage
  try {
    storage ??= await LowdbStorageAdapter.open(dataFile(config.dataDir))
    return await listen(config, logger, lock, storage, deps.clock ?? systemClock)
  } catch (err) {
    // The folder is given up only once nothing of this process writes it any more.
    if (!deps.storage) await storage?.close().catch(() => {})
    await lock?.release()
    throw err
  }
}

// The rest of startServer, once the folder is locked and the store open: the workspace, the demo, the socket.
async function listen(config: ServerConfig, logger: Logger, lock: DataFolderLock | undefined, storage: StorageAdapter, clock: Clock): Promise<RunningServer> {
  const workspace = new Workspace(storage, config, logger, clock)
  const password = await seedDemo(workspace, config.demoPassword)
  if (password !== undefined && config.demoPassword === undefined)
    logger.info(`demo accounts created (ppt, se, revisor, observador, bz, ca, cr, sv, us, gt, hn, mx, ni, pa, do); their password, shown only now: ${password}`)

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
        await workspace.collaboration.close()
        await workspace.work.close()
        server.closeAllConnections()
        await stopped
        await storage.close()
        await lock?.release()
      })())
  }
}

function configFromEnv(env: NodeJS.ProcessEnv): Partial<ServerConfig> {
  const port = env.PORT === undefined ? defaultConfig.port : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT must be a port number, got ${env.PORT}`)
  return {
    port,
    host: env.HOST || defaultConfig.host,
    dataDir: env.DATA_DIR || defaultConfig.dataDir,
    demoPassword: env.DEMO_PASSWORD || undefined,
    persistence: {
      debounceMs: milliseconds(env, 'PERSIST_DEBOUNCE_MS', defaultConfig.persistence.debounceMs),
      maxWaitMs: milliseconds(env, 'PERSIST_MAX_WAIT_MS', defaultConfig.persistence.maxWaitMs)
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
    }
  }
}

// A duration in ms from the environment: a whole number from 0 to one hour, or `fallback` when unset.
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 3_600_000) throw new RangeError(`${name} must be a whole number of milliseconds from 0 to 3600000, got ${text}`)
  return value
}

// A count from the environment: a whole number from 1 to 1,000,000, or `fallback` when unset.
function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1 || value > 1_000_000) throw new RangeError(`${name} must be a whole number from 1 to 1000000, got ${text}`)
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
  const running = await startServer(configFromEnv(process.env), { storage: process.env.DATA_DIR === ':memory:' ? new MemoryStorageAdapter() : undefined })
  consoleLogger.info(`Consenso listening on ${running.url}`)
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
