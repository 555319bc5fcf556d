/**
 * Starting and stopping the processes of a benchmark: the Consenso server,
 * the stock y-websocket server (the peer) and the load generators, each a
 * process of its own on 127.0.0.1.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { announcement, call } from './rpc'
import { BENCH_PASSWORD, type ServerStats } from './protocol'

/** The repository's root folder. */
export const ROOT = resolve(import.meta.dirname, '..')

// Children run TypeScript through tsx, as `npm start` does.
const TSX = ['--import', 'tsx']

/** A server under test, either kind. */
export interface BenchServer {
  readonly kind: 'consenso' | 'y-websocket'
  readonly process: ChildProcess
  /** WebSocket URL that clients give `WebsocketProvider` as server URL. */
  readonly collabUrl: string
  readonly httpUrl: string
  /** Resident memory and CPU time, read from /proc, the same way for both kinds. */
  usage(): Promise<ProcessUsage>
  stop(): Promise<void>
}

/** What /proc says of a process. */
export interface ProcessUsage {
  readonly rss: number
  /** user + system CPU time so far, ms. */
  readonly cpuMs: number
}

/** Memory and CPU of process `pid`, from /proc (Linux). */
export async function processUsage(pid: number): Promise<ProcessUsage> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) in parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return { rss, cpuMs: (ticks * 1000) / 100 }
}

/** The Consenso server process, with calls into it. */
export interface ConsensoServer extends BenchServer {
  readonly kind: 'consenso'
  readonly dataDir: string
  stats(collect?: boolean): Promise<ServerStats>
  createDocuments(titles: string[], markdown: string): Promise<string[]>
  removeDocuments(ids: string[]): Promise<void>
  flush(): Promise<void>
  /** Stores pending changes, then has the store catch its files up (a folder store's checkpoint): what set-up wrote is then on disk, not written during a measurement. */
  settle(): Promise<void>
  resetLoopDelay(): Promise<void>
  /** A session token of `username`. */
  login(username: string): Promise<string>
}

const children = new Set<ChildProcess>()

// A benchmark that fails half-way must not leave servers behind.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

async function stopChild(child: ChildProcess, graceful?: () => Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  if (graceful) await graceful().catch(() => child.kill('SIGKILL'))
  else child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

// `npm run bench -- --profile` sets this: every Consenso server process and
// load generator then writes a V8 CPU profile there when it stops (open it in
// Chrome DevTools).
const profiling = () => (process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [])

/** A new empty data folder; removed by {@link removeDataDir}. */
export const makeDataDir = () => mkdtemp(join(tmpdir(), 'consenso-bench-'))
export const removeDataDir = (dir: string) => rm(dir, { recursive: true, force: true })

/**
 * Starts Consenso in its own process over `dataDir`, or over the PostgreSQL
 * database `opts.databaseUrl` (the demo workspace is created on first start,
 * password {@link BENCH_PASSWORD}).
 */
export async function startConsenso(
  dataDir: string,
  opts: { debounceMs?: number; maxWaitMs?: number; execArgv?: string[]; realLimits?: boolean; databaseUrl?: string; redisUrl?: string } = {}
): Promise<ConsensoServer> {
  const child = track(
    fork(join(ROOT, 'bench/serverProcess.ts'), [], {
      cwd: ROOT,
      execArgv: [...TSX, '--expose-gc', ...profiling(), ...(opts.execArgv ?? [])],
      env: {
        ...process.env,
        BENCH_DATA_DIR: dataDir,
        ...(opts.debounceMs === undefined ? {} : { BENCH_DEBOUNCE_MS: String(opts.debounceMs) }),
        ...(opts.maxWaitMs === undefined ? {} : { BENCH_MAX_WAIT_MS: String(opts.maxWaitMs) }),
        // The limits a server has in production (see serverProcess.ts), for the rows that attack it.
        ...(opts.realLimits ? { BENCH_REAL_LIMITS: '1' } : {}),
        // The scale-out rows: the workspace in PostgreSQL, live traffic over Redis (see scaleOut.ts).
        ...(opts.databaseUrl === undefined ? {} : { BENCH_DATABASE_URL: opts.databaseUrl }),
        ...(opts.redisUrl === undefined ? {} : { BENCH_REDIS_URL: opts.redisUrl })
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
  )
  const { port } = await announcement<{ port: number }>(child, 'listening', 120_000)
  const httpUrl = `http://127.0.0.1:${port}`
  return {
    kind: 'consenso',
    process: child,
    dataDir,
    collabUrl: `ws://127.0.0.1:${port}/collab`,
    httpUrl,
    usage: () => processUsage(child.pid as number),
    stats: (collect = false) => call<ServerStats>(child, 'stats', { collect }),
    createDocuments: (titles, markdown) => call<string[]>(child, 'createDocuments', { titles, markdown }),
    removeDocuments: (ids) => call<void>(child, 'removeDocuments', { ids }),
    flush: () => call<void>(child, 'flush'),
    settle: () => call<void>(child, 'settle'),
    resetLoopDelay: () => call<void>(child, 'resetLoopDelay'),
    login: (username) => login(httpUrl, username),
    stop: () => stopChild(child, () => call(child, 'close'))
  }
}

/** Signs in with the benchmark's demo password; returns the session token. */
export async function login(httpUrl: string, username: string): Promise<string> {
  const res = await fetch(`${httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: BENCH_PASSWORD })
  })
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}

/** A free port of 127.0.0.1. */
export async function freePort(): Promise<number> {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((done) => probe.close(() => done()))
  return port
}

/** Starts the stock y-websocket v2 server, `bin/server.cjs`, in its own process (in memory, as shipped). */
export async function startPeer(): Promise<BenchServer> {
  const port = await freePort()
  const child = track(
    spawn(process.execPath, [join(ROOT, 'node_modules/y-websocket-v2/bin/server.cjs')], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit']
    })
  )
  let output = ''
  await new Promise<void>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('running at')) done()
    })
    child.once('exit', (code) => fail(new Error(`y-websocket server exited (${code}) before listening: ${output}`)))
  })
  child.stdout?.resume()
  const httpUrl = `http://127.0.0.1:${port}`
  return {
    kind: 'y-websocket',
    process: child,
    collabUrl: `ws://127.0.0.1:${port}`,
    httpUrl,
    usage: () => processUsage(child.pid as number),
    stop: () => stopChild(child)
  }
}

/** A load generator process (see loadProcess.ts). */
export async function startLoadProcess(): Promise<ChildProcess> {
  const child = track(fork(join(ROOT, 'bench/loadProcess.ts'), [], { cwd: ROOT, execArgv: [...TSX, ...profiling()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }))
  await announcement(child, 'ready')
  return child
}

/** The loop row's attacker process (see attackProcess.ts). */
export async function startAttackProcess(): Promise<ChildProcess> {
  const child = track(fork(join(ROOT, 'bench/attackProcess.ts'), [], { cwd: ROOT, execArgv: [...TSX, ...profiling()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }))
  await announcement(child, 'ready')
  return child
}

/** Ends a load generator process (or the attacker process). */
export const stopLoadProcess = (child: ChildProcess) => stopChild(child, () => call(child, 'exit'))
