/**
 * The fan-out rows: many stock clients on one or several documents, a few of
 * them writing small updates at a steady rate, on Consenso and on the stock
 * y-websocket server in alternating rounds. Measures the latency from each
 * write to its arrival at every other client of the document, and counts the
 * arrivals.
 */
import type { ChildProcess } from 'node:child_process'
import { COUNTRIES } from '../src'
import type { ClientSpec, LoadReport } from './protocol'
import type { BenchServer, ConsensoServer } from './processes'
import { call } from './rpc'
import { LatencyHistogram, median, now } from './stats'

/** What the clients do. */
export interface FanoutWorkload {
  readonly documents: number
  readonly clientsPerDocument: number
  readonly writersPerDocument: number
  /** Updates a second of each writer. */
  readonly rate: number
  readonly durationMs: number
}

/** One round on one server. */
export interface FanoutRound {
  readonly server: BenchServer['kind']
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  /** Arrivals counted at the clients, and how many there should have been. */
  readonly delivered: number
  readonly expected: number
  /** Updates written. */
  readonly sent: number
  /** The documents of the round (Consenso's ids, the peer's room names). */
  readonly documents: string[]
  /** Resident memory of the server: before the clients connected, most seen while writing, after the round. */
  readonly serverRssIdle: number
  readonly serverRssPeak: number
  readonly serverRssEnd: number
  /** CPU time of the server while the writers wrote, ms. */
  readonly serverCpuMs: number
  /** CPU time of the load processes, ms. */
  readonly loadCpuMs: number
  /** Time from the first connection to every client synced, ms. */
  readonly connectMs: number
  /** Consenso only: the longest the server's event loop was late. */
  readonly serverLoopDelayMaxMs?: number
}

/** The medians of several rounds on one server. */
export interface FanoutSummary {
  readonly rounds: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  readonly delivered: number
  readonly expected: number
  /** Resident memory, medians of the rounds: before the clients connected, and the most while writing. */
  readonly serverRssIdle: number
  readonly serverRssPeak: number
  readonly serverCpuMs: number
  readonly loadCpuMs: number
}

/** The medians of the rounds, and the totals of the counts. */
export function summarise(rounds: readonly FanoutRound[]): FanoutSummary {
  return {
    rounds: rounds.length,
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    maxMs: Math.max(...rounds.map((r) => r.maxMs)),
    delivered: rounds.reduce((s, r) => s + r.delivered, 0),
    expected: rounds.reduce((s, r) => s + r.expected, 0),
    serverRssIdle: median(rounds.map((r) => r.serverRssIdle)),
    serverRssPeak: median(rounds.map((r) => r.serverRssPeak)),
    serverCpuMs: median(rounds.map((r) => r.serverCpuMs)),
    loadCpuMs: median(rounds.map((r) => r.loadCpuMs))
  }
}

/** Session tokens for Consenso's clients: writers as the Presidency and the Secretariat, readers as delegations (read-only). */
export interface Tokens {
  readonly writers: readonly string[]
  readonly readers: readonly string[]
}

/** Signs in the accounts the clients use, once per server. */
export async function signInClients(server: ConsensoServer): Promise<Tokens> {
  const writers = [await server.login('ppt'), await server.login('se')]
  const readers: string[] = []
  for (const c of COUNTRIES) readers.push(await server.login(c.code.toLowerCase()))
  readers.push(await server.login('revisor'))
  return { writers, readers }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/**
 * The documents of a round: new ones each round, so that every round starts
 * from the same state. Consenso's are created (a short draft, as the PPT);
 * the peer makes a room of any name.
 */
async function roomsFor(server: BenchServer, workload: FanoutWorkload, label: string): Promise<string[]> {
  const titles = Array.from({ length: workload.documents }, (_, d) => `${label} ${d + 1}`)
  if (server.kind === 'consenso')
    return (server as ConsensoServer).createDocuments(titles, '# Borrador\n\nPrimer párrafo del borrador.\n\nSegundo párrafo.\n')
  return titles.map((t) => t.toLowerCase().replace(/[^a-z0-9]+/g, '-'))
}

/**
 * The clients of a round, spread over the load processes in turn (writers
 * too), and over the servers `collabUrls` in turn (the scale-out row's two
 * processes: writers on both).
 */
function clientSpecs(collabUrls: readonly string[], workload: FanoutWorkload, rooms: readonly string[], tokens: Tokens | undefined, processes: number): ClientSpec[][] {
  const perProcess: ClientSpec[][] = Array.from({ length: processes }, () => [])
  let n = 0
  rooms.forEach((room, d) => {
    for (let c = 0; c < workload.clientsPerDocument; c++) {
      const writer = c < workload.writersPerDocument ? d * workload.writersPerDocument + c : null
      const token = tokens && (writer !== null ? tokens.writers[c % tokens.writers.length] : tokens.readers[c % tokens.readers.length])
      const serverUrl = collabUrls[c % collabUrls.length] as string
      ;(perProcess[n++ % processes] as ClientSpec[]).push({ serverUrl, room, params: token ? { token } : {}, writer })
    }
  })
  return perProcess
}

/**
 * Runs one round on `server` with the load processes `loads`: connects the
 * clients, lets the writers write, waits for every update to arrive (or 10 s),
 * and disconnects. With `others` (servers sharing `server`'s workspace), the
 * clients are spread over `server` and them; memory and CPU are `server`'s.
 */
export async function fanoutRound(
  server: BenchServer,
  loads: readonly ChildProcess[],
  workload: FanoutWorkload,
  tokens: Tokens | undefined,
  label: string,
  others: readonly BenchServer[] = []
): Promise<FanoutRound> {
  const idle = await server.usage()
  const rooms = await roomsFor(server, workload, label)
  const specs = clientSpecs([server, ...others].map((s) => s.collabUrl), workload, rooms, tokens, loads.length)
  const connectStart = now()
  await Promise.all(loads.map((p, i) => call(p, 'connect', { specs: specs[i] })))
  const connectMs = now() - connectStart
  // Let the connection burst (awareness of every client to every client) settle.
  await sleep(1000)
  await Promise.all(loads.map((p) => call(p, 'reset')))

  const consenso = server.kind === 'consenso' ? (server as ConsensoServer) : undefined
  await consenso?.resetLoopDelay()
  const before = await server.usage()
  let rssPeak = before.rss
  const startAt = now() + 300
  const writing = Promise.all(loads.map((p) => call<Record<number, number>>(p, 'write', { startAt, durationMs: workload.durationMs, rate: workload.rate })))
  let done = false
  void writing.finally(() => (done = true))
  while (!done) {
    await Promise.race([sleep(1000), writing])
    rssPeak = Math.max(rssPeak, (await server.usage()).rss)
  }
  const sentBy: Record<number, number> = Object.assign({}, ...(await writing))
  const after = await server.usage()

  // Every writer's updates, expected at every other client of its document.
  const writersOf = new Map<string, number[]>()
  specs.flat().forEach((s) => s.writer !== null && writersOf.set(s.room, [...(writersOf.get(s.room) ?? []), s.writer]))
  const expectedAt = (c: { room: string; writer: number | null }) =>
    (writersOf.get(c.room) ?? []).reduce((sum, w) => sum + (w === c.writer ? 0 : (sentBy[w] ?? 0)), 0)
  let reports: LoadReport[] = []
  for (let waited = 0; waited <= 10_000; waited += 250) {
    reports = await Promise.all(loads.map((p) => call<LoadReport>(p, 'report')))
    if (reports.every((r) => r.clients.every((c) => c.received >= expectedAt(c)))) break
    await sleep(250)
  }
  const histogram = new LatencyHistogram()
  for (const r of reports) histogram.merge(r.histogram)
  const clients = reports.flatMap((r) => r.clients)
  const delivered = clients.reduce((s, c) => s + Math.min(c.received, expectedAt(c)), 0)
  const expected = clients.reduce((s, c) => s + expectedAt(c), 0)
  const end = await server.usage()
  const loopDelay = await consenso?.stats()
  await Promise.all(loads.map((p) => call(p, 'disconnect')))
  return {
    server: server.kind,
    documents: rooms,
    serverRssIdle: idle.rss,
    p50Ms: histogram.quantile(0.5),
    p99Ms: histogram.quantile(0.99),
    maxMs: histogram.max,
    delivered,
    expected,
    sent: Object.values(sentBy).reduce((s, n) => s + n, 0),
    serverRssPeak: Math.max(rssPeak, end.rss),
    serverRssEnd: end.rss,
    serverCpuMs: after.cpuMs - before.cpuMs,
    loadCpuMs: reports.reduce((s, r) => s + r.cpuMs, 0),
    connectMs,
    ...(loopDelay ? { serverLoopDelayMaxMs: loopDelay.loopDelayMaxMs } : {})
  }
}
