import type { Account, CountryCode, DocumentMeta, Role } from '../src'

/** The signed-in user as the server describes it. */
export type User = Account & { readonly mayEdit: boolean }

/** A document listed for the user. */
export type DocumentEntry = DocumentMeta & { readonly mayEdit: boolean }

/** An account as the accounts page lists it. */
export type AccountEntry = Account & { readonly createdAt: string; readonly disabled: boolean }

/** What the accounts page sends to create an account. */
export interface NewAccount {
  readonly username: string
  readonly password: string
  readonly name?: string
  readonly role: Role
  readonly country: CountryCode | null
}

/** An answer of the API that was not 2xx, with the server's `error` text. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** One JSON request of the API; throws an {@link ApiError} with the server's message unless 2xx. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return answerOf<T>(response)
}

/**
 * One multipart request (a file upload), answered in JSON like {@link request}.
 * No Content-Type header: the browser writes it, with the boundary.
 */
export async function upload<T>(method: string, path: string, form: FormData): Promise<T> {
  return answerOf<T>(await fetch(path, { method, credentials: 'same-origin', body: form }))
}

async function answerOf<T>(response: Response): Promise<T> {
  const json = (await response.json().catch(() => ({}))) as { error?: string }
  if (!response.ok) throw new ApiError(response.status, json.error ?? response.statusText)
  return json as T
}

/** The REST API, as the app uses it. The session travels in an HttpOnly cookie. */
export const api = {
  me: () => request<{ user: User }>('GET', '/api/me').then((r) => r.user),
  login: (username: string, password: string) =>
    request<{ user: User }>('POST', '/api/login', { username, password }).then((r) => r.user),
  logout: () => request<{ ok: true }>('POST', '/api/logout', {}),
  documents: () => request<{ documents: DocumentEntry[] }>('GET', '/api/documents').then((r) => r.documents),
  document: (id: string) => request<{ document: DocumentEntry }>('GET', `/api/documents/${encodeURIComponent(id)}`).then((r) => r.document),
  /** Every account (Presidency and Secretariat only). */
  accounts: () => request<{ users: AccountEntry[] }>('GET', '/api/users').then((r) => r.users),
  createAccount: (account: NewAccount) => request<{ user: Account }>('POST', '/api/users', account).then((r) => r.user)
}
