import type { RefusalCode } from '../src'

/**
 * An expected refusal, with the HTTP status that says what kind it is. The
 * message is English, for people reading logs and API answers; `code` (with
 * `values`, the parts the message names, such as a date) is a stable name
 * the app translates from, set on the refusals people meet in normal use.
 */
export interface Refusal {
  readonly status: 400 | 403 | 404 | 409 | 413 | 422 | 429 | 503
  readonly message: string
  readonly code?: RefusalCode
  readonly values?: Readonly<Record<string, string>>
  /** When trying again may succeed, in seconds: sent as `Retry-After` (429, 503). */
  readonly retryAfterSeconds?: number
}

/** What a workspace operation returns: its value, or why it was refused. */
export type Outcome<T> = { readonly ok: T } | { readonly failed: Refusal }

export const ok = <T>(value: T): Outcome<T> => ({ ok: value })
export const refuse = (
  status: Refusal['status'],
  message: string,
  code?: RefusalCode,
  values?: Readonly<Record<string, string>>
): { failed: Refusal } => ({ failed: { status, message, ...(code === undefined ? {} : { code }), ...(values === undefined ? {} : { values }) } })
