import type { Username } from './account'

/** The id of a document, as it appears in URLs: `estrategia`. */
export type DocumentId = string & { __brand: 'DocumentId' }

const DOCUMENT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/

export const isDocumentId = (value: unknown): value is DocumentId => typeof value === 'string' && DOCUMENT_ID.test(value)

/** What is known of a document besides its text. */
export interface DocumentMeta {
  readonly id: DocumentId
  readonly title: string
  /** ISO timestamp. */
  readonly createdAt: string
  readonly createdBy: Username
}

/**
 * The name of the `Y.XmlFragment` that holds a document's text in its Y.Doc.
 * The editor binds y-prosemirror to this same fragment.
 */
export const CONTENT_FRAGMENT = 'content'

/**
 * Whether two version names name the same version: trimmed, in any case and
 * Unicode form. A document's versions may not share a name, or the compare
 * menus could not tell them apart.
 */
export const sameVersionName = (a: string, b: string): boolean => versionNameKey(a) === versionNameKey(b)

const versionNameKey = (name: string) => name.trim().normalize('NFC').toLowerCase()
