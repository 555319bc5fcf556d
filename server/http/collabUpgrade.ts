import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CloseCode, ConnectionLimits, ConnectionRefused, type Connection } from '../collab'
import type { ServerConfig } from '../config'
import type { Workspace } from '../Workspace'
import { credentialsOf } from './request'
import { isCrossSite } from './requireSession'

// How often the server checks that each WebSocket peer still answers.
const PING_INTERVAL_MS = 30_000

/**
 * Serves the collaboration endpoint `/collab/<documentId>` (y-websocket
 * protocol) on `server`: a WebSocket upgrade is refused with an HTTP status
 * before the handshake unless it comes from this site and its session may
 * open the document (token in `?token=`, else as for any request), and with
 * 429 when its account or its address already holds as many open
 * connections as `config.connectionLimits` allows, or its account's
 * connections were just closed for their shared budget (4430). Peers
 * that stop answering pings are dropped; the loop stops when `server` closes.
 */
export function collabUpgrade(
  server: Server,
  workspace: Workspace,
  config: Pick<ServerConfig, 'maxMessageBytes' | 'connectionLimits'>,
  /** Where an upgrade comes from, as the login throttle reckons it (`clientAddressOf`): behind a trusted proxy, the client's address. */
  addressOf: (req: IncomingMessage) => string
): void {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes })
  const limits = new ConnectionLimits(config.connectionLimits)
  const alive = new WeakSet<WebSocket>()

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = /^\/collab\/([^/]+)$/.exec(url.pathname)
    if (!match) return refuseUpgrade(socket, 404, 'no such endpoint: connect to /collab/<documentId>')
    // A page of another site must not open a socket with this site's cookie.
    if (isCrossSite(req)) return refuseUpgrade(socket, 403, 'cross-site request refused')
    const token = url.searchParams.get('token') ?? credentialsOf(req)?.token
    let documentId: string
    try {
      documentId = decodeURIComponent(match[1] as string)
    } catch {
      // A malformed escape such as %E0%A4%A: thrown here it would crash the process.
      return refuseUpgrade(socket, 404, 'no such document')
    }
    workspace.collaboration
      .authenticate({ documentId, token })
      .then((context) => {
        const address = addressOf(req)
        const restMs = workspace.collaboration.accountRefusedFor(context.account.username)
        if (restMs > 0)
          return refuseUpgrade(socket, 429, "this account's connections together sent too much; they were closed (4430): wait before connecting again", {
            'Retry-After': String(Math.ceil(restMs / 1000))
          })
        const slot = limits.admit(context.account.username, address)
        if ('refused' in slot) {
          workspace.logger.info('refusing a connection over the limits', { user: context.account.username, address, reason: slot.refused })
          return refuseUpgrade(socket, 429, slot.refused, { 'Retry-After': String(RETRY_AFTER_S) })
        }
        // Given back when the raw socket closes, whether the handshake completed or not.
        socket.once('close', () => slot.release())
        if (socket.destroyed) slot.release()
        sockets.handleUpgrade(req, socket, head, (ws) => {
          alive.add(ws)
          const connection: Connection = workspace.collaboration.connect(ws, context)
          // The session was checked before the handshake; it may have ended during it.
          workspace.access.confirm(context.sessionId).catch((err: unknown) => workspace.logger.error('session check failed', { error: String(err) }))
          ws.on('pong', () => alive.add(ws))
          // Pongs are not read while the socket is held back: it counts as alive.
          const stopReading = readInto(connection, ws, () => alive.add(ws))
          ws.on('close', () => {
            stopReading()
            workspace.collaboration.disconnect(connection)
          })
          // ws closes the socket itself on errors such as an oversized frame (1009).
          ws.on('error', (err) => workspace.logger.info('websocket error', { document: context.documentId, error: String(err) }))
        })
      })
      .catch((err: unknown) => {
        if (err instanceof ConnectionRefused) return refuseUpgrade(socket, err.httpStatus, err.message)
        workspace.logger.error('upgrade failed', { error: String(err) })
        refuseUpgrade(socket, 500, 'internal error')
      })
  })

  const ping = setInterval(() => {
    for (const ws of sockets.clients) {
      if (!alive.has(ws)) {
        ws.terminate()
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
  }, PING_INTERVAL_MS)
  server.on('close', () => clearInterval(ping))
}

// How long a socket closed while held back keeps its TCP connection, unread,
// for the close frame to reach the client before the connection is dropped.
const CLOSED_UNREAD_GRACE_MS = 1_000

// When a client refused for too many connections may try again, in seconds.
const RETRY_AFTER_S = 30

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error'
}

/**
 * Answers a raw socket that express never sees (a refused upgrade, a request
 * Node could not parse) with `status` and a JSON `{ error }`, then closes it.
 */
export function refuseUpgrade(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: message })
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body
  )
}

/**
 * Hands every binary message of `ws` to `connection`, with flood control:
 * while the connection is over its message rates the socket is paused, so
 * that TCP makes the client wait, and resumed once the rates allow (calling
 * `onResume`); once the server has closed the connection for sending too
 * much, it is read no more.
 * Returns what stops it (on close).
 */
function readInto(connection: Connection, ws: WebSocket, onResume: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let dropping = false
  // Closed by the server for sending too much: the socket is not read again.
  // Read on, the closing handshake would parse all it holds before the
  // client's close frame (a flood's backlog: megabytes of frames, 150 ms of
  // the event loop); the client has had the close frame and its code, and
  // the connection is dropped after a grace for it to arrive. Other closes
  // (a bad frame, a session ended) end with the handshake, as usual.
  const drop = () => {
    if (dropping) return
    dropping = true
    clearTimeout(timer)
    ws.pause()
    timer = setTimeout(() => ws.terminate(), CLOSED_UNREAD_GRACE_MS)
  }
  const holdBack = (waitMs: number) => {
    if (waitMs <= 0 || timer !== undefined) return
    ws.pause()
    timer = setTimeout(() => {
      timer = undefined
      if (connection.closedForFlood) return drop()
      onResume()
      // Messages that were already read when the socket paused may have added to the wait.
      if (connection.waitMs > 0) holdBack(connection.waitMs)
      else ws.resume()
    }, Math.ceil(waitMs))
  }
  ws.on('message', (data, isBinary) => {
    if (dropping) return
    if (!isBinary) connection.close(CloseCode.badMessage, 'text frames are not part of the protocol')
    else holdBack(connection.receive(toBytes(data as Buffer | ArrayBuffer | Buffer[])))
    if (connection.closedForFlood) drop()
  })
  return () => clearTimeout(timer)
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
