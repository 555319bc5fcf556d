/**
 * How requests named by their client (the `Idempotency-Key` header) are made
 * once: the act stores the request's stamp ({@link stampOf}) in the record it
 * makes, in the same write; {@link findRetry} then tells whether a later
 * request of the same account with the same key is a retry or a misuse of
 * the key. Comments, replies, versions and comment periods all go this way.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { RequestStamp } from '../src'
import { ok, refuse, type Outcome } from './Outcome'

/** The stored form of a {@link RequestStamp}: optional in every record a named request can make. */
export const requestStampRecord = z.object({ key: z.string(), digest: z.string() }).optional()

/**
 * The stamp of a request named `key` by its client, `what` being what it
 * asks for (the same request must give an equal `what`); undefined without a key.
 */
export const stampOf = (key: string | undefined, what: unknown): RequestStamp | undefined =>
  key === undefined ? undefined : { key, digest: createHash('sha256').update(JSON.stringify(what)).digest('base64url') }

/** The refusal of a key that the account already used for a different request. */
const reusedKey = (what: string): Outcome<never> =>
  refuse(409, `this Idempotency-Key was already used by this account for a different ${what}: a new ${what} needs a new key`)

/**
 * What the request stamped `request` finds among `mine`, the records its
 * account made before: the record it made, when it is a retry (to be answered
 * as it stands, with nothing done again); a 409 refusal, when the key was used
 * for a different request; undefined for a new request (or one without a key).
 * `what` names the kind of record in the refusal ("version", "comment period").
 */
export function findRetry<T extends { readonly request?: RequestStamp }>(
  mine: readonly T[],
  request: RequestStamp | undefined,
  what: string
): Outcome<T> | undefined {
  if (!request) return undefined
  const earlier = mine.find((r) => r.request?.key === request.key)
  if (!earlier) return undefined
  return earlier.request?.digest === request.digest ? ok(earlier) : reusedKey(what)
}
