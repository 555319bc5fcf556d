/**
 * The crash test: nothing a user wrote is lost or made twice when the server
 * process is killed (SIGKILL: no chance to store anything) again and again
 * while people work.
 *
 * Three editors (stock y-websocket clients of the PPT and the Secretariat)
 * insert uniquely tagged words at word boundaries of random paragraphs, all
 * the time, connected or not. Three delegations post comments and replies
 * over REST with an `Idempotency-Key`, sending again after no answer or a 5xx
 * until they get one, as the editor's comment form does. The server is killed
 * at random moments: right after a burst of edits (received, not yet stored),
 * while a comment request is in flight, or at any time; each time a new server
 * process starts on the same port and folder, takes the stale lock over, and
 * the clients come back by themselves. In the end every tag is in the text
 * exactly once, every comment and reply exists exactly once, and the text
 * around them is the text the test began with: in every client, in the data
 * file, and in a fresh client of a server started over that file.
 *
 * The seed decides the edits, the comments and the moments of the kills; it
 * is printed, and `CRASH_SEED=<seed>` replays the same choices (the network's
 * and the processes' timing still differ from run to run).
 */
import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import * as prng from 'lib0/prng'
import { expect, test, vi } from 'vitest'
import { openWorkspaceStore } from '../../storage'
import { AuditLog } from '../../server/audit'
import {
  apiSession,
  connectSynced,
  contentOf,
  CRASH_RECOVERY,
  CRASH_SETTINGS as SETTINGS,
  crashSeed,
  DOC,
  freePort,
  login,
  seededDataDir,
  startCrashWorkload,
  storedContent,
  type Reachable
} from '../support'
import { startServerAt, type ServerRun } from './serverProcess'

const seed = crashSeed()
const KILLS = 20

test(
  'Twenty SIGKILLs at random moments while three editors type and three delegations comment lose nothing and make nothing twice.',
  async () => {
    console.info(`crash test seed ${seed}: rerun with CRASH_SEED=${seed}`)
    const gen = prng.create(seed)
    const dataDir = await seededDataDir()
    const port = await freePort()
    let run: ServerRun = await startServerAt(dataDir, port, SETTINGS)
    const server: Reachable = { url: await run.listening }
    const log: string[] = []

    // Each comment request is sent again for 90 s at the most.
    const workload = await startCrashWorkload(server, seed, { giveUpMs: 90_000 })
    const { ppt, editors, stats } = workload

    let cutShort = 0
    for (let kill = 1; kill <= KILLS; kill++) {
      // A failing worker fails the test at once rather than at the end.
      expect(workload.failure()).toBeUndefined()
      const moment = await workload.awaitMoment(gen)
      run.kill('SIGKILL')
      expect(await run.exited).toBe('SIGKILL')
      if ((await readdir(dataDir)).includes('consenso.json.tmp')) cutShort++
      log.push(`kill ${kill} (${moment}), ${workload.progress()}`)

      const killed = run.pid
      run = await startServerAt(dataDir, port, SETTINGS)
      expect(run.output()).toContain(`took over the data folder from process ${killed}`)
      // The clients come back by themselves; a while of work before the next kill.
      await workload.awaitEditorsSynced(`editors back after kill ${kill}`)
      await sleep(prng.int32(gen, 100, 700))
    }

    const { summary, checkText, checkComments, checkListedComments, checkEditors } = await workload.stop()

    // Every editor ends with every tag, and so does a client that was never killed away.
    await checkEditors()
    const probe = await connectSynced(server, DOC, ppt.token)
    await vi.waitFor(() => checkText(contentOf(probe.doc), 'a fresh client'), CRASH_RECOVERY)

    // A clean stop stores everything; the data file holds it all.
    run.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    for (const client of [...editors.map((e) => e.client), probe]) client.provider.disconnect()
    const stored = await storedContent(dataDir)
    checkText(stored, 'the data file')
    const { store } = await openWorkspaceStore(dataDir)
    const records = (await store.records.list({ kind: 'comment', scope: DOC })).records.map((r) => r.value as { id: string; body: string; replies: Array<{ body: string }> })
    // Each comment and each reply is in the audit trail exactly once: the
    // record and its entry are one write, so no kill left one without the other.
    const audit = new AuditLog(store)
    expect(await audit.verify()).toMatchObject({ ok: true })
    const entries = await audit.list({ document: DOC })
    // A meeting's intervention (the demo's) is a comment recorded as such.
    const created = (action: string) => action === 'comment.created' || action === 'proposal.created' || action === 'meeting.intervention'
    const entriesOf = (made: (action: string) => boolean, id: string) => entries.filter((e) => made(e.action) && e.target?.comment === id).length
    expect(
      records
        .filter((c) => entriesOf(created, c.id) !== 1 || entriesOf((a) => a === 'comment.replied', c.id) !== c.replies.length)
        .map((c) => c.body),
      'comments whose audit entries are not there exactly once'
    ).toEqual([])
    expect(entries.filter((e) => created(e.action)).length).toBe(records.length)
    await store.close()
    checkComments(records, 'the data file')

    // And a server started over it serves exactly that.
    run = await startServerAt(dataDir, port, SETTINGS)
    const reader = await connectSynced(server, DOC, await login(server.url, 'revisor'))
    expect(contentOf(reader.doc)).toBe(stored)
    await checkListedComments(apiSession(server, await login(server.url, 'ppt')), 'the API after a clean restart')

    console.info(
      `crash test seed ${seed}: ${KILLS} kills, ${summary}; ${cutShort} kills cut a write short\n${log.join('\n')}`
    )
    // The test did what it is for: requests went unanswered and were sent again.
    expect(stats.retried).toBeGreaterThan(0)
  },
  240_000
)
