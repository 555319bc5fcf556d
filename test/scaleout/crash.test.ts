/**
 * The crash test of several processes: two server processes serve one
 * workspace, on one PostgreSQL database and one Redis, behind a round-robin
 * proxy (the load balancer: any connection may reach any process), and one
 * of them is killed (SIGKILL: no chance to store anything) at random moments
 * while people work, then started again on its port.
 *
 * Three editors (stock y-websocket clients, through the proxy) insert
 * uniquely tagged words at word boundaries, all the time, connected or not;
 * when their process dies they come back by themselves, through the proxy,
 * to whichever process takes them. Three delegations post comments and
 * replies with an `Idempotency-Key`, each request on a connection of its own
 * (so balanced anew: a retry often reaches the other process), sending again
 * after no answer or a 5xx. In the end every tag is in the text exactly once
 * and every comment and reply exists exactly once, read through each
 * process and from the database, and the audit chain verifies.
 *
 * Plus the orphan: an editor's process stores and relays the editor's
 * change, the editor leaves for good, and the process dies: the change is
 * in the database, whoever reads it.
 *
 * The seed decides the edits, the comments, which process dies and when; it
 * is printed, and `CRASH_SEED=<seed>` replays the same choices (timing still
 * differs from run to run).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import * as prng from 'lib0/prng'
import { expect, onTestFinished, test, vi } from 'vitest'
import type * as Y from 'yjs'
import { PostgresStore } from '../../storage'
import { AuditLog } from '../../server/audit'
import {
  apiSession,
  connectSynced,
  contentOf,
  CRASH_RECOVERY as RECOVERY,
  CRASH_SETTINGS as SETTINGS,
  crashSeed,
  DOC,
  freePort,
  login,
  paragraphTexts,
  postgresDatabase,
  startCrashWorkload,
  startTestRedis,
  storedInDatabase,
  type Reachable
} from '../support'
import { startRoundRobinProxy } from '../support/roundRobinProxy'
import { startServerAt, type ServerRun } from '../durability/serverProcess'

const seed = crashSeed()
// Each restart costs a Node start (4–10 s on a busy 2-core machine): six keep the file near 90 s.
const KILLS = 6

/** One server process of the workspace, on a port of its own that outlives its runs. */
interface Backend {
  readonly name: string
  readonly port: number
  run: ServerRun
}

// A data folder for the processes: on PostgreSQL nothing is written in it, and it is not locked.
async function emptyFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'consenso-scaleout-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** PostgreSQL, Redis and `names.length` server processes on them, each on its own port. */
async function startWorkspace(names: readonly string[], settings: Record<string, string>) {
  const databaseUrl = await postgresDatabase()
  const redis = await startTestRedis()
  const dataDir = await emptyFolder()
  // The tests' own DATABASE_URL and REDIS_URL name servers to make databases on: these name the workspace's.
  const env = { ...settings, DATABASE_URL: databaseUrl, REDIS_URL: redis.url }
  const start = (port: number) => startServerAt(dataDir, port, env)
  // Started together: one seeds the demo under the store's lock, the others wait for it.
  const backends: Backend[] = await Promise.all(
    names.map(async (name) => {
      const port = await freePort()
      return { name, port, run: await start(port) }
    })
  )
  return { databaseUrl, backends, restart: async (backend: Backend) => (backend.run = await start(backend.port)) }
}

const direct = (backend: Backend): Reachable => ({ url: `http://127.0.0.1:${backend.port}` })

test(
  'Two processes behind a round-robin proxy, one SIGKILLed at random moments while three editors type and three delegations comment: nothing lost, nothing twice.',
  async () => {
    console.info(`scale-out crash test seed ${seed}: rerun with CRASH_SEED=${seed}`)
    const gen = prng.create(seed)
    const { databaseUrl, backends, restart } = await startWorkspace(['A', 'B'], SETTINGS)
    const proxy = await startRoundRobinProxy(backends.map((b) => b.port))
    onTestFinished(() => proxy.close())
    const server: Reachable = { url: proxy.url }
    const log: string[] = []
    // Printed pass or fail: the story of the run, with the seed, to read a failure by.
    onTestFinished(() => console.info(`scale-out crash test seed ${seed}:\n${log.join('\n')}`))

    // Each comment request is sent again for 60 s at the most, each time on a new
    // connection, which the proxy gives to the next live process.
    const workload = await startCrashWorkload(server, seed, { giveUpMs: 60_000, headers: { Connection: 'close' } })
    const { ppt, editors, stats } = workload

    const began = performance.now()
    const at = () => `${((performance.now() - began) / 1000).toFixed(1)} s`
    for (let kill = 1; kill <= KILLS; kill++) {
      // A failing worker fails the test at once rather than at the end.
      expect(workload.failure()).toBeUndefined()
      const victim = prng.oneOf(gen, backends)
      const moment = await workload.awaitMoment(gen)
      victim.run.kill('SIGKILL')
      expect(await victim.run.exited).toBe('SIGKILL')
      log.push(`${at()} kill ${kill}: ${victim.name} (${moment}), ${workload.progress()}`)
      // The clients of the dead process go to the other one meanwhile; then it comes back on its port.
      await restart(victim)
      log.push(`${at()} ${victim.name} back`)
      await workload.awaitEditorsSynced(`editors back after kill ${kill}`)
      log.push(`${at()} editors synced`)
      await sleep(prng.int32(gen, 100, 700))
    }

    const { made, summary, checkText, checkComments, checkListedComments, checkEditors } = await workload.stop()
    log.push(`${at()} stopped typing and commenting`)

    // Every editor ends with every tag, and so does a fresh client of each process.
    await checkEditors()
    for (const backend of backends) {
      const probe = await connectSynced(direct(backend), DOC, ppt.token)
      await vi.waitFor(() => checkText(contentOf(probe.doc), `a fresh client of ${backend.name}`), RECOVERY)
      probe.provider.destroy()
      const onIt = apiSession(direct(backend), ppt.token)
      await checkListedComments(onIt, `the comments as ${backend.name} lists them`)
      expect((await onIt.get('/api/audit/verify')).body, `the audit chain as ${backend.name} verifies it`).toMatchObject({ ok: true })
    }

    // Each comment and reply is in the audit trail exactly once: the record
    // and its entry are one transaction, so no kill left one without the other.
    // (The demo's comments are left out: some are meeting interventions, with an entry of their own kind.)
    const store = await PostgresStore.open(databaseUrl)
    try {
      const records = (await store.records.list({ kind: 'comment', scope: DOC })).records.map((r) => r.value as { id: string; body: string; replies: Array<{ body: string }> })
      checkComments(records, 'the database')
      const audit = new AuditLog(store)
      expect(await audit.verify()).toMatchObject({ ok: true })
      const entries = await audit.list({ document: DOC })
      const entriesOf = (action: string, id: string) => entries.filter((e) => e.action === action && e.target?.comment === id).length
      const ours = records.filter((c) => made.includes(c.body))
      expect(ours).toHaveLength(made.length)
      expect(
        ours.filter((c) => entriesOf('comment.created', c.id) !== 1 || entriesOf('comment.replied', c.id) !== c.replies.length).map((c) => c.body),
        'comments whose audit entries are not there exactly once'
      ).toEqual([])
    } finally {
      await store.close()
    }

    log.push(`${at()} checked every process and the database`)
    // A clean stop of both stores whatever they still held; the database holds it all.
    for (const client of editors.map((e) => e.client)) client.provider.disconnect()
    for (const backend of backends) {
      backend.run.kill('SIGTERM')
      expect(await backend.run.exited).toBe(0)
    }
    checkText(await storedInDatabase(databaseUrl), 'the database')

    console.info(
      `scale-out crash test seed ${seed}: ${KILLS} kills, ${summary}; connections per process ${[...proxy.taken.values()].join('/')}`
    )
    // The test did what it is for: requests went unanswered and were sent again.
    expect(stats.retried).toBeGreaterThan(0)
  },
  150_000
)

test('An edit that reached another process is in the database when its own process dies and its editor never returns.', async () => {
  // Stored as people type: the debounce and maximum wait of a deployment.
  const { databaseUrl, backends, restart } = await startWorkspace(['A', 'B'], {})
  const [a, b] = backends as [Backend, Backend]
  const token = await login(direct(a).url, 'ppt')
  const x = await connectSynced(direct(a), DOC, token)
  const y = await connectSynced(direct(b), DOC, await login(direct(b).url, 'se'))
  const paragraph = paragraphTexts(x.doc)[0] as Y.XmlText
  paragraph.insert(0, 'Huérfano ')
  // B relays only what A has stored: once Y has it, it is in the database.
  await vi.waitFor(() => expect(contentOf(y.doc)).toContain('Huérfano '), RECOVERY)
  const withIt = contentOf(y.doc)
  x.provider.destroy()
  a.run.kill('SIGKILL')
  expect(await a.run.exited).toBe('SIGKILL')

  expect(await storedInDatabase(databaseUrl)).toBe(withIt)
  const fresh = await connectSynced(direct(b), DOC, token)
  expect(contentOf(fresh.doc)).toBe(withIt)
  await restart(a)
  const afterRestart = await connectSynced(direct(a), DOC, token)
  expect(contentOf(afterRestart.doc)).toBe(withIt)
}, 60_000)
