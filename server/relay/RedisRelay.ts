import { randomBytes } from 'node:crypto'
import { createClient, type RedisClientType } from 'redis'
import type { DocumentId } from '../../src'
import type { Logger } from '../Logger'
import { readFrame, writeFrame } from './frame'
import type { DocumentFrame, DocumentListener, Relay, WorkspaceMessage } from './Relay'

/** Where the relay meets the other processes. */
export interface RedisRelayOptions {
  /** `redis://host:port`. */
  readonly url: string
  /** First part of every channel and key, so that several workspaces (or test runs) share one Redis. */
  readonly prefix: string
  readonly logger: Logger
  /** Longest {@link RedisRelay.connect} waits for Redis at start, in ms. Default {@link CONNECT_WAIT_MS}. */
  readonly connectWaitMs?: number
}

/**
 * Longest a process waits for Redis at start: 10 s. Past it the start fails
 * with a message naming the URL (a wrong `REDIS_URL` must not hang a start
 * silently); a service manager starts the process again.
 */
export const CONNECT_WAIT_MS = 10_000

/**
 * Longest {@link RedisRelay.openDocument} waits for Redis to confirm a
 * subscription: 500 ms. Past it the document loads anyway (Redis is down or
 * slow); what it misses meanwhile it finds in the store at the next catch-up.
 */
export const SUBSCRIBE_WAIT_MS = 500

/**
 * The {@link Relay} over Redis pub/sub: one channel per document
 * (`<prefix>:doc:<id>`), subscribed while the document is loaded, and one for
 * the workspace (`<prefix>:workspace`). A publisher client and its
 * `duplicate()` as the subscriber (a subscribed connection can do nothing
 * else). Frames are binary (see `writeFrame`); a process drops its own by
 * its instance id. While Redis is down publishing drops frames (logged once
 * per outage) instead of queueing them; after the subscriber reconnects
 * (node-redis subscribes again by itself) every document listener is told,
 * to catch up from the store.
 */
export class RedisRelay implements Relay {
  readonly shared = true
  /** This process's id in its frames (random, 16 bytes). */
  readonly instance = randomBytes(16)
  private readonly instanceHex = this.instance.toString('hex')
  /** The client that publishes; also for other commands (the login throttle's). */
  readonly client: RedisClientType
  private readonly subscriber: RedisClientType
  private readonly documents = new Map<DocumentId, DocumentListener>()
  private readonly workspaceListeners = new Set<(message: WorkspaceMessage) => void>()
  private readonly restoredListeners = new Set<() => void>()
  private ready = false
  private subscriberReadyOnce = false
  // The subscriber is back after an outage, and the listeners not yet told.
  private restorePending = false
  private closed = false

  private constructor(private readonly options: RedisRelayOptions) {
    // Reconnect fast (Redis restarts take a fraction of a second), at most a second apart.
    const reconnectStrategy = (retries: number) => Math.min(50 + retries * 100, 1000)
    this.client = createClient({ url: options.url, disableOfflineQueue: true, socket: { reconnectStrategy } })
    this.subscriber = this.client.duplicate()
    this.client.on('error', (err: unknown) => this.down('publisher', err))
    this.subscriber.on('error', (err: unknown) => this.down('subscriber', err))
    this.client.on('ready', () => {
      if (!this.ready) options.logger.info('connected to Redis: live traffic reaches the other processes', { url: redactedUrl(options.url) })
      this.ready = true
      this.tellRestored()
    })
    this.subscriber.on('ready', () => {
      // The first ready is the start; every later one follows an outage, during which frames were lost.
      if (!this.subscriberReadyOnce) return void (this.subscriberReadyOnce = true)
      this.restorePending = true
      this.tellRestored()
    })
  }

  // Once both clients are back after an outage (the subscriber has subscribed
  // again): the listeners then catch up and publish (their cursors, a query
  // for the others'), which a publisher still reconnecting would drop.
  private tellRestored(): void {
    if (!this.restorePending || !this.client.isReady || !this.subscriber.isReady) return
    this.restorePending = false
    for (const listener of this.documents.values()) listener.onResubscribed()
    for (const listener of [...this.restoredListeners]) listener()
  }

  /**
   * A relay on the Redis at `options.url`. Resolves once both clients are
   * connected and the workspace channel subscribed; rejects if Redis cannot
   * be reached within `connectWaitMs` (a misconfiguration to report, not to
   * hide: node-redis itself would go on trying for ever).
   */
  static async connect(options: RedisRelayOptions): Promise<RedisRelay> {
    const relay = new RedisRelay(options)
    const connected = (async () => {
      await relay.client.connect()
      await relay.subscriber.connect()
      await relay.subscriber.subscribe(relay.workspaceChannel, relay.onWorkspaceFrame, true)
    })()
    // Given up below, it rejects once its clients are destroyed: nobody waits for that.
    connected.catch(() => {})
    let timer: ReturnType<typeof setTimeout> | undefined
    const waitMs = options.connectWaitMs ?? CONNECT_WAIT_MS
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`could not reach Redis at ${redactedUrl(options.url)} within ${waitMs} ms (REDIS_URL)`)), waitMs)
    })
    try {
      await Promise.race([connected, late])
    } catch (err) {
      await relay.close()
      throw err
    } finally {
      clearTimeout(timer)
    }
    return relay
  }

  /** The key of `name` in this workspace's part of Redis. */
  key(name: string): string {
    return `${this.options.prefix}:${name}`
  }

  private get workspaceChannel(): string {
    return this.key('workspace')
  }

  private documentChannel(id: DocumentId): string {
    return this.key(`doc:${id}`)
  }

  async openDocument(id: DocumentId, listener: DocumentListener): Promise<void> {
    this.documents.set(id, listener)
    const subscribed = this.subscriber.subscribe(this.documentChannel(id), (message: Buffer) => this.onDocumentFrame(id, message), true)
    subscribed.catch((err: unknown) => this.down('subscriber', err))
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([subscribed.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)))])
    clearTimeout(timer)
  }

  closeDocument(id: DocumentId): void {
    if (!this.documents.delete(id) || this.closed) return
    this.subscriber.unsubscribe(this.documentChannel(id)).catch(() => {})
  }

  publishDocument(id: DocumentId, frame: DocumentFrame): void {
    this.publish(this.documentChannel(id), writeFrame(this.instance, frame))
  }

  publishWorkspace(message: WorkspaceMessage): void {
    this.publish(this.workspaceChannel, writeFrame(this.instance, { kind: 'workspace', message }))
  }

  onWorkspace(listener: (message: WorkspaceMessage) => void, onRestored?: () => void): () => void {
    this.workspaceListeners.add(listener)
    if (onRestored) this.restoredListeners.add(onRestored)
    return () => {
      this.workspaceListeners.delete(listener)
      if (onRestored) this.restoredListeners.delete(onRestored)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.documents.clear()
    // A client still trying to reconnect is dropped at once: a shutdown must not wait for Redis.
    for (const client of [this.subscriber, this.client])
      if (client.isReady) await client.close().catch(() => client.destroy())
      else if (client.isOpen) client.destroy()
  }

  private publish(channel: string, bytes: Uint8Array): void {
    if (this.closed) return
    if (!this.client.isReady) return this.down('publisher', new Error('not connected'))
    this.client.publish(channel, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch((err: unknown) => this.down('publisher', err))
  }

  private readonly onWorkspaceFrame = (message: Buffer) => {
    const frame = this.read(message)
    if (frame?.body.kind !== 'workspace') return
    for (const listener of [...this.workspaceListeners]) listener(frame.body.message)
  }

  private onDocumentFrame(id: DocumentId, message: Buffer): void {
    const frame = this.read(message)
    if (!frame || frame.body.kind === 'workspace') return
    this.documents.get(id)?.onFrame(frame.body)
  }

  // The frame, unless it is this process's own or unreadable (logged: another version is running).
  private read(message: Buffer): ReturnType<typeof readFrame> | undefined {
    try {
      const frame = readFrame(new Uint8Array(message.buffer, message.byteOffset, message.byteLength))
      return frame.instance === this.instanceHex ? undefined : frame
    } catch (err) {
      this.options.logger.error('dropped a relay frame this process cannot read', { error: String(err) })
      return undefined
    }
  }

  // Logged once per outage: the clients retry by themselves.
  private down(which: string, err: unknown): void {
    if (this.closed || !this.ready) return
    this.ready = false
    this.options.logger.error('lost Redis: live traffic to other processes is dropped until it is back (each process catches up from the store)', {
      client: which,
      error: String(err)
    })
  }
}

// The URL without its password, for the log.
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable url)'
  }
}
