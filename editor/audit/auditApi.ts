import type { AuditAction, AuditEntry, AuditTargetNames, CountryCode } from '../../src'
import { request } from '../api'
import type { Language } from '../i18n'

/** What the audit page narrows the trail to; dates are `YYYY-MM-DD`, whole days in the workspace's time zone. */
export interface AuditQuery {
  readonly country?: CountryCode
  readonly action?: AuditAction
  readonly from?: string
  readonly to?: string
}

/** One page of the trail, newest first. */
export interface AuditPage {
  readonly entries: readonly AuditEntry[]
  readonly total: number
  /** Ask with this as `before` for the next (older) page; null on the last one. */
  readonly next: number | null
  /** What the entries' targets are called, as far as the reader may see them. */
  readonly names: AuditTargetNames
}

/** What checking the hash chain found. */
export type AuditVerification = { readonly ok: true; readonly entries: number } | { readonly ok: false; readonly seq: number }

// Only the filters that are set, in a fixed order (so that equal filters give equal addresses).
function searchOf(query: AuditQuery, more: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const key of ['country', 'action', 'from', 'to'] as const) {
    const value = query[key]
    if (value) params.set(key, value)
  }
  for (const [key, value] of Object.entries(more)) params.set(key, value)
  const search = params.toString()
  return search ? `?${search}` : ''
}

/** The audit trail's API, for the Presidency and the Secretariat. */
export const auditApi = {
  page: (query: AuditQuery, before?: number) =>
    request<AuditPage>('GET', `/api/audit${searchOf(query, before === undefined ? {} : { before: String(before) })}`),
  verify: () => request<AuditVerification>('GET', '/api/audit/verify'),
  /** The address of the CSV of every entry that matches `query`, headed in `language`. */
  csvUrl: (query: AuditQuery, language: Language) => `/api/audit${searchOf(query, { format: 'csv', lang: language })}`
}
