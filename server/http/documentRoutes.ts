import { randomUUID } from 'node:crypto'
import type { NextFunction, Request, Response, Router } from 'express'
import { z } from 'zod'
import { mayEditText } from '../../src'
import { importFormatOf } from '../exchange'
import type { Workspace } from '../Workspace'
import { text } from './fields'
import { documentOf, localsOf, signedInOf } from './locals'
import { bodyOf, HttpError, valueOf } from './request'
import { admitUpload, editorsOnly, upload, uploadedDocument } from './uploads'

const newDocumentBody = z.object({ title: text(200) })

// How often an idle event stream says it is still there, so that proxies keep it open.
const KEEP_ALIVE_MS = 25_000

/**
 * The guard of every route under `/documents/:id`: 403 for a role that may
 * not read documents, whether or not this one exists, then 404 for a document that does not exist. Leaves the document
 * for the routes after it (read with `documentOf`). Needs `requireSession` before it.
 */
export function requireDocument(workspace: Workspace) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { account } = signedInOf(res)
    const opened = await workspace.openDocument(account, String(req.params.id))
    if ('failed' in opened)
      throw opened.failed === 'missing'
        ? new HttpError(404, `no document ${req.params.id}`)
        : new HttpError(403, `the ${account.role} role may not open this document`)
    localsOf(res).document = opened.meta
    next()
  }
}

/**
 * The routes of documents themselves.
 *
 * Under `/api` (`api`, behind `requireSession`):
 * - `POST /documents` multipart `{ title, file }` → 201 `{ document, leftOut }`, imported from the file (Presidency, Secretariat)
 * - `GET /documents` → `{ documents }` the caller may read, each with `mayEdit`
 *
 * Under `/api/documents/:id` (`document`, behind {@link requireDocument}):
 * - `GET /` → `{ document }` with `mayEdit`
 * - `PUT /content` multipart `{ file }` → `{ ok, leftOut }`, the text replaced by the file's (Presidency, Secretariat);
 *   `leftOut` lists what of the file the text does not hold (pictures not kept), as `POST /documents` does
 * - `GET /events` → comments and periods as they change, as Server-Sent Events, for as long as the session lives
 */
export function documentRoutes({ api, document, workspace }: { api: Router; document: Router; workspace: Workspace }): void {
  api.post('/documents', editorsOnly, admitUpload(workspace.work), upload.single('file'), async (req, res) => {
    const { title } = bodyOf(req, newDocumentBody)
    const { doc, leftOut } = await uploadedDocument(req, workspace.work, signedInOf(res).account.username, workspace.maxImportBlocks)
    const name = req.file?.originalname ?? 'upload'
    const source = { file: name, format: importFormatOf(name, req.file?.mimetype) ?? 'unknown' }
    res.status(201).json({ document: valueOf(await workspace.createDocument(signedInOf(res).account, title, doc, source)), leftOut })
  })

  api.get('/documents', async (_req, res) => {
    const { account } = signedInOf(res)
    const documents = await workspace.documentsFor(account)
    res.json({ documents: documents.map((d) => ({ ...d, mayEdit: mayEditText(account.role) })) })
  })

  document.get('/', (_req, res) => {
    res.json({ document: { ...documentOf(res), mayEdit: mayEditText(signedInOf(res).account.role) } })
  })

  document.put('/content', editorsOnly, admitUpload(workspace.work), upload.single('file'), async (req, res) => {
    const { doc, leftOut } = await uploadedDocument(req, workspace.work, signedInOf(res).account.username, workspace.maxImportBlocks)
    valueOf(await workspace.replaceDocumentContent(signedInOf(res).account, documentOf(res).id, doc, req.file?.originalname ?? 'upload'))
    res.json({ ok: true, leftOut })
  })

  // The open event streams, by id: the app ends its own when it leaves a
  // document, so that the request completes instead of being aborted.
  const streams = new Map<string, { readonly sessionId: string; readonly end: () => void }>()

  document.get('/events', (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-store as on the rest of the API: no cache keeps what a stream said; no-transform keeps proxies from buffering it.
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive'
    })
    const streamId = randomUUID()
    res.write(`retry: 2000\n\nevent: stream\ndata: ${JSON.stringify({ id: streamId })}\n\n`)
    const unsubscribe = workspace.events.subscribe(
      documentOf(res).id,
      (event) => {
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`)
      },
      // Events of other processes were lost: ended, the stream is opened again by the
      // browser's EventSource, whose panels read comments, brackets and meetings anew on opening.
      () => {
        stop()
        res.end()
      }
    )
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS)
    let stopped = false
    const stop = () => {
      if (stopped) return
      stopped = true
      unsubscribe()
      clearInterval(keepAlive)
      unwatch()
      streams.delete(streamId)
    }
    streams.set(streamId, {
      sessionId: signedInOf(res).session.id,
      end: () => {
        stop()
        res.end()
      }
    })
    // The stream lives no longer than its session (logout, account disabled, expiry).
    const unwatch = workspace.access.watch.watch(signedInOf(res).session, () => {
      stop()
      res.end()
    })
    req.on('close', stop)
  })

  // Ends one of the caller's own streams (named by its `stream` event); any other id is unknown to it.
  document.delete('/events/:sid', (req, res) => {
    const stream = streams.get(String(req.params.sid))
    if (!stream || stream.sessionId !== signedInOf(res).session.id) throw new HttpError(404, 'no such event stream of this session')
    stream.end()
    res.json({ ok: true })
  })
}
