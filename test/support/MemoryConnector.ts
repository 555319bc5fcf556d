/**
 * Clients and the server's `Collaboration` in one process, joined by
 * in-memory sockets whose messages wait in queues until a seeded generator
 * picks which one is delivered next: the convergence layer of the tests
 * (STYLE 15), after Yjs' `TestConnector`. The same seed replays the same
 * run, message for message, down to the bytes of every document.
 *
 * The server side is the real one: a {@link Collaboration} with its rooms,
 * connections, broadcast and persistence, given {@link WebSocketLike}
 * sockets instead of `ws` ones, and hooks over an in-memory document store.
 * The client side is what y-websocket does, with y-protocols: send sync
 * step 1 on connecting, answer the server's, apply its updates, send each
 * local update.
 *
 * Determinism: client ids are fixed, the throttle's clock is virtual, stores
 * happen only when the schedule (or a release) says so (the debounce is an
 * hour), and after every step the connector lets the event loop run the
 * server's `setImmediate` broadcast before it draws the next one.
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import * as syncProtocol from 'y-protocols/sync'
import type { Account, DocumentId } from '../../src'
import { Collaboration, MessageType, type CollaborationHooks, type Logger, type WebSocketLike } from '../../server'
import { syncStep1Message, syncUpdateMessage } from './collab'

type Connection = ReturnType<Collaboration['connect']>
type ConnectionContext = Parameters<Collaboration['connect']>[1]

/** WebSocket readyStates an in-memory socket goes through. */
const OPEN = 1
const CLOSED = 3

/** The document every connector serves. */
export const MEMORY_DOCUMENT = 'memory-document' as DocumentId

/** A close of a connection that the server decided (a bad message, a flood, going away). */
export interface ServerClose {
  readonly client: number
  readonly code: number
  readonly reason: string
}

/**
 * One connection of one client: the socket the server writes to and the
 * two queues of messages in flight, each delivered in order (as TCP does).
 * Dropping the link loses whatever is still in them.
 */
class MemoryLink {
  readonly toServer: Uint8Array[] = []
  readonly toClient: Uint8Array[] = []
  /** Set when the server closed the socket; the connector then tells `Collaboration`, as a transport would. */
  closedByServer: { code: number; reason: string } | undefined
  readonly socket: WebSocketLike
  connection!: Connection
  private state = OPEN

  constructor(readonly collaboration: Collaboration) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below has a `this` of its own
    const link = this
    // The server's side of the socket. A real socket copies what it sends; so does this one.
    this.socket = {
      get readyState() {
        return link.state
      },
      send: (data) => {
        if (this.state === OPEN) this.toClient.push(data.slice())
      },
      close: (code, reason) => {
        if (this.state !== OPEN) return
        this.state = CLOSED
        this.closedByServer = { code, reason }
      }
    }
  }

  get isOpen(): boolean {
    return this.state === OPEN
  }

  /** Closes the socket from the client's side; messages in flight are lost. */
  drop(): void {
    this.state = CLOSED
    this.toServer.length = 0
    this.toClient.length = 0
  }
}

/**
 * A client: a Y.Doc with a fixed client id and, while online, one
 * {@link MemoryLink} to the server. Like a y-websocket provider it is the
 * origin of every update it applies from the server, and sends every other.
 */
export class MemoryClient {
  readonly doc: Y.Doc
  link: MemoryLink | undefined

  constructor(
    /** Index among the connector's clients. */
    readonly index: number,
    readonly context: ConnectionContext
  ) {
    this.doc = new Y.Doc()
    // Fixed, so that a seed replays down to the bytes (Yjs' TestConnector does the same).
    this.doc.clientID = index + 1
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this && this.link?.isOpen) this.link.toServer.push(syncUpdateMessage(update))
    })
  }

  get online(): boolean {
    return this.link?.isOpen ?? false
  }

  /** Handles one message from the server, as y-websocket does: may queue an answer. */
  receive(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message)
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.awareness) return // no presence in these tests
    if (type !== MessageType.sync) throw new TypeError(`client ${this.index} got a message of type ${type}`)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.readSyncMessage(decoder, encoder, this.doc, this)
    // Only a sync step 1 has an answer; anything past the type is one.
    if (encoding.length(encoder) > 1 && this.link?.isOpen) this.link.toServer.push(encoding.toUint8Array(encoder))
  }
}

export interface MemoryConnectorOptions {
  /** Seeds the generator that decides every choice of the run. */
  readonly seed: number
  /** How many clients. Default 3. */
  readonly clients?: number
  /** The document's stored state at the start (one Yjs update). Default: empty. */
  readonly initial?: Uint8Array
}

/**
 * N clients and a `Collaboration` over an in-memory store, with a seeded
 * schedule. {@link randomStep} does one thing the generator picks: an edit,
 * a delivery, a drop, a reconnection, a store or a server restart.
 * {@link flushAll} then reconnects everyone and delivers everything.
 */
export class MemoryConnector {
  readonly gen: prng.PRNG
  readonly clients: MemoryClient[]
  /** What the server stored of the document, in order: the state it loads. */
  readonly stored: Uint8Array[] = []
  /** Every step, for a failure's message. */
  readonly log: string[] = []
  /** Closes the server decided; a healthy run has none. */
  readonly serverCloses: ServerClose[] = []
  /** Errors the server logged; a healthy run has none. */
  readonly errors: string[] = []
  collaboration: Collaboration
  private now = 0
  private readonly logger: Logger = {
    info: () => {},
    error: (message, context) => this.errors.push(`${message} ${JSON.stringify(context ?? {})}`)
  }
  private readonly hooks: CollaborationHooks = {
    onAuthenticate: () => Promise.reject(new Error('the connector connects with a context of its own')),
    onLoadDocument: async (id) => (id === MEMORY_DOCUMENT ? { updates: [...this.stored], seq: this.stored.length } : undefined),
    onStoreDocument: async (_id, update) => this.stored.push(update)
  }

  constructor(options: MemoryConnectorOptions) {
    this.gen = prng.create(options.seed)
    if (options.initial) this.stored.push(options.initial)
    this.collaboration = this.newCollaboration()
    this.clients = Array.from({ length: options.clients ?? 3 }, (_, i) => {
      const account = { username: `editor${i}`, name: `Editor ${i}`, role: 'ppt', country: null } as Account
      return new MemoryClient(i, { documentId: MEMORY_DOCUMENT, account, sessionId: `session-${i}`, readOnly: false })
    })
  }

  private newCollaboration(): Collaboration {
    return new Collaboration(this.hooks, {
      logger: this.logger,
      // Stores come from the schedule (and from releases), never from a timer.
      persistence: { debounceMs: 3_600_000, maxWaitMs: 3_600_000 },
      // Virtual time, 50 ms a step: the rates see a person typing, whatever the machine's speed.
      clock: () => this.now
    })
  }

  /** Connects every client; resolves once the server has greeted them. */
  async start(): Promise<void> {
    for (const client of this.clients) this.connect(client)
    await this.settle()
  }

  /** The server's live copy of the document, if a connection holds it open. */
  get serverDoc(): Y.Doc | undefined {
    return this.collaboration.loadedDocument(MEMORY_DOCUMENT)?.doc
  }

  /** The document as stored, loaded into a fresh Y.Doc. */
  storedDoc(): Y.Doc {
    const doc = new Y.Doc()
    for (const update of this.stored) Y.applyUpdate(doc, update)
    return doc
  }

  /** Opens a new link for `client`, as a provider does on (re)connecting: it sends its sync step 1 first. */
  connect(client: MemoryClient): void {
    const link = new MemoryLink(this.collaboration)
    client.link = link
    link.toServer.push(syncStep1Message(client.doc))
    link.connection = this.collaboration.connect(link.socket, client.context)
  }

  /** Drops `client`'s link: what is in flight either way is lost, and the server hears of the close. */
  disconnect(client: MemoryClient): void {
    const link = client.link
    if (!link) return
    client.link = undefined
    link.drop()
    link.collaboration.disconnect(link.connection)
  }

  /**
   * Delivers the next message of one queue the generator picks (among every
   * link and both directions). Returns false if nothing was in flight.
   */
  async deliverRandomMessage(): Promise<boolean> {
    const queues: Array<{ client: MemoryClient; toServer: boolean }> = []
    for (const client of this.clients) {
      if (!client.link?.isOpen) continue
      if (client.link.toServer.length > 0) queues.push({ client, toServer: true })
      if (client.link.toClient.length > 0) queues.push({ client, toServer: false })
    }
    if (queues.length === 0) return false
    const { client, toServer } = prng.oneOf(this.gen, queues)
    const link = client.link as MemoryLink
    if (toServer) {
      // The wait it answers is flood control's; the virtual clock keeps it at 0 for these rates.
      link.connection.receive(link.toServer.shift() as Uint8Array)
      this.log.push(`server receives from client ${client.index}`)
    } else {
      client.receive(link.toClient.shift() as Uint8Array)
      this.log.push(`client ${client.index} receives`)
    }
    await this.settle()
    return true
  }

  /**
   * One step the generator picks: mostly `edit` on a random client (online
   * or not, 45 %) and deliveries (40 %); sometimes a drop (2 %), a
   * reconnection (8 %: so a client is offline about a fifth of the time) or
   * a store (4.5 %); rarely a server restart (0.5 %: every connection
   * closed, the document stored, released and loaded again).
   */
  async randomStep(edit: (gen: prng.PRNG, doc: Y.Doc) => string): Promise<void> {
    this.now += 50
    const roll = prng.real53(this.gen)
    if (roll < 0.45) {
      const client = prng.oneOf(this.gen, this.clients)
      this.log.push(`client ${client.index} ${client.online ? '' : '(offline) '}${edit(this.gen, client.doc)}`)
      await this.settle()
    } else if (roll < 0.85) {
      if (!(await this.deliverRandomMessage())) this.log.push('nothing in flight')
    } else if (roll < 0.87) {
      const online = this.clients.filter((c) => c.online)
      if (online.length === 0) return void this.log.push('nobody to drop')
      const client = prng.oneOf(this.gen, online)
      this.disconnect(client)
      this.log.push(`client ${client.index} drops`)
      await this.settle()
    } else if (roll < 0.95) {
      const offline = this.clients.filter((c) => !c.online)
      if (offline.length === 0) return void this.log.push('nobody to reconnect')
      const client = prng.oneOf(this.gen, offline)
      this.connect(client)
      this.log.push(`client ${client.index} reconnects`)
      await this.settle()
    } else if (roll < 0.995) {
      await this.collaboration.flushAll()
      this.log.push('server stores')
    } else {
      await this.restartServer()
      this.log.push('server restarts')
    }
  }

  /** Closes the `Collaboration` (clients are closed with 1001) and starts a new one over the same store. */
  async restartServer(): Promise<void> {
    await this.collaboration.close()
    this.collaboration = this.newCollaboration()
    await this.settle()
  }

  /** Reconnects every client and delivers every message, in an order the generator picks, until none is in flight. */
  async flushAll(): Promise<void> {
    // A round ends early only if the server closes someone; a few are plenty.
    for (let round = 0; round < 10; round++) {
      for (const client of this.clients) if (!client.online) this.connect(client)
      await this.settle()
      while (await this.deliverRandomMessage());
      if (this.clients.every((c) => c.online)) return
    }
    throw new Error(`the server keeps closing clients: ${JSON.stringify(this.serverCloses.slice(-3))}`)
  }

  /** Closes the server and the clients. */
  async destroy(): Promise<void> {
    for (const client of this.clients) client.link?.drop()
    await this.collaboration.close()
    for (const client of this.clients) client.doc.destroy()
  }

  // Lets the server finish what the last step started: a room's loading
  // (promises), its broadcast (setImmediate), a release after the last
  // connection left. Then reports closes the server made, as a transport's
  // close event would.
  private async settle(): Promise<void> {
    for (let turn = 0; turn < 2; turn++) await new Promise((done) => setImmediate(done))
    for (const client of this.clients) {
      const link = client.link
      if (!link?.closedByServer) continue
      this.serverCloses.push({ client: client.index, ...link.closedByServer })
      this.log.push(`server closes client ${client.index}: ${link.closedByServer.code} ${link.closedByServer.reason}`)
      this.disconnect(client)
    }
  }
}
