import type { DocumentEventType, DocumentId } from '../src'
import { noRelay, type Relay } from './relay'

/**
 * Something that happened to a document's comments, periods, brackets,
 * meetings, silence procedures or paragraph statuses, as sent to its viewers. A `bracket` event carries a `BracketView`
 * (with `removed` set once removed); a `meeting` event carries the whole
 * meeting as it now stands (its focus, its floor): followers move to the
 * paragraph it presents; a `silence` event carries a silence procedure as
 * it now stands; a `block` event the status of a paragraph (its `BlockView`).
 */
export interface DocumentEvent {
  readonly type: DocumentEventType
  /** As `DocumentEventData` says for the type. */
  readonly data: unknown
}

type Listener = (event: DocumentEvent) => void

/**
 * Tells everyone viewing a document what changed in its comments and
 * periods, as it happens. The HTTP layer relays it as Server-Sent Events.
 * With a shared relay, the viewers connected to other processes hear it too
 * (and this process's, theirs).
 */
export class DocumentEvents {
  private readonly listeners = new Map<DocumentId, Set<Listener>>()
  private readonly missing = new Set<() => void>()

  constructor(private readonly relay: Relay = noRelay) {
    relay.onWorkspace(
      (message) => {
        if (message.kind === 'documentEvent') this.tell(message.documentId, message.event)
      },
      // Events of other processes were lost while the relay was down; nothing numbers them to catch up on.
      () => {
        for (const missed of [...this.missing]) missed()
      }
    )
  }

  /**
   * Listens to one document; returns the function that stops listening.
   * `onMissed` hears that events of other processes may have been lost (the
   * relay was down): the listener must read the document's state again.
   */
  subscribe(id: DocumentId, listener: Listener, onMissed?: () => void): () => void {
    const set = this.listeners.get(id) ?? new Set<Listener>()
    set.add(listener)
    this.listeners.set(id, set)
    if (onMissed) this.missing.add(onMissed)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(id)
      if (onMissed) this.missing.delete(onMissed)
    }
  }

  /** Tells the document's viewers, in this process and the others, of `event`. */
  publish(id: DocumentId, event: DocumentEvent): void {
    this.tell(id, event)
    this.relay.publishWorkspace({ kind: 'documentEvent', documentId: id, event })
  }

  private tell(id: DocumentId, event: DocumentEvent): void {
    for (const listener of this.listeners.get(id) ?? []) listener(event)
  }
}
