import { createServer, type Server } from 'node:http'
import { resolve } from 'node:path'
import express from 'express'
import type { ServerConfig } from '../config'
import type { Workspace } from '../Workspace'
import { accountRoutes } from './accountRoutes'
import { auditRoutes } from './auditRoutes'
import { collabUpgrade } from './collabUpgrade'
import { bracketRoutes } from './bracketRoutes'
import { commentRoutes } from './commentRoutes'
import { blockRoutes } from './blockRoutes'
import { markupRoutes } from './markupRoutes'
import { meetingRoutes } from './meetingRoutes'
import { documentRoutes, requireDocument } from './documentRoutes'
import { answerClientError, answerErrors, noRoute } from './errors'
import { exportRoutes } from './exportRoutes'
import { periodRoutes } from './periodRoutes'
import { refuseCrossSite, requireSession } from './requireSession'
import { securityHeaders } from './securityHeaders'
import { sessionRoutes } from './sessionRoutes'
import { settingsRoutes } from './settingsRoutes'
import { shareRoutes } from './shareRoutes'
import { silenceRoutes } from './silenceRoutes'
import { versionRoutes } from './versionRoutes'

import { clientAddressOf } from './request'

export { SESSION_COOKIE } from './request'

/**
 * The HTTP and WebSocket face of a workspace: the REST API under `/api`, the
 * collaboration endpoint `/collab/<documentId>` (y-websocket protocol), and
 * the browser app. Returns a Node HTTP server, not yet listening.
 *
 * Only composes: each resource's routes live in their own module, and the
 * order of mounting below is the order of the guards a request passes.
 */
export function createHttpServer(workspace: Workspace, config: ServerConfig): Server {
  const app = express()
  app.disable('x-powered-by')
  // Behind a trusted proxy the client's address is the one forwarded (clientAddressOf): for login throttling, the audit trail and connection limits.
  app.set('trust proxy', config.trustProxy === false || typeof config.trustProxy === 'number' ? config.trustProxy : [...config.trustProxy])
  app.use(securityHeaders(config))
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })

  const api = express.Router()
  api.use(express.json({ limit: config.maxJsonBytes }))
  // Whatever a request leads to is recorded with the address it came from.
  api.use((req, _res, next) => workspace.audit.withAddress(clientAddressOf(app, req), next))
  api.use(refuseCrossSite)
  sessionRoutes(api, workspace, config)

  // Everything below needs a live session.
  api.use(requireSession(workspace))
  accountRoutes(api, workspace, config)
  settingsRoutes(api, workspace)

  // Every route under /documents/:id also needs read access to that document.
  const document = express.Router({ mergeParams: true })
  documentRoutes({ api, document, workspace })
  api.use('/documents/:id', requireDocument(workspace), document)
  // Before commentRoutes: `GET /comments/:cid` would take "export" for a comment id.
  exportRoutes({ document, workspace })
  commentRoutes({ document, workspace })
  markupRoutes({ document, workspace })
  periodRoutes({ document, workspace })
  bracketRoutes({ document, workspace })
  meetingRoutes({ document, workspace })
  blockRoutes({ document, workspace })
  versionRoutes({ document, workspace })
  shareRoutes({ api, document, workspace })
  silenceRoutes({ document, workspace })
  auditRoutes({ api, workspace })

  api.use(noRoute)
  api.use(answerErrors({ maxJsonBytes: config.maxJsonBytes, logger: workspace.logger }))
  app.use('/api', api)

  const editorDir = resolve(config.editorDir)
  app.use(express.static(editorDir, { index: 'index.html', maxAge: 0 }))
  // The app routes by hash, so every other GET is the app itself.
  app.get(/^\/(?!api\/|collab\/).*/, (_req, res) => {
    res.sendFile(resolve(editorDir, 'index.html'))
  })

  const server = createServer(app)
  server.on('clientError', answerClientError)
  collabUpgrade(server, workspace, config, (req) => clientAddressOf(app, req))

  // Closes the sockets and streams of sessions that expired or were ended elsewhere.
  const sessionCheck = setInterval(() => {
    workspace.access.check().catch((err: unknown) => workspace.logger.error('session check failed', { error: String(err) }))
  }, config.sessionCheckMs)
  server.on('close', () => clearInterval(sessionCheck))

  return server
}
