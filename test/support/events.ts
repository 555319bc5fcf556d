/** A document's Server-Sent Events (`GET /api/documents/<id>/events`), read by hand. */
import { expect, onTestFinished, vi } from 'vitest'
import { docPath } from './api'
import { DOC, WAIT, type Reachable } from './server'

/** One Server-Sent Event: its `event:` name and its `data:` parsed as JSON. */
export interface ServerEvent {
  readonly type: string
  readonly data: any
}

/** A subscription to a document's events and what it has received so far. */
export interface EventSubscription {
  readonly events: ServerEvent[]
  /** Ends the subscription (also done when the test ends). */
  close(): void
}

/**
 * Subscribes to `GET /api/documents/<id>/events` with `token`, reading the
 * Server-Sent Events stream by hand, and resolves once the server has
 * registered the subscription (its first `retry:` line has arrived).
 */
export async function subscribeToEvents(server: Reachable, token: string, documentId: string = DOC): Promise<EventSubscription> {
  const abort = new AbortController()
  onTestFinished(() => abort.abort())
  const res = await fetch(`${server.url}${docPath('/events', documentId)}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    signal: abort.signal
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const events: ServerEvent[] = []
  let subscribed = false
  const read = async () => {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      // Events end with a blank line; a field is `name: value`; `:` starts a comment.
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        let type = 'message'
        const data: string[] = []
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':')
          const field = colon === -1 ? line : line.slice(0, colon)
          const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
          if (field === 'retry') subscribed = true
          else if (field === 'event') type = value
          else if (field === 'data') data.push(value)
        }
        if (data.length > 0) events.push({ type, data: JSON.parse(data.join('\n')) })
      }
    }
  }
  // The stream ends when the subscription or the server does; tests judge by
  // what was received, so an ended read is no failure of its own.
  read().catch(() => {})
  await vi.waitFor(() => expect(subscribed, 'subscribed to events').toBe(true), WAIT)
  return { events, close: () => abort.abort() }
}
