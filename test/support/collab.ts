/**
 * Clients of the collaboration endpoint of a real server: stock y-websocket
 * providers, raw sockets, and the y-websocket messages tests send by hand.
 */
import { expect, onTestFinished, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { CONTENT_FRAGMENT } from '../../src'
import { MessageType } from '../../server'
import { appendParagraph } from './doc'
import { WAIT, type Reachable } from './server'

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

/**
 * A whole sync message, as a y-websocket client writes it: the sync type,
 * then whatever `write` puts in with a y-protocols writer. Every sync
 * message tests send (by hand or through {@link MemoryConnector}) is
 * encoded here, with y-protocols as the client's side of the wire does.
 */
export function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/** A sync step 1 message with `doc`'s state vector (empty by default: asks the server for the whole document). */
export const syncStep1Message = (doc: Y.Doc = new Y.Doc()): Uint8Array => syncMessage((encoder) => syncProtocol.writeSyncStep1(encoder, doc))

/** A sync update message carrying `update`. */
export const syncUpdateMessage = (update: Uint8Array): Uint8Array => syncMessage((encoder) => syncProtocol.writeUpdate(encoder, update))

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

/**
 * Two clients typing a paragraph each per round (`A <round>`, `B <round>`),
 * and every paragraph typed so far, for the convergence checks.
 */
export function typingOnBoth(onA: TestClient, onB: TestClient): { readonly typed: string[]; type(round: string): void } {
  const typed: string[] = []
  return {
    typed,
    type: (round) => {
      typed.push(`A ${round}`, `B ${round}`)
      appendParagraph(onA.doc, `A ${round}`)
      appendParagraph(onB.doc, `B ${round}`)
    }
  }
}
