import type { Author } from '../../src'
import { request } from '../api'

/** A share as the Presidency and the Secretariat see it: with its audience and, once withdrawn, who withdrew it. */
export interface Share {
  readonly id: string
  readonly documentId: string
  readonly versionId: string
  readonly versionName: string
  /** The observer accounts it is for; `null` for every observer. */
  readonly observers: readonly string[] | null
  readonly sharedAt: string
  readonly sharedBy: Author
  readonly withdrawn: { readonly at: string; readonly by: Author } | null
}

/** A version shared with the signed-in observer, as their list shows it. */
export interface SharedEntry {
  readonly share: { readonly id: string; readonly sharedAt: string; readonly sharedBy: { readonly name: string } }
  readonly document: { readonly id: string; readonly title: string }
  readonly version: { readonly id: string; readonly name: string; readonly createdAt: string }
}

/** A shared version opened by its observer: the text, and nothing else of the version. */
export interface SharedVersion extends SharedEntry {
  readonly version: SharedEntry['version'] & { readonly content: unknown }
}

const documentBase = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`
const sharedBase = (shareId: string) => `/api/shared/${encodeURIComponent(shareId)}`

/** The sharing API: the Presidency shares and withdraws, observers read what is shared with them. */
export const sharingApi = {
  /** Every share of the document, withdrawn ones included (Presidency and Secretariat). */
  list: (documentId: string) => request<{ shares: Share[] }>('GET', `${documentBase(documentId)}/shares`).then((r) => r.shares),
  /** Shares a version with the named observers, or with every observer when `observers` is left out (Presidency). */
  share: (documentId: string, versionId: string, observers?: readonly string[]) =>
    request<{ share: Share }>('POST', `${documentBase(documentId)}/versions/${encodeURIComponent(versionId)}/shares`, observers ? { observers } : {}).then(
      (r) => r.share
    ),
  /** Withdraws a share: its observers no longer read the version (Presidency). */
  withdraw: (documentId: string, shareId: string) =>
    request<{ share: Share }>('DELETE', `${documentBase(documentId)}/shares/${encodeURIComponent(shareId)}`).then((r) => r.share),
  /** The versions shared with the signed-in observer. */
  sharedWithMe: () => request<{ shares: SharedEntry[] }>('GET', '/api/shared').then((r) => r.shares),
  /** One version shared with the signed-in observer, with its text. */
  open: (shareId: string) => request<SharedVersion>('GET', sharedBase(shareId)),
  exportUrl: (shareId: string, format: 'docx' | 'md') => `${sharedBase(shareId)}/export?format=${format}`
}
