/**
 * A load generator: a process of its own (forked by the benchmark) that runs
 * stock y-websocket `WebsocketProvider` clients. Writers insert small tokens
 * `writer:seq:sentAt;` at the end of the Y.Text `bench`; every client records,
 * for each token another client wrote, the time from its writing to its
 * arrival, in a {@link LatencyHistogram}.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import type { ClientSpec, LoadReport, SyncTimes } from './protocol'
import { Random, WordSource } from './random'
import { serve } from './rpc'
import { LatencyHistogram, now } from './stats'

/**
 * ws as y-websocket uses it, noting when the first sync step 2 (the
 * server's answer with the document's state) arrives, before the provider
 * applies it: what the server took to open the document, apart from the
 * client's own apply.
 */
class TimedWebSocket extends WebSocket {
  stateArrivedAt: number | undefined
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args)
    // Added before the provider sets `onmessage`, so it runs first.
    this.addEventListener('message', ({ data }) => {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array)
      // messageSync (0), then syncStep2 (1): see y-protocols.
      if (this.stateArrivedAt === undefined && bytes[0] === 0 && bytes[1] === 1) this.stateArrivedAt = now()
    })
  }
}

interface Client {
  readonly spec: ClientSpec
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  received: number
}

// Every y-websocket provider listens for the process's exit (to say goodbye to awareness).
process.setMaxListeners(0)

const TOKEN = /(\d+):\d+:(\d+(?:\.\d+)?);/g

let clients: Client[] = []
let histogram = new LatencyHistogram()
let sent: Record<number, number> = {}
let cpuAtStart = process.cpuUsage()

function open(spec: ClientSpec): Client {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(spec.serverUrl, spec.room, doc, {
    // ws implements what y-websocket uses of the DOM WebSocket.
    WebSocketPolyfill: TimedWebSocket as unknown as typeof globalThis.WebSocket,
    params: spec.params,
    disableBc: true
  })
  const client: Client = { spec, doc, provider, received: 0 }
  // The tokens are read from each update the provider applies, not from the
  // event's delta: computing a delta walks the whole text, so each arrival
  // cost every client time in proportion to the document and the load
  // processes, not the server, set the fan-out's tail (1.5 of the 2 CPUs).
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== provider) return
    const arrivedAt = now()
    for (const struct of Y.decodeUpdate(update).structs) {
      const content = (struct as Partial<Y.Item>).content
      if (!(content instanceof Y.ContentString)) continue
      for (const match of content.str.matchAll(TOKEN)) {
        if (Number(match[1]) === spec.writer) continue
        client.received++
        histogram.record(arrivedAt - Number(match[2]))
      }
    }
  })
  return client
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

serve({
  /** Opens the clients, a batch at a time, and resolves once every one is synced. */
  connect: async ({ specs, timeoutMs = 120_000 }: { specs: ClientSpec[]; timeoutMs?: number }) => {
    const deadline = Date.now() + timeoutMs
    for (let i = 0; i < specs.length; i += 20) {
      clients.push(...specs.slice(i, i + 20).map(open))
      while (clients.some((c) => !c.provider.synced)) {
        if (Date.now() > deadline) throw new Error(`${clients.filter((c) => !c.provider.synced).length} clients not synced after ${timeoutMs} ms`)
        await sleep(20)
      }
    }
    return clients.length
  },
  /** Opens one client and answers how long it took to be synced, ms (the client stays open). */
  timeSync: ({ spec, timeoutMs = 120_000 }: { spec: ClientSpec; timeoutMs?: number }) =>
    new Promise<SyncTimes>((resolve, reject) => {
      const start = now()
      const client = open(spec)
      clients.push(client)
      const timer = setTimeout(() => reject(new Error(`not synced after ${timeoutMs} ms`)), timeoutMs)
      client.provider.once('sync', () => {
        clearTimeout(timer)
        const arrived = (client.provider.ws as unknown as TimedWebSocket | null)?.stateArrivedAt
        resolve({ syncMs: now() - start, stateMs: arrived === undefined ? Number.NaN : arrived - start })
      })
    }),
  /**
   * Replays an editing trace (bench/traces: `{ endContent, txns: [{ patches:
   * [[position, deleted, inserted]] }] }`, gzipped) into the Y.Text `trace`
   * of a new client `writer`, `editsPerMessage` patches to a transaction
   * (one update message each), at most `messagesPerSecond` of them, so as
   * to stay within the server's message budget. Resolves once a second
   * client, `reader`, holds the whole text (the server then holds it too),
   * with the writer's final state (`Y.encodeStateAsUpdate`) written to
   * `stateFile`. Both clients stay open.
   */
  replayTrace: async (input: {
    writer: ClientSpec
    reader: ClientSpec
    traceFile: string
    stateFile: string
    editsPerMessage: number
    messagesPerSecond: number
    timeoutMs?: number
  }) => {
    const trace = JSON.parse(gunzipSync(await readFile(input.traceFile)).toString('utf8')) as {
      endContent: string
      txns: { patches: [number, number, string][] }[]
    }
    const patches = trace.txns.flatMap((t) => t.patches)
    const writer = open(input.writer)
    const reader = open(input.reader)
    clients.push(writer, reader)
    const deadline = Date.now() + (input.timeoutMs ?? 600_000)
    while (!writer.provider.synced || !reader.provider.synced) {
      if (Date.now() > deadline) throw new Error('the trace clients did not sync')
      await sleep(20)
    }
    const text = writer.doc.getText('trace')
    const start = now()
    let messages = 0
    for (let i = 0; i < patches.length; i += input.editsPerMessage) {
      writer.doc.transact(() => {
        for (const [position, deleted, inserted] of patches.slice(i, i + input.editsPerMessage)) {
          if (deleted > 0) text.delete(position, deleted)
          if (inserted.length > 0) text.insert(position, inserted)
        }
      })
      messages++
      const wait = start + (messages * 1000) / input.messagesPerSecond - now()
      if (wait > 0) await sleep(wait)
    }
    if (text.toString() !== trace.endContent) throw new Error('the replayed trace does not end with its endContent')
    const sentMs = now() - start
    const readerText = reader.doc.getText('trace')
    while (readerText.length !== trace.endContent.length || readerText.toString() !== trace.endContent) {
      if (Date.now() > deadline) throw new Error(`the reading client holds ${readerText.length} of ${trace.endContent.length} characters`)
      await sleep(50)
    }
    const state = Y.encodeStateAsUpdate(writer.doc)
    await writeFile(input.stateFile, state)
    return { edits: patches.length, messages, sentMs, receivedMs: now() - start, updateBytes: state.byteLength, characters: trace.endContent.length }
  },
  /**
   * Grows the Y.Text `fill` of the document of `spec` (a new client) to an
   * encoded state of at least `bytes`: phrases of 3–8 words (seeded) typed at
   * random places, `phrasesPerMessage` to a transaction, at most
   * `messagesPerSecond` messages. Resolves once a fresh client of `spec`
   * syncs to the whole text (the server then holds it), with the state's size;
   * both clients are then closed. The `fill` text holds no digits: no client
   * mistakes it for a writer's token.
   */
  fill: async (input: { spec: ClientSpec; bytes: number; phrasesPerMessage: number; messagesPerSecond: number; seed: number; timeoutMs?: number }) => {
    const deadline = Date.now() + (input.timeoutMs ?? 600_000)
    const until = async (ready: () => boolean, what: string) => {
      while (!ready()) {
        if (Date.now() > deadline) throw new Error(`fill: ${what} within the time allowed`)
        await sleep(20)
      }
    }
    const writer = open(input.spec)
    await until(() => writer.provider.synced, 'the writing client did not sync')
    const random = new Random(input.seed)
    const words = new WordSource(random)
    const text = writer.doc.getText('fill')
    const start = now()
    let messages = 0
    let stateBytes = 0
    while (stateBytes < input.bytes) {
      writer.doc.transact(() => {
        for (let p = 0; p < input.phrasesPerMessage; p++) {
          const phrase = Array.from({ length: random.int(3, 8) }, () => words.word()).join(' ') + ' '
          text.insert(random.int(0, text.length), phrase)
        }
      })
      messages++
      if (messages % 50 === 0) stateBytes = Y.encodeStateAsUpdate(writer.doc).byteLength
      const wait = start + (messages * 1000) / input.messagesPerSecond - now()
      if (wait > 0) await sleep(wait)
    }
    stateBytes = Y.encodeStateAsUpdate(writer.doc).byteLength
    // The server holds the text once a client that connects afterwards receives all of it.
    for (;;) {
      const reader = open(input.spec)
      await until(() => reader.provider.synced, 'the reading client did not sync')
      const complete = reader.doc.getText('fill').length === text.length
      reader.provider.destroy()
      reader.doc.destroy()
      if (complete) break
      if (Date.now() > deadline) throw new Error('fill: the server did not hold the whole text within the time allowed')
      await sleep(500)
    }
    writer.provider.destroy()
    writer.doc.destroy()
    return { messages, stateBytes, characters: text.length, ms: now() - start }
  },
  /** The length of the Y.Text `bench` at every client, in the order they were opened. */
  lengths: () => clients.map((c) => c.doc.getText('bench').length),
  /** Forgets what was counted so far. */
  reset: () => {
    histogram = new LatencyHistogram()
    sent = {}
    for (const c of clients) c.received = 0
    cpuAtStart = process.cpuUsage()
  },
  /**
   * Every writer writes `rate` tokens a second from `startAt` (epoch ms) for
   * `durationMs`, each writer offset a little so that they do not all write
   * in the same tick. Resolves when all have finished.
   */
  write: async ({ startAt, durationMs, rate }: { startAt: number; durationMs: number; rate: number }) => {
    const writers = clients.filter((c) => c.spec.writer !== null)
    const interval = 1000 / rate
    const count = Math.round((durationMs / 1000) * rate)
    await Promise.all(
      writers.map(async (client) => {
        const writer = client.spec.writer as number
        const text = client.doc.getText('bench')
        const first = startAt + ((writer * 7.3) % interval)
        sent[writer] = 0
        for (let seq = 0; seq < count; seq++) {
          const due = first + seq * interval
          const wait = due - now()
          if (wait > 0) await sleep(wait)
          text.insert(text.length, `${writer}:${seq}:${now().toFixed(3)};`)
          sent[writer] = seq + 1
        }
      })
    )
    return sent
  },
  /** What was received and written since the last reset. */
  report: (): LoadReport => {
    const cpu = process.cpuUsage(cpuAtStart)
    return {
      histogram: histogram.toJSON(),
      clients: clients.map((c) => ({ room: c.spec.room, writer: c.spec.writer, received: c.received })),
      sent,
      cpuMs: (cpu.user + cpu.system) / 1000
    }
  },
  /** Closes every client. */
  disconnect: async () => {
    for (const c of clients) {
      c.provider.destroy()
      c.doc.destroy()
    }
    clients = []
    await sleep(100)
  },
  /** Ends the process. */
  exit: () => {
    setImmediate(() => process.exit(0))
  }
})
process.send?.({ type: 'ready' })
