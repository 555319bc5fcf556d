/**
 * The start-up row (issue 12): `server/main.ts` started as `npm start` starts
 * it (tsx, the data folder from DATA_DIR), over a copy of the largest seeded
 * workspace and over the empty one, no document open. Timed from the spawn
 * until `/healthz` answers; resident memory read from /proc a second later.
 * The rounds alternate which folder goes first; medians are reported.
 *
 * The server's own log line says when, after the process started, its
 * modules were loaded (under tsx, compiled: about 1.5–3 s on a loaded
 * machine, whatever the data) and how long it then took to open the data
 * folder and listen: the server's own start, reported beside the whole.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { freePort, processUsage, ROOT } from './processes'
import { BENCH_PASSWORD } from './protocol'
import { median } from './stats'
import type { SeededWorkspaces } from './workspaceSeed'

/** How long after /healthz answers the memory is read: what start-up loads lazily is then in. */
const SETTLE_MS = 1000

export interface StartupResult {
  readonly targetMb: number
  /** Bytes of data in the large folder (backups not counted), and with backups. */
  readonly dataBytes: number
  readonly totalBytes: number
  /** Medians, ms and bytes, for the large folder and the empty one. */
  readonly startMs: number
  readonly emptyStartMs: number
  /** Medians, ms: from the modules loaded to listening (the server's own start), and from the process's start to the modules loaded (tsx compiling). */
  readonly ownStartMs: number
  readonly emptyOwnStartMs: number
  readonly modulesMs: number
  readonly emptyModulesMs: number
  readonly rss: number
  readonly emptyRss: number
  /** (RSS large − RSS empty) / data bytes of the large folder. */
  readonly memoryShare: number
  readonly rounds: { large: boolean; startMs: number; ownStartMs: number; modulesMs: number; rss: number }[]
}

export async function startupRow(opts: { seeds: SeededWorkspaces; targetMb: number; rounds: number; log: (line: string) => void }): Promise<StartupResult> {
  const large = await opts.seeds.copy(opts.targetMb)
  const empty = await opts.seeds.copy(0)
  try {
    // One start not counted: tsx's cache of compiled files warmed.
    await timeStart(empty.dir)
    const rounds: StartupResult['rounds'] = []
    for (let r = 0; r < opts.rounds; r++) {
      for (const isLarge of r % 2 === 0 ? [true, false] : [false, true]) {
        const measured = await timeStart(isLarge ? large.dir : empty.dir)
        rounds.push({ large: isLarge, ...measured })
        opts.log(
          `  round ${r + 1}, ${isLarge ? `${opts.targetMb} MB` : 'empty'}: /healthz after ${measured.startMs.toFixed(0)} ms ` +
            `(modules loaded at ${measured.modulesMs} ms, then ${measured.ownStartMs} ms to open and listen), RSS ${(measured.rss / 2 ** 20).toFixed(0)} MiB`
        )
      }
    }
    const of = (isLarge: boolean) => rounds.filter((r) => r.large === isLarge)
    const rss = median(of(true).map((r) => r.rss))
    const emptyRss = median(of(false).map((r) => r.rss))
    return {
      targetMb: opts.targetMb,
      dataBytes: large.dataBytes,
      totalBytes: large.totalBytes,
      startMs: median(of(true).map((r) => r.startMs)),
      emptyStartMs: median(of(false).map((r) => r.startMs)),
      ownStartMs: median(of(true).map((r) => r.ownStartMs)),
      emptyOwnStartMs: median(of(false).map((r) => r.ownStartMs)),
      modulesMs: median(of(true).map((r) => r.modulesMs)),
      emptyModulesMs: median(of(false).map((r) => r.modulesMs)),
      rss,
      emptyRss,
      memoryShare: (rss - emptyRss) / large.dataBytes,
      rounds
    }
  } finally {
    await rm(large.dir, { recursive: true, force: true })
    await rm(empty.dir, { recursive: true, force: true })
  }
}

/** Starts the server over `dataDir`, waits for /healthz, reads its memory and the times its log line gives, stops it. */
async function timeStart(dataDir: string, timeoutMs = 120_000): Promise<{ startMs: number; ownStartMs: number; modulesMs: number; rss: number }> {
  const port = await freePort()
  const start = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, DEMO_PASSWORD: BENCH_PASSWORD },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => (output += chunk))
  const exited = once(child, 'exit')
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before /healthz answered`)
      if (performance.now() - start > timeoutMs) throw new Error(`/healthz did not answer within ${timeoutMs} ms`)
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined)
      if (res?.status === 200) break
      await new Promise((done) => setTimeout(done, 10))
    }
    const startMs = performance.now() - start
    await new Promise((done) => setTimeout(done, SETTLE_MS))
    const { rss } = await processUsage(child.pid as number)
    const times = /modules loaded at (\d+) ms, then (\d+) ms to open the data folder and listen/.exec(output)
    if (!times) throw new Error(`the server's log did not say when it listened: ${output}`)
    return { startMs, modulesMs: Number(times[1]), ownStartMs: Number(times[2]), rss }
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(timer)
  }
}
