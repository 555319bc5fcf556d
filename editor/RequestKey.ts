import { IDEMPOTENCY_HEADER } from '../src'
import { ApiError } from './api'

/**
 * The `Idempotency-Key` of something a person sends (a comment, a reply, a
 * version, a comment period), kept while the outcome of sending it is
 * unknown. When a request gets no answer (the network or the server failed),
 * the person sends again and the same key goes with the same content: if the
 * first request did reach the server, the server answers with what it made
 * then instead of making it twice. Content changed meanwhile, or an answer
 * received, gets a fresh key.
 */
export class RequestKey {
  private pending: { key: string; content: string } | null = null

  /**
   * Sends `content` by `send`, given the key to send it with: the same key
   * as last time while that sending's outcome is unknown and the content the
   * same, else a fresh one. An answer that says the server did not make it (a
   * refusal, 4xx) or did (success) ends the key; no answer, or a fault of the
   * server (5xx), keeps it for the retry. Resolves or rejects as `send` does.
   */
  async send<T>(content: unknown, send: (key: string) => Promise<T>): Promise<T> {
    const text = JSON.stringify(content)
    if (this.pending?.content !== text) this.pending = { key: freshKey(), content: text }
    try {
      const answer = await send(this.pending.key)
      this.pending = null
      return answer
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) this.pending = null
      throw err
    }
  }
}

/** The header that names a request with `requestKey`; none without a key. */
export const idempotencyHeader = (requestKey: string | undefined): Record<string, string> =>
  requestKey === undefined ? {} : { [IDEMPOTENCY_HEADER]: requestKey }

// 128 random bits as hex. crypto.randomUUID exists only on HTTPS and localhost;
// getRandomValues also where the app is served over plain HTTP inside a network.
function freshKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
