import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { resolve } from 'node:path'
import express, { type NextFunction, type Request, type Response } from 'express'
import { WebSocketServer, type WebSocket } from 'ws'
import { z } from 'zod'
import {
  authorTitle,
  COMMENT_STATUSES,
  COUNTRIES,
  isCountryCode,
  isIsoDate,
  MAX_COMMENT_LENGTH,
  MAX_SUGGESTION_LENGTH,
  mayEditText,
  mayManageAccounts,
  ROLE_TITLES,
  schema,
  textBlocks,
  type CommentStatus,
  type CountryCode,
  type DocumentMeta,
  type ErrorBody,
  type IsoDate
} from '../../src'
import { settingsSchema, type WorkspaceSettings } from '../comments/Settings'
import { redlineHtml } from '../versions/redlineHtml'
import { DRAFT } from '../versions/Versions'
import { commentMatrix } from '../comments/commentMatrix'
import {
  commentsToCsv,
  commentsToDocx,
  CSV_MIME_TYPE,
  diffToDocx,
  DOCX_MIME_TYPE,
  importFile,
  importFormatOf,
  ImportError,
  MARKDOWN_MIME_TYPE,
  serializeMarkdown,
  versionToDocx
} from '../exchange'
import multer from 'multer'
import { Node as ProseMirrorNode } from 'prosemirror-model'
import type { StoredAccount } from '../auth/Accounts'
import type { Session } from '../auth/Sessions'
import { CloseCode, ConnectionRefused, type Connection } from '../collab'
import type { ServerConfig } from '../config'
import type { Workspace } from '../Workspace'
import { bodyOf, fileName, HttpError, requestKeyOf, SESSION_COOKIE, tokenOf, valueOf } from './request'
import { shareRoutes } from './shareRoutes'
import { isCrossSite, sessionRoutes } from './sessionRoutes'
import { auditRoutes } from './auditRoutes'
import { actorOf } from '../audit'

export { SESSION_COOKIE }

// How often the server checks that each WebSocket peer still answers.
const PING_INTERVAL_MS = 30_000



const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
const isoDate = z.string().refine(isIsoDate, 'dates are written YYYY-MM-DD') as unknown as z.ZodType<IsoDate>
const countryCode = z.string().refine(isCountryCode, 'not the ISO code of a member country') as unknown as z.ZodType<CountryCode>

const quoteSelector = z
  .object({
    type: z.literal('TextQuoteSelector'),
    exact: z.string().max(MAX_SUGGESTION_LENGTH),
    prefix: z.string().max(500).optional(),
    suffix: z.string().max(500).optional(),
    blockId: z.string().max(40).optional()
  })
  .strict()

// Input bodies drop fields they do not define: a client's "country", "author"
// or "createdAt" is ignored, never trusted (the session decides them).
const newCommentBody = z.object({
  body: text(MAX_COMMENT_LENGTH),
  anchor: quoteSelector,
  suggestion: z.object({ text: z.string().max(MAX_SUGGESTION_LENGTH) }).optional()
})
const replyBody = z.object({ body: text(MAX_COMMENT_LENGTH) })
const statusBody = z.object({
  status: z.enum(COMMENT_STATUSES as [CommentStatus, ...CommentStatus[]]),
  answer: text(MAX_COMMENT_LENGTH).optional()
})
const decideAllBody = z.object({ country: countryCode, outcome: z.enum(['accept', 'reject']) }).strict()
const deadlineRule = z.union([
  z.object({ businessDays: z.number().int() }).strict(),
  z.object({ deadline: isoDate }).strict()
])
const newPeriodBody = z.union([
  z.object({ start: isoDate, businessDays: z.number().int() }).strict(),
  z.object({ start: isoDate, deadline: isoDate }).strict()
])
const periodChangeBody = z.union([deadlineRule, z.object({ closed: z.literal(true) }).strict()])
const newVersionBody = z.object({ name: text(200) })
const diffQuery = z.object({
  from: z.string().min(1, 'from names a version'),
  to: z.string().min(1, 'to names a version or "draft"'),
  format: z.enum(['json', 'html']).optional()
})
const exportQuery = (formats: [string, ...string[]]) => z.object({ format: z.enum(formats), lang: z.enum(['es', 'en']).optional() })
const diffExportQuery = z.object({ from: z.string().min(1), to: z.string().min(1), format: z.literal('docx') })
const newDocumentBody = z.object({ title: text(200) })

/** Largest file accepted for import. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024

const IMPORT_STATUS = { unsupported_format: 415, too_large: 413, malformed: 422, empty: 422 } as const

const commentQuery = z.object({
  country: countryCode.optional(),
  status: z.enum(COMMENT_STATUSES as [CommentStatus, ...CommentStatus[]]).optional()
})


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
      'X-Frame-Options': 'DENY',
      // The app holds confidential drafts: no shared cache keeps an answer.
      'Cache-Control': 'no-store'
    })
    // Only when the deployment says it is served over HTTPS (behind a proxy
    // that terminates TLS): a browser then refuses plain HTTP for a year.
    if (config.sessions.secureCookie) res.set('Strict-Transport-Security', 'max-age=31536000')
    next()
  })

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })

  const api = express.Router()
  api.use(express.json({ limit: config.maxJsonBytes }))
  // Whatever a request leads to is recorded with the address it came from.
  api.use((req, _res, next) => workspace.audit.withAddress(req.ip, next))
  // Uploads stay in memory: they are read once, converted and dropped.
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 4096 } })

  // Refuses an upload from a role that may not edit before it is received or
  // converted: reading and converting a file costs memory and time, and a
  // refusal must not depend on what the file holds. The workspace checks again.
  const editorsOnly = (_req: Request, res: Response, next: NextFunction) => {
    const account = res.locals.account as StoredAccount
    if (!mayEditText(account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat upload documents')
    next()
  }

  /** The uploaded file as a document, or an HTTP error saying why it is refused. */
  async function uploadedDocument(req: Request): Promise<ProseMirrorNode> {
    const file = req.file
    if (!file) throw new HttpError(400, 'send the file as multipart/form-data in a field named "file"')
    try {
      return await importFile(new Uint8Array(file.buffer), file.originalname, file.mimetype)
    } catch (err) {
      if (err instanceof ImportError) throw new HttpError(IMPORT_STATUS[err.failure], err.message, `import_${err.failure}`, { file: file.originalname })
      throw err
    }
  }

  sessionRoutes(api, workspace, config)

  api.post('/documents', editorsOnly, upload.single('file'), async (req, res) => {
    const { title } = bodyOf(req, newDocumentBody)
    const doc = await uploadedDocument(req)
    const name = req.file?.originalname ?? 'upload'
    const source = { file: name, format: importFormatOf(name, req.file?.mimetype) ?? 'unknown' }
    res.status(201).json({ document: valueOf(await workspace.createDocument(res.locals.account as StoredAccount, title, doc, source)) })
  })

  api.get('/documents', async (_req, res) => {
    const account = res.locals.account as StoredAccount
    const documents = await workspace.documentsFor(account)
    res.json({ documents: documents.map((d) => ({ ...d, mayEdit: mayEditText(account.role) })) })
  })

  api.get('/settings', async (_req, res) => {
    res.json({ settings: await workspace.settings.load() })
  })

  api.put('/settings', async (req, res) => {
    const account = res.locals.account as StoredAccount
    if (!mayManageAccounts(account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat change the workspace settings')
    const settings = bodyOf(req, settingsSchema) as WorkspaceSettings
    res.json({ settings: valueOf(await workspace.settings.change(account, settings)) })
  })

  // Every route under /documents/:id needs read access to that document.
  const documentRoutes = express.Router({ mergeParams: true })
  api.use('/documents/:id', async (req, res, next) => {
    const account = res.locals.account as StoredAccount
    const opened = await workspace.openDocument(account, String(req.params.id))
    if ('failed' in opened)
      throw opened.failed === 'missing'
        ? new HttpError(404, `no document ${req.params.id}`)
        : new HttpError(403, `the ${account.role} role may not open this document`)
    res.locals.document = opened.meta
    next()
  }, documentRoutes)

  const docOf = (res: Response) => (res.locals.document as DocumentMeta).id
  const accountOf = (res: Response) => res.locals.account as StoredAccount

  documentRoutes.get('/', (_req, res) => {
    res.json({ document: { ...(res.locals.document as DocumentMeta), mayEdit: mayEditText(accountOf(res).role) } })
  })

  documentRoutes.put('/content', editorsOnly, upload.single('file'), async (req, res) => {
    const doc = await uploadedDocument(req)
    valueOf(await workspace.replaceDocumentContent(accountOf(res), docOf(res), doc, req.file?.originalname ?? 'upload'))
    res.json({ ok: true })
  })

  documentRoutes.get('/comments/export', async (req, res) => {
    const parsed = exportQuery(['csv', 'docx']).safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, 'format must be csv or docx')
    const language = parsed.data.lang ?? 'es'
    const meta = res.locals.document as DocumentMeta
    const comments = await workspace.comments.list(meta.id)
    const numbers = await workspace.collaboration.withDocument(meta.id, (doc) => new Map(textBlocks(doc).map((b, i) => [b.id as string, i + 1])))
    const rows = commentMatrix(comments, numbers, language)
    const name = fileName(`${meta.title} - ${language === 'es' ? 'matriz de comentarios' : 'comment matrix'}`, parsed.data.format)
    const file =
      parsed.data.format === 'csv'
        ? commentsToCsv(rows, { language })
        : Buffer.from(await commentsToDocx(rows, { title: meta.title, language, author: authorTitle(accountOf(res)) }))
    await workspace.audit.record({
      action: 'export.comments',
      actor: actorOf(accountOf(res)),
      target: { document: meta.id },
      details: { format: parsed.data.format, lang: language, comments: rows.length }
    })
    res.attachment(name)
    res.type(parsed.data.format === 'csv' ? CSV_MIME_TYPE : DOCX_MIME_TYPE).send(file)
  })

  documentRoutes.get('/comments', async (req, res) => {
    const parsed = commentQuery.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, `invalid filter: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`)
    res.json({ comments: await workspace.comments.list(docOf(res), parsed.data) })
  })

  documentRoutes.post('/comments', async (req, res) => {
    const input = bodyOf(req, newCommentBody)
    res.status(201).json({ comment: valueOf(await workspace.comments.create(accountOf(res), docOf(res), input, requestKeyOf(req))) })
  })

  documentRoutes.post('/proposals/decide', async (req, res) => {
    const { country, outcome } = bodyOf(req, decideAllBody)
    const results = valueOf(await workspace.comments.decideAll(accountOf(res), docOf(res), country, outcome === 'accept' ? 'accepted' : 'rejected'))
    res.json({
      results: results.map((r) => ('failed' in r.result ? { id: r.id, error: r.result.failed.message } : { id: r.id, comment: r.result.ok }))
    })
  })

  documentRoutes.get('/comments/:cid', async (req, res) => {
    res.json({ comment: valueOf(await workspace.comments.get(docOf(res), String(req.params.cid))) })
  })

  documentRoutes.post('/comments/:cid/replies', async (req, res) => {
    const { body } = bodyOf(req, replyBody)
    res.status(201).json({ comment: valueOf(await workspace.comments.reply(accountOf(res), docOf(res), String(req.params.cid), body, requestKeyOf(req))) })
  })

  documentRoutes.patch('/comments/:cid', async (req, res) => {
    const { status, answer } = bodyOf(req, statusBody)
    res.json({ comment: valueOf(await workspace.comments.setStatus(accountOf(res), docOf(res), String(req.params.cid), status, answer)) })
  })

  for (const [path, outcome] of [['accept', 'accepted'], ['reject', 'rejected']] as const)
    documentRoutes.post(`/comments/:cid/${path}`, async (req, res) => {
      res.json({ comment: valueOf(await workspace.comments.decide(accountOf(res), docOf(res), String(req.params.cid), outcome)) })
    })

  documentRoutes.get('/periods', async (_req, res) => {
    res.json(await workspace.periods.view(docOf(res)))
  })

  documentRoutes.post('/periods', async (req, res) => {
    const { start, ...rule } = bodyOf(req, newPeriodBody)
    res.status(201).json({ period: valueOf(await workspace.periods.open(accountOf(res), docOf(res), start, rule, requestKeyOf(req))) })
  })

  documentRoutes.patch('/periods/:pid', async (req, res) => {
    const change = bodyOf(req, periodChangeBody)
    res.json({ period: valueOf(await workspace.periods.change(accountOf(res), docOf(res), String(req.params.pid), change)) })
  })

  documentRoutes.get('/versions', async (_req, res) => {
    res.json({ versions: await workspace.versions.list(docOf(res)) })
  })

  documentRoutes.post('/versions', async (req, res) => {
    const { name } = bodyOf(req, newVersionBody)
    res.status(201).json({ version: valueOf(await workspace.versions.publish(accountOf(res), docOf(res), name, requestKeyOf(req))) })
  })

  documentRoutes.get('/versions/:vid', async (req, res) => {
    res.json({ version: valueOf(await workspace.versions.get(docOf(res), String(req.params.vid))) })
  })

  documentRoutes.get('/versions/:vid/export', async (req, res) => {
    const parsed = exportQuery(['docx', 'md']).safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, 'format must be docx or md')
    const meta = res.locals.document as DocumentMeta
    const version = valueOf(await workspace.versions.get(meta.id, String(req.params.vid)))
    const doc = ProseMirrorNode.fromJSON(schema, version.content)
    const file =
      parsed.data.format === 'md'
        ? serializeMarkdown(doc)
        : Buffer.from(
            await versionToDocx(doc, { title: meta.title, versionName: version.name, createdAt: version.createdAt, author: authorTitle(version.author) })
          )
    await workspace.audit.record({
      action: 'export.version',
      actor: actorOf(accountOf(res)),
      target: { document: meta.id, version: version.id },
      details: { format: parsed.data.format, name: version.name }
    })
    res.attachment(fileName(`${meta.title} - ${version.name}`, parsed.data.format))
    res.type(parsed.data.format === 'md' ? MARKDOWN_MIME_TYPE : DOCX_MIME_TYPE).send(file)
  })

  documentRoutes.get('/diff/export', async (req, res) => {
    const parsed = diffExportQuery.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, 'give from, to and format=docx')
    const meta = res.locals.document as DocumentMeta
    const { diff, from, to } = valueOf(await workspace.versions.compare(meta.id, parsed.data.from, parsed.data.to))
    const attribution = new Map<string, string>()
    for (const block of diff.blocks)
      for (const p of block.proposals ?? [])
        if (block.blockId) attribution.set(block.blockId, COUNTRIES.find((c) => c.code === p.country)?.name.es ?? 'PPT')
    // The changes no proposal brought are those of whoever published the newer
    // version; the live draft's are not recorded one by one, and the Presidency holds its pen.
    const newer = diff.to.id === DRAFT ? undefined : valueOf(await workspace.versions.get(meta.id, parsed.data.to))
    const author = newer ? authorTitle(newer.author) : ROLE_TITLES.ppt
    const bytes = await diffToDocx(
      diff,
      { title: meta.title, fromName: diff.from.name, toName: diff.to.name, date: diff.to.createdAt, author },
      { versions: { from, to }, attribution }
    )
    await workspace.audit.record({
      action: 'export.diff',
      actor: actorOf(accountOf(res)),
      target: { document: meta.id },
      details: { format: parsed.data.format, from: diff.from.id, to: diff.to.id, fromName: diff.from.name, toName: diff.to.name }
    })
    res.attachment(fileName(`${meta.title} - ${diff.from.name} a ${diff.to.name}`, 'docx'))
    res.type(DOCX_MIME_TYPE).send(Buffer.from(bytes))
  })

  documentRoutes.post('/versions/:vid/restore', async (req, res) => {
    valueOf(await workspace.versions.startDraftFrom(accountOf(res), docOf(res), String(req.params.vid)))
    res.json({ ok: true })
  })

  documentRoutes.get('/diff', async (req, res) => {
    const parsed = diffQuery.safeParse(req.query)
    if (!parsed.success) throw new HttpError(400, `invalid comparison: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`)
    const { from, to, format } = parsed.data
    const diff = valueOf(await workspace.versions.diff(docOf(res), from, to))
    if (format === 'html') {
      // The page carries its own inline style and no script at all.
      res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
      res.type('html').send(redlineHtml(diff, (res.locals.document as DocumentMeta).title))
      return
    }
    res.json(diff)
  })

  // Comments and periods as they change, as Server-Sent Events.
  documentRoutes.get('/events', (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive'
    })
    res.write('retry: 2000\n\n')
    const unsubscribe = workspace.events.subscribe(docOf(res), (event) => {
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`)
    })
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000)
    let stopped = false
    const stop = () => {
      if (stopped) return
      stopped = true
      unsubscribe()
      clearInterval(keepAlive)
      unwatch()
    }
    // The stream lives no longer than its session (logout, account disabled, expiry).
    const unwatch = workspace.access.watch.watch(res.locals.session as Session, () => {
      stop()
      res.end()
    })
    req.on('close', stop)
  })

  shareRoutes({ api, documentRoutes, workspace })
  auditRoutes({ api, workspace })

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
    if (err instanceof multer.MulterError)
      return void res
        .status(err.code === 'LIMIT_FILE_SIZE' ? 413 : 400)
        .json(
          err.code === 'LIMIT_FILE_SIZE'
            ? ({
                error: `the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`,
                code: 'upload_too_large',
                values: { mebibytes: String(MAX_UPLOAD_BYTES / 1024 / 1024) }
              } satisfies ErrorBody)
            : ({ error: `upload refused: ${err.message}` } satisfies ErrorBody)
        )
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
    const { code, values } = err instanceof HttpError ? err : {}
    res.status(status).json({ error: message, ...(code === undefined ? {} : { code }), ...(values === undefined ? {} : { values }) } satisfies ErrorBody)
  })

  app.use('/api', api)

  const editorDir = resolve(config.editorDir)
  app.use(express.static(editorDir, { index: 'index.html', maxAge: 0 }))
  // The app routes by hash, so every other GET is the app itself.
  app.get(/^\/(?!api\/|collab\/).*/, (_req, res) => {
    res.sendFile(resolve(editorDir, 'index.html'))
  })

  const server = createServer(app)
  // What Node refuses before express sees it (a URL or headers over 16 KiB,
  // broken HTTP) is answered as JSON `{ error }` too, like every other refusal.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent
    if (err.code === 'ECONNRESET' || !socket.writable || answering) return void socket.destroy()
    if (err.code === 'HPE_HEADER_OVERFLOW') return refuseUpgrade(socket, 431, 'the request line or headers are larger than the server accepts')
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return refuseUpgrade(socket, 408, 'the request took too long to arrive')
    refuseUpgrade(socket, 400, 'malformed HTTP request')
  })
  const sockets = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes })
  const alive = new WeakSet<WebSocket>()

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = /^\/collab\/([^/]+)$/.exec(url.pathname)
    if (!match) return refuseUpgrade(socket, 404, 'no such endpoint: connect to /collab/<documentId>')
    // A page of another site must not open a socket with this site's cookie.
    if (isCrossSite(req)) return refuseUpgrade(socket, 403, 'cross-site request refused')
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

  // Closes the sockets and streams of sessions that expired or were ended elsewhere.
  const sessionCheck = setInterval(() => {
    workspace.access.check().catch((err: unknown) => workspace.logger.error('session check failed', { error: String(err) }))
  }, config.sessionCheckMs)
  server.on('close', () => clearInterval(sessionCheck))

  return server
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error'
}

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

/**
 * Hands every binary message of `ws` to `connection`, with flood control:
 * while the connection is over its message rates the socket is paused, so
 * that TCP makes the client wait, and resumed once the rates allow (calling
 * `onResume`). Returns what stops it (on close).
 */
function readInto(connection: Connection, ws: WebSocket, onResume: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const holdBack = (waitMs: number) => {
    if (waitMs <= 0 || timer !== undefined) return
    ws.pause()
    timer = setTimeout(() => {
      timer = undefined
      onResume()
      // Messages that were already read when the socket paused may have added to the wait.
      if (connection.waitMs > 0) holdBack(connection.waitMs)
      else ws.resume()
    }, Math.ceil(waitMs))
  }
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return connection.close(CloseCode.badMessage, 'text frames are not part of the protocol')
    holdBack(connection.receive(toBytes(data as Buffer | ArrayBuffer | Buffer[])))
  })
  return () => clearTimeout(timer)
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
