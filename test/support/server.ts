/**
 * A real server for integration tests: on port 0 of 127.0.0.1, in a fresh
 * data folder seeded with the demo workspace, in this process or as its own.
 * Everything started inside a test is stopped when that test ends
 * (`onTestFinished` runs in reverse order: clients, then servers, then folders).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import type { DocumentId } from '../../src'
import { DocumentStore, lockFileIn, openWorkspaceStore, PostgresStore, type Store } from '../../storage'
import { DEMO_DOCUMENT_ID, silentLogger, startServer, type RunningServer, type ServerConfig } from '../../server'
import { contentOf } from './doc'

/** Password of every demo account in tests. */
export const DEMO_PASSWORD = 'correct horse battery staple'

/** The demo Strategy. */
export const DOC = DEMO_DOCUMENT_ID

/** How long `vi.waitFor` may wait for the network: generous, it returns as soon as it holds. */
export const WAIT = { timeout: 10_000, interval: 10 } as const

/** Folder of the repository, where `server/main.ts` lives. */
export const ROOT = resolve(import.meta.dirname, '..', '..')

// Seeding the demo hashes 15 passwords with argon2 (1–2 s). It is done once
// per test file (each file gets its own copy of this module) into a template
// folder, whose data file every test then copies.
let template: Promise<string> | undefined

// Registered on the file that imports these helpers.
afterAll(async () => {
  const dir = await template?.catch(() => undefined)
  if (dir) await rm(dir, { recursive: true, force: true })
})

function demoTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'consenso-template-'))
    const server = await startServer(
      { port: 0, host: '127.0.0.1', dataDir: dir, demoPassword: DEMO_PASSWORD },
      { logger: silentLogger }
    )
    await server.close()
    return dir
  })()
  return template
}

/** A fresh data folder holding the seeded demo workspace; removed when the test ends. */
export async function seededDataDir(): Promise<string> {
  const source = await demoTemplate()
  const dir = await mkdtemp(join(tmpdir(), 'consenso-test-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  // The whole folder, whatever files the store keeps in it, but not its
  // lock, nor the copies a write keeps aside (a fresh folder has none).
  const lock = lockFileIn(source)
  await cp(source, dir, { recursive: true, filter: (path) => path !== lock && !/\.(bak|tmp)$/.test(path) })
  return dir
}

// A data folder holding nothing (a server on PostgreSQL keeps nothing in it); removed when the test ends.
async function emptyDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'consenso-test-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export interface TestServer {
  readonly server: RunningServer
  readonly dataDir: string
}

/**
 * Starts a real server on a free port of 127.0.0.1 with the demo workspace
 * and fast persistence (50 ms debounce, 200 ms maximum wait). Pass `dataDir`
 * to start over the folder of an earlier server (a restart); `databaseUrl`
 * (from `postgresDatabase()`) to store the workspace in PostgreSQL instead,
 * where the first server on a database seeds the demo and the others share
 * it; `config` overrides any other setting. Closed when the test ends.
 */
export async function startTestServer(opts: { dataDir?: string; databaseUrl?: string; config?: Partial<ServerConfig> } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (opts.databaseUrl ? await emptyDataDir() : await seededDataDir())
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      demoPassword: DEMO_PASSWORD,
      persistence: { debounceMs: 50, maxWaitMs: 200 },
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
      ...opts.config
    },
    { logger: silentLogger }
  )
  onTestFinished(() => server.close())
  return { server, dataDir }
}

/** A server as clients see it: a running one in this process, or a {@link ServerProcess}. */
export type Reachable = Pick<RunningServer, 'url'>

/**
 * The text of `documentId` as stored in `dataDir`, read from the data file
 * (the state a restarted server would load). Only reads.
 */
export async function storedContent(dataDir: string, documentId: DocumentId = DOC): Promise<string> {
  const { store } = await openWorkspaceStore(dataDir, { readOnly: true })
  return contentIn(store, documentId)
}

/**
 * The text of `documentId` as stored in the PostgreSQL database at
 * `databaseUrl` (the state a process starting now would load). Only reads.
 */
export async function storedInDatabase(databaseUrl: string, documentId: DocumentId = DOC): Promise<string> {
  return contentIn(await PostgresStore.open(databaseUrl), documentId)
}

// The text of `documentId` in `store`, which it closes.
async function contentIn(store: Store, documentId: DocumentId): Promise<string> {
  try {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, await new DocumentStore(store).loadState(documentId))
    const content = contentOf(doc)
    doc.destroy()
    return content
  } finally {
    await store.close()
  }
}

/** A free TCP port of 127.0.0.1 (free when this returns; someone could still take it). */
export async function freePort(): Promise<number> {
  const probe = createNetServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((done) => probe.close(() => done()))
  return port
}

/** A server running as its own process, `npx tsx server/main.ts`. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>`, as the process printed it. */
  readonly url: string
  /** Everything the process printed so far, stdout and stderr. */
  readonly output: () => string
  /**
   * Sends `signal` to the process group, as a terminal or a service manager
   * does. (npx itself does not pass SIGTERM on: it exits and leaves the server
   * running. tsx does pass it on, once.)
   */
  readonly kill: (signal: NodeJS.Signals) => void
  /**
   * Resolves once every process of the group has let go of the output pipe,
   * i.e. the server itself has exited, with npx's exit code or signal.
   */
  readonly exited: Promise<number | NodeJS.Signals | null>
}

/**
 * Spawns the server the way it is run by hand, with `DATA_DIR`,
 * `DEMO_PASSWORD` and a free `PORT` (and whatever `env` adds, such as
 * `DATABASE_URL`), and waits for "Consenso listening on <url>". Killed
 * (SIGKILL to its group) when the test ends if still running.
 */
export async function startServerProcess(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const port = await freePort()
  // The tests' DATABASE_URL names the server tests make databases on, never a workspace: only `env` chooses PostgreSQL.
  const { DATABASE_URL: _tests, ...inherited } = process.env
  const child = spawn('npx', ['tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a signal reaches npx, tsx and the server alike.
    detached: true
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  let done = false
  // 'close', not 'exit': npx exits at once, the server once it has stored everything.
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('close', (code, signal) => {
      done = true
      resolve(code ?? signal)
    })
  )
  const kill = (signal: NodeJS.Signals) => {
    if (child.pid !== undefined && !done) process.kill(-child.pid, signal)
  }
  onTestFinished(async () => {
    if (done) return
    try {
      kill('SIGKILL')
    } catch {
      // The group is already gone.
    }
    await exited
  })
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /Consenso listening on (\S+)/.exec(output)
      if (match) resolve(match[1] as string)
    }
    child.stdout.on('data', onData)
    void exited.then((code) => reject(new Error(`server process ended (${String(code)}) before listening:\n${output}`)))
  })
  return { url, output: () => output, kill, exited }
}
