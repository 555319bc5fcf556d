/**
 * Convergence in memory: three clients and the server's `Collaboration`,
 * joined by a {@link MemoryConnector} whose seeded generator decides every
 * edit, every delivery, every drop and reconnection, every store and
 * restart. Unlike the socket test (convergence.test.ts), a seed replays its
 * run exactly: `CONVERGENCE_SEED=<seed>` runs that one schedule again.
 */
import { createHash } from 'node:crypto'
import { describe, expect, onTestFinished, test } from 'vitest'
import * as Y from 'yjs'
import { CONTENT_FRAGMENT } from '../../src'
import { CloseCode } from '../../server'
import { contentOf, MemoryConnector, randomEdit } from '../support'

const RUNS = 25
const STEPS = 400
const fixedSeed = process.env.CONVERGENCE_SEED ? Number(process.env.CONVERGENCE_SEED) : undefined
const firstSeed = fixedSeed ?? Math.floor(Math.random() * 2 ** 31)
const seeds = fixedSeed === undefined ? Array.from({ length: RUNS }, (_, i) => firstSeed + i) : [fixedSeed]

const PARAGRAPHS = [
  'La Conferencia Regional sobre Migración acuerda la presente Estrategia.',
  'Los países miembros reconocen la contribución de las personas migrantes.',
  'Se promoverá la cooperación entre los países de origen, tránsito y destino.',
  'La Presidencia Pro Tempore coordinará su seguimiento.',
  'La Secretaría Técnica informará cada año sobre los avances.',
  'Se revisará en 2021.',
  'Anexo: definiciones.',
  'Fin del texto.'
]

/** The stored state every run starts from: eight paragraphs, written by a client no test client shares. */
function initialState(): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = 1000
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT)
  doc.transact(() => {
    for (const text of PARAGRAPHS) {
      const paragraph = new Y.XmlElement('paragraph')
      fragment.push([paragraph])
      const content = new Y.XmlText()
      paragraph.push([content])
      content.insert(0, text)
    }
  })
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}

const initialContent = (() => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, initialState())
  return contentOf(doc)
})()

/** One run of `seed`: everyone synced, {@link STEPS} random steps, then every message delivered. */
async function run(seed: number): Promise<MemoryConnector> {
  const connector = new MemoryConnector({ seed, initial: initialState() })
  onTestFinished(() => connector.destroy())
  await connector.start()
  await connector.flushAll()
  for (let step = 0; step < STEPS; step++) await connector.randomStep(randomEdit)
  await connector.flushAll()
  return connector
}

/** Asserts that every client, the server's live document and its store hold one and the same document. */
async function expectConverged(connector: MemoryConnector, seed: number): Promise<string> {
  const report = `seed ${seed} (rerun with CONVERGENCE_SEED=${seed}); last steps:\n${connector.log.slice(-20).join('\n')}`
  expect(connector.errors, report).toEqual([])
  // Restarts close every connection as going away; nothing else may.
  expect(connector.serverCloses.filter((c) => c.code !== CloseCode.goingAway), report).toEqual([])
  const [first, ...others] = connector.clients
  const agreed = contentOf((first as (typeof connector.clients)[number]).doc)
  const vector = Y.encodeStateVector(first?.doc as Y.Doc)
  for (const client of others) {
    expect(contentOf(client.doc), `client ${client.index}, ${report}`).toBe(agreed)
    expect(Y.encodeStateVector(client.doc), `client ${client.index}, ${report}`).toEqual(vector)
  }
  const live = connector.serverDoc
  expect(live, report).toBeDefined()
  expect(contentOf(live as Y.Doc), `server, ${report}`).toBe(agreed)
  expect(Y.encodeStateVector(live as Y.Doc), `server, ${report}`).toEqual(vector)
  await connector.collaboration.flushAll()
  const stored = connector.storedDoc()
  expect(contentOf(stored), `store, ${report}`).toBe(agreed)
  stored.destroy()
  return agreed
}

/** Everything a run ended with, as bytes and lines: equal for equal runs. */
function fingerprint(connector: MemoryConnector) {
  return {
    clients: connector.clients.map((c) => Y.encodeStateAsUpdate(c.doc)),
    server: Y.encodeStateAsUpdate(connector.serverDoc as Y.Doc),
    stored: [...connector.stored],
    log: [...connector.log]
  }
}

describe('Convergence in memory, on a seeded schedule', () => {
  test('Three clients, the server and its store converge after each of many seeded schedules of edits, deliveries, drops, reconnects, stores and restarts.', async () => {
    console.info(`memory convergence seeds ${seeds[0]}…${seeds.at(-1)}: rerun one with CONVERGENCE_SEED=<seed>`)
    const totals = { drops: 0, reconnects: 0, offlineEdits: 0, stores: 0, restarts: 0 }
    for (const seed of seeds) {
      const connector = await run(seed)
      const agreed = await expectConverged(connector, seed)
      expect(agreed, `seed ${seed}: the schedule changed the text`).not.toBe(initialContent)
      for (const line of connector.log) {
        if (line.endsWith(' drops')) totals.drops++
        else if (line.endsWith(' reconnects')) totals.reconnects++
        else if (line.includes('(offline)')) totals.offlineEdits++
        else if (line === 'server stores') totals.stores++
        else if (line === 'server restarts') totals.restarts++
      }
      await connector.destroy()
    }
    console.info(`memory convergence: ${seeds.length} runs of ${STEPS} steps, ${JSON.stringify(totals)}`)
    // The schedules did what they are for (over many runs, each kind of event happens).
    if (seeds.length > 1) for (const [kind, count] of Object.entries(totals)) expect(count, kind).toBeGreaterThan(0)
  })

  test('A seed replays its run exactly: two runs of one seed end with byte-identical documents, store and log.', async () => {
    const seed = firstSeed
    const once = fingerprint(await run(seed))
    // Printed so that two separate runs with CONVERGENCE_SEED=<seed> can be compared too.
    const digest = createHash('sha256')
    for (const bytes of [...once.clients, once.server, ...once.stored]) digest.update(bytes)
    console.info(`memory convergence seed ${seed}: ${once.log.length} steps, final state sha256 ${digest.digest('hex').slice(0, 16)}`)
    const again = fingerprint(await run(seed))
    expect(again.log).toEqual(once.log)
    expect(again.clients).toEqual(once.clients)
    expect(again.server).toEqual(once.server)
    expect(again.stored).toEqual(once.stored)
    // And the seed is what decides: another one makes another run.
    const other = fingerprint(await run(seed + 1))
    expect(other.log).not.toEqual(once.log)
  })
})
