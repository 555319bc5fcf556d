import type { Share, SharedEntry, SharedVersion } from '../../src'
import { request } from '../api'

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
  exportUrl: (shareId: string, format: 'docx' | 'md' | 'html') => `${sharedBase(shareId)}/export?format=${format}`
}
