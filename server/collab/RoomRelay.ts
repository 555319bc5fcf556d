import type { DocumentId } from '../../src'
import type { Logger } from '../Logger'
import type { DocumentFrame, DocumentListener, Relay } from '../relay'
import type { CollaborationHooks, LoadedDocument } from './types'

/**
 * How long a missing number may stay missing before the room reads it from
 * the store, in ms: 200. Frames of one channel arrive in order, so a gap is
 * a lost frame, or two processes' appends published out of order (which the
 * next frame closes within milliseconds).
 */
export const GAP_WAIT_MS = 200

/**
 * How often a room asks the store for updates it has not heard of, in ms:
 * 5000 (the bound on a lost frame that no later one reveals). Each check
 * reads only what follows the last number held, unless the store folded
 * some of it into the snapshot meanwhile (`DocumentStore.loadSince`): its
 * cost follows what was written since, not the size of the document.
 */
export const CATCH_UP_EVERY_MS = 5_000

/** What a {@link RoomRelay} does to its room. */
export interface RelayedRoom {
  /** Applies a change another process stored (relayed to the local connections, never stored again). */
  applyRemote(update: Uint8Array): void
  /** Applies another process's awareness message. */
  applyRemoteAwareness(update: Uint8Array): void
  /** The awareness message of every client the room knows (to answer a process that asks), or undefined if none. */
  awarenessOfAll(): Uint8Array | undefined
}

/**
 * Keeps one loaded document in step with the same document in the other
 * processes (see `Relay`). Tracks the numbers of the document log it holds:
 * those it loaded, those it appended, those it heard. Joining, it subscribes
 * first and holds back what it hears until the stored state is in
 * ({@link join}, {@link start}); then a number missing for
 * {@link GAP_WAIT_MS}, a reconnection to the relay, and a periodic check
 * every {@link CATCH_UP_EVERY_MS} make it read the store for what follows the
 * last number it holds (the whole stored state only when updates it lacks
 * were folded into the snapshot, even with none after them). Yjs applies an
 * update twice harmlessly, so reading too much is only work; the two
 * processes always converge on what the store holds.
 */
export class RoomRelay implements DocumentListener {
  // Every number up to this one is in the document; those above it that are, in `heldAhead`.
  private heldThrough = 0
  private readonly heldAhead = new Set<number>()
  // Frames heard before the stored state was in, applied by `start`.
  private waiting: DocumentFrame[] | undefined = []
  private gapTimer: ReturnType<typeof setTimeout> | undefined
  private checkTimer: ReturnType<typeof setInterval> | undefined
  private catchingUp: Promise<void> | undefined
  private left = false

  constructor(
    private readonly id: DocumentId,
    private readonly relay: Relay,
    private readonly hooks: Pick<CollaborationHooks, 'onLoadSince'>,
    private readonly room: RelayedRoom,
    private readonly logger: Logger
  ) {}

  /** Subscribes to the document's frames; call before loading it. */
  join(): Promise<void> {
    return this.relay.openDocument(this.id, this)
  }

  /** The stored state holding every number up to `loadedSeq` is in the room: applies what was heard meanwhile, and starts the periodic check. */
  start(loadedSeq: number): void {
    if (this.left) return
    this.heldThrough = Math.max(this.heldThrough, loadedSeq)
    const waiting = this.waiting ?? []
    this.waiting = undefined
    for (const frame of waiting) this.onFrame(frame)
    this.relay.publishDocument(this.id, { kind: 'awarenessQuery' })
    this.checkTimer = setInterval(() => void this.catchUp(), CATCH_UP_EVERY_MS)
    this.checkTimer.unref?.()
  }

  onFrame(frame: DocumentFrame): void {
    if (this.left) return
    if (this.waiting) return void this.waiting.push(frame)
    if (frame.kind === 'awareness') return this.room.applyRemoteAwareness(frame.update)
    if (frame.kind === 'awarenessQuery') {
      const all = this.room.awarenessOfAll()
      return all && this.awareness(all)
    }
    if (this.holds(frame.seq)) return
    this.room.applyRemote(frame.update)
    this.note(frame.seq)
  }

  onResubscribed(): void {
    // What was published while the link was down is lost: read it from the store
    // (which says when what this room lacks was folded into the snapshot meanwhile).
    this.scheduleCatchUp()
    // Cursors too, both ways: the others' and ours would show only at their
    // next renewal (15 s). Ours are sent as well as asked for theirs: a process
    // that is back before the others would ask while they cannot hear it yet.
    const all = this.room.awarenessOfAll()
    if (all) this.awareness(all)
    this.relay.publishDocument(this.id, { kind: 'awarenessQuery' })
  }

  /** This process stored `update` as number `seq`: tells the other processes. */
  stored(seq: number, update: Uint8Array): void {
    this.note(seq)
    this.relay.publishDocument(this.id, { kind: 'update', seq, update })
  }

  /** Tells the other processes of a local awareness change. */
  awareness(update: Uint8Array): void {
    this.relay.publishDocument(this.id, { kind: 'awareness', update })
  }

  /** The document left memory: stops hearing it. */
  leave(): void {
    this.left = true
    clearTimeout(this.gapTimer)
    clearInterval(this.checkTimer)
    this.relay.closeDocument(this.id)
  }

  private holds(seq: number): boolean {
    return seq <= this.heldThrough || this.heldAhead.has(seq)
  }

  private note(seq: number): void {
    if (this.holds(seq)) return
    this.heldAhead.add(seq)
    while (this.heldAhead.delete(this.heldThrough + 1)) this.heldThrough++
    if (this.heldAhead.size > 0) this.scheduleCatchUp()
  }

  private scheduleCatchUp(): void {
    if (this.gapTimer !== undefined || this.left) return
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined
      void this.catchUp()
    }, GAP_WAIT_MS)
    this.gapTimer.unref?.()
  }

  /**
   * Reads from the store what follows the last number held (the whole
   * stored state if some of it was folded into the snapshot) and applies
   * what this process has not heard of. One at a time. Never rejects: a
   * store that cannot be read is logged and tried again at the next check.
   */
  catchUp(): Promise<void> {
    this.catchingUp ??= (async () => {
      try {
        if (!this.hooks.onLoadSince) return
        const loaded: LoadedDocument = await this.hooks.onLoadSince(this.id, this.heldThrough)
        if (this.left || loaded.seq <= this.heldThrough) return
        for (const update of loaded.updates) this.room.applyRemote(update)
        this.heldThrough = loaded.seq
        for (const seq of this.heldAhead) if (seq <= loaded.seq) this.heldAhead.delete(seq)
        while (this.heldAhead.delete(this.heldThrough + 1)) this.heldThrough++
      } catch (err) {
        // The store is down: the next check tries again, nothing is lost (it is all in the store).
        this.logger.error('could not catch up a document from the store; will retry', { document: this.id, error: String(err) })
      } finally {
        this.catchingUp = undefined
        // A number heard but not yet readable from the store (a replica behind): try again.
        if (this.heldAhead.size > 0) this.scheduleCatchUp()
      }
    })()
    return this.catchingUp
  }
}
