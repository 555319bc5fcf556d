import type { IncomingMessage } from 'node:http'
import type { NextFunction, Request, Response, Router } from 'express'
import { parse as parseCookie, serialize as serializeCookie } from 'cookie'
import { z } from 'zod'
import { CSRF_HEADER, isCountryCode, mayEditText, mayManageAccounts, ROLES, type Account, type CountryCode, type Role, type SessionView, type User } from '../../src'
import { publicAccount, type StoredAccount } from '../auth/Accounts'
import { csrfTokenOf, isCsrfTokenOf, type Session } from '../auth/Sessions'
import type { ServerConfig } from '../config'
import type { Workspace } from '../Workspace'
import { bodyOf, HttpError, SESSION_COOKIE, valueOf } from './request'

/** Header in which a browser sends its session's anti-CSRF token. */
const loginBody = z.object({ username: z.string().max(100), password: z.string().max(1000) }).strict()
const countryCode = z.string().refine(isCountryCode, 'not the ISO code of a member country') as unknown as z.ZodType<CountryCode>
const newUserBody = z
  .object({
    username: z.string().max(40),
    password: z.string().max(200),
    name: z.string().max(120).optional(),
    role: z.enum(ROLES as [Role, ...Role[]]),
    country: countryCode.nullable().optional()
  })
  .strict()
const accountChangeBody = z.object({ disabled: z.boolean() }).strict()

const userView = (account: Account): User => ({ ...publicAccount(account), mayEdit: mayEditText(account.role) })

// What a signed-in app is told about its session: who, the anti-CSRF token,
// and the workspace's time zone, in which the app shows every time.
async function sessionView(workspace: Workspace, account: Account, token: string): Promise<SessionView> {
  return { user: userView(account), csrfToken: csrfTokenOf(token), timeZone: (await workspace.settings.load()).timeZone }
}

// Methods that only read: everything else changes something.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** How a request proves its session: the token, and whether it came as ambient cookie or explicit header. */
interface Credentials {
  readonly token: string
  readonly via: 'bearer' | 'cookie'
}

function credentialsOf(req: IncomingMessage): Credentials | undefined {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), via: 'bearer' }
  const cookie = req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined
  return cookie ? { token: cookie, via: 'cookie' } : undefined
}

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

/** The account, session and token of a signed-in request (set by the middleware of {@link sessionRoutes}). */
export const signedInOf = (res: Response) => ({
  account: res.locals.account as StoredAccount,
  session: res.locals.session as Session,
  token: res.locals.token as string
})

/**
 * The routes of signing in and out and of accounts, and the guard every
 * later route of `api` sits behind:
 *
 * - a state-changing request from another site's page (see {@link isCrossSite}) is refused, login included;
 * - `POST /login` (throttled), `POST /logout`;
 * - `GET /session`: `{ user: null }` when signed out, as `/me` answers otherwise;
 * - then a live session is required; a state-changing request that proves it
 *   by the cookie must also carry the session's anti-CSRF token in
 *   {@link CSRF_HEADER} (the one `/login` and `/me` answer), since a browser
 *   sends cookies on its own; `Authorization: Bearer` is exempt, as no
 *   browser adds it by itself;
 * - `GET /me` (`{ user, csrfToken, timeZone }`, as `/login` answers beside the token), `POST /logout/everywhere`, `GET|POST /users`, `PATCH /users/:username`.
 *
 * Sets `res.locals.account`, `res.locals.session` and `res.locals.token` for the routes after it.
 */
export function sessionRoutes(api: Router, workspace: Workspace, config: ServerConfig): void {
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: config.sessions.secureCookie,
    path: '/'
  }
  const clearCookie = (res: Response) => res.setHeader('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { ...cookieOptions, maxAge: 0 }))
  // Where a login comes from, for its throttle (`trust proxy` is off: the peer's address).
  const addressOf = (req: Request) => req.ip

  api.use((req, _res, next) => {
    if (!SAFE_METHODS.has(req.method) && isCrossSite(req)) throw new HttpError(403, 'cross-site request refused')
    next()
  })

  api.post('/login', async (req, res) => {
    const { username, password } = bodyOf(req, loginBody)
    const result = await workspace.access.login(username, password, addressOf(req))
    if ('failed' in result) {
      if (result.failed === 'credentials') throw new HttpError(401, 'wrong username or password')
      const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000))
      res.setHeader('Retry-After', String(seconds))
      throw new HttpError(429, `too many failed logins: try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}`)
    }
    const { account, token } = result.ok
    res.setHeader(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: Math.floor(config.sessions.absoluteMs / 1000) })
    )
    res.json({ token, ...(await sessionView(workspace, account, token)) })
  })

  api.post('/logout', async (req, res) => {
    const credentials = credentialsOf(req)
    if (credentials?.via === 'cookie') requireCsrfToken(req, credentials.token)
    await workspace.access.logout(credentials?.token)
    clearCookie(res)
    res.json({ ok: true })
  })

  // Whether this browser is signed in, asked by the app as it starts: being
  // signed out is an answer here, not an error (a 401 would be logged by the
  // browser as one on every visit). Only reads: it needs no anti-CSRF token.
  api.get('/session', async (req, res) => {
    const credentials = credentialsOf(req)
    const signedIn = await workspace.access.signedIn(credentials?.token)
    if (!credentials || !signedIn) return void res.json({ user: null })
    res.json(await sessionView(workspace, signedIn.account, credentials.token))
  })

  // Everything below needs a live session.
  api.use(async (req: Request, res: Response, next: NextFunction) => {
    const credentials = credentialsOf(req)
    const signedIn = await workspace.access.signedIn(credentials?.token)
    if (!credentials || !signedIn) throw new HttpError(401, 'sign in first: no valid session')
    if (credentials.via === 'cookie' && !SAFE_METHODS.has(req.method)) requireCsrfToken(req, credentials.token)
    res.locals.account = signedIn.account
    res.locals.session = signedIn.session
    res.locals.token = credentials.token
    next()
  })

  api.get('/me', async (_req, res) => {
    const { account, token } = signedInOf(res)
    res.json(await sessionView(workspace, account, token))
  })

  api.post('/logout/everywhere', async (req, res) => {
    const sessions = await workspace.access.logoutEverywhere(signedInOf(res).account)
    clearCookie(res)
    res.json({ ok: true, sessions })
  })

  api.get('/users', async (_req, res) => {
    res.json({ users: valueOf(await workspace.access.list(signedInOf(res).account)) })
  })

  api.post('/users', async (req, res) => {
    const { account } = signedInOf(res)
    // Refused before the body is looked at, whatever it holds (the workspace checks again).
    if (!mayManageAccounts(account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat manage accounts')
    const input = bodyOf(req, newUserBody)
    const country = input.country ?? null
    const made = await workspace.access.create(
      account,
      { ...input, country, name: input.name?.trim() || (country ? `Delegación de ${country} (${input.username})` : input.username) }
    )
    res.status(201).json({ user: valueOf(made) })
  })

  api.patch('/users/:username', async (req, res) => {
    const { account } = signedInOf(res)
    if (!mayManageAccounts(account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat manage accounts')
    const { disabled } = bodyOf(req, accountChangeBody)
    const changed = await workspace.access.setDisabled(account, String(req.params.username), disabled)
    res.json({ user: valueOf(changed) })
  })
}

function requireCsrfToken(req: IncomingMessage, token: string): void {
  const header = req.headers[CSRF_HEADER.toLowerCase()]
  if (!isCsrfTokenOf(token, typeof header === 'string' ? header : undefined))
    throw new HttpError(403, `missing or wrong ${CSRF_HEADER} header: send the csrfToken of /api/login or /api/me`)
}
