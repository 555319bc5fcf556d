/**
 * The `loop` row's attacker: a process of its own (forked by the benchmark),
 * as a real attacker is another machine. Run in the benchmark's own process,
 * its work (thousands of socket messages a second, megabytes of answers)
 * delayed the timers of the /healthz probe there, and that delay was counted
 * as the server's. Takes an {@link AttackSpec} and runs it until stopped.
 */
import { strToU8, zipSync } from 'fflate'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import type { AttackAnswers, AttackReport, AttackSpec } from './protocol'
import { serve } from './rpc'

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/** Counts what the attacker gets back. */
class Answers {
  readonly counts: AttackAnswers = {}
  add(what: number | string): void {
    this.counts[String(what)] = (this.counts[String(what)] ?? 0) + 1
  }
}

/** Starts an attack; what it returns stops it. */
type Running = () => Promise<void>

/** Requests made by `workers` loops at once until stopped, one after another in each. */
function requestLoop(answers: Answers, workers: number, request: (n: number) => Promise<number>): Running {
  let stopped = false
  let n = 0
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) answers.add(await request(n++).catch(() => 'error'))
  })
  return async () => {
    stopped = true
    await Promise.all(loops)
  }
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

// The status alone, the body read and dropped: a comparison of 4,000
// paragraphs is megabytes of JSON the attacker has no use for.
async function getStatus(url: string, token: string): Promise<number> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  return res.status
}

async function uploadStatus(httpUrl: string, token: string, file: Blob, title: string): Promise<number> {
  const form = new FormData()
  form.set('title', title)
  form.set('file', file, 'ataque.docx')
  const res = await fetch(`${httpUrl}/api/documents`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form })
  await res.arrayBuffer()
  return res.status
}

/** Sockets of one account asking for the whole document and spamming awareness, reconnecting when closed. */
function syncFlood(answers: Answers, spec: Extract<AttackSpec, { kind: 'sync' }>): Running {
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
  let stopped = false
  const sockets = new Set<WebSocket>()
  const open = () => {
    if (stopped) return
    const ws = new WebSocket(`${spec.collabUrl}/${spec.documentId}?token=${encodeURIComponent(spec.token)}`)
    sockets.add(ws)
    let i = 0
    let refused = false
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
      refused = true
      answers.add(res.statusCode ?? 0)
      res.resume()
      ws.terminate()
    })
    ws.on('error', () => {})
    ws.on('close', (code) => {
      clearInterval(timer)
      sockets.delete(ws)
      if (code && !refused) answers.add(`close ${code}`)
      // A stubborn attacker comes back after a short pause.
      if (!stopped) setTimeout(open, 250)
    })
  }
  for (let k = 0; k < spec.sockets; k++) open()
  return async () => {
    stopped = true
    for (const ws of sockets) ws.terminate()
    await sleep(0)
  }
}

function start(answers: Answers, spec: AttackSpec): Running {
  const tokenOf = (n: number, tokens: readonly string[]) => tokens[n % tokens.length] as string
  switch (spec.kind) {
    case 'compare':
      return requestLoop(answers, spec.workers, (n) => getStatus(`${spec.httpUrl}${spec.path}`, tokenOf(n, spec.tokens)))
    case 'upload': {
      const file = new Blob([new Uint8Array(shortParagraphsDocx(spec.paragraphs))])
      return requestLoop(answers, spec.workers, (n) => uploadStatus(spec.httpUrl, tokenOf(n, spec.tokens), file, `Ataque ${n}`))
    }
    case 'sync':
      return syncFlood(answers, spec)
  }
}

let running: { answers: Answers; stop: Running; cpuAtStart: NodeJS.CpuUsage } | undefined

serve({
  start: (spec: AttackSpec) => {
    if (running) throw new Error('an attack is already running')
    const answers = new Answers()
    running = { answers, stop: start(answers, spec), cpuAtStart: process.cpuUsage() }
  },
  /** Stops the attack; what it got back. */
  stop: async (): Promise<AttackReport> => {
    const current = running
    running = undefined
    if (!current) return { answers: {}, cpuMs: 0 }
    await current.stop()
    const cpu = process.cpuUsage(current.cpuAtStart)
    return { answers: current.answers.counts, cpuMs: (cpu.user + cpu.system) / 1000 }
  },
  exit: () => {
    setImmediate(() => process.exit(0))
  }
})
process.send?.({ type: 'ready' })
