/**
 * Two real server processes on one PostgreSQL and one Redis, as in
 * processes.test.ts, while one of the engines goes away and comes back:
 * Redis stopped mid-typing (the processes fill the frames they missed from
 * the store), PostgreSQL stopped mid-typing (what the processes hold is
 * stored once it is back). Both engines are throwaway servers of this file,
 * since they are stopped and started.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, onTestFinished, test, vi } from 'vitest'
import * as Y from 'yjs'
import { DocumentStore, PostgresStore } from '../../storage'
import {
  apiSession,
  appendParagraph,
  connectSynced,
  contentOf,
  createDatabase,
  DOC,
  docPath,
  login,
  openCommentPeriod,
  quoteSelector,
  signIn,
  startTestRedis,
  startThrowawayPostgres,
  typingOnBoth,
} from '../support'
import { CONVERGED, expectConverged, startTwoProcesses } from './twoProcesses'

const PROCESS_TEST_MS = 80_000

// The Strategy's text as a new process would load it from the database.
async function storedText(databaseUrl: string): Promise<string> {
  const store = await PostgresStore.open(databaseUrl)
  try {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, await new DocumentStore(store).loadState(DOC))
    return contentOf(doc)
  } finally {
    await store.close()
  }
}

test('Redis stopped and started again mid-typing: both processes converge, with what was typed on either while it was down.', async (context) => {
  const redis = await startTestRedis()
  if (!redis.ownProcess) context.skip(true, 'REDIS_URL names a shared Redis, which this test may not stop')
  const postgres = await startThrowawayPostgres()
  onTestFinished(() => postgres.stop())
  const { a, b } = await startTwoProcesses(await createDatabase(postgres.adminUrl), redis)
  const onA = await connectSynced(a, DOC, await login(a.url, 'ppt'))
  const onB = await connectSynced(b, DOC, await login(b.url, 'se'))
  const watcherOnB = await connectSynced(b, DOC, await login(b.url, 'mx'))
  const clients = [onA, onB, watcherOnB]
  const { typed, type } = typingOnBoth(onA, onB)
  type('antes')
  await expectConverged(clients, typed)

  // Mid-typing: the last changes before the stop may be published into the void.
  type('al parar')
  await redis.stop()
  appendParagraph(onA.doc, 'Escrito en A sin Redis.')
  typed.push('Escrito en A sin Redis.')
  for (let round = 0; round < 5; round++) {
    type(`sin Redis ${round}`)
    await sleep(100)
  }
  await redis.start()
  type('después')
  await expectConverged(clients, typed)
  type('al final')
  await expectConverged(clients, typed)
}, PROCESS_TEST_MS)

test('PostgreSQL stopped while an editor types: once it is back, everything typed is stored once and both processes show it.', async () => {
  const redis = await startTestRedis()
  const postgres = await startThrowawayPostgres()
  // Registered before the processes, so it runs after they are killed.
  onTestFinished(() => postgres.stop())
  const databaseUrl = await createDatabase(postgres.adminUrl)
  const { a, b } = await startTwoProcesses(databaseUrl, redis)
  const editor = await connectSynced(a, DOC, await login(a.url, 'ppt'))
  const reader = await connectSynced(b, DOC, await login(b.url, 'se'))
  const typed: string[] = []
  const type = (text: string) => {
    typed.push(text)
    appendParagraph(editor.doc, text)
  }
  type('Escrito antes del corte.')
  await expectConverged([editor, reader], typed)
  await vi.waitFor(async () => expect(await storedText(databaseUrl)).toContain('Escrito antes del corte.'), CONVERGED)

  const halted = postgres.halt()
  for (let n = 0; n < 10; n++) {
    type(`Durante el corte ${n}.`)
    await sleep(50)
  }
  await halted
  for (let n = 0; n < 5; n++) {
    type(`Con la base parada ${n}.`)
    await sleep(100)
  }
  // The editor is still served: the outage is the store's, not the connection's.
  expect(editor.provider.wsconnected).toBe(true)

  await postgres.resume()
  type('Después del corte.')
  await vi.waitFor(async () => {
    const text = await storedText(databaseUrl)
    for (const line of typed) expect(text.split(`>${line}<`), line).toHaveLength(2)
  }, CONVERGED)
  await expectConverged([editor, reader], typed)
}, PROCESS_TEST_MS)

test("Changes typed on one process while Redis is down, then folded into the snapshot by that process's compaction, reach the other process's clients as soon as Redis is back.", async (context) => {
  const redis = await startTestRedis()
  if (!redis.ownProcess) context.skip(true, 'REDIS_URL names a shared Redis, which this test may not stop')
  const postgres = await startThrowawayPostgres()
  onTestFinished(() => postgres.stop())
  const databaseUrl = await createDatabase(postgres.adminUrl)
  const { a, b } = await startTwoProcesses(databaseUrl, redis)
  const reader = await connectSynced(a, DOC, await login(a.url, 'se'))
  const editor = await connectSynced(b, DOC, await login(b.url, 'ppt'))
  const store = await PostgresStore.open(databaseUrl)
  onTestFinished(() => store.close())
  const compactedThrough = async () => {
    const history = await store.documents.load(DOC)
    return history.updates.length === 0 ? history.snapshotSeq : 0
  }
  const before = (await store.documents.load(DOC)).snapshotSeq

  await redis.stop()
  // B's editor types until B's own compaction (due every 64 updates) folds the last of it into
  // the snapshot: nothing of it is left in the log to read after A's last number.
  const typed: string[] = []
  for (let n = 0; n < 120 && (await compactedThrough()) <= before; n++) {
    typed.push(`Sin Redis ${n}`)
    appendParagraph(editor.doc, `Sin Redis ${n}`)
    // Past the save delay: one stored update each; near the compaction, also past its transaction.
    await sleep(n < 50 ? 120 : 500)
  }
  expect(await compactedThrough(), 'B compacted the document').toBeGreaterThan(before)
  await redis.start()
  // A reads what it missed when it is subscribed again, not at its 30 s reading of the whole log.
  await vi.waitFor(() => expect(contentOf(reader.doc)).toBe(contentOf(editor.doc)), { timeout: 7_000, interval: 50 })
  for (const text of typed) expect(contentOf(reader.doc)).toContain(`>${text}<`)
}, PROCESS_TEST_MS)

test("A comment made on one process while Redis is down reaches a viewer on the other once it is back: its event stream ends, so that its browser opens it again and reads the comments anew.", async (context) => {
  const redis = await startTestRedis()
  if (!redis.ownProcess) context.skip(true, 'REDIS_URL names a shared Redis, which this test may not stop')
  const postgres = await startThrowawayPostgres()
  onTestFinished(() => postgres.stop())
  const { a, b } = await startTwoProcesses(await createDatabase(postgres.adminUrl), redis)
  await openCommentPeriod(await signIn(a, 'ppt'))
  const gt = await signIn(b, 'gt')
  // The stream as a browser's EventSource holds it: read until the server ends it.
  const abort = new AbortController()
  onTestFinished(() => abort.abort())
  const res = await fetch(`${b.url}${docPath('/events')}`, { headers: { Authorization: `Bearer ${gt.token}` }, signal: abort.signal })
  expect(res.status).toBe(200)
  const stream = { ended: false, text: '' }
  void (async () => {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    for (let part = await reader.read(); !part.done; part = await reader.read()) stream.text += new TextDecoder().decode(part.value)
    stream.ended = true
  })().catch(() => {})

  await redis.stop()
  const made = await apiSession(a, (await signIn(a, 'mx')).token).post(docPath('/comments'), { body: 'Sin Redis, desde A.', anchor: quoteSelector('Proceso Puebla') })
  expect(made.status).toBe(201)
  await sleep(300)
  expect(stream.ended, 'the stream stays open while Redis is down').toBe(false)
  await redis.start()
  await vi.waitFor(() => expect(stream.ended, 'the stream ended once Redis was back').toBe(true), { timeout: 10_000, interval: 50 })
  expect(stream.text).not.toContain('Sin Redis, desde A.')
  // What the reopened stream's panel reads.
  const listed = await gt.get(docPath('/comments'))
  expect((listed.body.comments as Array<{ id: string }>).map((c) => c.id)).toContain(made.body.comment.id)
}, PROCESS_TEST_MS)
