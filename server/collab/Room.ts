import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { DocumentId } from '../../src'
import type { PersistenceConfig } from '../config'
import type { Logger } from '../Logger'
import { Broadcast } from './Broadcast'
import { noRelay, type Relay } from '../relay'
import { DocumentTooLarge, RELAY_ORIGIN, STORAGE_ORIGIN, type CollaborationHooks, type LoadedDocument, type UpdateOrigin } from './types'
import type { Connection } from './Connection'
import { encodeStep2Message, encodeUpdateMessage } from './protocol'
import { RoomRelay } from './RoomRelay'

/**
 * How long an awareness client id stays bound to its session after the
 * connection speaking for it left, in ms of the room's clock (see
 * {@link Room.claimPresence}): 10 minutes, longer than any reconnection
 * (y-websocket retries within seconds), short enough that a client id
 * reused by chance is not refused for long.
 */
export const PRESENCE_BINDING_MS = 10 * 60 * 1000

/**
 * Longest a document read for a connection waits, before the server applies
 * it, for that connection's sync step 1 to answer from the stored bytes
 * (see {@link Room.storedState}): 50 ms, what a client on the same network
 * takes to send it after the upgrade; it costs a cold open no more.
 */
export const FIRST_STEP1_WAIT_MS = 50

/**
 * Most updates kept after the document's last encoding for
 * {@link Room.wholeState}: 256, some seconds of ten people typing, beyond
 * which a new encoding is cheaper for clients than applying them one by one.
 */
export const WHOLE_STATE_MAX_UPDATES = 256

/**
 * One loaded document and the connections editing it. Keeps the Y.Doc
 * (garbage-collected, as a y-websocket server keeps it: a version is its
 * ProseMirror JSON, so no deleted text is kept for one), relays changes and
 * awareness to every connection (gathered per turn of the event loop, see
 * {@link Broadcast}), and stores changes debounced, one write at a time. If
 * a write fails the changes stay queued and are tried again: the document
 * stays in memory rather than lose anything.
 *
 * Keeps the document under `maxBytes` (see {@link size}): a change that
 * would take it over is refused before it is applied.
 *
 * With a shared relay (other processes serve the same workspace) a
 * {@link RoomRelay} keeps it in step with them: stored changes and awareness
 * go out, theirs come in and reach the connections, never stored again.
 */
export class Room {
  readonly doc = new Y.Doc()
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  readonly connections = new Set<Connection>()
  private readonly broadcast = new Broadcast(this.connections, this.awareness)
  /** Server-side work holding the document open besides the connections (see Collaboration.withDocument). */
  holds = 0
  /** Resolves once the stored state is in `doc`; rejects if it could not be loaded. */
  readonly loaded: Promise<void>
  // The stored state as read, before it is applied; `applied` once it is in `doc`.
  private readonly stored: Promise<LoadedDocument | undefined>
  // In step with other processes; undefined for a single process.
  private readonly relay: RoomRelay | undefined
  private applied = false
  // Resolved by the first connection that answered a sync step 1 from the stored bytes.
  private answeredFromStored: () => void = () => {}
  private readonly firstAnswer = new Promise<void>((resolve) => (this.answeredFromStored = resolve))

  // Who first spoke for each awareness client id in this document: the
  // session, and when its connection speaking for it left (undefined while open).
  private readonly presenceOwners = new Map<number, { sessionId: string; leftAt: number | undefined }>()

  // The whole document as last encoded and the updates made since, in
  // order (see wholeState); undefined until asked for, and once outgrown.
  // `answer` holds the same as whole messages (see wholeStateAnswer), framed once.
  private encoded: { readonly state: Uint8Array; readonly since: Uint8Array[]; sinceBytes: number; answer?: Uint8Array[] } | undefined

  private pending: Uint8Array[] = []
  // Bytes of the stored state as loaded plus those stored since, and bytes
  // of the changes not yet stored (those being stored included).
  private storedBytes = 0
  private unstoredBytes = 0
  // When the oldest change still waiting to be stored came, on `clock`.
  private firstPendingAt: number | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private storing: Promise<void> = Promise.resolve()

  constructor(
    readonly id: DocumentId,
    private readonly hooks: CollaborationHooks,
    private readonly persistence: PersistenceConfig,
    private readonly logger: Logger,
    /** Largest size the document may reach, in bytes (see {@link size}). */
    readonly maxBytes: number = Number.POSITIVE_INFINITY,
    /** Milliseconds of a monotonic clock, for the debounce's maximum wait (see `CollaborationOptions.clock`). */
    private readonly clock: () => number = () => performance.now(),
    /** How changes reach other processes. Default {@link noRelay}: this process alone. */
    relay: Relay = noRelay
  ) {
    // The server is no participant: it has no presence of its own.
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
    this.relay = relay.shared ? new RoomRelay(id, relay, hooks, this.relayed, logger) : undefined
    // Subscribed before loading: what another process stores meanwhile is
    // either in what is loaded or heard (held back until the load is in).
    this.stored = this.relay ? this.relay.join().then(() => this.hooks.onLoadDocument(this.id)) : this.hooks.onLoadDocument(this.id)
    this.loaded = this.load()
  }

  /**
   * The document's stored state as one update, while it has been read but
   * not yet applied (nothing else is in `doc` then: nothing writes before
   * {@link loaded}); `undefined` once applied, or if it is stored in several
   * parts. A connection answers a first sync step 1 from these bytes, so the
   * client applies the document while the server does, not after it.
   */
  async storedState(): Promise<Uint8Array | undefined> {
    const updates = (await this.stored)?.updates
    return !this.applied && updates?.length === 1 ? updates[0] : undefined
  }

  /** Told by a connection that answered a sync step 1 from {@link storedState}: the apply need wait no longer. */
  noteAnsweredFromStored(): void {
    this.answeredFromStored()
  }

  // Nothing writes to the doc before it is loaded (connections and
  // withDocument wait for `loaded`), so the listener is attached after the
  // stored state is in: Yjs then need not encode the whole document again as
  // the update of that transaction, and no connection is sent it twice
  // (clients get it as the answer to their sync step 1).
  private async load(): Promise<void> {
    const loaded = await this.stored
    if (loaded === undefined) throw new RangeError(`No document ${this.id}`)
    const { updates } = loaded
    this.storedBytes = updates.reduce((sum, update) => sum + update.byteLength, 0)
    // A turn of the event loop before the apply holds it: the connections
    // waiting answer their sync step 1 from the stored bytes first (storedState).
    // A connection that opened the document but whose step 1 is still on its
    // way (it follows the upgrade within milliseconds) is waited for a
    // little: the apply would otherwise hold the loop before it is read.
    if (updates.length === 1 && this.connections.size > 0)
      await Promise.race([this.firstAnswer, new Promise<void>((resolve) => setTimeout(resolve, FIRST_STEP1_WAIT_MS).unref?.())])
    else if (updates.length === 1) await new Promise<void>((resolve) => setImmediate(resolve))
    this.doc.transact(() => {
      for (const update of updates) Y.applyUpdate(this.doc, update, STORAGE_ORIGIN)
    }, STORAGE_ORIGIN)
    this.applied = true
    this.doc.on('update', this.onUpdate)
    if (this.hooks.onChange && updates.length > 0) this.hooks.onChange(this.id, Y.mergeUpdates([...updates]), STORAGE_ORIGIN)
    this.relay?.start(loaded.seq)
  }

  // What the relay does to this room: another process's changes are stored
  // already, so they count as stored bytes and are never queued to store.
  private readonly relayed = {
    applyRemote: (update: Uint8Array) => {
      this.storedBytes += update.byteLength
      Y.applyUpdate(this.doc, update, RELAY_ORIGIN)
    },
    applyRemoteAwareness: (update: Uint8Array) => awarenessProtocol.applyAwarenessUpdate(this.awareness, update, RELAY_ORIGIN),
    awarenessOfAll: () => {
      const clients = [...this.awareness.getStates().keys()]
      return clients.length === 0 ? undefined : awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)
    }
  }

  // Every write to the doc carries an UpdateOrigin (see types.ts); a
  // connection's own is a distinct object, so its changes are not echoed back.
  private readonly onUpdate = (update: Uint8Array, origin: UpdateOrigin) => {
    this.noteEncodedUpdate(update)
    this.broadcast.update(update, origin)
    this.hooks.onChange?.(this.id, update, origin)
    if (origin !== STORAGE_ORIGIN && origin !== RELAY_ORIGIN) {
      this.pending.push(update)
      this.unstoredBytes += update.byteLength
      this.schedule()
    }
  }

  /**
   * The whole document as updates to apply in order: its state as last
   * encoded (`Y.encodeStateAsUpdate`), then the updates made since. What a
   * client that has nothing asks for (a sync step 1 with an empty state
   * vector), without encoding the document again for each such client, on
   * the event loop: it is encoded again only once the updates since outgrow
   * {@link WHOLE_STATE_MAX_UPDATES} or a quarter of its size. Applied in
   * order, the parts give what a fresh encoding does. Needs the document loaded.
   */
  wholeState(): Uint8Array[] {
    const encoded = this.encodedWhole()
    return encoded ? [encoded.state, ...encoded.since] : [Y.encodeStateAsUpdate(this.doc)]
  }

  /**
   * {@link wholeState} as the messages that answer a sync step 1: a sync
   * step 2 of the encoded state, then an update message of each update
   * since. Framed once and kept with the encoding, so that answering
   * another client that has nothing copies no bytes: with a document of
   * some hundred KiB, a flood of such asks had the event loop copying the
   * state into a new message for each.
   */
  wholeStateAnswer(): readonly Uint8Array[] {
    const encoded = this.encodedWhole()
    if (!encoded) return [encodeStep2Message(Y.encodeStateAsUpdate(this.doc))]
    const answer = (encoded.answer ??= [encodeStep2Message(encoded.state)])
    for (let i = answer.length - 1; i < encoded.since.length; i++) answer.push(encodeUpdateMessage(encoded.since[i] as Uint8Array))
    return answer
  }

  // The whole document as last encoded and the updates since, encoding it if
  // need be; undefined while Yjs holds back changes waiting for those they
  // depend on: those are in no update event, only in a fresh encoding (rare,
  // and then not cached).
  private encodedWhole(): NonNullable<Room['encoded']> | undefined {
    const { pendingStructs, pendingDs } = this.doc.store
    if (pendingStructs || pendingDs) return undefined
    return (this.encoded ??= { state: Y.encodeStateAsUpdate(this.doc), since: [], sinceBytes: 0 })
  }

  private noteEncodedUpdate(update: Uint8Array): void {
    const encoded = this.encoded
    if (!encoded) return
    encoded.since.push(update)
    encoded.sinceBytes += update.byteLength
    // Past this, a client would apply more small updates than the encoding
    // saves: the next client that asks pays for one new encoding.
    if (encoded.since.length > WHOLE_STATE_MAX_UPDATES || encoded.sinceBytes * 4 > encoded.state.byteLength) this.encoded = undefined
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown
  ) => {
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    this.broadcast.awarenessChange(changed)
    // Awareness is never stored: it goes out as it happens (renewals too, which keep it alive elsewhere).
    if (this.relay && origin !== RELAY_ORIGIN) this.relay.awareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
  }

  private schedule(): void {
    const now = this.clock()
    this.firstPendingAt ??= now
    clearTimeout(this.timer)
    const wait = Math.min(this.persistence.debounceMs, this.firstPendingAt + this.persistence.maxWaitMs - now)
    this.timer = setTimeout(() => void this.flush(), Math.max(0, wait))
  }

  /**
   * The document's size in bytes: its stored state as loaded, plus every
   * change since as stored or waiting to be, plus what Yjs holds back until
   * the changes it depends on arrive. Counted, never encoded: an upper bound
   * of the stored size (compaction only shrinks it), exact again at the next load.
   */
  get size(): number {
    const { pendingStructs, pendingDs } = this.doc.store
    return this.storedBytes + this.unstoredBytes + (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0)
  }

  /**
   * Throws {@link DocumentTooLarge} if a change that adds up to `bytes` to
   * the document could take it over {@link maxBytes}.
   */
  checkRoomFor(bytes: number): void {
    if (this.size + bytes > this.maxBytes) throw new DocumentTooLarge(this.maxBytes)
  }

  /**
   * Throws {@link DocumentTooLarge} if applying `update` (a client's, already
   * decoded as `decoded`) could take the document over {@link maxBytes}.
   * Near the limit an update that brings nothing new is still let in: a
   * reconnecting client's state, which repeats what the server has, or
   * deletions of text the server knows, which add a few bytes each. So a
   * full document can still be opened, and shortened.
   */
  checkUpdate(update: Uint8Array, decoded: ReturnType<typeof Y.decodeUpdate>): void {
    if (this.size + update.byteLength <= this.maxBytes) return
    const known = Y.decodeStateVector(Y.encodeStateVector(this.doc))
    const within = (client: number, end: number) => end <= (known.get(client) ?? 0)
    const addsNothing =
      decoded.structs.every((struct) => within(struct.id.client, struct.id.clock + struct.length)) &&
      [...decoded.ds.clients].every(([client, ranges]) => ranges.every((range) => within(client, range.clock + range.len)))
    if (!addsNothing) throw new DocumentTooLarge(this.maxBytes)
  }

  /**
   * Whether a connection of the session `sessionId` may speak for the
   * awareness client `clientId`, and if so binds the id to that session. An
   * id belongs to the session that first used it in this document: another
   * session's claim is refused while its owner is connected, and for
   * {@link PRESENCE_BINDING_MS} after it left, so that nobody takes over the
   * presence of someone whose socket dropped (they come back with the same
   * id). The binding ends with the document's unloading.
   */
  claimPresence(clientId: number, sessionId: string): boolean {
    const owner = this.presenceOwners.get(clientId)
    if (owner && owner.sessionId !== sessionId && (owner.leftAt === undefined || this.clock() - owner.leftAt < PRESENCE_BINDING_MS)) return false
    this.presenceOwners.set(clientId, { sessionId, leftAt: undefined })
    return true
  }

  /** Notes that the connection speaking for `clientIds` left: their bindings start to run out; those run out are forgotten. */
  releasePresence(clientIds: Iterable<number>): void {
    const now = this.clock()
    for (const id of clientIds) {
      const owner = this.presenceOwners.get(id)
      if (owner) owner.leftAt = now
    }
    for (const [id, owner] of this.presenceOwners) if (owner.leftAt !== undefined && now - owner.leftAt >= PRESENCE_BINDING_MS) this.presenceOwners.delete(id)
  }

  /**
   * Applies what other processes stored and this one has not heard of yet
   * (nothing to do for a single process). Server-side work calls it first,
   * so that an edit it makes reads the latest text.
   */
  catchUp(): Promise<void> {
    return this.relay?.catchUp() ?? Promise.resolve()
  }

  /** Whether changes are waiting to be stored. */
  get hasUnstoredChanges(): boolean {
    return this.pending.length > 0
  }

  /** Stores every change made so far. Resolves when done, or when the attempt failed (logged, retried later). */
  flush(): Promise<void> {
    clearTimeout(this.timer)
    this.storing = this.storing.then(async () => {
      if (this.pending.length === 0) return
      const updates = this.pending
      this.pending = []
      this.firstPendingAt = undefined
      try {
        const merged = mergeInRounds(updates)
        const seq = await this.hooks.onStoreDocument(this.id, merged)
        this.storedBytes += merged.byteLength
        // Only once stored: whatever another process holds is durable.
        if (seq !== undefined) this.relay?.stored(seq, merged)
        this.unstoredBytes -= updates.reduce((sum, update) => sum + update.byteLength, 0)
      } catch (err) {
        this.logger.error('could not store document changes; will retry', { document: this.id, error: String(err) })
        this.pending = [...updates, ...this.pending]
        this.schedule()
      }
    })
    return this.storing
  }

  /** Releases the document. Call only after a flush, with no connection left. */
  destroy(): void {
    clearTimeout(this.timer)
    this.relay?.leave()
    this.broadcast.cancel()
    this.awareness.destroy()
    this.doc.destroy()
  }
}

/**
 * `Y.mergeUpdates` of many updates, merged 64 at a time and then the results
 * likewise. The same update as one call, but `Y.mergeUpdates` grows faster
 * than linearly with the number of updates from several clients: the 2,000
 * updates that ten writers make in 10 s take about 120 ms in one call and
 * 13 ms in rounds, time during which the server relays nothing.
 */
function mergeInRounds(updates: readonly Uint8Array[]): Uint8Array {
  let round = updates
  while (round.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < round.length; i += MERGE_FAN_IN) {
      const group = round.slice(i, i + MERGE_FAN_IN)
      next.push(group.length === 1 ? (group[0] as Uint8Array) : Y.mergeUpdates(group))
    }
    round = next
  }
  return round[0] ?? Y.mergeUpdates([])
}

const MERGE_FAN_IN = 64
