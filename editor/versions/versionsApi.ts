import type { VersionDetail, VersionDiff, VersionSummary } from '../../src'
import { request } from '../api'
import { idempotencyHeader } from '../RequestKey'

const base = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`

/** The versions API, as the compare view and the version list use it. */
export const versionsApi = {
  list: (documentId: string) => request<{ versions: VersionSummary[] }>('GET', `${base(documentId)}/versions`).then((r) => r.versions),
  /**
   * Publishes the live draft as `name`; sent again with the same `requestKey`
   * after no answer, it is not published twice. A name another version has is refused (409).
   */
  publish: (documentId: string, name: string, requestKey?: string) =>
    request<{ version: VersionSummary }>('POST', `${base(documentId)}/versions`, { name }, idempotencyHeader(requestKey)).then((r) => r.version),
  get: (documentId: string, versionId: string) =>
    request<{ version: VersionDetail }>('GET', `${base(documentId)}/versions/${encodeURIComponent(versionId)}`).then((r) => r.version),
  /** Makes the live draft say what the version says, as a new edit (PPT and Secretariat). */
  startDraftFrom: (documentId: string, versionId: string) =>
    request<{ ok: true }>('POST', `${base(documentId)}/versions/${encodeURIComponent(versionId)}/restore`, {}),
  diff: (documentId: string, from: string, to: string) =>
    request<VersionDiff>('GET', `${base(documentId)}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
  /** Where the same comparison downloads: a redline page or a Word file with tracked changes. */
  diffUrl: (documentId: string, from: string, to: string, format: 'html' | 'docx') =>
    format === 'html'
      ? `${base(documentId)}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=html`
      : `${base(documentId)}/diff/export?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=docx`,
  exportUrl: (documentId: string, versionId: string, format: 'docx' | 'md' | 'html') =>
    `${base(documentId)}/versions/${encodeURIComponent(versionId)}/export?format=${format}`
}
