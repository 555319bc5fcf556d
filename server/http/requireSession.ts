import type { IncomingMessage } from 'node:http'
import type { NextFunction, Request, Response } from 'express'
import { isCsrfTokenOf } from '../auth/Sessions'
import type { Workspace } from '../Workspace'
import { CSRF_HEADER } from '../../src'
import { localsOf } from './locals'
import { credentialsOf, HttpError } from './request'

// Methods that only read: everything else changes something.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a request comes from a page of another site: it carries an
 * `Origin` whose host (and port) differs from the `Host` it was sent to, or
 * an opaque origin (`null`). A request without `Origin` is not: browsers send
 * one with every state-changing request and every WebSocket, and other
 * clients (scripts, tests) carry no ambient credentials to abuse.
 */
export function isCrossSite(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return false
  try {
    const from = new URL(origin)
    // Read Host with the origin's scheme, so default ports compare alike.
    const to = new URL(`${from.protocol}//${req.headers.host ?? ''}`)
    return !(from.protocol === 'http:' || from.protocol === 'https:') || from.host !== to.host
  } catch {
    return true
  }
}

/**
 * Refuses (403) a state-changing request from another site's page (see
 * {@link isCrossSite}), whether or not it is signed in: login included, so a
 * page elsewhere cannot sign a browser in to an account of its choosing.
 */
export function refuseCrossSite(req: Request, _res: Response, next: NextFunction): void {
  if (!SAFE_METHODS.has(req.method) && isCrossSite(req)) throw new HttpError(403, 'cross-site request refused')
  next()
}

/**
 * The guard of every route that needs a live session: 401 without one. A
 * state-changing request that proves its session by the cookie must also
 * carry the session's anti-CSRF token in {@link CSRF_HEADER} (the one
 * `/login` and `/me` answer), since a browser sends cookies on its own;
 * `Authorization: Bearer` is exempt, as no browser adds it by itself.
 *
 * Leaves the session for the routes after it (read with `signedInOf`).
 */
export function requireSession(workspace: Workspace) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const credentials = credentialsOf(req)
    const signedIn = await workspace.access.signedIn(credentials?.token)
    if (!credentials || !signedIn) throw new HttpError(401, 'sign in first: no valid session')
    if (credentials.via === 'cookie' && !SAFE_METHODS.has(req.method)) requireCsrfToken(req, credentials.token)
    localsOf(res).signedIn = { ...signedIn, token: credentials.token }
    next()
  }
}

/** Refuses (403) a request whose anti-CSRF header is not that of the session `token`. */
export function requireCsrfToken(req: IncomingMessage, token: string): void {
  const header = req.headers[CSRF_HEADER.toLowerCase()]
  if (!isCsrfTokenOf(token, typeof header === 'string' ? header : undefined))
    throw new HttpError(403, `missing or wrong ${CSRF_HEADER} header: send the csrfToken of /api/login or /api/me`)
}
