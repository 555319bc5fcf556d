import type { SilenceDeadlineRule, SilenceProcedure } from '../../src'
import { request } from '../api'

const base = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`
const ofVersion = (documentId: string, versionId: string) => `${base(documentId)}/versions/${encodeURIComponent(versionId)}/silence`

/** The silence procedures API, as the versions page and the document's banner use it. */
export const silenceApi = {
  /** Every procedure of the document, oldest first, each settled if its deadline has passed. */
  list: (documentId: string) => request<{ procedures: SilenceProcedure[] }>('GET', `${base(documentId)}/silence`).then((r) => r.procedures),
  /** Puts a published version under silence procedure (Presidency). */
  open: (documentId: string, versionId: string, rule: SilenceDeadlineRule) =>
    request<{ procedure: SilenceProcedure }>('POST', ofVersion(documentId, versionId), rule).then((r) => r.procedure),
  /** Breaks the silence for the delegation's own country, with a reason and optionally an amendment. */
  object: (documentId: string, versionId: string, objection: { reason: string; amendment?: string }) =>
    request<{ procedure: SilenceProcedure }>('POST', `${ofVersion(documentId, versionId)}/objections`, objection).then((r) => r.procedure)
}
