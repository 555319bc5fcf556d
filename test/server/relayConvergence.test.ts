/**
 * Two processes' `Collaboration`s on one store, joined by an in-memory relay
 * whose seeded generator decides every edit, every delivery, every lost
 * frame, every outage (frames in flight lost, then a resubscription) and
 * every store. Whatever the relay loses, catching up from the store makes
 * both documents and the store agree. `RELAY_SEED=<seed>` replays one run.
 */
import { describe, expect, onTestFinished, test } from 'vitest'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import type { Account, DocumentId } from '../../src'
import {
  Collaboration,
  silentLogger,
  type CollaborationHooks,
  type DocumentFrame,
  type DocumentListener,
  type Relay,
  type UpdateOrigin,
  type WorkspaceMessage
} from '../../server'
import { DocumentStore, MemoryStore } from '../../storage'
import { appendParagraph, contentOf, randomEdit } from '../support'

const RUNS = 8
const STEPS = 200
const ID = 'estrategia' as DocumentId
const fixedSeed = process.env.RELAY_SEED ? Number(process.env.RELAY_SEED) : undefined
const firstSeed = fixedSeed ?? Math.floor(Math.random() * 2 ** 31)
const seeds = fixedSeed === undefined ? Array.from({ length: RUNS }, (_, i) => firstSeed + i) : [fixedSeed]

const PPT: Account = { username: 'ppt', name: 'Presidencia', role: 'ppt', country: 'MX' } as unknown as Account
const EDIT: UpdateOrigin = { kind: 'edit', account: PPT, reason: 'relay convergence test' }

/** One process's end of an in-memory relay: what others publish waits in its inbox until the schedule delivers or drops it. */
class MemoryRelay implements Relay {
  readonly shared = true
  readonly inbox: { id: DocumentId; frame: DocumentFrame }[] = []
  readonly listeners = new Map<DocumentId, DocumentListener>()
  peers: MemoryRelay[] = []

  openDocument(id: DocumentId, listener: DocumentListener): Promise<void> {
    this.listeners.set(id, listener)
    return Promise.resolve()
  }
  closeDocument(id: DocumentId): void {
    this.listeners.delete(id)
  }
  publishDocument(id: DocumentId, frame: DocumentFrame): void {
    for (const peer of this.peers) peer.inbox.push({ id, frame })
  }
  publishWorkspace(_message: WorkspaceMessage): void {}
  onWorkspace(): () => void {
    return () => {}
  }
  close(): Promise<void> {
    return Promise.resolve()
  }
  /** Delivers the oldest frame waiting, or drops it. */
  next(deliver: boolean): void {
    const first = this.inbox.shift()
    if (first && deliver) this.listeners.get(first.id)?.onFrame(first.frame)
  }
  /** The link dropped: what was in flight is lost; then subscribed again. */
  outage(): void {
    this.inbox.length = 0
    for (const listener of this.listeners.values()) listener.onResubscribed()
  }
}

/** A process: its collaboration on the shared store, with every update numbered and a short log (compaction often). */
function startProcess(store: MemoryStore, relay: MemoryRelay): Collaboration {
  const documents = new DocumentStore(store, { whenLargerThanSnapshot: false, maxUpdates: 6, numberEveryUpdate: true })
  const hooks: CollaborationHooks = {
    onAuthenticate: () => Promise.reject(new Error('no connections here')),
    onLoadDocument: (id) => documents.loadNumbered(id),
    onLoadSince: (id, seq) => documents.loadSince(id, seq),
    onStoreDocument: (id, update) => documents.appendUpdate(id, update)
  }
  // Stores only when the schedule says (or at the end): a long debounce.
  const collaboration = new Collaboration(hooks, { relay, logger: silentLogger, persistence: { debounceMs: 3_600_000, maxWaitMs: 3_600_000 }, unloadAfterMs: 3_600_000 })
  onTestFinished(() => collaboration.close())
  return collaboration
}

async function run(seed: number): Promise<void> {
  const gen = prng.create(seed)
  const store = new MemoryStore()
  const initial = new Y.Doc()
  for (let i = 0; i < 6; i++) appendParagraph(initial, `Párrafo ${i} del borrador.`)
  await store.documents.append(ID, Y.encodeStateAsUpdate(initial))
  const relays = [new MemoryRelay(), new MemoryRelay()] as const
  relays[0].peers = [relays[1]]
  relays[1].peers = [relays[0]]
  const processes = relays.map((relay) => startProcess(store, relay))
  const rooms = await Promise.all(
    processes.map(async (collaboration) => {
      await collaboration.withDocument(ID, () => {})
      return collaboration.loadedDocument(ID) as NonNullable<ReturnType<Collaboration['loadedDocument']>>
    })
  )
  for (let step = 0; step < STEPS; step++) {
    const p = prng.int32(gen, 0, 1)
    const roll = prng.real53(gen)
    const room = rooms[p] as (typeof rooms)[number]
    const relay = relays[p] as MemoryRelay
    if (roll < 0.4) room.doc.transact(() => randomEdit(gen, room.doc), EDIT)
    else if (roll < 0.65) await room.flush()
    else if (roll < 0.9) relay.next(true)
    else if (roll < 0.97) relay.next(false)
    else relay.outage()
  }
  // The end: everything stored, every frame still in flight delivered, and
  // each process catching up as its periodic check would.
  for (const room of rooms) await room.flush()
  for (const relay of relays) while (relay.inbox.length > 0) relay.next(true)
  for (const room of rooms) await room.catchUp()
  const stored = new Y.Doc()
  for (const update of (await new DocumentStore(store).loadNumbered(ID)).updates) Y.applyUpdate(stored, update)
  const [a, b] = rooms.map((room) => contentOf(room.doc))
  expect(a, `seed ${seed}: both processes show the same text`).toBe(b)
  expect(a, `seed ${seed}: and it is the stored text`).toBe(contentOf(stored))
  for (const room of rooms) expect(room.doc.store.pendingStructs, `seed ${seed}: nothing waits for a missing change`).toBeNull()
}

describe('Two processes over a lossy relay', () => {
  test.each(seeds)(`converge with the store whatever frames are lost (seed %i; RELAY_SEED replays it)`, async (seed) => {
    await run(seed)
  })
})
