import type * as Y from 'yjs'
import type { DocumentId } from '../../src'
import { defaultAccountBudget, defaultMessageThrottle, defaultPersistence, type AccountBudgetConfig, type MessageThrottleConfig, type PersistenceConfig } from '../config'
import { consoleLogger, type Logger } from '../Logger'
import { Connection } from './Connection'
import { AccountBudget, MessageThrottle } from './MessageThrottle'
import { CloseCode } from './protocol'
import { Room } from './Room'
import type { CollaborationHooks, ConnectionContext, ConnectionRequest, WebSocketLike } from './types'
import { noRelay, type Relay } from '../relay'

export interface CollaborationOptions {
  /** When changes are stored. Default {@link defaultPersistence}. */
  readonly persistence?: PersistenceConfig
  readonly logger?: Logger
  /** Largest size of a document, in bytes (see `Room.size`). Default: no limit. */
  readonly maxDocumentBytes?: number
  /** Flood control of each connection. Default {@link defaultMessageThrottle}. */
  readonly messageThrottle?: MessageThrottleConfig
  /** Flood control shared by the connections of one account. Default {@link defaultAccountBudget}. */
  readonly accountBudget?: AccountBudgetConfig
  /**
   * Milliseconds of a monotonic clock, for what only paces work: the message
   * rates and the storage debounce. Default `performance.now`. Not the
   * workspace's `Clock`: a clock set to another day must not hold back writes.
   */
  readonly clock?: () => number
  /**
   * How long a document stays loaded after its last connection leaves (and
   * its changes are stored), in ms. Default {@link defaultUnloadAfterMs}: a
   * page reload or a dropped network does not load a large text again, and
   * an idle document does not stay in memory.
   */
  readonly unloadAfterMs?: number
  /**
   * How changes and awareness reach the other processes serving the
   * workspace. Default {@link noRelay}: this process alone. A shared relay
   * needs the `onLoadSince` hook, to catch up on what it loses.
   */
  readonly relay?: Relay
}

/** Default grace before an unused document leaves memory: 5 s. */
export const defaultUnloadAfterMs = 5_000

/**
 * The collaboration core: rooms of connections around loaded documents. It
 * takes any {@link WebSocketLike}; the transport hands it each message with
 * `connection.receive` and tells it of a close with `connection.closed`.
 * A document is loaded by its first connection (or by work on it) and,
 * once the last one has left, its changes are stored at once and the
 * document is released after a grace period, unless someone came back.
 */
export class Collaboration {
  private readonly rooms = new Map<DocumentId, Room>()
  private readonly persistence: PersistenceConfig
  private readonly logger: Logger
  private readonly messageThrottle: MessageThrottleConfig
  private readonly accountBudget: AccountBudgetConfig
  // One budget per account, kept while the process runs: closing every
  // connection and opening new ones must not refill it (accounts are few).
  private readonly accountBudgets = new Map<string, AccountBudget>()
  private readonly clock: () => number
  private readonly unloadAfterMs: number
  private readonly relay: Relay
  // Rooms no one uses, and the timer that will release each.
  private readonly unloading = new Map<Room, ReturnType<typeof setTimeout>>()
  /** Largest size of a document, in bytes; changes that would go over it are refused with `DocumentTooLarge`. */
  readonly maxDocumentBytes: number

  constructor(
    private readonly hooks: CollaborationHooks,
    options: CollaborationOptions = {}
  ) {
    this.persistence = options.persistence ?? defaultPersistence
    this.logger = options.logger ?? consoleLogger
    this.maxDocumentBytes = options.maxDocumentBytes ?? Number.POSITIVE_INFINITY
    this.messageThrottle = options.messageThrottle ?? defaultMessageThrottle
    this.accountBudget = options.accountBudget ?? defaultAccountBudget
    this.clock = options.clock ?? (() => performance.now())
    this.unloadAfterMs = options.unloadAfterMs ?? defaultUnloadAfterMs
    this.relay = options.relay ?? noRelay
    if (this.relay.shared && !hooks.onLoadSince) throw new RangeError('a shared relay needs the onLoadSince hook, to catch up on what it loses')
  }

  /** Decides whether a connection may be made; throws `ConnectionRefused` if not. */
  authenticate(request: ConnectionRequest): Promise<ConnectionContext> {
    return this.hooks.onAuthenticate(request)
  }

  // The room of a document, loading it on first use.
  private roomOf(id: DocumentId): Room {
    const existing = this.rooms.get(id)
    if (existing) {
      this.keep(existing)
      return existing
    }
    const room = new Room(id, this.hooks, this.persistence, this.logger, this.maxDocumentBytes, this.clock, this.relay)
    this.rooms.set(id, room)
    room.loaded.catch((err: unknown) => {
      this.logger.error('could not load document', { document: room.id, error: String(err) })
      if (this.rooms.get(room.id) === room) this.rooms.delete(room.id)
      for (const c of room.connections) c.close(CloseCode.internalError, 'the document could not be loaded')
      room.destroy()
    })
    return room
  }

  /**
   * Runs `work` on the live Y.Doc of a document, loading it if no one has it
   * open. Changes `work` makes (with an origin of their own) reach every
   * connected client, and are stored before the returned promise resolves.
   * Rejects if the document does not exist.
   *
   * Work that may make the document larger says by how much at most in
   * `options.adds` (bytes of Yjs update: the encoded size of what it
   * inserts, plus room for its bookkeeping); if that could take the document
   * over {@link maxDocumentBytes}, `work` does not run and the promise
   * rejects with `DocumentTooLarge`.
   */
  async withDocument<T>(id: DocumentId, work: (doc: Y.Doc) => T, options: { readonly adds?: number } = {}): Promise<T> {
    const room = this.roomOf(id)
    room.holds++
    try {
      await room.loaded
      await room.catchUp()
      if (options.adds !== undefined) room.checkRoomFor(options.adds)
      // `work` is synchronous: any update during it is its own. Only then is
      // an early store due; reading (listing comments, publishing) leaves the
      // connections' typing to the usual debounce.
      let changed = false
      const onUpdate = () => {
        changed = true
      }
      room.doc.on('update', onUpdate)
      let result: T
      try {
        result = work(room.doc)
      } finally {
        room.doc.off('update', onUpdate)
      }
      if (changed) await room.flush()
      return result
    } finally {
      room.holds--
      if (room.connections.size === 0 && room.holds === 0) this.unloadLater(room)
    }
  }

  /**
   * Attaches an authenticated socket to its document's room. The transport
   * hands each message to `connection.receive` and, while what that answers
   * (or later `connection.waitMs`) is above 0, reads no more from the socket.
   */
  connect(socket: WebSocketLike, context: ConnectionContext): Connection {
    const room = this.roomOf(context.documentId)
    const account = context.account.username
    let budget = this.accountBudgets.get(account)
    if (!budget) this.accountBudgets.set(account, (budget = new AccountBudget(this.accountBudget, this.clock)))
    const connection = new Connection(socket, context, room, this.logger, new MessageThrottle(this.messageThrottle, this.clock, budget))
    room.connections.add(connection)
    room.storedState().then(
      (state) => {
        if (state) connection.answerFromStored(state)
      },
      () => {}
    )
    room.loaded.then(() => connection.start(), () => {})
    return connection
  }

  /**
   * The ms until `account` may open another connection (0: now): after one
   * of its connections was closed for the account's shared budget (4430),
   * until the budget has rested (see `AccountBudget.refusesFor`).
   */
  accountRefusedFor(account: string): number {
    return this.accountBudgets.get(account)?.refusesFor(this.clock()) ?? 0
  }

  /** Tells the core that a socket has closed. */
  disconnect(connection: Connection): void {
    connection.closed()
    const room = this.rooms.get(connection.context.documentId)
    if (!room || !room.connections.delete(connection)) return
    this.hooks.onDisconnect?.(connection.context)
    if (room.connections.size === 0 && room.holds === 0) this.unloadLater(room)
  }

  // The room is no longer used: its changes are stored now, the document
  // released after the grace period.
  private unloadLater(room: Room): void {
    this.keep(room)
    void room.flush()
    const timer = setTimeout(() => {
      this.unloading.delete(room)
      void this.release(room)
    }, this.unloadAfterMs)
    // A grace period alone does not keep the process alive.
    timer.unref?.()
    this.unloading.set(room, timer)
  }

  // Someone uses the room again: no release is due.
  private keep(room: Room): void {
    clearTimeout(this.unloading.get(room))
    this.unloading.delete(room)
  }

  private async release(room: Room): Promise<void> {
    await room.loaded.catch(() => {})
    await room.flush()
    // Someone may have joined while the changes were being stored.
    if (room.connections.size === 0 && room.holds === 0 && !room.hasUnstoredChanges && this.rooms.get(room.id) === room) {
      this.rooms.delete(room.id)
      room.destroy()
      await this.afterRelease(room.id)
    }
  }

  private async afterRelease(id: DocumentId): Promise<void> {
    try {
      await this.hooks.onReleaseDocument?.(id)
    } catch (err) {
      this.logger.error('could not compact a released document (its changes are stored)', { document: id, error: String(err) })
    }
  }

  /** The loaded document of `id`, if a connection holds it open. */
  loadedDocument(id: DocumentId): Room | undefined {
    return this.rooms.get(id)
  }

  /** Stores every pending change of every document. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => room.flush()))
  }

  /**
   * Closes, with `code` and `reason`, every open connection whose context
   * matches `which` (an account whose sessions ended, say). Their sockets'
   * close events then detach them as usual. Returns how many were closed.
   */
  closeWhere(which: (context: ConnectionContext) => boolean, code: number, reason: string): number {
    let closed = 0
    for (const room of this.rooms.values())
      for (const connection of [...room.connections])
        if (connection.isOpen && which(connection.context)) {
          connection.close(code, reason)
          closed++
        }
    return closed
  }

  /** Closes every open connection of the account `username` (see {@link closeWhere}). */
  closeAccount(username: string, code: number, reason: string): number {
    return this.closeWhere((context) => context.account.username === username, code, reason)
  }

  /** The contexts of every open connection, of every document. */
  *contexts(): IterableIterator<ConnectionContext> {
    for (const room of this.rooms.values()) for (const connection of room.connections) if (connection.isOpen) yield connection.context
  }

  /** Closes every connection (clients will reconnect), stores everything and releases the documents. */
  async close(): Promise<void> {
    for (const room of this.rooms.values())
      for (const connection of [...room.connections]) {
        connection.close(CloseCode.goingAway, 'the server is shutting down')
        // Forgotten here, so the socket's own close event does not report it twice.
        room.connections.delete(connection)
        this.hooks.onDisconnect?.(connection.context)
      }
    for (const timer of this.unloading.values()) clearTimeout(timer)
    this.unloading.clear()
    await this.flushAll()
    const released = [...this.rooms.keys()]
    for (const room of this.rooms.values()) room.destroy()
    this.rooms.clear()
    // One at a time: each compaction holds a document's whole state.
    for (const id of released) await this.afterRelease(id)
  }
}
