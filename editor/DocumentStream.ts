import { DOCUMENT_EVENT_TYPES, type DocumentEventData } from '../src'
import { request } from './api'

/** What a part may hear: each event of the stream, and `open`, the stream (re)opening (what it said while closed is lost, fetch it again). */
export type DocumentStreamEvents = DocumentEventData & { readonly open: undefined }

// How long to wait before opening the stream again after the server refused it
// (EventSource retries by itself only after network errors, not after an HTTP error).
const REOPEN_MS = 3000

const documentPath = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`

/**
 * The one Server-Sent Events stream of an open document, shared by every
 * part of the editor (comments, brackets, meeting, statuses, silence): a
 * browser keeps at most 6 HTTP/1.1 connections per host, so a stream per
 * part would leave two tabs of a document without any for fetches. Parts
 * subscribe with {@link on} before {@link start}; each refetches its state at
 * `open`, since events sent while the stream was closed are lost.
 */
export class DocumentStream {
  private readonly listeners = new Map<keyof DocumentStreamEvents, Set<(data: never) => void>>()
  private source: EventSource | null = null
  private reopenTimer: ReturnType<typeof setTimeout> | undefined
  private destroyed = false
  // The open stream's id, as its first event names it: what destroy() asks the server to end.
  private streamId: string | null = null

  constructor(private readonly documentId: string) {}

  /** Hears every event of `type` until the stream is destroyed. */
  on<K extends keyof DocumentStreamEvents>(type: K, listener: (data: DocumentStreamEvents[K]) => void): void {
    let set = this.listeners.get(type)
    if (!set) this.listeners.set(type, (set = new Set()))
    set.add(listener as (data: never) => void)
  }

  /** Opens the stream (and so every part fetches what it shows). */
  start(): void {
    if (this.destroyed) return
    const source = new EventSource(`${documentPath(this.documentId)}/events`)
    this.source = source
    this.streamId = null
    source.addEventListener('open', () => this.tell('open', undefined))
    source.addEventListener('stream', (event) => {
      const data = parse(event) as { id?: unknown } | undefined
      if (typeof data?.id === 'string') this.streamId = data.id
    })
    for (const type of DOCUMENT_EVENT_TYPES)
      source.addEventListener(type, (event) => {
        const data = parse(event)
        // A malformed event is dropped; the next reconnection fetches the truth.
        if (data !== undefined) this.tell(type, data as never)
      })
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED || this.destroyed) return
      this.reopenTimer = setTimeout(() => this.start(), REOPEN_MS)
    })
  }

  private tell<K extends keyof DocumentStreamEvents>(type: K, data: DocumentStreamEvents[K]): void {
    if (this.destroyed) return
    for (const listener of this.listeners.get(type) ?? []) (listener as (data: DocumentStreamEvents[K]) => void)(data)
  }

  /**
   * Stops listening. A stream that is open is ended by the server first and
   * closed once it has ended, so that its request completes: closing it
   * outright aborts it (the browser logs `net::ERR_ABORTED`). Whatever it
   * still brings meanwhile is ignored.
   */
  destroy(): void {
    this.destroyed = true
    clearTimeout(this.reopenTimer)
    this.listeners.clear()
    const { source, streamId } = this
    this.source = null
    if (!source) return
    if (streamId === null || source.readyState !== EventSource.OPEN) return source.close()
    const close = () => source.close()
    // The server's end shows as an error (the stream would reconnect): closed then, nothing is in flight.
    source.addEventListener('error', close)
    request<{ ok: true }>('DELETE', `${documentPath(this.documentId)}/events/${encodeURIComponent(streamId)}`).catch(close)
  }
}

function parse(event: Event): unknown {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as unknown
  } catch {
    return undefined
  }
}
