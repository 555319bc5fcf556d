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
 */
import type { ChildProcess } from 'node:child_process'
import { strToU8, zipSync } from 'fflate'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import { COUNTRIES } from '../src'
import { fanoutRound, type FanoutRound, type FanoutWorkload, type Tokens } from './fanout'
import type { ConsensoServer } from './processes'
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
  readonly attackAnswers: Record<string, number>
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

/** A .docx of `count` short paragraphs, written by hand (about 250 KB for 100,000). */
function shortParagraphsDocx(count: number): Uint8Array {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
  const body = Array.from({ length: count }, (_, i) => `<w:p><w:r><w:t>p${i}</w:t></w:r></w:p>`).join('')
  return zipSync(
    {
      '[Content_Types].xml': strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
      ),
      '_rels/.rels': strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
      ),
      'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W}"><w:body>${body}<w:sectPr/></w:body></w:document>`)
    },
    { level: 6 }
  )
}

/** The REST API as one account of the benchmark's server. */
function api(server: ConsensoServer, token: string) {
  const call = async (method: string, path: string, body?: BodyInit, json?: unknown) => {
    const res = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: json === undefined ? body : JSON.stringify(json)
    })
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> }
  }
  const form = (file: Uint8Array | string, name: string, title?: string) => {
    const data = new FormData()
    if (title !== undefined) data.set('title', title)
    data.set('file', new Blob([typeof file === 'string' ? file : new Uint8Array(file)]), name)
    return data
  }
  return {
    get: (path: string) => call('GET', path),
    // The status alone, the body read and dropped: an attacker's loop must not
    // parse the answers it ignores (a comparison of 4,000 paragraphs is
    // megabytes of JSON) on this process's event loop, which also times /healthz.
    status: async (path: string) => {
      const res = await fetch(`${server.httpUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } })
      await res.arrayBuffer()
      return res.status
    },
    post: (path: string, json: unknown) => call('POST', path, undefined, json),
    upload: (method: 'POST' | 'PUT', path: string, file: Uint8Array | string, name: string, title?: string) => call(method, path, form(file, name, title))
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

/** Counts what the attacker gets back. */
class Answers {
  readonly counts: Record<string, number> = {}
  add(what: number | string): void {
    this.counts[String(what)] = (this.counts[String(what)] ?? 0) + 1
  }
}

/** Prepares an attack; what it returns starts it, and what that returns stops it. */
type Attack = (answers: Answers) => () => Promise<void>

/** Requests made by `workers` loops at once until stopped; each loop waits `pauseMs` between requests. */
function requestLoop(workers: number, pauseMs: number, request: () => Promise<number>): Attack {
  return (answers) => {
    let stopped = false
    const loops = Array.from({ length: workers }, async () => {
      while (!stopped) {
        answers.add(await request().catch(() => 'error'))
        await sleep(pauseMs)
      }
    })
    return async () => {
      stopped = true
      await Promise.all(loops)
    }
  }
}

async function prepareAttack(server: ConsensoServer, attack: LoopAttack): Promise<Attack> {
  const readers = [api(server, await server.login('revisor')), api(server, await server.login('se'))]
  const compareAgain = (path: string) =>
    requestLoop(4, 0, () => (readers[Math.floor(Math.random() * readers.length)] as ReturnType<typeof api>).status(path))
  switch (attack) {
    case 'diff 8k':
    case 'diff 16k': {
      const length = attack === 'diff 8k' ? 8_000 : 16_000
      return compareAgain(await comparedVersions(server, `Signos ${length}`, punctuation(length, 1), punctuation(length, 2)))
    }
    case 'pairing': {
      const paragraphs = (word: string) => Array.from({ length: 4_000 }, (_, i) => `${word}${i} ${word}${i}b ${word}${i}c ${word}${i}d`).join('\n\n')
      return compareAgain(await comparedVersions(server, 'Reescrito', paragraphs('antes'), paragraphs('despues')))
    }
    case 'docx': {
      const file = shortParagraphsDocx(100_000)
      const uploaders = [api(server, await server.login('ppt')), api(server, await server.login('se'))]
      let n = 0
      return requestLoop(2, 0, async () => (await (uploaders[n++ % 2] as ReturnType<typeof api>).upload('POST', '/api/documents', file, 'ataque.docx', `Ataque ${n}`)).status)
    }
    case 'sync':
      return syncFlood(server, await server.login('revisor'), 'estrategia')
  }
}

/** Ten sockets of one account asking for the whole document and spamming awareness, reconnecting when closed. */
function syncFlood(server: ConsensoServer, token: string, documentId: string): Attack {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  syncProtocol.writeSyncStep1(encoder, new Y.Doc())
  const step1 = encoding.toUint8Array(encoder)
  const awareness = new awarenessProtocol.Awareness(new Y.Doc())
  const awarenessMessage = (i: number) => {
    awareness.setLocalState({ cursor: { anchor: i }, padding: 'x'.repeat(200) })
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]))
    return encoding.toUint8Array(e)
  }
  return (answers) => {
    let stopped = false
    const sockets = new Set<WebSocket>()
    const open = () => {
      if (stopped) return
      const ws = new WebSocket(`${server.collabUrl}/${documentId}?token=${encodeURIComponent(token)}`)
      sockets.add(ws)
      let i = 0
      let timer: ReturnType<typeof setInterval> | undefined
      ws.on('open', () => {
        answers.add('open')
        // As fast as the socket takes them: 20 asks and 20 cursor moves every 10 ms.
        timer = setInterval(() => {
          if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > 1024 * 1024) return
          for (let k = 0; k < 20; k++) {
            ws.send(step1)
            ws.send(awarenessMessage(i++))
          }
        }, 10)
      })
      ws.on('unexpected-response', (_req, res) => {
        answers.add(res.statusCode ?? 0)
        res.resume()
      })
      ws.on('error', () => {})
      ws.on('close', (code) => {
        clearInterval(timer)
        sockets.delete(ws)
        if (code) answers.add(`close ${code}`)
        // A stubborn attacker comes back after a short pause.
        if (!stopped) setTimeout(open, 250)
      })
    }
    for (let k = 0; k < 10; k++) open()
    return async () => {
      stopped = true
      for (const ws of sockets) ws.terminate()
    }
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
async function loopRound(server: ConsensoServer, loads: readonly ChildProcess[], workload: FanoutWorkload, tokens: Tokens, attack: LoopAttack | 'none', label: string): Promise<LoopRound> {
  const prepared = attack === 'none' ? undefined : await prepareAttack(server, attack)
  // What preparing stored (documents, versions) is written before the round:
  // the round measures the attack, not the setup's writes.
  await server.flush()
  await sleep(1000)
  const answers = new Answers()
  const stopAttack = prepared?.(answers)
  const stopProbe = healthProbe(server)
  const fanout = await fanoutRound(server, loads, workload, tokens, label)
  const health = await stopProbe()
  await stopAttack?.()
  // Let the last of the attack's work drain before the next round.
  await sleep(2000)
  return { attack, fanout, healthP99Ms: health.quantile(0.99), healthMaxMs: health.max, healthAnswers: health.total, attackAnswers: answers.counts }
}

/** The row: a quiet round, then one round per attack, on one server with its real limits. */
export async function loopRow(opts: {
  server: ConsensoServer
  loads: readonly ChildProcess[]
  workload: FanoutWorkload
  attacks: readonly LoopAttack[]
  log: (line: string) => void
}): Promise<LoopResult> {
  const tokens = await typingTokens(opts.server)
  const report = (r: LoopRound) =>
    opts.log(
      `  ${r.attack.padEnd(8)}: /healthz p99 ${r.healthP99Ms.toFixed(1)} ms (max ${r.healthMaxMs.toFixed(0)}, ${r.healthAnswers} answers), ` +
        `fan-out p99 ${r.fanout.p99Ms.toFixed(1)} ms, ${r.fanout.delivered}/${r.fanout.expected} delivered; attacker got ${JSON.stringify(r.attackAnswers)}`
    )
  const quiet = await loopRound(opts.server, opts.loads, opts.workload, tokens, 'none', 'loop quiet')
  report(quiet)
  const attacked: LoopRound[] = []
  for (const attack of opts.attacks) {
    const round = await loopRound(opts.server, opts.loads, opts.workload, tokens, attack, `loop ${attack}`)
    report(round)
    attacked.push(round)
  }
  return { workload: opts.workload, quiet, attacked }
}
