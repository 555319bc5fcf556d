import type { IncomingMessage } from 'node:http'
import type { Request } from 'express'
import { parse as parseCookie } from 'cookie'
import type { z } from 'zod'
import type { Outcome } from '../comments/Outcome'

/** Request helpers every route module shares: errors, validated bodies, the session token. */

/** Name of the session cookie. */
export const SESSION_COOKIE = 'consenso_session'

/** A request error with its HTTP status; the error handler answers `{ error }`. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** The session token of a request: `Authorization: Bearer`, else the session cookie. */
export function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice(7).trim()
  return req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined
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

/** The value of an outcome, or the refusal as an HTTP error. */
export function valueOf<T>(outcome: Outcome<T>): T {
  if ('failed' in outcome) throw new HttpError(outcome.failed.status, outcome.failed.message)
  return outcome.ok
}

