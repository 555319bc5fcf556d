/**
 * The scale-out rows of issue 13 (`npm run bench -- --scale-out`): Consenso
 * processes sharing one workspace in PostgreSQL, live traffic over Redis.
 * PostgreSQL and Redis are the ones `DATABASE_URL` (a server the benchmark
 * may create databases on) and `REDIS_URL` name, else throwaway servers from
 * the installed binaries, started and stopped here as the tests do. Each row
 * gets a database of its own.
 *
 * - `scaleFanout`: the fan-out row's 200 clients, split over two processes,
 *   against one process (embedded store, today's row) in the same run.
 * - `catchUp`: a process started while 10 writers type on another, on a
 *   2 MB document: its start and the time to serve its first client.
 * - `writeCost`: transactions and WAL bytes per second of typing, 1 and 10 writers.
 */
import type { ChildProcess } from 'node:child_process'
import pg from 'pg'
import { createDatabase, startThrowawayPostgres } from '../test/support/throwawayPostgres'
import { startThrowawayRedis } from '../test/support/throwawayRedis'
import { fanoutRound, signInClients, summarise, type FanoutRound, type FanoutSummary, type FanoutWorkload } from './fanout'
import { makeDataDir, removeDataDir, startConsenso, type ConsensoServer } from './processes'
import type { ClientSpec } from './protocol'
import { call } from './rpc'
import { now } from './stats'

/** The PostgreSQL and Redis of a run. */
export interface ScaleOutServices {
  /** What the rows run on, for the log: `throwaway` or the host of the given URL. */
  readonly describe: string
  readonly redisUrl: string
  /** A URL of the server's own database (`postgres`), for reading its statistics. */
  readonly adminUrl: string
  /** A new, empty database: its URL. Dropped by {@link stop} when it is on a given server. */
  database(): Promise<string>
  stop(): Promise<void>
}

/** Starts (or takes from the environment) PostgreSQL and Redis. */
export async function startScaleOutServices(): Promise<ScaleOutServices> {
  const givenDatabase = process.env.DATABASE_URL || undefined
  const givenRedis = process.env.REDIS_URL || undefined
  const postgres = givenDatabase ? undefined : await startThrowawayPostgres()
  const redis = givenRedis ? undefined : await startThrowawayRedis().catch(async (err: unknown) => {
    await postgres?.stop()
    throw err
  })
  const adminUrl = givenDatabase ?? (postgres?.adminUrl as string)
  const created: string[] = []
  return {
    describe: `PostgreSQL ${givenDatabase ? new URL(givenDatabase).host : 'throwaway (fsync off)'}, Redis ${givenRedis ? new URL(givenRedis).host : 'throwaway'}`,
    redisUrl: givenRedis ?? (redis?.url as string),
    adminUrl,
    database: async () => {
      const url = await createDatabase(adminUrl)
      created.push(new URL(url).pathname.slice(1))
      return url
    },
    stop: async () => {
      await redis?.stop()
      // A throwaway server goes whole; on a given one, the run's databases go.
      if (postgres) return postgres.stop()
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      try {
        for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await admin.end()
      }
    }
  }
}

/**
 * The persistence the scale-out rows also measure besides the default (2 s
 * debounce, 10 s maximum wait): a process relays a change to the others only
 * once it is stored, so the debounce is part of the cross-process latency;
 * `PERSIST_DEBOUNCE_MS=0` stores (and relays) at the next turn of the event
 * loop, one write at a time, what arrived meanwhile merged into it.
 */
export const WRITE_THROUGH = { debounceMs: 0, maxWaitMs: 0 } as const

// `count` Consenso processes on one new database (or `databaseUrl`) and the run's Redis; stopped and their folders removed by the returned function.
async function startShared(
  services: ScaleOutServices,
  count: number,
  persistence: { debounceMs?: number; maxWaitMs?: number } = {},
  given?: string
): Promise<{ databaseUrl: string; servers: ConsensoServer[]; stop: () => Promise<void> }> {
  const databaseUrl = given ?? (await services.database())
  const servers: ConsensoServer[] = []
  const dirs: string[] = []
  const stop = async () => {
    for (const s of servers) await s.stop()
    for (const d of dirs) await removeDataDir(d)
  }
  try {
    // One after the other: the first migrates and seeds the demo, the next finds them.
    for (let i = 0; i < count; i++) {
      const dir = await makeDataDir()
      dirs.push(dir)
      servers.push(await startConsenso(dir, { ...persistence, databaseUrl, redisUrl: services.redisUrl }))
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { databaseUrl, servers, stop }
}

/**
 * The scale-out fan-out row: one process (embedded store), one on
 * PostgreSQL + Redis, two on them with the clients split, with the default
 * persistence and with {@link WRITE_THROUGH}.
 */
export interface ScaleFanoutResult {
  readonly workload: FanoutWorkload
  readonly single: FanoutSummary
  readonly sharedOne: FanoutSummary
  readonly sharedTwo: FanoutSummary
  readonly sharedTwoWriteThrough: FanoutSummary
  readonly rounds: (FanoutRound & { setup: string })[]
}

/** Alternates rounds of the three set-ups (the order rotates), the same clients and load processes. */
export async function scaleFanoutRow(input: {
  services: ScaleOutServices
  loads: readonly ChildProcess[]
  workload: FanoutWorkload
  rounds: number
  log: (line: string) => void
}): Promise<ScaleFanoutResult> {
  const { loads, workload, log } = input
  const dataDir = await makeDataDir()
  const single = await startConsenso(dataDir)
  const shared = await startShared(input.services, 2).catch(async (err: unknown) => {
    await single.stop()
    throw err
  })
  // The same database, two more processes storing (and relaying) at once.
  const through = await startShared(input.services, 2, WRITE_THROUGH, shared.databaseUrl).catch(async (err: unknown) => {
    await shared.stop()
    await single.stop()
    throw err
  })
  try {
    const [a, b] = shared.servers as [ConsensoServer, ConsensoServer]
    const [c, d] = through.servers as [ConsensoServer, ConsensoServer]
    const singleTokens = await signInClients(single)
    // Sessions are in PostgreSQL: tokens of process A open sockets on B too.
    const sharedTokens = await signInClients(a)
    const setups = [
      { setup: 'one process', run: (label: string) => fanoutRound(single, loads, workload, singleTokens, label) },
      { setup: 'one on PostgreSQL', run: (label: string) => fanoutRound(a, loads, workload, sharedTokens, label) },
      { setup: 'two on PostgreSQL', run: (label: string) => fanoutRound(a, loads, workload, sharedTokens, label, [b]) },
      { setup: 'two, write-through', run: (label: string) => fanoutRound(c, loads, workload, sharedTokens, label, [d]) }
    ]
    const all: (FanoutRound & { setup: string })[] = []
    for (let r = 0; r < input.rounds; r++) {
      for (let i = 0; i < setups.length; i++) {
        const { setup, run } = setups[(i + r) % setups.length] as (typeof setups)[number]
        const result = { ...(await run(`scale ${setup} ${r + 1}`)), setup }
        all.push(result)
        log(
          `  scale-out fan-out round ${r + 1}, ${setup.padEnd(18)}: p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms, ` +
            `${result.delivered}/${result.expected} delivered, CPU of the (first) server ${(result.serverCpuMs / 1000).toFixed(1)} s`
        )
      }
    }
    const of = (setup: string) => summarise(all.filter((r) => r.setup === setup))
    return {
      workload,
      single: of('one process'),
      sharedOne: of('one on PostgreSQL'),
      sharedTwo: of('two on PostgreSQL'),
      sharedTwoWriteThrough: of('two, write-through'),
      rounds: all
    }
  } finally {
    await through.stop()
    await shared.stop()
    await single.stop()
    await removeDataDir(dataDir)
  }
}

/** The catch-up row. */
export interface CatchUpResult {
  readonly stateBytes: number
  readonly characters: number
  readonly fillMessages: number
  readonly writers: number
  readonly rate: number
  /** A process started with nobody typing: from spawn to listening, then its first client's sync. */
  readonly quiet: JoinTiming
  /** A process started while the writers type on the other. */
  readonly typing: JoinTiming
  /** After the writers stopped, until every client (the joined one too) held the same text, ms; -1 if not within 10 s. */
  readonly convergedMs: number
}

export interface JoinTiming {
  readonly startMs: number
  readonly firstSyncMs: number
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/**
 * Fills a document to `stateBytes` on process A, then starts process B with
 * nobody typing and times its first client; then, while `writers` clients
 * on A type at `rate` a second, starts process C and times its first client,
 * and checks that every client converges once the writing stops.
 */
export async function catchUpRow(input: {
  services: ScaleOutServices
  loads: readonly ChildProcess[]
  stateBytes: number
  writers: number
  rate: number
  writeSeconds: number
  log: (line: string) => void
}): Promise<CatchUpResult> {
  const { loads, log } = input
  const [writing, joining] = [loads[0], loads[1] ?? loads[0]] as [ChildProcess, ChildProcess]
  const shared = await startShared(input.services, 1)
  let extra: ConsensoServer[] = []
  try {
    const a = shared.servers[0] as ConsensoServer
    const tokens = await signInClients(a)
    const [room] = await a.createDocuments(['catch-up'], '# Borrador\n\nPrimer párrafo del borrador.\n')
    // Writers as the PPT and the Secretariat, readers as delegations (read-only); `editor` a writer that is not one of the typing ones.
    const spec = (server: ConsensoServer, writer: number | null, c: number, editor = false): ClientSpec => ({
      serverUrl: server.collabUrl,
      room: room as string,
      params: { token: (writer === null && !editor ? tokens.readers[c % tokens.readers.length] : tokens.writers[c % tokens.writers.length]) as string },
      writer
    })
    log(`  filling a document to ${(input.stateBytes / 2 ** 20).toFixed(1)} MiB of Yjs state on process A`)
    const fill = await call<{ messages: number; stateBytes: number; characters: number; ms: number }>(writing, 'fill', {
      spec: spec(a, null, 0, true),
      bytes: input.stateBytes,
      phrasesPerMessage: 50,
      messagesPerSecond: 100,
      seed: 2021
    })
    log(`  filled: ${fill.messages} messages, ${(fill.stateBytes / 2 ** 20).toFixed(2)} MiB state, ${fill.characters.toLocaleString('en')} characters, in ${(fill.ms / 1000).toFixed(1)} s`)
    await a.flush()

    const join = async (label: string): Promise<JoinTiming> => {
      const dir = await makeDataDir()
      const started = now()
      const server = await startConsenso(dir, { databaseUrl: shared.databaseUrl, redisUrl: input.services.redisUrl })
      extra.push(server)
      const startMs = now() - started
      const firstSyncMs = await call<number>(joining, 'timeSync', { spec: spec(server, null, extra.length) })
      log(`  ${label}: process started in ${startMs.toFixed(0)} ms, its first client synced in ${firstSyncMs.toFixed(0)} ms`)
      return { startMs, firstSyncMs }
    }
    const quiet = await join('process B, nobody typing')

    await call(writing, 'connect', { specs: Array.from({ length: input.writers }, (_, w) => spec(a, w, w)) })
    await call(writing, 'reset')
    const startAt = now() + 300
    const typing = call<Record<number, number>>(writing, 'write', { startAt, durationMs: input.writeSeconds * 1000, rate: input.rate })
    // Join a few seconds into the typing, when the writers' updates stream through Redis and PostgreSQL.
    await sleep(Math.min(3000, (input.writeSeconds * 1000) / 4))
    const whileTyping = await join(`process C, ${input.writers} writers typing ${input.rate} updates/s on A`)
    await typing
    const stopped = now()
    let convergedMs = -1
    while (now() - stopped < 10_000) {
      const lengths = [...(await call<number[]>(writing, 'lengths')), ...(await call<number[]>(joining, 'lengths'))]
      if (lengths.every((l) => l === lengths[0])) {
        convergedMs = now() - stopped
        break
      }
      await sleep(100)
    }
    log(`  every client ${convergedMs < 0 ? 'did NOT converge within 10 s' : `converged ${convergedMs.toFixed(0)} ms after the writers stopped`}`)
    await call(writing, 'disconnect')
    await call(joining, 'disconnect')
    return {
      stateBytes: fill.stateBytes,
      characters: fill.characters,
      fillMessages: fill.messages,
      writers: input.writers,
      rate: input.rate,
      quiet,
      typing: whileTyping,
      convergedMs
    }
  } finally {
    for (const s of extra) await s.stop()
    extra = []
    await shared.stop()
  }
}

/** What typing cost PostgreSQL, for one number of writers. */
export interface WriteCost {
  /** `default` (2 s debounce, 10 s maximum wait) or `write-through` ({@link WRITE_THROUGH}). */
  readonly persistence: 'default' | 'write-through'
  readonly writers: number
  readonly rate: number
  readonly seconds: number
  readonly updates: number
  readonly transactions: number
  readonly walBytes: number
}

/** Commits of database `name` and the cluster's WAL position, read from the server's own database (so that reading them commits nothing in `name`). */
async function pgCounters(adminUrl: string, name: string): Promise<{ commits: number; lsn: string }> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    const { rows } = await admin.query<{ commits: string; lsn: string }>(
      'SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = $1) AS commits, pg_current_wal_lsn()::text AS lsn',
      [name]
    )
    const row = rows[0] as { commits: string; lsn: string }
    return { commits: Number(row.commits), lsn: row.lsn }
  } finally {
    await admin.end()
  }
}

async function walBytesBetween(adminUrl: string, from: string, to: string): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    const { rows } = await admin.query<{ bytes: string }>('SELECT pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::text AS bytes', [from, to])
    return Number(rows[0]?.bytes)
  } finally {
    await admin.end()
  }
}

// A backend reports its statistics when it goes idle, at most once a second,
// else within PGSTAT_IDLE_INTERVAL (10 s): wait that long before reading commits.
const STATS_SETTLE_MS = 11_000

/**
 * One process on PostgreSQL + Redis; for each count of `writers`, a new
 * document, that many clients writing `rate` updates a second for
 * `seconds`, then every change stored: the database's commits and the WAL
 * written meanwhile (WAL is the whole server's: nothing else runs on a
 * throwaway one).
 */
export async function writeCostRow(input: {
  services: ScaleOutServices
  loads: readonly ChildProcess[]
  writers: readonly number[]
  rate: number
  seconds: number
  log: (line: string) => void
}): Promise<WriteCost[]> {
  const costs: WriteCost[] = []
  for (const persistence of ['default', 'write-through'] as const) costs.push(...(await writeCosts({ ...input, persistence })))
  return costs
}

async function writeCosts(input: {
  services: ScaleOutServices
  loads: readonly ChildProcess[]
  writers: readonly number[]
  rate: number
  seconds: number
  persistence: WriteCost['persistence']
  log: (line: string) => void
}): Promise<WriteCost[]> {
  const load = input.loads[0] as ChildProcess
  const shared = await startShared(input.services, 1, input.persistence === 'write-through' ? WRITE_THROUGH : {})
  try {
    const a = shared.servers[0] as ConsensoServer
    const name = new URL(shared.databaseUrl).pathname.slice(1)
    const tokens = await signInClients(a)
    const costs: WriteCost[] = []
    for (const writers of input.writers) {
      const [room] = await a.createDocuments([`write cost ${writers}`], '# Borrador\n\nPrimer párrafo del borrador.\n')
      const specs: ClientSpec[] = Array.from({ length: writers }, (_, w) => ({
        serverUrl: a.collabUrl,
        room: room as string,
        params: { token: tokens.writers[w % tokens.writers.length] as string },
        writer: w
      }))
      await call(load, 'connect', { specs })
      // Forgets the counts of earlier rows and rounds in this load process.
      await call(load, 'reset')
      await a.flush()
      await sleep(STATS_SETTLE_MS)
      const before = await pgCounters(input.services.adminUrl, name)
      const sent = await call<Record<number, number>>(load, 'write', { startAt: now() + 300, durationMs: input.seconds * 1000, rate: input.rate })
      await a.flush()
      await sleep(STATS_SETTLE_MS)
      const after = await pgCounters(input.services.adminUrl, name)
      await call(load, 'disconnect')
      const cost: WriteCost = {
        persistence: input.persistence,
        writers,
        rate: input.rate,
        seconds: input.seconds,
        updates: Object.values(sent).reduce((s, n) => s + n, 0),
        transactions: after.commits - before.commits,
        walBytes: await walBytesBetween(input.services.adminUrl, before.lsn, after.lsn)
      }
      input.log(
        `  ${input.persistence}, ${writers} writer${writers === 1 ? '' : 's'} × ${input.rate} updates/s for ${input.seconds} s: ${cost.updates} updates, ` +
          `${(cost.transactions / input.seconds).toFixed(0)} transactions/s, ${(cost.walBytes / input.seconds / 1024).toFixed(0)} KiB of WAL/s ` +
          `(${(cost.transactions / cost.updates).toFixed(2)} transactions and ${(cost.walBytes / cost.updates).toFixed(0)} bytes per update)`
      )
      costs.push(cost)
    }
    return costs
  } finally {
    await shared.stop()
  }
}
