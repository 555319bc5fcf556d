import type { Account, DocumentId } from '../../src'
import { formatBytes } from './MessageThrottle'

/**
 * Anything that behaves like a WebSocket for sending: the collaboration core
 * knows no more of its transport than this (ws, a test double, a pipe).
 */
export interface WebSocketLike {
  readonly readyState: number
  send(data: Uint8Array): void
  close(code: number, reason: string): void
}

/** WebSocket readyState of an open socket. */
export const OPEN = 1

/** Who is connected to which document, and what they may do; decided once, at authentication. */
export interface ConnectionContext {
  readonly documentId: DocumentId
  readonly account: Account
  /**
   * The id of the session that opened the connection (the hash of its token,
   * never the token): the connection lives only as long as that session.
   */
  readonly sessionId: string
  /** Read-only connections receive everything and change nothing. */
  readonly readOnly: boolean
}

/**
 * Why a Y.Doc changed. Every write to a document carries one: it stops echoes,
 * keeps what came from storage from being stored again, and attributes a
 * change to a person and a country.
 */
export type UpdateOrigin =
  | { readonly kind: 'connection'; readonly context: ConnectionContext }
  | { readonly kind: 'storage' }
  /** The Presidency accepting a country's proposed wording. */
  | { readonly kind: 'proposal'; readonly commentId: string; readonly account: Account }
  /** An edit made on the server on an account's behalf (an uploaded draft, the demo's own edits). */
  | { readonly kind: 'edit'; readonly account: Account; readonly reason: string }
  /** A new draft started from a published version. */
  | { readonly kind: 'restore'; readonly versionId: string; readonly account: Account }
  /** Changes another process stored, heard over the relay or read from the store to catch up (see `RoomRelay`). */
  | { readonly kind: 'relay' }

/** The origin of state read back from storage. */
export const STORAGE_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'storage' })

/** The origin of changes another process made and stored (see `RoomRelay`). */
export const RELAY_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'relay' })

/**
 * A document's stored state as Yjs updates, applied in this order (a
 * snapshot and the updates after it: applying them one by one is faster
 * than merging them first), and the number of the document log's newest
 * update they hold (0 if none: a snapshot of nothing numbered).
 */
export interface LoadedDocument {
  readonly updates: readonly Uint8Array[]
  readonly seq: number
}

/** A connection attempt, as the transport saw it. */
export interface ConnectionRequest {
  /** The document named in the URL, unchecked. */
  readonly documentId: string
  /** The session token from the cookie or the `token` parameter, if any. */
  readonly token: string | undefined
}

/** Refuses a connection; the transport answers `httpStatus` on upgrade, or closes with `closeCode`. */
export class ConnectionRefused extends Error {
  constructor(
    readonly httpStatus: 401 | 403 | 404,
    readonly closeCode: number,
    message: string
  ) {
    super(message)
    this.name = 'ConnectionRefused'
  }
}

/**
 * A change refused because it would take a document over its maximum size
 * (`ServerConfig.maxDocumentBytes`): nothing of it was applied. `status` is
 * the HTTP status that stands for it, as close code 4413 does on a socket.
 */
export class DocumentTooLarge extends Error {
  readonly status = 413

  constructor(readonly maxBytes: number) {
    super(`the document would exceed ${formatBytes(maxBytes)}`)
    this.name = 'DocumentTooLarge'
  }
}

/**
 * The points where the rest of the server plugs into collaboration, in the
 * order of a connection's life.
 */
export interface CollaborationHooks {
  /** Decides who connects and what they may do. Throws {@link ConnectionRefused} to refuse. */
  onAuthenticate(request: ConnectionRequest): Promise<ConnectionContext>
  /** The stored state of a document, or undefined if the document does not exist. */
  onLoadDocument(id: DocumentId): Promise<LoadedDocument | undefined>
  /**
   * The updates of the document's log numbered above `seq`; the whole
   * stored state if some of them were folded into the snapshot meanwhile,
   * or if `seq` is 0. Needed only with a shared relay (other processes),
   * to catch up on what the relay lost.
   */
  onLoadSince?(id: DocumentId, seq: number): Promise<LoadedDocument>
  /** Called for every change of a loaded document, whatever its origin. */
  onChange?(id: DocumentId, update: Uint8Array, origin: UpdateOrigin): void
  /**
   * Stores the changes since the last store, merged into one update, and
   * resolves with the number the document log gave it (undefined when it
   * went into a snapshot without one). Throws if it could not store them.
   */
  onStoreDocument(id: DocumentId, update: Uint8Array): Promise<number | undefined>
  /**
   * Called once a document has left memory (after its grace period, or at
   * close), every change of it stored: the store may compact it now, so
   * that the next cold open reads one snapshot. A throw is logged, never
   * more (the changes are stored already).
   */
  onReleaseDocument?(id: DocumentId): Promise<void>
  /** Called once a connection has closed. */
  onDisconnect?(context: ConnectionContext): void
}
