/**
 * The REST API as signed-in people use it: sessions that send their token,
 * document paths, comment periods and quote selectors.
 */
import { expect } from 'vitest'
import { todayIn, type IsoDate } from '../../src'
import { DEMO_PASSWORD, DOC, startTestServer, type Reachable, type TestServer } from './server'

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

/** A login with a wrong password; its status (401, or 429 once throttled). */
export async function failedLogin(server: Reachable, username: string): Promise<number> {
  const res = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'not the password' })
  })
  await res.body?.cancel()
  return res.status
}

/**
 * A parsed JSON answer of the REST API. Tests read deep into bodies
 * (`body.comment.anchor.text`), so the body is left untyped on purpose.
 */
export interface ApiAnswer {
  readonly status: number
  readonly body: any
}

/** The REST API as one signed-in session sees it: each call sends the token as `Authorization: Bearer`. */
export interface ApiSession {
  readonly token: string
  get(path: string): Promise<ApiAnswer>
  post(path: string, body?: unknown): Promise<ApiAnswer>
  patch(path: string, body?: unknown): Promise<ApiAnswer>
  put(path: string, body?: unknown): Promise<ApiAnswer>
  delete(path: string): Promise<ApiAnswer>
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
    put: (path, body) => call('PUT', path, body ?? {}),
    delete: (path) => call('DELETE', path)
  }
}

/** Signs `username` in and returns its {@link ApiSession}. */
export async function signIn(server: Reachable, username: string): Promise<ApiSession> {
  return apiSession(server, await login(server.url, username))
}

/**
 * Starts a test server ({@link startTestServer}, which `opts` configures
 * too) and signs `usernames` in together; their sessions come back under
 * their usernames, beside `server` and `dataDir`. With `period`, the first
 * of them (the PPT or the Secretariat) opens a comment period today.
 */
export async function startWithSessions<const U extends string>(
  usernames: readonly [U, ...U[]],
  opts: Parameters<typeof startTestServer>[0] & { period?: boolean } = {}
): Promise<TestServer & Record<U, ApiSession>> {
  const { period = false, ...serverOpts } = opts
  const started = await startTestServer(serverOpts)
  const sessions = await Promise.all(usernames.map((username) => signIn(started.server, username)))
  if (period) await openCommentPeriod(sessions[0] as ApiSession)
  return { ...started, ...(Object.fromEntries(usernames.map((username, i) => [username, sessions[i]])) as Record<U, ApiSession>) }
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
