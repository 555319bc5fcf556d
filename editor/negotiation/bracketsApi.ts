import type { BracketView, CountryCode, NewBracket } from '../../src'
import { request } from '../api'
import { idempotencyHeader } from '../RequestKey'

const bracketsPath = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}/brackets`

/**
 * The bracket routes of the API for one document. Every call answers the
 * bracket as it now stands; refusals throw an `ApiError` (see `describeError`).
 */
export const bracketsApi = (documentId: string) => {
  const base = bracketsPath(documentId)
  const one = (bracketId: string) => `${base}/${encodeURIComponent(bracketId)}`
  const option = (bracketId: string, optionId: string) => `${one(bracketId)}/options/${encodeURIComponent(optionId)}`
  const answer = (r: { bracket: BracketView }) => r.bracket
  return {
    list: () => request<{ brackets: BracketView[] }>('GET', base).then((r) => r.brackets),
    /** Brackets a passage; sent again with the same `requestKey` after no answer, it is not placed twice. */
    place: (input: NewBracket, requestKey?: string) => request<{ bracket: BracketView }>('POST', base, input, idempotencyHeader(requestKey)).then(answer),
    /** The signed-in delegation holds (or lifts) the bracket for its own country. */
    hold: (bracketId: string, held: boolean) => request<{ bracket: BracketView }>('POST', `${one(bracketId)}/${held ? 'hold' : 'lift'}`, {}).then(answer),
    remove: (bracketId: string) => request<{ bracket: BracketView }>('DELETE', one(bracketId)).then(answer),
    addOption: (bracketId: string, text: string) => request<{ bracket: BracketView }>('POST', `${one(bracketId)}/options`, { text }).then(answer),
    /** The signed-in delegation supports the option (or withdraws its support). */
    support: (bracketId: string, optionId: string, supported: boolean) =>
      request<{ bracket: BracketView }>(supported ? 'POST' : 'DELETE', `${option(bracketId, optionId)}/support`, supported ? {} : undefined).then(answer),
    choose: (bracketId: string, optionId: string) => request<{ bracket: BracketView }>('POST', `${option(bracketId, optionId)}/choose`, {}).then(answer)
  }
}

/** The bracket routes of one document. */
export type BracketsApi = ReturnType<typeof bracketsApi>

/** The countries a bracket panel offers as holders at placing. */
export type Holders = readonly CountryCode[]
