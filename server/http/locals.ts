import type { Response } from 'express'
import type { DocumentMeta } from '../../src'
import type { SignedIn } from '../auth/AccountAccess'

/** A live session, its account, and the token the request proved it with. */
export interface SignedInRequest extends SignedIn {
  readonly token: string
}

/**
 * What the middlewares of this folder leave on `res.locals` for the routes
 * after them. Read it only through {@link signedInOf} and {@link documentOf},
 * which fail loudly when a route was mounted where its middleware does not run.
 */
export interface Locals {
  /** Set by `requireSession`. */
  signedIn?: SignedInRequest
  /** Set by `requireDocument`: the document of `/documents/:id`, which the account may read. */
  document?: DocumentMeta
}

/** The typed `res.locals` (express types it as a record of anything). */
export const localsOf = (res: Response): Locals => res.locals

/** The signed-in account and session of a request; misuse (a 500) on a route not behind `requireSession`. */
export function signedInOf(res: Response): SignedInRequest {
  const { signedIn } = localsOf(res)
  if (!signedIn) throw new Error('a signed-in route is mounted before requireSession')
  return signedIn
}

/** The document of a route under `/documents/:id`; misuse (a 500) on a route not behind `requireDocument`. */
export function documentOf(res: Response): DocumentMeta {
  const { document } = localsOf(res)
  if (!document) throw new Error('a document route is mounted outside /documents/:id')
  return document
}
