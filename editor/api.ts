import { CSRF_HEADER, isRefusalCode, type Account, type AccountEntry, type CountryCode, type DocumentEntry, type RefusalCode, type Role, type SessionView } from '../src'

/** What the accounts page sends to create an account. */
export interface NewAccount {
  readonly username: string
  readonly password: string
  readonly name?: string
  readonly role: Role
  readonly country: CountryCode | null
}

/**
 * An answer of the API that was not 2xx, with the server's `error` text (in
 * English), its `code` and `values` when the refusal has them (see
 * `describeError`, which words them in the reader's language) and, for a
 * refusal to be tried again later (429), after how many seconds.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly code?: RefusalCode,
    readonly values: Readonly<Record<string, string>> = {}
  ) {
    super(message)
  }
}

// The anti-CSRF token of the session, as /api/login or /api/session gave it. Kept
// in memory only (never in storage a script of another page could read): a
// reload asks /api/session again. Every request that changes something sends it,
// since the session cookie alone does not prove the request comes from this app.
let csrfToken: string | undefined
let onSessionEnded: (() => void) | undefined

const csrfHeaders = (method: string): Record<string, string> =>
  method === 'GET' || method === 'HEAD' || csrfToken === undefined ? {} : { [CSRF_HEADER]: csrfToken }

/**
 * Calls `listener` when a request of a signed-in app is answered 401: the
 * session ended elsewhere (logout on another device, expiry, a disabled account).
 */
export function whenSessionEnds(listener: () => void): void {
  onSessionEnded = listener
}

/**
 * One JSON request of the API; throws an {@link ApiError} with the server's
 * message unless 2xx (a request that got no answer throws the browser's
 * `TypeError`). `headers` are added, e.g. an `Idempotency-Key` (see {@link RequestKey}).
 */
export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...csrfHeaders(method), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return answerOf<T>(response)
}

/**
 * One multipart request (a file upload), answered in JSON like {@link request}.
 * No Content-Type header: the browser writes it, with the boundary.
 */
export async function upload<T>(method: string, path: string, form: FormData): Promise<T> {
  return answerOf<T>(await fetch(path, { method, credentials: 'same-origin', headers: csrfHeaders(method), body: form }))
}

async function answerOf<T>(response: Response): Promise<T> {
  const json = (await response.json().catch(() => ({}))) as { error?: string; code?: unknown; values?: unknown; csrfToken?: unknown }
  if (response.status === 401 && csrfToken !== undefined) {
    csrfToken = undefined
    onSessionEnded?.()
  }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('Retry-After'))
    const values = typeof json.values === 'object' && json.values !== null ? (json.values as Record<string, string>) : {}
    throw new ApiError(
      response.status,
      json.error ?? response.statusText,
      retryAfter > 0 ? retryAfter : undefined,
      isRefusalCode(json.code) ? json.code : undefined,
      values
    )
  }
  if (typeof json.csrfToken === 'string') csrfToken = json.csrfToken
  return json as T
}

/** The REST API, as the app uses it. The session travels in an HttpOnly cookie. */
export const api = {
  /** This browser's session: no user when signed out (not an error), else who and the workspace's time zone. */
  session: () => request<SessionView | { user: null }>('GET', '/api/session'),
  login: (username: string, password: string) => request<SessionView>('POST', '/api/login', { username, password }),
  logout: () => request<{ ok: true }>('POST', '/api/logout', {}).finally(() => (csrfToken = undefined)),
  /** Ends every session of the account, on every device. */
  logoutEverywhere: () => request<{ ok: true }>('POST', '/api/logout/everywhere', {}).finally(() => (csrfToken = undefined)),
  documents: () => request<{ documents: DocumentEntry[] }>('GET', '/api/documents').then((r) => r.documents),
  document: (id: string) => request<{ document: DocumentEntry }>('GET', `/api/documents/${encodeURIComponent(id)}`).then((r) => r.document),
  /** Every account (Presidency and Secretariat only). */
  accounts: () => request<{ users: AccountEntry[] }>('GET', '/api/users').then((r) => r.users),
  createAccount: (account: NewAccount) => request<{ user: Account }>('POST', '/api/users', account).then((r) => r.user),
  /** Disables an account (cut off at once: its sessions end) or enables it again. */
  setAccountDisabled: (username: string, disabled: boolean) =>
    request<{ user: AccountEntry }>('PATCH', `/api/users/${encodeURIComponent(username)}`, { disabled }).then((r) => r.user)
}
