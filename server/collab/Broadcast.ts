import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { encodeAwarenessMessage, encodeUpdateMessage } from './protocol'
import type { UpdateOrigin } from './types'
import type { Connection } from './Connection'

// Consecutive updates, sent as one message.
interface Run {
  readonly updates: Uint8Array[]
  readonly origins: UpdateOrigin[]
}

/**
 * Least time between two awareness messages of a room, in ms: 50 (at most
 * 20 a second, smooth enough for cursors). Every stock y-websocket client
 * sends each awareness message it receives back to the server (its
 * awareness `update` handler does not look at the origin), so each one the
 * server sends costs every client a message back, charged to its rates:
 * without this bound, one account's flood of cursor moves, or many people
 * moving theirs, had every other client's socket held back by its own echoes.
 */
export const AWARENESS_EVERY_MS = 50

/**
 * What a room sends to all its connections. Document updates are gathered
 * during one turn of the event loop and sent at its end (`setImmediate`),
 * consecutive ones merged into one update message. Awareness changes are
 * gathered into one message sent at most every {@link AWARENESS_EVERY_MS},
 * after the updates gathered so far: a cursor may arrive a little later
 * than the text it points into, never before it.
 *
 * Why: a message costs the server a system call per connection and every
 * client a transaction (and, for awareness, a message back). When a document
 * is quiet each turn holds one change and nothing is merged; under load
 * several arrive per turn and the cost of a broadcast stops growing with the
 * rate of changes.
 *
 * Each connection receives every update but its own (no echo): a connection
 * that wrote part of a run gets the merge of the others' updates only.
 */
export class Broadcast {
  private runs: Run[] = []
  private scheduled: ReturnType<typeof setImmediate> | undefined
  // Clients whose awareness changed since the last awareness message, and when that went out.
  private readonly awarenessChanged = new Set<number>()
  private awarenessTimer: ReturnType<typeof setTimeout> | undefined
  private awarenessSentAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly connections: ReadonlySet<Connection>,
    private readonly awareness: awarenessProtocol.Awareness,
    /** Milliseconds of a monotonic clock. Default `performance.now`. */
    private readonly clock: () => number = () => performance.now()
  ) {}

  /** Queues a document update made with `origin`. */
  update(update: Uint8Array, origin: UpdateOrigin): void {
    const last = this.runs.at(-1)
    if (last && last.updates.length < MAX_MERGED_UPDATES) {
      last.updates.push(update)
      last.origins.push(origin)
    } else this.runs.push({ updates: [update], origins: [origin] })
    this.scheduled ??= setImmediate(() => this.sendUpdates())
  }

  /** Queues the awareness states of `clients`, as they will be when sent. */
  awarenessChange(clients: readonly number[]): void {
    for (const id of clients) this.awarenessChanged.add(id)
    if (this.awarenessTimer !== undefined) return
    const wait = Math.max(0, this.awarenessSentAt + AWARENESS_EVERY_MS - this.clock())
    this.awarenessTimer = setTimeout(() => {
      this.awarenessTimer = undefined
      this.sendAwareness()
    }, wait)
  }

  /** Drops what is queued (the room is being released). */
  cancel(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled)
    this.scheduled = undefined
    this.runs = []
    clearTimeout(this.awarenessTimer)
    this.awarenessTimer = undefined
    this.awarenessChanged.clear()
  }

  // Sends the updates queued, in order.
  private sendUpdates(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled)
    this.scheduled = undefined
    const runs = this.runs
    this.runs = []
    for (const run of runs) this.sendRun(run)
  }

  private sendRun({ updates, origins }: Run): void {
    let everything: Uint8Array | undefined
    // The message for each connection that wrote part of the run: the others'
    // updates; undefined when there are none, null until it is needed.
    const withoutOwn = new Map<UpdateOrigin, Uint8Array | undefined | null>()
    for (const origin of origins) if (origin.kind === 'connection') withoutOwn.set(origin, null)
    for (const connection of this.connections) {
      if (!withoutOwn.has(connection.origin)) {
        everything ??= encodeUpdateMessage(merged(updates))
        connection.send(everything)
        continue
      }
      let message = withoutOwn.get(connection.origin)
      if (message === null) {
        const others = updates.filter((_, i) => origins[i] !== connection.origin)
        message = others.length === 0 ? undefined : encodeUpdateMessage(merged(others))
        withoutOwn.set(connection.origin, message)
      }
      if (message) connection.send(message)
    }
  }

  private sendAwareness(): void {
    // The text the cursors may point into goes first.
    this.sendUpdates()
    this.awarenessSentAt = this.clock()
    // A client's meta (its clock) outlives its state, so every changed client can be encoded.
    const known = [...this.awarenessChanged].filter((id) => this.awareness.meta.has(id))
    this.awarenessChanged.clear()
    if (known.length === 0) return
    const message = encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, known))
    for (const connection of this.connections) connection.send(message)
  }
}

/**
 * Most updates merged into one message. `Y.mergeUpdates` grows faster than
 * linearly with the number of updates from several clients (64 small ones:
 * 0.1 ms; 1,024: 14 ms); a longer run is sent as several messages.
 */
const MAX_MERGED_UPDATES = 64

const merged = (updates: Uint8Array[]): Uint8Array => (updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates))
