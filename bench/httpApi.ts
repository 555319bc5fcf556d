/**
 * The HTTP calls the rows of issue 12 make, as a browser's page would (but
 * with `Authorization: Bearer`, which needs no anti-CSRF header): a comment
 * posted, a Markdown file imported. Each answers how long the server took,
 * from the request to the whole answer read, and throws on a refusal.
 */
import type { DocumentId } from '../src'

/** How long a request may take before the row fails instead of waiting on: a slow store gives FAIL lines, not a hung run. */
const REQUEST_TIMEOUT_MS = 120_000

/** Posts a comment on the passage `quote` of document `id`; answers the time to the 201 answer, ms. */
export async function postComment(httpUrl: string, token: string, id: DocumentId, body: string, quote: string): Promise<number> {
  const start = performance.now()
  const res = await fetch(`${httpUrl}/api/documents/${id}/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ body, anchor: { type: 'TextQuoteSelector', exact: quote } }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  })
  const text = await res.text()
  const ms = performance.now() - start
  if (res.status !== 201) throw new Error(`comment answered ${res.status}: ${text.slice(0, 300)}`)
  return ms
}

/** Imports `markdown` as a new document titled `title`; answers its id and the time to the 201 answer, ms. */
export async function importMarkdown(httpUrl: string, token: string, title: string, markdown: string): Promise<{ id: DocumentId; ms: number }> {
  const form = new FormData()
  form.append('title', title)
  form.append('file', new Blob([markdown], { type: 'text/markdown' }), 'importacion.md')
  const start = performance.now()
  const res = await fetch(`${httpUrl}/api/documents`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  })
  const text = await res.text()
  const ms = performance.now() - start
  if (res.status !== 201) throw new Error(`import answered ${res.status}: ${text.slice(0, 300)}`)
  return { id: (JSON.parse(text) as { document: { id: DocumentId } }).document.id, ms }
}
