/**
 * `npm run bench`: Consenso against the plain tools it replaces. Runs every
 * row, prints the table with the figures, the targets and PASS or FAIL, writes
 * the same figures to `bench/results.json`, and exits non-zero if a target is
 * missed. See the README, section "Benchmark", for what each row measures.
 *
 *   npm run bench                     the whole table (about 25 minutes, 9 of them the store rows at 100 MB, 5 the editor row)
 *   npm run bench -- --only diff,cold  some rows (fanout, many, cold, diff, persistence, loop, sweep, startup, import, trace, editor)
 *   npm run bench -- --store-mb 25    size of the largest workspace of the store rows (sweep, startup, import; default 100)
 *   npm run bench -- --rounds 5       rounds of each server in the fan-out rows, of each case in the editor row (default 3)
 *   npm run bench -- --quick          short rounds, for trying the benchmark itself out
 *   npm run bench -- --only loop --attacks sync   the loop row's quiet round and some of its attacks (diff 8k, diff 16k, pairing, docx, sync)
 *   npm run bench -- --profile        CPU profiles of the server processes (and of the editor row's pages) into bench/profiles/
 *   npm run bench -- --soak 600       the soak mode instead: fan-out load for 600 s, memory at start and end
 *   npm run bench -- --scale-out --only scaleFanout,catchUp,writeCost
 *                                     the rows of several processes on PostgreSQL and Redis (skipped without
 *                                     --scale-out; DATABASE_URL and REDIS_URL, else throwaway servers of the installed binaries)
 */
import { writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { coldOpen, type ColdOpenResult } from './coldOpen'
import { diffRow, type DiffResult } from './diffRow'
import { editorRow, KEYS, KEYS_PER_SECOND, type EditorCase, type EditorRowResult } from './editor/editorRow'
import { fanoutRound, signInClients, summarise, type FanoutRound, type FanoutSummary, type FanoutWorkload } from './fanout'
import { importRow, type ImportResult } from './importRow'
import { LOOP_ATTACKS, loopRow, type LoopAttack, type LoopResult, type LoopRound } from './loop'
import { persistenceRow, type PersistenceResult } from './persistenceRow'
import { makeDataDir, removeDataDir, ROOT, startConsenso, startAttackProcess, startLoadProcess, startPeer, stopLoadProcess } from './processes'
import { soak, type SoakResult } from './soak'
import { startupRow, type StartupResult } from './startupRow'
import { catchUpRow, scaleFanoutRow, startScaleOutServices, writeCostRow, type CatchUpResult, type ScaleFanoutResult, type WriteCost } from './scaleOut'
import { round } from './stats'
import { sweepRow, type SweepResult } from './sweepRow'
import { traceRow, type TraceResult } from './traceRow'
import { SeededWorkspaces } from './workspaceSeed'

const ROWS = ['fanout', 'many', 'cold', 'diff', 'persistence', 'loop', 'sweep', 'startup', 'import', 'trace', 'editor', 'scaleFanout', 'catchUp', 'writeCost'] as const
type RowName = (typeof ROWS)[number]
/** The rows that need PostgreSQL and Redis: run only with `--scale-out`, so that the default table needs no services. */
const SCALE_OUT_ROWS: readonly RowName[] = ['scaleFanout', 'catchUp', 'writeCost']

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    soak: { type: 'string' },
    'load-processes': { type: 'string', default: '2' },
    'store-mb': { type: 'string', default: '100' },
    'scale-out': { type: 'boolean', default: false },
    attacks: { type: 'string' }
  }
})

const log = (line: string) => console.log(line)
const quick = args.quick === true
const rounds = quick ? 1 : Number(args.rounds)
const loadProcesses = Number(args['load-processes'])
const writeSeconds = quick ? 5 : 20
const only = new Set((args.only ?? ROWS.join(',')).split(',').map((r) => r.trim()) as RowName[])
for (const row of only) if (!ROWS.includes(row)) throw new RangeError(`--only takes ${ROWS.join(', ')}; got ${row}`)
const scaleOut = args['scale-out'] === true
if (!scaleOut) {
  const asked = SCALE_OUT_ROWS.filter((row) => args.only !== undefined && only.has(row))
  if (asked.length > 0) throw new RangeError(`${asked.join(', ')} need PostgreSQL and Redis: add --scale-out`)
  for (const row of SCALE_OUT_ROWS) only.delete(row)
}
const attacks = (args.attacks ?? LOOP_ATTACKS.join(',')).split(',').map((a) => a.trim()) as LoopAttack[]
for (const attack of attacks) if (!LOOP_ATTACKS.includes(attack)) throw new RangeError(`--attacks takes ${LOOP_ATTACKS.join(', ')}; got ${attack}`)
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`--rounds must be a positive integer, got ${args.rounds}`)
const storeMb = Number(args['store-mb'])
if (!Number.isFinite(storeMb) || storeMb < 4) throw new RangeError(`--store-mb must be a number of MiB, 4 or more, got ${args['store-mb']}`)
if (args.profile) process.env.BENCH_PROFILE_DIR = join(ROOT, 'bench/profiles')

/** The fan-out row: one document, 200 clients, 10 writing 20 updates a second. */
const fanoutWorkload: FanoutWorkload = { documents: 1, clientsPerDocument: 200, writersPerDocument: 10, rate: 20, durationMs: writeSeconds * 1000 }
/** The many-documents row: 11 documents of 40 clients, each document written as in the fan-out row. */
const manyWorkload: FanoutWorkload = { documents: 11, clientsPerDocument: 40, writersPerDocument: 10, rate: 20, durationMs: writeSeconds * 1000 }

interface FanoutComparison {
  readonly workload: FanoutWorkload
  readonly consenso: FanoutSummary
  readonly peer: FanoutSummary
  readonly rounds: FanoutRound[]
}

/** Alternates rounds on both servers (which goes first alternates too), each server a process of its own. */
async function compareFanout(name: string, workload: FanoutWorkload): Promise<FanoutComparison> {
  const dataDir = await makeDataDir()
  const consenso = await startConsenso(dataDir)
  const peer = await startPeer()
  const loads = await Promise.all(Array.from({ length: loadProcesses }, () => startLoadProcess()))
  try {
    const tokens = await signInClients(consenso)
    const all: FanoutRound[] = []
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [consenso, peer] : [peer, consenso]
      for (const server of order) {
        const result = await fanoutRound(server, loads, workload, server === consenso ? tokens : undefined, `${name} ${r + 1}`)
        all.push(result)
        log(
          `  ${name} round ${r + 1}, ${server.kind.padEnd(11)}: p50 ${fmt(result.p50Ms)} ms, p99 ${fmt(result.p99Ms)} ms, ` +
            `${result.delivered}/${result.expected} delivered, server CPU ${fmt(result.serverCpuMs / 1000, 1)} s, ` +
            `load CPU ${fmt(result.loadCpuMs / 1000, 1)} s, server RSS ${mib(result.serverRssPeak)} MiB`
        )
      }
    }
    return {
      workload,
      consenso: summarise(all.filter((r) => r.server === 'consenso')),
      peer: summarise(all.filter((r) => r.server === 'y-websocket')),
      rounds: all
    }
  } finally {
    for (const load of loads) await stopLoadProcess(load)
    await consenso.stop()
    await peer.stop()
    await removeDataDir(dataDir)
  }
}

/** One line of the table. */
interface Row {
  readonly row: string
  readonly workload: string
  readonly consenso: string
  readonly peer: string
  readonly ratio: string
  readonly target: string
  readonly pass: boolean
}

function fanoutRow(row: string, workload: string, c: FanoutComparison, memory: boolean): Row {
  const delivered = c.consenso.delivered === c.consenso.expected
  const pass = c.consenso.p99Ms <= c.peer.p99Ms && delivered
  const mem = (s: FanoutSummary) => (memory ? `; RSS ${mib(s.serverRssPeak)} MiB (idle ${mib(s.serverRssIdle)})` : '')
  return {
    row,
    workload,
    consenso: `p99 ${fmt(c.consenso.p99Ms)} ms (p50 ${fmt(c.consenso.p50Ms)}); ${c.consenso.delivered}/${c.consenso.expected} delivered${mem(c.consenso)}`,
    peer: `p99 ${fmt(c.peer.p99Ms)} ms (p50 ${fmt(c.peer.p50Ms)}); ${c.peer.delivered}/${c.peer.expected} delivered${mem(c.peer)}`,
    ratio: `${fmt(c.consenso.p99Ms / c.peer.p99Ms, 2)}`,
    target: 'p99 ≤ peer p99; every update delivered',
    pass
  }
}

function coldRow(r: ColdOpenResult): Row {
  const ratio = r.syncMs / r.rawApplyMs
  const size = r.storedBytes / r.encodedBytes
  return {
    row: 'cold open',
    workload: `${r.edits.toLocaleString('en')} one-character edits, server restarted, first client`,
    consenso: `synced in ${fmt(r.syncMs)} ms; stored ${kib(r.storedBytes)} KiB (${r.storedUpdates} updates + snapshot)`,
    peer: `Y.applyUpdate ${fmt(r.rawApplyMs)} ms; encodeStateAsUpdate ${kib(r.encodedBytes)} KiB`,
    ratio: `${fmt(ratio, 2)} time; ${fmt(size, 2)} size`,
    target: 'time ≤ 3 × raw apply; size ≤ 1.5 × encoded',
    pass: ratio <= 3 && size <= 1.5
  }
}

function diffTableRow(r: DiffResult): Row {
  const speedup = r.peerMs / r.consensoMs
  return {
    row: `diff ${Math.round(r.share * 100)} %`,
    workload: `${r.words.toLocaleString('en')} words, ${r.paragraphs} paragraphs, ${r.changed} changed, 1 moved`,
    consenso: `${fmt(r.consensoMs, 1)} ms (found ${r.blocksChanged} changed, ${r.blocksMoved} moved)`,
    peer: `jsdiff diffWords ${fmt(r.peerMs)} ms`,
    ratio: `${fmt(r.consensoMs / r.peerMs, 3)} (${fmt(speedup, 0)}× faster)`,
    target: '< 50 ms and ≥ 20× faster',
    pass: r.consensoMs < 50 && speedup >= 20
  }
}

function persistenceTableRow(r: PersistenceResult): Row {
  return {
    row: 'persistence',
    workload: `${r.rate} updates/s for ${r.seconds} s, 1 document; debounce ${r.debounceMs / 1000} s, max wait ${r.maxWaitMs / 1000} s`,
    consenso: `${kib(r.bytesPerSecond)} KiB/s, ${fmt(r.fsyncsPerSecond, 2)} fsync/s (${r.writes} file writes; ${kib(r.fileBytes)} KiB of data stored)`,
    peer: 'none',
    ratio: '',
    target: `≤ ${kib(r.maxBytesPerSecond)} KiB/s, ≤ ${fmt(r.maxFsyncsPerSecond, 2)} fsync/s`,
    pass: r.bytesPerSecond <= r.maxBytesPerSecond && r.fsyncsPerSecond <= r.maxFsyncsPerSecond
  }
}

const SWEEP_TARGET = 1.5
const LOOP_DELAY_TARGET_MS = 25

function sweepTableRows(r: SweepResult): Row[] {
  const first = r.points[0]
  const last = r.points.at(-1)
  if (!first || !last) return []
  const sizes = r.points.map((p) => (p.targetMb === 0 ? 'empty' : `${p.targetMb} MB`)).join(', ')
  type Point = SweepResult['points'][number]
  const at = (p: Point, f: (p: Point) => string) => `${p.targetMb === 0 ? 'empty' : `${p.targetMb} MB`}: ${f(p)}`
  const comments = (p: Point) => `p50 ${fmt(p.commentP50Ms)} ms, p99 ${fmt(p.commentP99Ms)} ms`
  const saves = (p: Point) => `p50 ${fmt(p.saveP50Ms)} ms, p99 ${fmt(p.saveP99Ms)} ms`
  const largest = `${last.targetMb} MB workspace (${mib(last.dataBytes)} MiB of data, ${last.documents} other document${last.documents === 1 ? '' : 's'} with versions, ${last.auditEntries.toLocaleString('en')} audit entries)`
  return [
    {
      row: 'sweep: comment',
      workload: `${last.commentMs.length} comments by delegates over HTTP at ${sizes}; ${largest}`,
      consenso: r.points.slice(1).map((p) => at(p, comments)).join('; '),
      peer: at(first, comments),
      ratio: fmt(r.commentRatio, 2),
      target: `p50 ${last.targetMb} MB / empty ≤ ${SWEEP_TARGET}`,
      pass: r.commentRatio <= SWEEP_TARGET
    },
    {
      row: 'sweep: save',
      workload: `${last.saveMs.length} saves of a one-token edit by a y-websocket client, at ${sizes}`,
      consenso: r.points.slice(1).map((p) => at(p, saves)).join('; '),
      peer: at(first, saves),
      ratio: fmt(r.saveRatio, 2),
      target: `p50 ${last.targetMb} MB / empty ≤ ${SWEEP_TARGET}`,
      pass: r.saveRatio <= SWEEP_TARGET
    },
    {
      row: 'sweep: event loop',
      workload: `server event-loop delay during the ${last.targetMb} MB sweep`,
      consenso: `p99 ${fmt(last.loopDelayP99Ms)} ms, max ${fmt(last.loopDelayMaxMs)} ms`,
      peer: `empty: p99 ${fmt(first.loopDelayP99Ms)} ms, max ${fmt(first.loopDelayMaxMs)} ms`,
      ratio: '',
      target: `p99 ≤ ${LOOP_DELAY_TARGET_MS} ms`,
      pass: last.loopDelayP99Ms <= LOOP_DELAY_TARGET_MS
    }
  ]
}

function startupTableRow(r: StartupResult): Row {
  return {
    row: 'start-up',
    workload: `server/main.ts spawned to /healthz, ${r.targetMb} MB workspace (${mib(r.dataBytes)} MiB of data, ${mib(r.totalBytes)} MiB with backups), no document open`,
    consenso: `own start ${fmt(r.ownStartMs)} ms (after ${fmt(r.modulesMs)} ms of tsx compiling and loading modules; /healthz at ${fmt(r.startMs)} ms); RSS ${mib(r.rss)} MiB`,
    peer: `empty: own start ${fmt(r.emptyOwnStartMs)} ms (modules ${fmt(r.emptyModulesMs)} ms; /healthz ${fmt(r.emptyStartMs)} ms); RSS ${mib(r.emptyRss)} MiB`,
    ratio: `${fmt(r.ownStartMs / r.emptyOwnStartMs, 2)} own start; extra RSS ${fmt(r.memoryShare, 2)} × data`,
    // The server's own start is what the data can slow; tsx's compiling is the same over any folder (and shown).
    target: 'own start ≤ 2 s; extra RSS ≤ 0.25 × data on disk',
    pass: r.ownStartMs <= 2000 && r.memoryShare <= 0.25
  }
}

function importTableRow(r: ImportResult): Row {
  return {
    row: 'import',
    workload: `${fmt(r.markdownBytes / 2 ** 20, 1)} MB Markdown over HTTP into the ${r.targetMb} MB workspace (${mib(r.dataBytes)} MiB of data)`,
    consenso: `${fmt(r.importMs)} ms`,
    peer: `empty: ${fmt(r.emptyImportMs)} ms`,
    ratio: fmt(r.ratio, 2),
    target: `${r.targetMb} MB / empty ≤ 1.5`,
    pass: r.ratio <= 1.5
  }
}

function traceTableRow(r: TraceResult): Row {
  return {
    row: 'real trace',
    workload: `${r.trace}: ${r.edits.toLocaleString('en')} edits by a y-websocket client, stored, server restarted, first client`,
    consenso: `stored ${kib(r.storedBytes)} KiB (${kib(r.storedBytesWithBackups)} with backups); state served in ${fmt(r.stateMs)} ms (stock client synced in ${fmt(r.syncMs)} ms)`,
    peer: `encodeStateAsUpdate ${kib(r.updateBytes)} KiB; Y.applyUpdate ${fmt(r.rawApplyMs)} ms`,
    ratio: `${fmt(r.sizeRatio, 2)} size; ${fmt(r.timeRatio, 2)} time (client synced ${fmt(r.syncRatio, 2)})`,
    target: 'size ≤ 1.2 × update; state served ≤ 2 × raw apply',
    pass: r.sizeRatio <= 1.2 && r.timeRatio <= 2
  }
}

/** The loop row's workload: 50 clients typing on one document, 10 of them writing 20 updates a second. */
const loopWorkload: FanoutWorkload = { documents: 1, clientsPerDocument: 50, writersPerDocument: 10, rate: 20, durationMs: writeSeconds * 1000 }

/** The loop row: every attack against the quiet round of the same run, on one server with its real limits. */
async function compareLoop(): Promise<LoopResult> {
  const dataDir = await makeDataDir()
  const consenso = await startConsenso(dataDir, { realLimits: true })
  const loads = await Promise.all(Array.from({ length: loadProcesses }, () => startLoadProcess()))
  const attacker = await startAttackProcess()
  try {
    return await loopRow({ server: consenso, loads, attacker, workload: loopWorkload, attacks, log })
  } finally {
    for (const load of [...loads, attacker]) await stopLoadProcess(load)
    await consenso.stop()
    await removeDataDir(dataDir)
  }
}

// Under an attack, /healthz and the fan-out each keep a p99 within twice the quiet round's and within 100 ms.
const LOOP_MAX_RATIO = 2
const LOOP_MAX_MS = 100

function loopTableRow(quiet: LoopRound, r: LoopRound): Row {
  const health = r.healthP99Ms / quiet.healthP99Ms
  const fanout = r.fanout.p99Ms / quiet.fanout.p99Ms
  const delivered = r.fanout.delivered === r.fanout.expected
  return {
    row: `loop: ${r.attack}`,
    workload: `50 clients typing (10 writing 20 updates/s) under the attack`,
    consenso: `/healthz p99 ${fmt(r.healthP99Ms, 1)} ms, fan-out p99 ${fmt(r.fanout.p99Ms, 1)} ms; ${r.fanout.delivered}/${r.fanout.expected} delivered`,
    peer: `same run, no attack: /healthz p99 ${fmt(quiet.healthP99Ms, 1)} ms, fan-out p99 ${fmt(quiet.fanout.p99Ms, 1)} ms`,
    ratio: `${fmt(health, 2)} /healthz; ${fmt(fanout, 2)} fan-out`,
    target: `each ≤ ${LOOP_MAX_RATIO}× and ≤ ${LOOP_MAX_MS} ms; every update delivered`,
    pass: health <= LOOP_MAX_RATIO && fanout <= LOOP_MAX_RATIO && r.healthP99Ms <= LOOP_MAX_MS && r.fanout.p99Ms <= LOOP_MAX_MS && delivered
  }
}

/** The scale-out fan-out's target (issue 13): two processes' p99 within 1.5 × one process's, in the same run. */
const SCALE_FANOUT_TARGET = 1.5

function scaleFanoutTableRows(r: ScaleFanoutResult): Row[] {
  const delivered = [r.single, r.sharedOne, r.sharedTwo, r.sharedTwoWriteThrough].every((s) => s.delivered === s.expected)
  const describe = (s: FanoutSummary) => `p99 ${fmt(s.p99Ms)} ms (p50 ${fmt(s.p50Ms)}); ${s.delivered}/${s.expected} delivered`
  const ratios = (s: FanoutSummary) => `${fmt(s.p99Ms / r.single.p99Ms, 2)} p99, ${fmt(s.p50Ms / r.single.p50Ms, 2)} p50`
  const workload = '1 document, 200 clients, 10 writing 20 updates/s; clients and writers split over 2 processes on PostgreSQL + Redis'
  const peer = `one process, embedded store (the fan-out row), same run: ${describe(r.single)}`
  const target = `p99 ≤ ${SCALE_FANOUT_TARGET} × one process; every update delivered`
  return [
    {
      row: 'scale-out fan-out, debounced',
      workload: `${workload}; one process's persistence (debounce 2 s, max wait 10 s), not the default with REDIS_URL`,
      consenso: `two processes: ${describe(r.sharedTwo)}; one process on PostgreSQL + Redis: ${describe(r.sharedOne)}`,
      peer,
      ratio: `two: ${ratios(r.sharedTwo)}; one: ${ratios(r.sharedOne)}`,
      target: 'figures only (why REDIS_URL stores at once); every update delivered',
      pass: delivered
    },
    {
      row: 'scale-out fan-out',
      workload: `${workload}; stored and relayed at once (PERSIST_* 0, the default with REDIS_URL)`,
      consenso: `two processes: ${describe(r.sharedTwoWriteThrough)}`,
      peer,
      ratio: ratios(r.sharedTwoWriteThrough),
      target,
      pass: r.sharedTwoWriteThrough.p99Ms / r.single.p99Ms <= SCALE_FANOUT_TARGET && delivered
    }
  ]
}

function catchUpTableRow(r: CatchUpResult): Row {
  return {
    row: 'catch-up',
    workload: `a process joining a ${fmt(r.stateBytes / 2 ** 20, 1)} MiB document (${r.characters.toLocaleString('en')} characters typed at random places) while ${r.writers} writers type ${r.rate} updates/s on another`,
    consenso: `start ${fmt(r.typing.startMs)} ms, first client (full state) ${fmt(r.typing.firstSyncMs)} ms; all converged ${r.convergedMs < 0 ? 'NOT within 10 s' : `${fmt(r.convergedMs)} ms after the typing`}`,
    peer: `same document, nobody typing: start ${fmt(r.quiet.startMs)} ms, first client ${fmt(r.quiet.firstSyncMs)} ms`,
    ratio: fmt(r.typing.firstSyncMs / r.quiet.firstSyncMs, 2),
    target: 'figures only (issue 13); every client converges',
    pass: r.convergedMs >= 0
  }
}

function writeCostTableRows(costs: readonly WriteCost[]): Row[] {
  return costs.map((c) => ({
    row: `write cost, ${c.writers} writer${c.writers === 1 ? '' : 's'}, ${c.persistence}`,
    workload: `${c.writers} × ${c.rate} updates/s for ${c.seconds} s on one process on PostgreSQL + Redis, ${c.persistence === 'default' ? 'default persistence' : 'PERSIST_DEBOUNCE_MS=0'} (${c.updates} updates)`,
    consenso: `${fmt(c.transactions / c.seconds)} transactions/s, ${kib(c.walBytes / c.seconds)} KiB of WAL/s; per update ${fmt(c.transactions / c.updates, 2)} transactions, ${fmt(c.walBytes / c.updates)} B`,
    peer: 'none',
    ratio: '',
    target: 'figures only (issue 13)',
    pass: c.transactions > 0
  }))
}

/** Targets of the editor row (issue 15). */
const EDITOR_TARGETS = { p99FactorOverDemoAlone: 2, visibleMs: 1000, editableMs: 1500 }

function editorTableRows(r: EditorRowResult): Row[] {
  const find = (page: EditorCase['page'], document: EditorCase['document'], writers: number) =>
    r.cases.find((c) => c.page === page && c.document === document && c.writers === writers)
  const reference = find('consenso', 'demo', 0)
  const describe = (c: EditorCase) =>
    `keys p50 ${fmt(c.p50Ms, 1)} ms, p99 ${fmt(c.p99Ms, 1)} ms; ${c.longTasks} long tasks${c.longTasks ? ` (longest ${fmt(c.longestTaskMs)} ms)` : ''}; ` +
    `main thread ${fmt(c.taskMsPerKey, 2)} ms/key (layout ${fmt(c.layoutMsPerKey, 2)}); ` +
    `open ${fmt(c.visibleMs)} ms visible, ${fmt(c.editableMs)} ms editable`
  const rows: Row[] = []
  for (const c of r.cases) {
    if (c.page !== 'consenso') continue
    const peer = find('baseline', c.document, c.writers)
    const targets = ['no long task while typing']
    let pass = c.longTasks === 0
    if (c.document === 'long') {
      targets.push(`open ≤ ${EDITOR_TARGETS.visibleMs} ms visible, ≤ ${EDITOR_TARGETS.editableMs} ms editable`)
      pass &&= c.visibleMs <= EDITOR_TARGETS.visibleMs && c.editableMs <= EDITOR_TARGETS.editableMs
      if (c.writers > 0 && reference) {
        const limit = EDITOR_TARGETS.p99FactorOverDemoAlone * reference.p99Ms
        targets.push(`p99 ≤ ${EDITOR_TARGETS.p99FactorOverDemoAlone} × demo alone (${fmt(limit, 1)} ms)`)
        pass &&= c.p99Ms <= limit
      }
    }
    rows.push({
      row: `editor ${c.document}, ${c.writers} writers`,
      workload: `${c.words.toLocaleString('en')} words; ${KEYS} keys at ${KEYS_PER_SECOND}/s; ${c.writers} remote writers`,
      consenso: describe(c),
      peer: peer ? `bare ProseMirror: ${describe(peer)}` : 'none',
      ratio: peer
        ? `p99 ${fmt(c.p99Ms / peer.p99Ms, 2)}; main thread ${fmt(c.taskMsPerKey / peer.taskMsPerKey, 2)}; open ${fmt(c.editableMs / peer.editableMs, 2)}`
        : '',
      target: targets.join('; '),
      pass
    })
  }
  return rows
}

function printTable(rows: readonly Row[]): void {
  const headers: Row = { row: 'row', workload: 'workload', consenso: 'Consenso', peer: 'peer', ratio: 'Consenso/peer', target: 'target', pass: true }
  const columns = ['row', 'workload', 'consenso', 'peer', 'ratio', 'target'] as const
  const cells = (r: Row, header = false) => [...columns.map((c) => r[c]), header ? 'result' : r.pass ? 'PASS' : 'FAIL']
  const table = [cells(headers, true), ...rows.map((r) => cells(r))]
  const widths = table[0]?.map((_, i) => Math.max(...table.map((line) => (line[i] as string).length))) ?? []
  const line = (cellsOfLine: string[]) => '| ' + cellsOfLine.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ') + ' |'
  console.log('')
  console.log(line(table[0] as string[]))
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
  for (const l of table.slice(1)) console.log(line(l))
  console.log('')
}

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : String(value))
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0)
const kib = (bytes: number) => (bytes / 1024).toFixed(0)

const machine = () => ({
  cpus: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  memory: totalmem(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`
})

async function runSoak(seconds: number): Promise<SoakResult> {
  log(`Soak: the fan-out load on Consenso for ${seconds} s, in windows of up to 60 s`)
  const { durationMs: _, ...workload } = fanoutWorkload
  const result = await soak({ seconds, windowSeconds: 60, workload, loadProcesses, log })
  console.log(
    `\nserver heap after a full GC: ${mib(result.startHeap)} MiB after the first window, ${mib(result.endHeap)} MiB after the last ` +
      `(RSS ${mib(result.startRss)} → ${mib(result.endRss)} MiB); ${result.bounded ? 'bounded' : 'GROWING'}; ` +
      `${result.allDelivered ? 'every update delivered' : 'UPDATES LOST'}`
  )
  await writeFile(join(ROOT, 'bench/soak.json'), JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...result }, null, 2) + '\n')
  return result
}

async function main(): Promise<number> {
  if (args.soak !== undefined) {
    const seconds = Number(args.soak)
    if (!Number.isFinite(seconds) || seconds <= 0) throw new RangeError(`--soak takes a number of seconds, got ${args.soak}`)
    const result = await runSoak(seconds)
    return result.bounded && result.allDelivered ? 0 : 1
  }
  log(`Consenso benchmark on ${machine().cpus} CPUs, Node ${process.version}${quick ? ' (quick: short rounds, not the targets’ workload)' : ''}`)
  const results: Record<string, unknown> = {}
  const rows: Row[] = []
  const started = performance.now()

  // The quiet rows first, while nothing else runs.
  let diffs: DiffResult[] = []
  if (only.has('diff')) {
    log('diff: two 100-page drafts, Consenso diffDocuments against jsdiff diffWords')
    diffs = [0.05, 0.3].map((share) => diffRow({ seed: 2021, share, rounds: quick ? 5 : 31, peerRounds: quick ? 1 : 5 }))
    for (const d of diffs) log(`  ${Math.round(d.share * 100)} %: ${fmt(d.consensoMs, 1)} ms against ${fmt(d.peerMs)} ms`)
    results.diff = diffs
  }
  let cold: ColdOpenResult | undefined
  if (only.has('cold')) {
    log('cold open: a history of single-character edits, stored, server restarted, first client syncs')
    cold = await coldOpen({ edits: quick ? 50_000 : 250_000, seed: 2021, rounds: quick ? 1 : 5, log })
    results.coldOpen = cold
  }
  let fanout: FanoutComparison | undefined
  if (only.has('fanout')) {
    log(`fan-out: 1 document, 200 clients, 10 writing 20 updates/s for ${writeSeconds} s; ${rounds} rounds each`)
    fanout = await compareFanout('fan-out', fanoutWorkload)
    results.fanout = fanout
  }
  let many: FanoutComparison | undefined
  if (only.has('many')) {
    log(`many documents: 11 documents of 40 clients, 10 writing 20 updates/s each, for ${writeSeconds} s; ${rounds} rounds each`)
    many = await compareFanout('many', manyWorkload)
    results.manyDocuments = many
  }
  let persistence: PersistenceResult | undefined
  if (only.has('persistence')) {
    log('persistence: 100 updates/s for 30 s on one document')
    persistence = await persistenceRow({ rate: 100, seconds: quick ? 12 : 30 })
    results.persistence = persistence
  }

  let editor: EditorRowResult | undefined
  if (only.has('editor')) {
    log(`editor: headless Chromium as the PPT typing ${KEYS} keys at ${KEYS_PER_SECOND}/s, the demo and a 70,000-word text, 0 and 10 remote writers; the app and a bare ProseMirror page`)
    editor = await editorRow({ longWords: 70_000, writers: 10, rounds, log, ...(args.profile ? { profileDir: join(ROOT, 'bench/profiles') } : {}) })
    results.editor = editor
  }
  let loop: LoopResult | undefined
  if (only.has('loop')) {
    log(`loop: 50 clients typing for ${writeSeconds} s, quiet and then under each attack (${attacks.join(', ')}), real limits`)
    loop = await compareLoop()
    results.loop = loop
  }
  // The store rows of issue 12, on workspaces seeded once for the run.
  const seeds = new SeededWorkspaces(log)
  let sweep: SweepResult | undefined
  let startup: StartupResult | undefined
  let imported: ImportResult | undefined
  let trace: TraceResult | undefined
  try {
    if (only.has('sweep')) {
      const sizes = [0, storeMb / 4, storeMb]
      log(`sweep: comments and saves in the empty workspace and those of ${sizes.slice(1).join(' and ')} MB`)
      sweep = await sweepRow({ seeds, sizes, comments: quick ? 20 : 40, saves: quick ? 10 : 20, log })
      results.sweep = sweep
    }
    if (only.has('startup')) {
      log(`start-up: server/main.ts over the ${storeMb} MB workspace and the empty one`)
      startup = await startupRow({ seeds, targetMb: storeMb, rounds: quick ? 1 : 3, log })
      results.startup = startup
    }
    if (only.has('import')) {
      log(`import: a 3 MB Markdown draft into the ${storeMb} MB workspace and the empty one`)
      imported = await importRow({ seeds, targetMb: storeMb, markdownBytes: 3 * 2 ** 20, rounds: quick ? 1 : 3, log })
      results.import = imported
    }
  } finally {
    await seeds.close()
  }
  let scaleFanout: ScaleFanoutResult | undefined
  let catchUp: CatchUpResult | undefined
  let writeCost: WriteCost[] | undefined
  if (SCALE_OUT_ROWS.some((row) => only.has(row))) {
    const services = await startScaleOutServices()
    // A throwaway PostgreSQL runs detached (pg_ctl): Ctrl-C must not leave it behind.
    const interrupted = () => void services.stop().finally(() => process.exit(130))
    process.once('SIGINT', interrupted)
    const loads = await Promise.all(Array.from({ length: loadProcesses }, () => startLoadProcess()))
    log(`scale-out rows on ${services.describe}`)
    try {
      if (only.has('scaleFanout')) {
        log(`scale-out fan-out: 1 document, 200 clients, 10 writing 20 updates/s for ${writeSeconds} s; one process, one and two on PostgreSQL + Redis, two write-through; ${rounds} rounds each`)
        scaleFanout = await scaleFanoutRow({ services, loads, workload: fanoutWorkload, rounds, log })
        results.scaleFanout = scaleFanout
      }
      if (only.has('catchUp')) {
        log('catch-up: a process joining a 2 MB document while 10 writers type on another')
        catchUp = await catchUpRow({ services, loads, stateBytes: 2 * 2 ** 20, writers: 10, rate: 20, writeSeconds: quick ? 8 : 15, log })
        results.catchUp = catchUp
      }
      if (only.has('writeCost')) {
        log(`write cost: 1 and 10 writers, 20 updates/s each for ${writeSeconds} s, on PostgreSQL, default persistence and write-through`)
        writeCost = await writeCostRow({ services, loads, writers: [1, 10], rate: 20, seconds: writeSeconds, log })
        results.writeCost = writeCost
      }
    } finally {
      for (const load of loads) await stopLoadProcess(load)
      process.off('SIGINT', interrupted)
      await services.stop()
    }
  }
  if (only.has('trace')) {
    log('real trace: automerge-paper through a y-websocket client, stored, cold open')
    trace = await traceRow({ rounds: quick ? 1 : 3, editsPerMessage: 100, messagesPerSecond: 150, log })
    results.trace = trace
  }

  if (fanout) rows.push(fanoutRow('fan-out latency', '1 document, 200 clients, 10 writing 20 updates/s', fanout, false))
  if (many) rows.push(fanoutRow('many documents', '11 documents × 40 clients, 10 writing 20 updates/s each', many, true))
  if (cold) rows.push(coldRow(cold))
  for (const d of diffs) rows.push(diffTableRow(d))
  if (persistence) rows.push(persistenceTableRow(persistence))
  if (loop) for (const r of loop.attacked) rows.push(loopTableRow(loop.quiet, r))
  if (sweep) rows.push(...sweepTableRows(sweep))
  if (startup) rows.push(startupTableRow(startup))
  if (imported) rows.push(importTableRow(imported))
  if (trace) rows.push(traceTableRow(trace))
  if (editor) rows.push(...editorTableRows(editor))
  if (scaleFanout) rows.push(...scaleFanoutTableRows(scaleFanout))
  if (catchUp) rows.push(catchUpTableRow(catchUp))
  if (writeCost) rows.push(...writeCostTableRows(writeCost))
  printTable(rows)
  const pass = rows.every((r) => r.pass)
  log(`${pass ? 'Every target met' : 'Some targets missed'} in ${fmt((performance.now() - started) / 1000)} s.`)

  await writeFile(
    join(ROOT, 'bench/results.json'),
    JSON.stringify(
      { date: new Date().toISOString(), machine: machine(), quick, rounds, loadProcesses, storeMb, pass, table: rows, results },
      (_key, value: unknown) => (typeof value === 'number' ? round(value, 3) : value),
      2
    ) + '\n'
  )
  log('Figures written to bench/results.json')
  return pass ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err)
    process.exit(2)
  }
)
