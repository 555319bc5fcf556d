/**
 * Helpers for integration tests: a real server on port 0 in a fresh data
 * folder, signed-in sessions, stock y-websocket clients and raw sockets.
 * Everything a helper starts inside a test is stopped when that test ends
 * (`onTestFinished` runs in reverse order: clients, then servers, then folders).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, onTestFinished, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { CONTENT_FRAGMENT, textBlocks, todayIn, type DocumentId, type IsoDate, type TextBlock } from '../src'
import { DocumentStore, LowdbStorageAdapter } from '../storage'
import { dataFile, DEMO_DOCUMENT_ID, MessageType, silentLogger, startServer, type RunningServer, type ServerConfig } from '../server'

/** Password of every demo account in tests. */
export const DEMO_PASSWORD = 'correct horse battery staple'

/** The demo Strategy. */
export const DOC = DEMO_DOCUMENT_ID

/** How long `vi.waitFor` may wait for the network: generous, it returns as soon as it holds. */
export const WAIT = { timeout: 10_000, interval: 10 } as const

/** Folder of the repository, where `server/main.ts` lives. */
export const ROOT = resolve(import.meta.dirname, '..')

// Seeding the demo hashes 15 passwords with argon2 (1–2 s). It is done once
// per test file (each file gets its own copy of this module) into a template
// folder, whose data file every test then copies.
let template: Promise<string> | undefined

// Registered on the file that imports these helpers.
afterAll(async () => {
  const dir = await template?.catch(() => undefined)
  if (dir) await rm(dir, { recursive: true, force: true })
})

function demoTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'consenso-template-'))
    const server = await startServer(
      { port: 0, host: '127.0.0.1', dataDir: dir, demoPassword: DEMO_PASSWORD },
      { logger: silentLogger }
    )
    await server.close()
    return dir
  })()
  return template
}

/** A fresh data folder holding the seeded demo workspace; removed when the test ends. */
export async function seededDataDir(): Promise<string> {
  const source = dataFile(await demoTemplate())
  const dir = await mkdtemp(join(tmpdir(), 'consenso-test-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  await copyFile(source, dataFile(dir))
  return dir
}

export interface TestServer {
  readonly server: RunningServer
  readonly dataDir: string
}

/**
 * Starts a real server on a free port of 127.0.0.1 with the demo workspace
 * and fast persistence (50 ms debounce, 200 ms maximum wait). Pass `dataDir`
 * to start over the folder of an earlier server (a restart); `config`
 * overrides any other setting. Closed when the test ends.
 */
export async function startTestServer(opts: { dataDir?: string; config?: Partial<ServerConfig> } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await seededDataDir())
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      demoPassword: DEMO_PASSWORD,
      persistence: { debounceMs: 50, maxWaitMs: 200 },
      ...opts.config
    },
    { logger: silentLogger }
  )
  onTestFinished(() => server.close())
  return { server, dataDir }
}

/** Signs `username` in with the demo password; returns the session token. */
export async function login(url: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password })
  })
  expect(res.status, `login of ${username}`).toBe(200)
  const body = (await res.json()) as { token: string }
  return body.token
}

/** A server as clients see it: a running one in this process, or a {@link ServerProcess}. */
export type Reachable = Pick<RunningServer, 'url'>

/** The WebSocket address of the collaboration endpoint (documents are appended to it). */
export const collabUrl = (server: Reachable) => `${server.url.replace(/^http/, 'ws')}/collab`

export interface TestClient {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  readonly fragment: Y.XmlFragment
}

/**
 * A stock y-websocket client of `documentId`, signed in with `token`.
 * BroadcastChannel is off: Node has one, and clients in one process would
 * otherwise sync through it, around the server. Destroyed when the test ends.
 */
export function connectClient(
  server: Reachable,
  documentId: string,
  token: string,
  opts: { connect?: boolean } = {}
): TestClient {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(collabUrl(server), documentId, doc, {
    // ws implements what y-websocket uses of the DOM WebSocket.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
    connect: opts.connect ?? true
  })
  onTestFinished(() => {
    provider.destroy()
    doc.destroy()
  })
  return { doc, provider, fragment: doc.getXmlFragment(CONTENT_FRAGMENT) }
}

/** Connects a client and waits until its first sync with the server is done. */
export async function connectSynced(server: Reachable, documentId: string, token: string): Promise<TestClient> {
  const client = connectClient(server, documentId, token)
  await waitSynced(client)
  return client
}

/** Waits until the client is connected and has the server's state. */
export async function waitSynced(client: TestClient): Promise<void> {
  await vi.waitFor(() => expect(client.provider.synced, 'client synced').toBe(true), WAIT)
}

/** The document's text as XML, the form in which tests compare documents. */
export const contentOf = (doc: Y.Doc): string => doc.getXmlFragment(CONTENT_FRAGMENT).toString()

/** The `Y.XmlText` of every top-level paragraph, in document order. */
export function paragraphTexts(doc: Y.Doc): Y.XmlText[] {
  const texts: Y.XmlText[] = []
  for (const block of doc.getXmlFragment(CONTENT_FRAGMENT).toArray()) {
    if (!(block instanceof Y.XmlElement) || block.nodeName !== 'paragraph') continue
    const text = block.get(0)
    if (text instanceof Y.XmlText) texts.push(text)
  }
  return texts
}

/** Appends a paragraph holding `text` at the end of the document, as a ProseMirror binding would. */
export function appendParagraph(doc: Y.Doc, text: string): void {
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT)
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    fragment.push([paragraph])
    const content = new Y.XmlText()
    paragraph.push([content])
    content.insert(0, text)
  })
}

/**
 * The text of `documentId` as stored in `dataDir`, read from the data file
 * (the state a restarted server would load). Only reads.
 */
export async function storedContent(dataDir: string, documentId: DocumentId = DOC): Promise<string> {
  const storage = await LowdbStorageAdapter.open(dataFile(dataDir))
  try {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, await new DocumentStore(storage).loadState(documentId))
    const content = contentOf(doc)
    doc.destroy()
    return content
  } finally {
    await storage.close()
  }
}

/** A sync step 1 message with an empty state vector: asks the server for the whole document. */
export function syncStep1Message(doc: Y.Doc = new Y.Doc()): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

/** A sync update message carrying `update`. */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** A raw socket to the collaboration endpoint and what it has received. */
export interface RawSocket {
  readonly ws: WebSocket
  readonly messages: Uint8Array[]
  /** Resolves with the close code and reason once the socket has closed. */
  readonly closed: Promise<{ code: number; reason: string }>
}

/**
 * Opens a plain `ws` socket to `/collab/<documentId>` (`token` as query
 * parameter, or any headers, e.g. a cookie). Resolves once open; rejects
 * with the HTTP status if the upgrade is refused. Closed when the test ends.
 */
export async function openRawSocket(
  server: Reachable,
  documentId: string,
  opts: { token?: string; headers?: Record<string, string>; maxPayload?: number } = {}
): Promise<RawSocket> {
  const query = opts.token === undefined ? '' : `?token=${encodeURIComponent(opts.token)}`
  const ws = new WebSocket(`${collabUrl(server)}/${documentId}${query}`, { headers: opts.headers })
  onTestFinished(() => ws.terminate())
  const messages: Uint8Array[] = []
  ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)))
  const closed = new Promise<{ code: number; reason: string }>((done) =>
    ws.on('close', (code, reason) => done({ code, reason: reason.toString() }))
  )
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done())
    ws.once('unexpected-response', (_req, res) => {
      fail(new UpgradeRefused(res.statusCode ?? 0))
      res.resume()
      ws.terminate()
    })
    ws.once('error', fail)
  })
  return { ws, messages, closed }
}

/** The server answered a WebSocket upgrade with an HTTP status instead of 101. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`)
    this.name = 'UpgradeRefused'
  }
}

/** The HTTP status with which the server refuses this upgrade (fails if it accepts it). */
export async function refusedUpgradeStatus(
  server: Reachable,
  documentId: string,
  opts: { token?: string; headers?: Record<string, string> } = {}
): Promise<number> {
  const error = await openRawSocket(server, documentId, opts).then(
    () => undefined,
    (err: unknown) => err
  )
  expect(error).toBeInstanceOf(UpgradeRefused)
  return (error as UpgradeRefused).status
}

/** A free TCP port of 127.0.0.1 (free when this returns; someone could still take it). */
export async function freePort(): Promise<number> {
  const probe = createNetServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((done) => probe.close(() => done()))
  return port
}

/** A server running as its own process, `npx tsx server/main.ts`. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>`, as the process printed it. */
  readonly url: string
  /** Everything the process printed so far, stdout and stderr. */
  readonly output: () => string
  /**
   * Sends `signal` to the process group, as a terminal or a service manager
   * does. (npx itself does not pass SIGTERM on: it exits and leaves the server
   * running. tsx does pass it on, once.)
   */
  readonly kill: (signal: NodeJS.Signals) => void
  /**
   * Resolves once every process of the group has let go of the output pipe,
   * i.e. the server itself has exited, with npx's exit code or signal.
   */
  readonly exited: Promise<number | NodeJS.Signals | null>
}

/**
 * Spawns the server the way it is run by hand, with `DATA_DIR`,
 * `DEMO_PASSWORD` and a free `PORT`, and waits for "Consenso listening on
 * <url>". Killed (SIGKILL to its group) when the test ends if still running.
 */
export async function startServerProcess(dataDir: string): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn('npx', ['tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a signal reaches npx, tsx and the server alike.
    detached: true
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  let done = false
  // 'close', not 'exit': npx exits at once, the server once it has stored everything.
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('close', (code, signal) => {
      done = true
      resolve(code ?? signal)
    })
  )
  const kill = (signal: NodeJS.Signals) => {
    if (child.pid !== undefined && !done) process.kill(-child.pid, signal)
  }
  onTestFinished(async () => {
    if (done) return
    try {
      kill('SIGKILL')
    } catch {
      // The group is already gone.
    }
    await exited
  })
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /Consenso listening on (\S+)/.exec(output)
      if (match) resolve(match[1] as string)
    }
    child.stdout.on('data', onData)
    void exited.then((code) => reject(new Error(`server process ended (${String(code)}) before listening:\n${output}`)))
  })
  return { url, output: () => output, kill, exited }
}

/**
 * A parsed JSON answer of the REST API. Tests read deep into bodies
 * (`body.comment.anchor.text`), so the body is left untyped on purpose.
 */
export interface ApiAnswer {
  readonly status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever the server sent
  readonly body: any
}

/** The REST API as one signed-in session sees it: each call sends the token as `Authorization: Bearer`. */
export interface ApiSession {
  readonly token: string
  get(path: string): Promise<ApiAnswer>
  post(path: string, body?: unknown): Promise<ApiAnswer>
  patch(path: string, body?: unknown): Promise<ApiAnswer>
  put(path: string, body?: unknown): Promise<ApiAnswer>
}

/** Calls the REST API with `token`; every answer, success or refusal, must be JSON. */
export function apiSession(server: Reachable, token: string): ApiSession {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    expect(res.headers.get('content-type'), `${method} ${path} answers JSON`).toMatch(/^application\/json/)
    return { status: res.status, body: await res.json() }
  }
  return {
    token,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    patch: (path, body) => call('PATCH', path, body ?? {}),
    put: (path, body) => call('PUT', path, body ?? {})
  }
}

/** Signs `username` in and returns its {@link ApiSession}. */
export async function signIn(server: Reachable, username: string): Promise<ApiSession> {
  return apiSession(server, await login(server.url, username))
}

/** The API path of a document (the demo Strategy by default), with `rest` appended. */
export const docPath = (rest = '', documentId: string = DOC) => `/api/documents/${documentId}${rest}`

/** Time zone of the demo workspace, in which comment periods open and close. */
export const WORKSPACE_TIME_ZONE = 'America/Mexico_City'

/** Today in the workspace's time zone, as the server reckons it. */
export const workspaceToday = (): IsoDate => todayIn(WORKSPACE_TIME_ZONE, new Date())

/**
 * Opens a comment period on the demo Strategy as `session` (the PPT's): from
 * today in the workspace's time zone, 5 business days. Returns the period.
 */
export async function openCommentPeriod(session: ApiSession, documentId: string = DOC) {
  const res = await session.post(docPath('/periods', documentId), { start: workspaceToday(), businessDays: 5 })
  expect(res.status, `opening a period: ${JSON.stringify(res.body)}`).toBe(201)
  return res.body.period as { id: string; start: IsoDate; deadline: IsoDate }
}

/** A W3C TextQuoteSelector for `exact`, with optional prefix, suffix or block. */
export const quoteSelector = (exact: string, more: { prefix?: string; suffix?: string; blockId?: string } = {}) => ({
  type: 'TextQuoteSelector' as const,
  exact,
  ...more
})

/**
 * Where `quote` is in a client's copy of the document: the `Y.XmlText` of the
 * one paragraph that holds it (which must be a single text run, as a
 * paragraph with marks and links but no hard break is) and its offset there.
 */
export function findQuote(doc: Y.Doc, quote: string): { text: Y.XmlText; index: number } {
  const holders = textBlocks(doc).filter((b) => b.text.includes(quote))
  expect(holders.length, `blocks holding ${JSON.stringify(quote)}`).toBe(1)
  const block = holders[0] as (typeof holders)[number]
  const [text, ...others] = block.element.toArray()
  expect(text instanceof Y.XmlText && others.length === 0, 'the block is one text run').toBe(true)
  return { text: text as Y.XmlText, index: block.text.indexOf(quote) }
}

/** One Server-Sent Event: its `event:` name and its `data:` parsed as JSON. */
export interface ServerEvent {
  readonly type: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the server sent
  readonly data: any
}

/** A subscription to a document's events and what it has received so far. */
export interface EventSubscription {
  readonly events: ServerEvent[]
  /** Ends the subscription (also done when the test ends). */
  close(): void
}

/**
 * Subscribes to `GET /api/documents/<id>/events` with `token`, reading the
 * Server-Sent Events stream by hand, and resolves once the server has
 * registered the subscription (its first `retry:` line has arrived).
 */
export async function subscribeToEvents(server: Reachable, token: string, documentId: string = DOC): Promise<EventSubscription> {
  const abort = new AbortController()
  onTestFinished(() => abort.abort())
  const res = await fetch(`${server.url}${docPath('/events', documentId)}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    signal: abort.signal
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const events: ServerEvent[] = []
  let subscribed = false
  const read = async () => {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      // Events end with a blank line; a field is `name: value`; `:` starts a comment.
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        let type = 'message'
        const data: string[] = []
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':')
          const field = colon === -1 ? line : line.slice(0, colon)
          const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
          if (field === 'retry') subscribed = true
          else if (field === 'event') type = value
          else if (field === 'data') data.push(value)
        }
        if (data.length > 0) events.push({ type, data: JSON.parse(data.join('\n')) })
      }
    }
  }
  // The stream ends when the subscription or the server does; tests judge by
  // what was received, so an ended read is no failure of its own.
  read().catch(() => {})
  await vi.waitFor(() => expect(subscribed, 'subscribed to events').toBe(true), WAIT)
  return { events, close: () => abort.abort() }
}

/** Paragraphs of one text run and more than 20 words, where a few words can be quoted (and deleted by offset). */
export function plainParagraphs(doc: Y.Doc): TextBlock[] {
  return textBlocks(doc).filter((b) => {
    const children = b.element.toArray()
    return b.element.nodeName === 'paragraph' && children.length === 1 && children[0] instanceof Y.XmlText && b.text.split(' ').length > 20
  })
}

/** The `n`th to `n + 2`th words of a block, a passage found once in it. */
export function wordsOf(block: TextBlock, n: number): string {
  const phrase = block.text.split(' ').slice(n, n + 3).join(' ')
  expect(block.text.indexOf(phrase), `«${phrase}» once in its block`).toBe(block.text.lastIndexOf(phrase))
  return phrase
}
