import type { AuditAction, AuditVerification, CountryCode, NamedAuditPage } from '../../src'
import { request } from '../api'
import type { Language } from '../i18n'

/** What the audit page narrows the trail to; dates are `YYYY-MM-DD`, whole days in the workspace's time zone. */
export interface AuditQuery {
  readonly country?: CountryCode
  readonly action?: AuditAction
  readonly from?: string
  readonly to?: string
}

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
    request<NamedAuditPage>('GET', `/api/audit${searchOf(query, before === undefined ? {} : { before: String(before) })}`),
  verify: () => request<AuditVerification>('GET', '/api/audit/verify'),
  /** The address of the CSV of every entry that matches `query`, headed in `language`. */
  csvUrl: (query: AuditQuery, language: Language) => `/api/audit${searchOf(query, { format: 'csv', lang: language })}`
}
