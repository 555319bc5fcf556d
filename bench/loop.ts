/**
 * The `loop` row (issue 14): the attacks that used to stall the server's one
 * event loop, each driven while 50 clients type, against a round of the same
 * clients on the same server without any attack. Reports the p99 of /healthz
 * (asked every 50 ms by this process) and of the edits' fan-out, and their
 * ratios to the quiet round. The server runs with its real limits
 * (connections, account budgets, job rates), as in production.
 *
 * The attacks, as the issue describes them:
 * - `diff 8k`, `diff 16k`: a paragraph of 8,000 (16,000) punctuation marks
 *   replaced by as many others, compared again and again by two readers;
 * - `pairing`: 4,000 paragraphs reworded into 4,000 others, compared again and again;
 * - `docx`: a .docx of 100,000 short paragraphs uploaded again and again;
 * - `sync`: ten read-only sockets of one account asking for the whole
 *   document (sync step 1) again and again, with awareness spam, reconnecting when closed.
 *
 * The attacker runs in a process of its own (attackProcess.ts), as it would
 * on another machine: here its own work would delay the probe's timers.
 */
import type { ChildProcess } from 'node:child_process'
import { COUNTRIES } from '../src'
import { fanoutRound, type FanoutRound, type FanoutWorkload, type Tokens } from './fanout'
import type { ConsensoServer } from './processes'
import type { AttackAnswers, AttackReport, AttackSpec } from './protocol'
import { call } from './rpc'
import { LatencyHistogram } from './stats'

/** The attacks of the row, in the order they run. */
export const LOOP_ATTACKS = ['diff 8k', 'diff 16k', 'pairing', 'docx', 'sync'] as const
export type LoopAttack = (typeof LOOP_ATTACKS)[number]

/** One round: the fan-out and /healthz under one attack (or none). */
export interface LoopRound {
  readonly attack: LoopAttack | 'none'
  readonly fanout: FanoutRound
  readonly healthP99Ms: number
  readonly healthMaxMs: number
  readonly healthAnswers: number
  /** What the attacker got back, by HTTP status or close code. */
  readonly attackAnswers: AttackAnswers
  /** CPU time of the attacker's process during the round, ms. */
  readonly attackerCpuMs: number
}

export interface LoopResult {
  readonly workload: FanoutWorkload
  readonly quiet: LoopRound
  readonly attacked: LoopRound[]
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/** A seeded generator, so that every run attacks with the same texts. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

// Marks that Markdown reads as plain text.
const MARKS = '.,;:!?¿¡«»'
const punctuation = (length: number, seed: number) => {
  const next = random(seed)
  return Array.from({ length }, () => MARKS[Math.floor(next() * MARKS.length)]).join('')
}

/** The REST API as one account of the benchmark's server, for preparing the attacks. */
function api(server: ConsensoServer, token: string) {
  const call = async (method: string, path: string, body?: BodyInit, json?: unknown) => {
    const res = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: json === undefined ? body : JSON.stringify(json)
    })
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> }
  }
  const form = (markdown: string, name: string, title?: string) => {
    const data = new FormData()
    if (title !== undefined) data.set('title', title)
    data.set('file', new Blob([markdown]), name)
    return data
  }
  return {
    post: (path: string, json: unknown) => call('POST', path, undefined, json),
    upload: (method: 'POST' | 'PUT', path: string, markdown: string, name: string, title?: string) => call(method, path, form(markdown, name, title))
  }
}

/** A document of two published versions, from `before` to `after` (Markdown): the path of their comparison. */
async function comparedVersions(server: ConsensoServer, title: string, before: string, after: string): Promise<string> {
  const ppt = api(server, await server.login('ppt'))
  const made = await ppt.upload('POST', '/api/documents', before, 'antes.md', title)
  if (made.status !== 201) throw new Error(`creating ${title}: ${made.status} ${JSON.stringify(made.body)}`)
  const id = (made.body.document as { id: string }).id
  const publish = async (name: string) => {
    const res = await ppt.post(`/api/documents/${id}/versions`, { name })
    if (res.status !== 201) throw new Error(`publishing ${name}: ${res.status} ${JSON.stringify(res.body)}`)
    return (res.body.version as { id: string }).id
  }
  const from = await publish('antes')
  const replaced = await ppt.upload('PUT', `/api/documents/${id}/content`, after, 'despues.md')
  if (replaced.status !== 200) throw new Error(`replacing ${title}: ${replaced.status} ${JSON.stringify(replaced.body)}`)
  const to = await publish('después')
  return `/api/documents/${id}/diff?from=${from}&to=${to}`
}

/** What the attacker process runs for `attack` (its documents made beforehand). */
async function prepareAttack(server: ConsensoServer, attack: LoopAttack): Promise<AttackSpec> {
  const compare = async (path: string): Promise<AttackSpec> => ({
    kind: 'compare',
    httpUrl: server.httpUrl,
    path,
    tokens: [await server.login('revisor'), await server.login('se')],
    workers: 4
  })
  switch (attack) {
    case 'diff 8k':
    case 'diff 16k': {
      const length = attack === 'diff 8k' ? 8_000 : 16_000
      return compare(await comparedVersions(server, `Signos ${length}`, punctuation(length, 1), punctuation(length, 2)))
    }
    case 'pairing': {
      const paragraphs = (word: string) => Array.from({ length: 4_000 }, (_, i) => `${word}${i} ${word}${i}b ${word}${i}c ${word}${i}d`).join('\n\n')
      return compare(await comparedVersions(server, 'Reescrito', paragraphs('antes'), paragraphs('despues')))
    }
    case 'docx':
      return { kind: 'upload', httpUrl: server.httpUrl, tokens: [await server.login('ppt'), await server.login('se')], paragraphs: 100_000, workers: 2 }
    case 'sync':
      return { kind: 'sync', collabUrl: server.collabUrl, token: await server.login('revisor'), documentId: 'estrategia', sockets: 10 }
  }
}

/** Asks /healthz every 50 ms until stopped; the latencies. */
function healthProbe(server: ConsensoServer): () => Promise<LatencyHistogram> {
  const histogram = new LatencyHistogram()
  let stopped = false
  const probing = (async () => {
    while (!stopped) {
      const start = performance.now()
      const res = await fetch(`${server.httpUrl}/healthz`).catch(() => undefined)
      await res?.arrayBuffer()
      if (res?.status === 200) histogram.record(performance.now() - start)
      await sleep(50)
    }
  })()
  return async () => {
    stopped = true
    await probing
    return histogram
  }
}

/** The clients' accounts: writers as the Presidency and the Secretariat, readers as the delegations (not the attackers' `revisor`). */
async function typingTokens(server: ConsensoServer): Promise<Tokens> {
  const readers: string[] = []
  for (const c of COUNTRIES) readers.push(await server.login(c.code.toLowerCase()))
  return { writers: [await server.login('ppt'), await server.login('se')], readers }
}

/** One round: the fan-out of `workload` on a new document, /healthz probed, under `attack` (prepared beforehand). */
async function loopRound(
  server: ConsensoServer,
  loads: readonly ChildProcess[],
  attacker: ChildProcess,
  workload: FanoutWorkload,
  tokens: Tokens,
  attack: LoopAttack | 'none',
  label: string
): Promise<LoopRound> {
  const prepared = attack === 'none' ? undefined : await prepareAttack(server, attack)
  // What preparing stored (documents, versions) is written before the round:
  // the round measures the attack, not the setup's writes.
  await server.flush()
  await sleep(1000)
  if (prepared) await call(attacker, 'start', prepared)
  const stopProbe = healthProbe(server)
  const fanout = await fanoutRound(server, loads, workload, tokens, label)
  const health = await stopProbe()
  const report = prepared ? await call<AttackReport>(attacker, 'stop') : { answers: {}, cpuMs: 0 }
  // Let the last of the attack's work drain before the next round.
  await sleep(2000)
  return { attack, fanout, healthP99Ms: health.quantile(0.99), healthMaxMs: health.max, healthAnswers: health.total, attackAnswers: report.answers, attackerCpuMs: report.cpuMs }
}

/** The row: a quiet round, then one round per attack, on one server with its real limits. */
export async function loopRow(opts: {
  server: ConsensoServer
  loads: readonly ChildProcess[]
  /** The attacker's own process (see attackProcess.ts). */
  attacker: ChildProcess
  workload: FanoutWorkload
  attacks: readonly LoopAttack[]
  log: (line: string) => void
}): Promise<LoopResult> {
  const tokens = await typingTokens(opts.server)
  const report = (r: LoopRound) =>
    opts.log(
      `  ${r.attack.padEnd(8)}: /healthz p99 ${r.healthP99Ms.toFixed(1)} ms (max ${r.healthMaxMs.toFixed(0)}, ${r.healthAnswers} answers), ` +
        `fan-out p99 ${r.fanout.p99Ms.toFixed(1)} ms, ${r.fanout.delivered}/${r.fanout.expected} delivered; attacker got ${JSON.stringify(r.attackAnswers)}; CPU s: server ${(r.fanout.serverCpuMs / 1000).toFixed(1)}, clients ${(r.fanout.loadCpuMs / 1000).toFixed(1)}, attacker ${(r.attackerCpuMs / 1000).toFixed(1)}`
    )
  const quiet = await loopRound(opts.server, opts.loads, opts.attacker, opts.workload, tokens, 'none', 'loop quiet')
  report(quiet)
  const attacked: LoopRound[] = []
  for (const attack of opts.attacks) {
    const round = await loopRound(opts.server, opts.loads, opts.attacker, opts.workload, tokens, attack, `loop ${attack}`)
    report(round)
    attacked.push(round)
  }
  return { workload: opts.workload, quiet, attacked }
}
