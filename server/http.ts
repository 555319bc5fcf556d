import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { resolve } from 'node:path'
import express, { type NextFunction, type Request, type Response } from 'express'
import { parse as parseCookie, serialize as serializeCookie } from 'cookie'
import { WebSocketServer, type WebSocket } from 'ws'
import { z } from 'zod'
import { mayEditText, type Account } from '../src'
import { publicAccount, type StoredAccount } from './auth/Accounts'
import { CloseCode, ConnectionRefused, type Connection } from './collab'
import type { ServerConfig } from './config'
import type { Workspace } from './Workspace'

/** Name of the session cookie. */
export const SESSION_COOKIE = 'consenso_session'

// How often the server checks that each WebSocket peer still answers.
const PING_INTERVAL_MS = 30_000

/** A request error with its HTTP status; the error handler answers `{ error }`. */
class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

const loginBody = z.object({ username: z.string().max(100), password: z.string().max(1000) }).strict()

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice(7).trim()
  return req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined
}

/** Validates a JSON body against `schema`, or fails with 400 and the first problem. */
function bodyOf<T>(req: Request, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(req.body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new HttpError(400, `invalid request body${issue ? `: ${issue.path.join('.') || 'body'}: ${issue.message}` : ''}`)
  }
  return parsed.data
}

const userView = (account: Account) => ({ ...publicAccount(account), mayEdit: mayEditText(account.role) })

/**
 * The HTTP and WebSocket face of a workspace: the REST API under `/api`, the
 * collaboration endpoint `/collab/<documentId>` (y-websocket protocol), and
 * the browser app. Returns a Node HTTP server, not yet listening.
 */
export function createHttpServer(workspace: Workspace, config: ServerConfig): Server {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)

  app.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY'
    })
    next()
  })

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })

  const api = express.Router()
  api.use(express.json({ limit: config.maxJsonBytes }))

  const cookieOptions = {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: config.sessions.secureCookie,
    path: '/'
  }

  api.post('/login', async (req, res) => {
    const { username, password } = bodyOf(req, loginBody)
    const account = await workspace.accounts.authenticate(username, password)
    if (!account) throw new HttpError(401, 'wrong username or password')
    const { token } = await workspace.sessions.open(account.username)
    res.setHeader(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: Math.floor(config.sessions.absoluteMs / 1000) })
    )
    res.json({ token, user: userView(account) })
  })

  api.post('/logout', async (req, res) => {
    await workspace.sessions.close(tokenOf(req))
    res.setHeader('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { ...cookieOptions, maxAge: 0 }))
    res.json({ ok: true })
  })

  // Everything below needs a live session.
  api.use(async (req, res, next) => {
    const account = await workspace.accountOfToken(tokenOf(req))
    if (!account) throw new HttpError(401, 'sign in first: no valid session')
    res.locals.account = account
    next()
  })

  api.get('/me', (_req, res) => {
    res.json({ user: userView(res.locals.account as StoredAccount) })
  })

  api.get('/documents', async (_req, res) => {
    const account = res.locals.account as StoredAccount
    const documents = await workspace.documentsFor(account)
    res.json({ documents: documents.map((d) => ({ ...d, mayEdit: mayEditText(account.role) })) })
  })

  api.get('/documents/:id', async (req, res) => {
    const account = res.locals.account as StoredAccount
    const opened = await workspace.openDocument(account, String(req.params.id))
    if ('failed' in opened)
      throw opened.failed === 'missing'
        ? new HttpError(404, `no document ${req.params.id}`)
        : new HttpError(403, `the ${account.role} role may not open this document`)
    res.json({ document: { ...opened.meta, mayEdit: mayEditText(account.role) } })
  })

  api.use((req, _res) => {
    throw new HttpError(404, `no route ${req.method} ${req.originalUrl}`)
  })

  api.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status =
      err instanceof HttpError
        ? err.status
        : typeof (err as { status?: unknown }).status === 'number'
          ? (err as { status: number }).status
          : 500
    const type = (err as { type?: string }).type
    const message =
      err instanceof HttpError
        ? err.message
        : type === 'entity.parse.failed'
          ? 'malformed JSON in the request body'
          : type === 'entity.too.large'
            ? `request body larger than ${config.maxJsonBytes}`
            : status < 500
              ? (err as Error).message
              : 'internal error'
    if (status >= 500) workspace.logger.error('request failed', { method: req.method, url: req.originalUrl, error: String(err) })
    res.status(status).json({ error: message })
  })

  app.use('/api', api)

  const editorDir = resolve(config.editorDir)
  app.use(express.static(editorDir, { index: 'index.html', maxAge: 0 }))
  // The app routes by hash, so every other GET is the app itself.
  app.get(/^\/(?!api\/|collab\/).*/, (_req, res) => {
    res.sendFile(resolve(editorDir, 'index.html'))
  })

  const server = createServer(app)
  const sockets = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes })
  const alive = new WeakSet<WebSocket>()

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = /^\/collab\/([^/]+)$/.exec(url.pathname)
    if (!match) return refuseUpgrade(socket, 404, 'no such endpoint: connect to /collab/<documentId>')
    const token = url.searchParams.get('token') ?? tokenOf(req)
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
        sockets.handleUpgrade(req, socket, head, (ws) => {
          alive.add(ws)
          const connection: Connection = workspace.collaboration.connect(ws, context)
          ws.on('pong', () => alive.add(ws))
          ws.on('message', (data, isBinary) => {
            if (!isBinary) return connection.close(CloseCode.badMessage, 'text frames are not part of the protocol')
            connection.receive(toBytes(data))
          })
          ws.on('close', () => workspace.collaboration.disconnect(connection))
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

  return server
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message })
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body
  )
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
