import type { Request, Response, Router } from 'express'
import { serialize as serializeCookie } from 'cookie'
import { z } from 'zod'
import { mayEditText, type Account, type SessionView, type User } from '../../src'
import { publicAccount } from '../auth/Accounts'
import { csrfTokenOf } from '../auth/Sessions'
import type { ServerConfig } from '../config'
import type { Workspace } from '../Workspace'
import { bodyOf, clientAddressOf, credentialsOf, HttpError, SESSION_COOKIE } from './request'
import { requireCsrfToken } from './requireSession'

const loginBody = z.object({ username: z.string().max(100), password: z.string().max(1000) }).strict()

// An account as the app is told about it: its public fields and whether it may edit the text.
const userView = (account: Account): User => ({ ...publicAccount(account), mayEdit: mayEditText(account.role) })

/**
 * What a signed-in app is told about its session: who, the anti-CSRF token,
 * and the workspace's time zone, in which the app shows every time.
 */
export async function sessionView(workspace: Workspace, account: Account, token: string): Promise<SessionView> {
  return { user: userView(account), csrfToken: csrfTokenOf(token), timeZone: (await workspace.settings.load()).timeZone }
}

/** The attributes of the session cookie: not readable by scripts, never sent from another site. */
const cookieOptions = (config: ServerConfig) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: config.sessions.secureCookie,
  path: '/'
})

/** Tells the browser to drop its session cookie (signing out here, or everywhere). */
export const clearSessionCookie = (res: Response, config: ServerConfig) =>
  res.setHeader('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { ...cookieOptions(config), maxAge: 0 }))

/**
 * The routes of signing in and out, which need no session (they sit before
 * `requireSession`):
 *
 * - `POST /login` (throttled) → `{ token, user, csrfToken, timeZone }` and the session cookie;
 * - `POST /logout`, with the anti-CSRF token when the session is proved by the cookie;
 * - `GET /session`: `{ user: null }` when signed out, as `/me` answers otherwise.
 */
export function sessionRoutes(api: Router, workspace: Workspace, config: ServerConfig): void {
  // Where a login comes from, for its throttle: the peer's address, or the client's as a trusted proxy forwards it (`trustProxy`).
  const addressOf = (req: Request) => clientAddressOf(req.app, req)

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
      serializeCookie(SESSION_COOKIE, token, { ...cookieOptions(config), maxAge: Math.floor(config.sessions.absoluteMs / 1000) })
    )
    res.json({ token, ...(await sessionView(workspace, account, token)) })
  })

  api.post('/logout', async (req, res) => {
    const credentials = credentialsOf(req)
    if (credentials?.via === 'cookie') requireCsrfToken(req, credentials.token)
    await workspace.access.logout(credentials?.token)
    clearSessionCookie(res, config)
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
}
