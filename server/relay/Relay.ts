import type { DocumentId, SessionEndReasonText } from '../../src'
import type { DocumentEvent } from '../DocumentEvents'

/**
 * What another process says about one document it has loaded: a change it
 * has stored, with the number its document log gave it, or an awareness
 * message (presence and cursors, never stored).
 */
export type DocumentFrame =
  | { readonly kind: 'update'; readonly seq: number; readonly update: Uint8Array }
  | { readonly kind: 'awareness'; readonly update: Uint8Array }
  /** A process that just loaded the document asks the others for their presence (it would otherwise wait for each client's renewal, up to 15 s). */
  | { readonly kind: 'awarenessQuery' }

/**
 * What another process says to the whole workspace: a document event its
 * sidebars listen to (a comment made or decided, a period opened), or
 * sessions it ended (a logout, "logout everywhere", a disabled account),
 * whose sockets and event streams every process closes.
 */
export type WorkspaceMessage =
  | { readonly kind: 'documentEvent'; readonly documentId: DocumentId; readonly event: DocumentEvent }
  | { readonly kind: 'sessionsEnded'; readonly ids: readonly string[]; readonly username?: string; readonly reason: SessionEndReasonText }

/** Hears one document's frames from other processes. */
export interface DocumentListener {
  onFrame(frame: DocumentFrame): void
  /**
   * The link to the other processes dropped and came back: frames sent
   * meanwhile are lost (pub/sub keeps nothing), so the document catches up
   * from the store.
   */
  onResubscribed(): void
}

/**
 * The live traffic between the processes that serve one workspace. Carries
 * only what is already durable or needs no durability: a process publishes
 * an update once its document log has stored it, so what another process
 * misses it finds in the store (see `RoomRelay`). Delivery is at most once
 * and never to the sender.
 */
export interface Relay {
  /** Whether other processes may be listening; false for a single process ({@link noRelay}). */
  readonly shared: boolean
  /**
   * Starts hearing `id`'s frames. Resolves once subscribed (frames published
   * from then on reach `listener`), or after a short wait if the link is down.
   */
  openDocument(id: DocumentId, listener: DocumentListener): Promise<void>
  /** Stops hearing `id` (the document left memory). */
  closeDocument(id: DocumentId): void
  /** Tells the other processes holding `id` of `frame`; dropped (and logged once) while the link is down. */
  publishDocument(id: DocumentId, frame: DocumentFrame): void
  /** Tells every other process of `message`. */
  publishWorkspace(message: WorkspaceMessage): void
  /**
   * Hears the other processes' workspace messages, and through `onRestored`
   * that the link dropped and came back (what was sent meanwhile is lost);
   * returns the function that stops hearing them.
   */
  onWorkspace(listener: (message: WorkspaceMessage) => void, onRestored?: () => void): () => void
  /** Closes the link. */
  close(): Promise<void>
}

/** One process alone: nothing to relay, today's behaviour. */
export const noRelay: Relay = Object.freeze({
  shared: false,
  openDocument: () => Promise.resolve(),
  closeDocument: () => {},
  publishDocument: () => {},
  publishWorkspace: () => {},
  onWorkspace: () => () => {},
  close: () => Promise.resolve()
})
