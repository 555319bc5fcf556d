import type { IncomingMessage } from 'node:http'
import type { Application, Express, Request } from 'express'
import { parse as parseCookie } from 'cookie'
import type { z } from 'zod'
import { IDEMPOTENCY_HEADER, type RefusalCode } from '../../src'
import type { Outcome } from '../Outcome'

/** Request helpers every route module shares: errors, validated bodies, the session token. */

/** Name of the session cookie. */
export const SESSION_COOKIE = 'consenso_session'

/**
 * A request error with its HTTP status; the error handler answers `{ error }`,
 * plus `code` and `values` when given (see `Refusal`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: RefusalCode,
    readonly values?: Readonly<Record<string, string>>,
    /** Sent as `Retry-After`, in seconds. */
    readonly retryAfterSeconds?: number
  ) {
    // A refusal is an answer, not a fault: nobody reads its stack, and
    // capturing one through express's layers is most of what answering a
    // flood of refused requests (429 to an attacker) costs the event loop.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = stackTraceLimit
  }
}

/** How a request proves its session: the token, and whether it came as ambient cookie or explicit header. */
export interface Credentials {
  readonly token: string
  readonly via: 'bearer' | 'cookie'
}

/**
 * The session token of a request, the one place it is read: `Authorization:
 * Bearer` first, else the session cookie. `via` matters to the anti-CSRF
 * check, since a browser adds a cookie on its own but never the header.
 */
export function credentialsOf(req: IncomingMessage): Credentials | undefined {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), via: 'bearer' }
  const cookie = req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined
  return cookie ? { token: cookie, via: 'cookie' } : undefined
}

/**
 * Where a request comes from: the peer's address, or the client's as a
 * trusted proxy forwards it (`ServerConfig.trustProxy`, set on the app as
 * `trust proxy`). Express's own `req.ip`, so that the login throttle, the
 * audit trail and the connection limits count the same client alike, also
 * for a request express never routes (a WebSocket upgrade).
 */
export function clientAddressOf(app: Application, req: IncomingMessage): string {
  // Express computes `ip` from `app`, the headers and the socket alone.
  const seen = Object.create((app as Express).request, {
    app: { value: app },
    headers: { value: req.headers },
    socket: { value: req.socket },
    connection: { value: req.socket }
  }) as Request
  return seen.ip ?? req.socket.remoteAddress ?? 'unknown'
}

/** Validates a JSON body against `schema`, or fails with 400 and the first problem. */
export function bodyOf<T>(req: Request, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(req.body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new HttpError(400, `invalid request body${issue ? `: ${issue.path.join('.') || 'body'}: ${issue.message}` : ''}`)
  }
  return parsed.data
}

/**
 * The request's `Idempotency-Key`: the client's name for this one request,
 * which it sends again, unchanged, when it retries after getting no answer.
 * Undefined without the header; 400 unless 1 to 100 visible ASCII characters.
 */
export function requestKeyOf(req: IncomingMessage): string | undefined {
  const key = req.headers[IDEMPOTENCY_HEADER.toLowerCase()]
  if (key === undefined) return undefined
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,100}$/.test(key))
    throw new HttpError(400, 'the Idempotency-Key header must be 1 to 100 visible ASCII characters (a UUID, for example)')
  return key
}

/** The value of an outcome, or the refusal as an HTTP error. */
export function valueOf<T>(outcome: Outcome<T>): T {
  if ('failed' in outcome) {
    const { status, message, code, values, retryAfterSeconds } = outcome.failed
    throw new HttpError(status, message, code, values, retryAfterSeconds)
  }
  return outcome.ok
}
