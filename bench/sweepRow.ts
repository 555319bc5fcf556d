/**
 * The workspace-size sweep (issue 12): the same acts timed in workspaces of
 * growing size, each a copy of a folder seeded through the server's services
 * (see workspaceSeed.ts), served by a Consenso server process of its own.
 *
 * - A comment: delegates of the eleven countries take turns posting comments
 *   on the sweep document over HTTP; the time to the 201 answer.
 * - A document save: a stock y-websocket client types one token into the
 *   sweep document; once a second client has received it (so the server
 *   holds it), the server is asked to store its pending changes and the time
 *   until that resolves is the save's cost. Persistence waits 10 minutes of
 *   its own, so no other save runs meanwhile.
 * - The event loop's delay in the server process (monitorEventLoopDelay)
 *   while both run, reported over its rpc channel.
 *
 * A first comment and a first save are made before timing, so that loading
 * the document is not counted as the first act's cost.
 */
import { rm } from 'node:fs/promises'
import { postComment } from './httpApi'
import { startConsenso, startLoadProcess, stopLoadProcess } from './processes'
import type { LoadReport } from './protocol'
import { call } from './rpc'
import { now, quantile } from './stats'
import { DELEGATES, type SeededWorkspaces } from './workspaceSeed'

/** No save of its own during the sweep: every save is the one the row asks for. */
const PERSIST_WAIT_MS = 600_000

/** The acts at one workspace size. */
export interface SweepPoint {
  readonly targetMb: number
  readonly dataBytes: number
  readonly totalBytes: number
  readonly auditEntries: number
  readonly documents: number
  readonly commentMs: number[]
  readonly commentP50Ms: number
  readonly commentP99Ms: number
  readonly saveMs: number[]
  readonly saveP50Ms: number
  readonly saveP99Ms: number
  /** The server's event-loop delay while the acts ran, ms. */
  readonly loopDelayP99Ms: number
  readonly loopDelayMaxMs: number
}

export interface SweepResult {
  readonly points: SweepPoint[]
  /** Largest workspace over the empty one, of the p50s. */
  readonly commentRatio: number
  readonly saveRatio: number
}

export async function sweepRow(opts: {
  seeds: SeededWorkspaces
  /** MiB of each workspace, the empty one (0) first, the largest last. */
  sizes: readonly number[]
  comments: number
  saves: number
  log: (line: string) => void
}): Promise<SweepResult> {
  const points: SweepPoint[] = []
  for (const targetMb of opts.sizes) {
    const workspace = await opts.seeds.copy(targetMb)
    try {
      points.push(await sweepPoint(workspace, opts))
      const p = points.at(-1) as SweepPoint
      opts.log(
        `  ${targetMb === 0 ? 'empty' : `${targetMb} MB`} (${(p.dataBytes / 2 ** 20).toFixed(1)} MB of data): comment p50 ${p.commentP50Ms.toFixed(0)} ms, p99 ${p.commentP99Ms.toFixed(0)} ms; ` +
          `save p50 ${p.saveP50Ms.toFixed(0)} ms, p99 ${p.saveP99Ms.toFixed(0)} ms; event loop delay p99 ${p.loopDelayP99Ms.toFixed(0)} ms, max ${p.loopDelayMaxMs.toFixed(0)} ms`
      )
    } finally {
      await rm(workspace.dir, { recursive: true, force: true })
    }
  }
  const first = points[0] as SweepPoint
  const last = points.at(-1) as SweepPoint
  return { points, commentRatio: last.commentP50Ms / first.commentP50Ms, saveRatio: last.saveP50Ms / first.saveP50Ms }
}

async function sweepPoint(
  workspace: Awaited<ReturnType<SeededWorkspaces['copy']>>,
  opts: { comments: number; saves: number }
): Promise<SweepPoint> {
  const server = await startConsenso(workspace.dir, { debounceMs: PERSIST_WAIT_MS, maxWaitMs: PERSIST_WAIT_MS })
  const load = await startLoadProcess()
  try {
    const tokens = await Promise.all(DELEGATES.map((username) => server.login(username)))
    const [writerToken, readerToken] = await Promise.all([server.login('ppt'), server.login('se')])
    const room = workspace.sweepDocument
    await call(load, 'connect', {
      specs: [
        { serverUrl: server.collabUrl, room, params: { token: writerToken }, writer: 0 },
        { serverUrl: server.collabUrl, room, params: { token: readerToken }, writer: null }
      ]
    })
    let typed = 0
    const comment = (i: number) =>
      postComment(server.httpUrl, tokens[i % tokens.length] as string, room, `Comentario ${i + 1} del barrido: se propone precisar el alcance.`, workspace.sweepQuote)
    const save = async (): Promise<number> => {
      await call(load, 'write', { startAt: now(), durationMs: 1000, rate: 1 })
      typed++
      await receivedByReader(load, typed)
      const start = performance.now()
      await server.flush()
      return performance.now() - start
    }
    // Warm up: the document loaded, the routes and the store's paths run once.
    await comment(0)
    await save()
    await server.resetLoopDelay()
    const commentMs: number[] = []
    for (let i = 1; i <= opts.comments; i++) commentMs.push(await comment(i))
    const saveMs: number[] = []
    for (let i = 0; i < opts.saves; i++) saveMs.push(await save())
    const stats = await server.stats()
    await call(load, 'disconnect')
    return {
      targetMb: workspace.targetMb,
      dataBytes: workspace.dataBytes,
      totalBytes: workspace.totalBytes,
      auditEntries: workspace.auditEntries,
      documents: workspace.documents,
      commentMs,
      commentP50Ms: quantile(commentMs, 0.5),
      commentP99Ms: quantile(commentMs, 0.99),
      saveMs,
      saveP50Ms: quantile(saveMs, 0.5),
      saveP99Ms: quantile(saveMs, 0.99),
      loopDelayP99Ms: stats.loopDelayP99Ms,
      loopDelayMaxMs: stats.loopDelayMaxMs
    }
  } finally {
    await stopLoadProcess(load)
    await server.stop()
  }
}

// Waits until the reading client has received `count` tokens: the server then holds them.
async function receivedByReader(load: Parameters<typeof call>[0], count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const report = await call<LoadReport>(load, 'report')
    const reader = report.clients.find((c) => c.writer === null)
    if (reader && reader.received >= count) return
    if (Date.now() > deadline) throw new Error(`the reading client received ${reader?.received ?? 0} of ${count} tokens in ${timeoutMs} ms`)
    await new Promise((done) => setTimeout(done, 5))
  }
}
