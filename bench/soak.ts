/**
 * The soak mode: the fan-out load on Consenso for a long time, in windows of
 * a minute. Each window opens a new document, 200 clients write and read it,
 * then leave; the server releases the document, the benchmark removes it,
 * and the server's memory is read after a full garbage collection. With
 * nothing left open or stored, memory must come back to where it was after
 * the first window: what stays is a leak.
 */
import { fanoutRound, signInClients, type FanoutWorkload } from './fanout'
import { makeDataDir, removeDataDir, startConsenso, startLoadProcess, stopLoadProcess } from './processes'

/** Memory after one window. */
export interface SoakSample {
  readonly window: number
  readonly seconds: number
  readonly heapUsed: number
  readonly rss: number
  readonly external: number
  readonly p99Ms: number
  readonly delivered: number
  readonly expected: number
}

export interface SoakResult {
  readonly seconds: number
  readonly windowSeconds: number
  readonly before: { heapUsed: number; rss: number }
  readonly samples: SoakSample[]
  /** Heap after the first window and after the last, bytes. */
  readonly startHeap: number
  readonly endHeap: number
  readonly startRss: number
  readonly endRss: number
  /** The heap may end at most 10 % + 8 MiB above where it started. */
  readonly bounded: boolean
  readonly allDelivered: boolean
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

export async function soak(opts: {
  seconds: number
  windowSeconds: number
  workload: Omit<FanoutWorkload, 'durationMs'>
  loadProcesses: number
  log: (line: string) => void
}): Promise<SoakResult> {
  const dataDir = await makeDataDir()
  const server = await startConsenso(dataDir)
  const loads = await Promise.all(Array.from({ length: opts.loadProcesses }, () => startLoadProcess()))
  try {
    const tokens = await signInClients(server)
    const first = await server.stats(true)
    const samples: SoakSample[] = []
    const windows = Math.max(1, Math.ceil(opts.seconds / opts.windowSeconds))
    for (let w = 0; w < windows; w++) {
      const seconds = Math.min(opts.windowSeconds, opts.seconds - w * opts.windowSeconds)
      const round = await fanoutRound(server, loads, { ...opts.workload, durationMs: seconds * 1000 }, tokens, `soak ${w + 1}`)
      // The document is released once its last client has left and its changes are stored.
      for (let waited = 0; (await server.stats()).loadedDocuments > 0 && waited < 30_000; waited += 200) await sleep(200)
      await server.removeDocuments(round.documents)
      const stats = await server.stats(true)
      samples.push({
        window: w + 1,
        seconds,
        heapUsed: stats.heapUsed,
        rss: stats.rss,
        external: stats.external,
        p99Ms: round.p99Ms,
        delivered: round.delivered,
        expected: round.expected
      })
      opts.log(
        `  window ${w + 1}/${windows}: ${seconds} s, p99 ${round.p99Ms.toFixed(0)} ms, ${round.delivered}/${round.expected} delivered, ` +
          `heap ${mib(stats.heapUsed)} MiB, rss ${mib(stats.rss)} MiB`
      )
    }
    const start = samples[0] as SoakSample
    const end = samples.at(-1) as SoakSample
    return {
      seconds: opts.seconds,
      windowSeconds: opts.windowSeconds,
      before: { heapUsed: first.heapUsed, rss: first.rss },
      samples,
      startHeap: start.heapUsed,
      endHeap: end.heapUsed,
      startRss: start.rss,
      endRss: end.rss,
      bounded: end.heapUsed <= start.heapUsed * 1.1 + 8 * 2 ** 20,
      allDelivered: samples.every((s) => s.delivered === s.expected)
    }
  } finally {
    for (const load of loads) await stopLoadProcess(load)
    await server.stop()
    await removeDataDir(dataDir)
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
