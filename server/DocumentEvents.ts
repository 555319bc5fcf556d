import type { DocumentId } from '../src'

/**
 * Something that happened to a document's comments, periods or the status of
 * a paragraph (`block`, its `BlockView`), as sent to its viewers.
 */
export interface DocumentEvent {
  readonly type: 'comment' | 'period' | 'block'
  readonly data: unknown
}

type Listener = (event: DocumentEvent) => void

/**
 * Tells everyone viewing a document what changed in its comments and
 * periods, as it happens. The HTTP layer relays it as Server-Sent Events.
 */
export class DocumentEvents {
  private readonly listeners = new Map<DocumentId, Set<Listener>>()

  /** Listens to one document; returns the function that stops listening. */
  subscribe(id: DocumentId, listener: Listener): () => void {
    const set = this.listeners.get(id) ?? new Set<Listener>()
    set.add(listener)
    this.listeners.set(id, set)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(id)
    }
  }

  publish(id: DocumentId, event: DocumentEvent): void {
    for (const listener of this.listeners.get(id) ?? []) listener(event)
  }
}
