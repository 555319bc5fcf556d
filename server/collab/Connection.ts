import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import { colorOf } from '../../src'
import type { Logger } from '../Logger'
import type { MessageKind, MessageThrottle } from './MessageThrottle'
import {
  checkUpdateLinks,
  checkUpdateReferences,
  CloseCode,
  encodeAwarenessMessage,
  encodeStep2Message,
  MessageType,
  readAwarenessClocks,
  readAwarenessUpdate,
  SyncStep,
  UnsafeContent,
  writeAwarenessUpdate
} from './protocol'
import type { Room } from './Room'
import { DocumentTooLarge, OPEN, type ConnectionContext, type UpdateOrigin, type WebSocketLike } from './types'

/** Raised for a message that breaks the protocol; closes that one connection. */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/** The identity shown beside a person's cursor: always the server's, never the client's claim. */
export interface Presence {
  readonly name: string
  readonly username: string
  readonly role: string
  readonly country: string | null
  readonly color: string
}

/**
 * One client connected to one document. Speaks the y-websocket protocol:
 * answers sync step 1, applies updates (unless read-only), relays awareness
 * with the identity rewritten to the session's, and answers awareness
 * queries. A message that breaks the protocol closes this connection only,
 * with a reason, and changes nothing; so does an update that would take the
 * document over its maximum size (4413) or holds a link the link rule refuses (4422).
 *
 * Flood control: every message is charged to the connection's
 * {@link MessageThrottle} as it arrives, and `receive` answers how long the
 * transport should stop reading this socket. A connection over its rates for
 * too long is closed (4429) before the message that tipped it is handled.
 */
export class Connection {
  /** The origin of every change this connection makes to the document. */
  readonly origin: UpdateOrigin
  readonly presence: Presence
  /** Awareness client ids this connection speaks for. */
  private readonly clientIds = new Set<number>()
  private queue: Uint8Array[] | null = []
  // The document's stored state while the room has read it and not yet
  // applied it (see answerFromStored): a sync step 1 is answered from it.
  private stored: Uint8Array | undefined
  private open = true
  // The code the server closed this connection with, if it did.
  private closedFor: number | undefined
  // Messages that arrived while the connection (or its account) was over its
  // rates and that a later one of the same kind makes moot, kept for when the
  // rates allow, the latest of each kind only: a sync step 1 (each answer is
  // the document less what the client says it has), an awareness update (of
  // this client's own cursor: the latest state wins) and an awareness query.
  private readonly deferred = new Map<DeferredKind, Uint8Array>()
  private deferTimer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly socket: WebSocketLike,
    readonly context: ConnectionContext,
    private readonly room: Room,
    private readonly logger: Logger,
    private readonly throttle: MessageThrottle
  ) {
    this.origin = { kind: 'connection', context }
    const { account } = context
    this.presence = {
      name: account.name,
      username: account.username,
      role: account.role,
      country: account.country,
      color: colorOf(account)
    }
  }

  /**
   * Called when the room has read the document's stored state as one update
   * and not yet applied it (Room.storedState): the sync step 1 messages
   * waiting, and those that come until {@link start}, are answered from those
   * bytes at once. The client then applies the document while the server
   * does, so a cold open costs about one apply, not two one after the other.
   */
  answerFromStored(state: Uint8Array): void {
    if (!this.open || !this.queue) return
    this.stored = state
    const queued = this.queue
    this.queue = []
    for (const message of queued) {
      if (deferredKindOf(message) === 'step1') this.answerStep1FromStored(message)
      else this.queue?.push(message)
    }
  }

  private answerStep1FromStored(message: Uint8Array): void {
    this.process(message)
    this.room.noteAnsweredFromStored()
  }

  /** Called once the room's document is loaded: greets the client and handles what it sent meanwhile. */
  start(): void {
    this.stored = undefined
    if (!this.open) return
    // A read-only client's state is never taken, so there is no point asking for it.
    if (!this.context.readOnly) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      syncProtocol.writeSyncStep1(encoder, this.room.doc)
      this.send(encoding.toUint8Array(encoder))
    }
    const states = this.room.awareness.getStates()
    if (states.size > 0)
      this.send(encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, [...states.keys()])))
    const queued = this.queue ?? []
    this.queue = null
    // Already charged as they arrived.
    for (const message of queued) this.process(message)
  }

  /**
   * Handles one message from the client (or keeps it until the document is
   * loaded). Returns how many ms the transport should wait before it reads
   * the next message of this socket: 0 while the client keeps to its rates.
   */
  receive(message: Uint8Array): number {
    if (!this.open) return 0
    // Dropped, charged to this connection's own rates only, never to its
    // account's: the bound on echoes is how often the room sends awareness
    // (see Broadcast), and each of an account's connections echoes alike.
    if (this.isEcho(message)) return this.charge('awareness', 1, message.byteLength, { ownOnly: true }) ? this.throttle.waitMs() : 0
    // The type is the first byte: every type there is fits in one varUint byte.
    const kind: MessageKind = message[0] === MessageType.awareness || message[0] === MessageType.queryAwareness ? 'awareness' : 'updates'
    if (!this.charge(kind, 1, message.byteLength)) return 0
    if (this.queue) {
      if (this.stored && deferredKindOf(message) === 'step1') this.answerStep1FromStored(message)
      else this.queue.push(message)
    } else {
      const deferrable = deferredKindOf(message)
      if (deferrable && (this.deferred.size > 0 || this.throttle.waitMs() > 0)) this.defer(deferrable, message)
      else this.process(message)
    }
    return this.open ? this.throttle.waitMs() : 0
  }

  // A step 1 costs the server its answer, up to the whole document, and an
  // awareness update a message to every other client: while the connection
  // owes waiting, the ones already read from the socket (a flood arrives many
  // to a TCP read) are not handled one after another, but the latest of each
  // kind is kept for when the rates allow, one a turn of the event loop.
  private defer(kind: DeferredKind, message: Uint8Array): void {
    this.deferred.set(kind, message)
    if (this.deferTimer !== undefined) return
    const handleLater = () => {
      this.deferTimer = undefined
      if (!this.open || this.deferred.size === 0) return
      const waitMs = this.throttle.waitMs()
      if (waitMs === 0) {
        const first = this.deferred.entries().next().value
        if (first) {
          this.deferred.delete(first[0])
          this.process(first[1])
        }
      }
      if (this.open && this.deferred.size > 0) this.deferTimer = setTimeout(handleLater, Math.ceil(this.throttle.waitMs()))
    }
    this.deferTimer = setTimeout(handleLater, Math.ceil(this.throttle.waitMs()))
  }

  /** How many ms the transport should still wait before it reads this socket again (0: now). */
  get waitMs(): number {
    return this.open ? this.throttle.waitMs() : 0
  }

  // Charges the throttle; closes the connection and answers false if it has been over its rates too long.
  private charge(kind: MessageKind, messages: number, bytes: number, options: { readonly ownOnly?: boolean } = {}): boolean {
    const verdict = this.throttle.charge(kind, messages, bytes, options)
    if (!('exceeded' in verdict)) return true
    this.logger.info('closing a connection that sends too much', { document: this.context.documentId, user: this.context.account.username, reason: verdict.exceeded })
    this.close(verdict.byAccount ? CloseCode.accountOverBudget : CloseCode.tooManyMessages, verdict.exceeded)
    return false
  }

  // An awareness message that would change nothing: only clients that other
  // connections speak for, at clocks the room already has. Every stock
  // y-websocket client sends back each awareness message it receives.
  private isEcho(message: Uint8Array): boolean {
    if (message[0] !== MessageType.awareness) return false
    try {
      const decoder = decoding.createDecoder(message)
      decoding.readVarUint(decoder)
      const entries = readAwarenessClocks(decoding.readVarUint8Array(decoder))
      if (decoding.hasContent(decoder)) return false
      const { meta, states } = this.room.awareness
      return entries.every(({ clientId, clock, removes }) => {
        const known = meta.get(clientId)?.clock
        if (this.clientIds.has(clientId) || known === undefined) return false
        // What y-protocols would apply: a later clock, or at the same clock the removal of a present state.
        return clock < known || (clock === known && !(removes && states.has(clientId)))
      })
    } catch {
      // Malformed: handled, and refused, as any other message.
      return false
    }
  }

  private process(message: Uint8Array): void {
    if (!this.open) return
    try {
      this.handle(message)
    } catch (err) {
      if (err instanceof DocumentTooLarge) {
        this.logger.info('closing a connection whose update would make the document too large', {
          document: this.context.documentId,
          user: this.context.account.username,
          size: this.room.size,
          maxBytes: err.maxBytes
        })
        return this.close(CloseCode.documentTooLarge, err.message)
      }
      if (err instanceof UnsafeContent) {
        this.logger.info('closing a connection whose update breaks the link rule', { document: this.context.documentId, user: this.context.account.username })
        return this.close(CloseCode.unsafeContent, err.message)
      }
      const reason = err instanceof ProtocolError ? err.message : `malformed message: ${(err as Error).message}`
      this.logger.info('closing a connection that sent a bad message', { document: this.context.documentId, user: this.context.account.username, reason })
      this.close(CloseCode.badMessage, reason)
    }
  }

  private handle(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.sync:
        this.handleSync(decoder)
        break
      case MessageType.awareness: {
        const update = decoding.readVarUint8Array(decoder)
        checkEnd(decoder, type)
        this.handleAwareness(update)
        break
      }
      case MessageType.queryAwareness: {
        checkEnd(decoder, type)
        const states = this.room.awareness.getStates()
        if (states.size === 0) break
        const answer = encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, [...states.keys()]))
        if (this.charge('awareness', 0, answer.byteLength)) this.send(answer)
        break
      }
      default:
        // Auth messages (2) only ever go from server to client.
        throw new ProtocolError(`unknown message type ${type}`)
    }
  }

  private handleSync(decoder: decoding.Decoder): void {
    const step = decoding.readVarUint(decoder)
    switch (step) {
      case SyncStep.step1: {
        const stateVector = decoding.readVarUint8Array(decoder)
        checkEnd(decoder, MessageType.sync)
        // Validates the state vector before it is used to encode the diff.
        const hasNothing = Y.decodeStateVector(stateVector).size === 0
        // A client that has nothing gets the stored bytes while they are not
        // applied yet, and afterwards the room's whole state as last encoded
        // plus the updates since, framed once (Room.wholeStateAnswer):
        // neither encodes the document per client. Any other client gets what it lacks.
        const answer = this.stored
          ? [encodeStep2Message(hasNothing ? this.stored : Y.diffUpdate(this.stored, stateVector))]
          : hasNothing
            ? this.room.wholeStateAnswer()
            : [encodeStep2Message(Y.encodeStateAsUpdate(this.room.doc, stateVector))]
        // What the client costs the server is the answer: up to the whole document.
        if (this.charge('updates', 0, answer.reduce((sum, message) => sum + message.byteLength, 0))) for (const message of answer) this.send(message)
        break
      }
      case SyncStep.step2:
      case SyncStep.update: {
        const update = decoding.readVarUint8Array(decoder)
        checkEnd(decoder, MessageType.sync)
        // Read and check the whole update first: a malformed one throws here,
        // before it could be half applied.
        const decoded = Y.decodeUpdate(update)
        checkUpdateReferences(decoded)
        if (this.context.readOnly) return
        checkUpdateLinks(decoded)
        this.room.checkUpdate(update, decoded)
        Y.applyUpdate(this.room.doc, update, this.origin)
        break
      }
      default:
        throw new ProtocolError(`unknown sync message type ${step}`)
    }
  }

  private handleAwareness(update: Uint8Array): void {
    const entries = readAwarenessUpdate(update).filter((entry) => this.mayControl(entry.clientId))
    if (entries.length === 0) return
    for (const entry of entries) this.clientIds.add(entry.clientId)
    const rewritten = entries.map((entry) =>
      entry.state === null ? entry : { ...entry, state: { ...entry.state, user: this.presence } }
    )
    awarenessProtocol.applyAwarenessUpdate(this.room.awareness, writeAwarenessUpdate(rewritten), this.origin)
  }

  // A client id belongs to the first connection that speaks for it, and to
  // its session after it left (Room.claimPresence): nobody may move, remove
  // or take over another person's cursor, also while their socket is down.
  private mayControl(clientId: number): boolean {
    if (this.clientIds.has(clientId)) return true
    for (const other of this.room.connections) if (other !== this && other.clientIds.has(clientId)) return false
    return this.room.claimPresence(clientId, this.context.sessionId)
  }

  /** Sends a message if the socket is still open. */
  send(message: Uint8Array): void {
    if (!this.open || this.socket.readyState !== OPEN) return
    try {
      this.socket.send(message)
    } catch (err) {
      this.logger.error('send failed', { document: this.context.documentId, error: String(err) })
      this.close(CloseCode.internalError, 'send failed')
    }
  }

  /** Closes the socket with a code and a reason (cut to the 123 bytes WebSocket allows). */
  close(code: number, reason: string): void {
    if (this.open) this.closedFor ??= code
    if (this.open && this.socket.readyState === OPEN) this.socket.close(code, truncateReason(reason))
    this.closed()
  }

  /** Whether the server closed this connection for sending too much (4429, 4430): the client may have more queued than it is worth reading. */
  get closedForFlood(): boolean {
    return this.closedFor === CloseCode.tooManyMessages || this.closedFor === CloseCode.accountOverBudget
  }

  /** Called when the socket has closed, by either side: forgets this client's presence. */
  closed(): void {
    if (!this.open) return
    this.open = false
    this.queue = null
    clearTimeout(this.deferTimer)
    this.deferred.clear()
    if (this.clientIds.size > 0) awarenessProtocol.removeAwarenessStates(this.room.awareness, [...this.clientIds], this.origin)
    this.room.releasePresence(this.clientIds)
  }

  get isOpen(): boolean {
    return this.open
  }
}

/** The kinds of message of which only the latest matters while a connection is held back. */
type DeferredKind = 'step1' | 'awareness' | 'query'

// The kind of a message that may wait for the latest of its kind, from its
// first bytes (the type and the sync step are one-byte varUints); undefined
// for a document update, which is handled in order, always.
function deferredKindOf(message: Uint8Array): DeferredKind | undefined {
  if (message[0] === MessageType.sync) return message[1] === SyncStep.step1 ? 'step1' : undefined
  if (message[0] === MessageType.awareness) return 'awareness'
  if (message[0] === MessageType.queryAwareness) return 'query'
  return undefined
}

// Checked before a message has any effect: a message with bytes left over is
// malformed as a whole, so none of it may be applied.
function checkEnd(decoder: decoding.Decoder, type: number): void {
  if (decoding.hasContent(decoder)) throw new ProtocolError(`trailing bytes after a message of type ${type}`)
}

function truncateReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason)
  if (bytes.length <= 123) return reason
  let cut = reason.slice(0, 120)
  while (new TextEncoder().encode(cut + '…').length > 123) cut = cut.slice(0, -1)
  return cut + '…'
}
