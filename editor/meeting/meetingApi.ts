import type { AgendaItem, CommentView, CountryCode, Meeting } from '../../src'
import { request } from '../api'
import { idempotencyHeader } from '../RequestKey'

const meetingsPath = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}/meetings`

/** The meeting routes of the API for one document; each change answers the meeting as it now stands. */
export const meetingApi = (documentId: string) => {
  const path = (meetingId: string, rest = '') => `${meetingsPath(documentId)}/${encodeURIComponent(meetingId)}${rest}`
  const act = (method: string, url: string, body?: unknown) => request<{ meeting: Meeting }>(method, url, body ?? {}).then((r) => r.meeting)
  return {
    list: () => request<{ meetings: Meeting[] }>('GET', meetingsPath(documentId)).then((r) => r.meetings),
    start: (input: { title: string; agenda: AgendaItem[]; attendees: CountryCode[] }) => act('POST', meetingsPath(documentId), input),
    focus: (meetingId: string, blockId: string) => act('POST', path(meetingId, '/focus'), { blockId }),
    askFloor: (meetingId: string) => act('POST', path(meetingId, '/floor')),
    withdrawOwnRequest: (meetingId: string) => act('DELETE', path(meetingId, '/floor')),
    giveFloor: (meetingId: string, country: CountryCode) => act('POST', path(meetingId, `/floor/${country}`)),
    nextSpeaker: (meetingId: string) => act('POST', path(meetingId, '/floor/next')),
    takeFloor: (meetingId: string, country: CountryCode) => act('DELETE', path(meetingId, `/floor/${country}`)),
    /** Records an intervention; sent again with the same `requestKey` after no answer, it is not recorded twice. */
    intervene: (meetingId: string, input: { blockId: string; country: CountryCode; summary: string }, requestKey?: string) =>
      request<{ comment: CommentView }>('POST', path(meetingId, '/interventions'), input, idempotencyHeader(requestKey)).then((r) => r.comment),
    allowDelegations: (meetingId: string, holds: boolean) => act('POST', path(meetingId, '/allow'), { holds }),
    end: (meetingId: string) => act('POST', path(meetingId, '/end')),
    minutesUrl: (meetingId: string, format: 'docx' | 'md') => path(meetingId, `/minutes?format=${format}`)
  }
}
