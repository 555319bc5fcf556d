import type { CountryCode, DocumentMeta, MarkupResult } from '../../src'
import { upload } from '../api'
import type { Language } from '../i18n'

/** The file types the server imports, for a file input's `accept`. */
export const IMPORT_ACCEPT = '.md,.markdown,.html,.htm,.docx'

const base = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`

const formOf = (fields: Record<string, string | File>) => {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return form
}

/**
 * Files in and out: creating a document from a file, replacing a document's
 * text with one, and where the comment matrix downloads. Refusals throw an
 * `ApiError` carrying the server's refusal (see `describeError`).
 */
export const exchangeApi = {
  /** Creates a document titled `title` from a Markdown, HTML or Word file (Presidency and Secretariat). */
  createDocument: (title: string, file: File) =>
    upload<{ document: DocumentMeta }>('POST', '/api/documents', formOf({ title, file })).then((r) => r.document),
  /** Replaces the document's text with the file's, as an edit; published versions stay as they are. */
  replaceContent: (documentId: string, file: File) => upload<{ ok: true }>('PUT', `${base(documentId)}/content`, formOf({ file })),
  /**
   * A country's marked-up Word copy as its proposals and comments; with
   * `dryRun`, what it would make, nothing stored. `country` is sent only by
   * the Presidency and the Secretariat (a delegate's is its own).
   */
  sendMarkup: (documentId: string, file: File, country: CountryCode | null, dryRun: boolean) =>
    upload<MarkupResult>('POST', `${base(documentId)}/markup${dryRun ? '?dryRun=1' : ''}`, formOf({ file, ...(country ? { country } : {}) })),
  /** Where the comment matrix downloads, with its column titles and statuses in `language`. */
  matrixUrl: (documentId: string, format: 'csv' | 'docx' | 'xlsx', language: Language) =>
    `${base(documentId)}/comments/export?format=${format}&lang=${language}`
}
