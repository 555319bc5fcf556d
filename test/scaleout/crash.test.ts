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
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import * as prng from 'lib0/prng'
import { expect, onTestFinished, test, vi } from 'vitest'
import * as Y from 'yjs'
import { textBlocks } from '../../src'
import { PostgresStore } from '../../storage'
import { AuditLog } from '../../server/audit'
import {
  apiSession,
  connectClient,
  connectSynced,
  contentOf,
  DOC,
  docPath,
  freePort,
  login,
  openCommentPeriod,
  paragraphTexts,
  postgresDatabase,
  quoteSelector,
  startTestRedis,
  storedInDatabase,
  type ApiAnswer,
  type Reachable,
  type TestClient
} from '../support'
import { startRoundRobinProxy } from '../support/roundRobinProxy'
import { startServerAt, type ServerRun } from '../durability/serverProcess'

const seed = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31)
// Each restart costs a Node start (4–10 s on a busy 2-core machine): six keep the file near 90 s.
const KILLS = 6
const EDITORS = ['ppt', 'se', 'ppt'] as const
const COMMENTERS = ['mx', 'gt', 'cr'] as const
// Short, so that a kill often finds changes received and not yet stored.
// Commenters here post far faster than people do: no comment quota may hold them back.
const SETTINGS = { PERSIST_DEBOUNCE_MS: '100', PERSIST_MAX_WAIT_MS: '400', COMMENT_BURST: '1000000', COMMENTS_PER_MINUTE: '1000000' }
// Long enough for a restart on a slow machine under load.
const RECOVERY = { timeout: 30_000, interval: 20 } as const

/** A word that tags one insertion: `K<editor>x<n>Z`. No tag holds another, and none is in the demo text. */
const TAG = /K\d+x\d+Z/g

interface Editor {
  readonly n: number
  readonly client: TestClient
  readonly gen: prng.PRNG
  readonly tags: string[]
}

interface Commenter {
  readonly n: number
  readonly username: string
  readonly token: string
  readonly gen: prng.PRNG
  readonly comments: Array<{ tag: string; id: string }>
  readonly replies: string[]
}

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

// A paragraph's text as one string, an embedded node counting as one character (as Yjs counts it).
const plainText = (text: Y.XmlText): string =>
  (text.toDelta() as Array<{ insert: unknown }>).map((d) => (typeof d.insert === 'string' ? d.insert : '\uFFFC')).join('')

/** Inserts a new tag followed by a space at a word boundary of a random paragraph: no word is ever split. */
function insertTag(editor: Editor): void {
  const text = prng.oneOf(editor.gen, paragraphTexts(editor.client.doc))
  const plain = plainText(text)
  const boundaries = [0]
  for (let i = 1; i <= plain.length; i++) if (plain[i - 1] === ' ') boundaries.push(i)
  const tag = `K${editor.n}x${editor.tags.length}Z`
  text.insert(prng.oneOf(editor.gen, boundaries), `${tag} `)
  editor.tags.push(tag)
}

function tagCounts(content: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const [tag] of content.matchAll(TAG)) counts.set(tag, (counts.get(tag) ?? 0) + 1)
  return counts
}

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

    const ppt = apiSession(server, await login(server.url, 'ppt'))
    await openCommentPeriod(ppt)
    const first = await connectSynced(server, DOC, ppt.token)
    const initial = contentOf(first.doc)
    const commentsBefore = (await ppt.get(docPath('/comments'))).body.comments as Array<{ replies: unknown[] }>
    const repliesBefore = commentsBefore.reduce((sum, c) => sum + c.replies.length, 0)
    const allText = textBlocks(first.doc)
      .map((b) => b.text)
      .join('\n')
    first.provider.destroy()
    const quotable = [...new Set(allText.split(/\s+/))]
      .filter((word) => /^\p{L}{9,}$/u.test(word) && allText.split(word).length === 2)
      .slice(0, 40)
    expect(quotable.length).toBeGreaterThan(10)

    const editors: Editor[] = []
    for (const [i, username] of EDITORS.entries()) {
      const client = connectClient(server, DOC, await login(server.url, username))
      client.provider.maxBackoffTime = 300
      editors.push({ n: i + 1, client, gen: prng.create(seed + 1 + i), tags: [] })
    }
    await vi.waitFor(() => expect(editors.every((e) => e.client.provider.synced)).toBe(true), RECOVERY)
    const commenters: Commenter[] = []
    for (const [i, username] of COMMENTERS.entries())
      commenters.push({ n: i + 1, username, token: await login(server.url, username), gen: prng.create(seed + 100 + i), comments: [], replies: [] })

    let stopping = false
    let inFlight = 0
    const stats = { attempts: 0, requests: 0, retried: 0, serverErrors: 0 }

    // Sends one request until it gets an answer that is not a server fault, always with the same key,
    // each time on a new connection, which the proxy gives to the next live process.
    const sendUntilAnswered = async (commenter: Commenter, path: string, body: unknown): Promise<ApiAnswer> => {
      const key = randomUUID()
      const giveUpAt = Date.now() + 60_000
      stats.requests++
      for (let attempt = 1; ; attempt++) {
        stats.attempts++
        if (attempt === 2) stats.retried++
        inFlight++
        try {
          const res = await fetch(`${server.url}${docPath(path)}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${commenter.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key, Connection: 'close' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(20_000)
          })
          const answer = { status: res.status, body: await res.json() }
          if (res.status < 500) return answer
          stats.serverErrors++
        } catch {
          // No answer: the process died with the request.
        } finally {
          inFlight--
        }
        if (Date.now() > giveUpAt) throw new Error(`${commenter.username}: no answer to POST ${path} in 60 s`)
        await sleep(50)
      }
    }

    const editing = editors.map(async (editor) => {
      while (!stopping) {
        insertTag(editor)
        await sleep(prng.int32(editor.gen, 10, 60))
      }
    })
    const commenting = commenters.map(async (commenter) => {
      while (!stopping) {
        const tag = `C${commenter.n}x${commenter.comments.length}Z`
        const made = await sendUntilAnswered(commenter, '/comments', {
          body: `Observación ${tag}`,
          anchor: quoteSelector(prng.oneOf(commenter.gen, quotable))
        })
        expect(made.status, `${commenter.username} commenting: ${JSON.stringify(made.body)}`).toBe(201)
        commenter.comments.push({ tag, id: made.body.comment.id })
        if (prng.bool(commenter.gen)) {
          const replyTag = `R${commenter.n}x${commenter.replies.length}Z`
          const on = prng.oneOf(commenter.gen, commenter.comments)
          const replied = await sendUntilAnswered(commenter, `/comments/${on.id}/replies`, { body: `Respuesta ${replyTag}` })
          expect(replied.status, `${commenter.username} replying: ${JSON.stringify(replied.body)}`).toBe(201)
          commenter.replies.push(replyTag)
        }
        await sleep(prng.int32(commenter.gen, 10, 150))
      }
    })
    const workers = Promise.all([...editing, ...commenting])
    let failure: unknown
    workers.catch((err: unknown) => (failure = err))

    const began = performance.now()
    const at = () => `${((performance.now() - began) / 1000).toFixed(1)} s`
    for (let kill = 1; kill <= KILLS; kill++) {
      expect(failure).toBeUndefined()
      const victim = prng.oneOf(gen, backends)
      const moment = prng.oneOf(gen, ['after a burst of edits', 'during a comment request', 'at any time'] as const)
      if (moment === 'after a burst of edits') {
        for (const editor of editors) for (let i = 0; i < 15; i++) insertTag(editor)
        await sleep(prng.int32(gen, 0, 40))
      } else if (moment === 'during a comment request') {
        await vi.waitFor(() => expect(inFlight).toBeGreaterThan(0), { timeout: 10_000, interval: 1 })
        await sleep(prng.int32(gen, 0, 8))
      } else await sleep(prng.int32(gen, 50, 1200))
      victim.run.kill('SIGKILL')
      expect(await victim.run.exited).toBe('SIGKILL')
      log.push(`${at()} kill ${kill}: ${victim.name} (${moment}), ${editors.map((e) => e.tags.length).join('/')} tags, ${commenters.map((c) => c.comments.length).join('/')} comments`)
      // The clients of the dead process go to the other one meanwhile; then it comes back on its port.
      await restart(victim)
      log.push(`${at()} ${victim.name} back`)
      await vi.waitFor(() => expect(editors.every((e) => e.client.provider.synced), `editors back after kill ${kill}`).toBe(true), RECOVERY)
      log.push(`${at()} editors synced`)
      await sleep(prng.int32(gen, 100, 700))
    }

    stopping = true
    await workers
    log.push(`${at()} stopped typing and commenting`)
    const tags = editors.flatMap((e) => e.tags)
    const tagSet = new Set(tags)
    const checkText = (content: string, where: string) => {
      const counts = tagCounts(content)
      expect(
        {
          missing: tags.filter((t) => !counts.has(t)),
          twice: [...counts].filter(([, n]) => n > 1).map(([t]) => t),
          unknown: [...counts.keys()].filter((t) => !tagSet.has(t))
        },
        `tags in ${where}`
      ).toEqual({ missing: [], twice: [], unknown: [] })
      expect(content.replace(/K\d+x\d+Z /g, ''), `the rest of ${where}`).toBe(initial)
    }

    const made = commenters.flatMap((c) => c.comments.map((m) => `Observación ${m.tag}`))
    const replied = commenters.flatMap((c) => c.replies.map((tag) => `Respuesta ${tag}`))
    const checkComments = (comments: Array<{ body: string; replies: Array<{ body: string }> }>, where: string) => {
      const bodies = new Map<string, number>()
      for (const c of comments) bodies.set(c.body, (bodies.get(c.body) ?? 0) + 1)
      const replyBodies = new Map<string, number>()
      for (const r of comments.flatMap((c) => c.replies)) replyBodies.set(r.body, (replyBodies.get(r.body) ?? 0) + 1)
      expect(
        { comments: made.filter((b) => bodies.get(b) !== 1), replies: replied.filter((b) => replyBodies.get(b) !== 1) },
        `comments and replies not there exactly once, in ${where}`
      ).toEqual({ comments: [], replies: [] })
      expect(comments.length, `comments in ${where}`).toBe(commentsBefore.length + made.length)
      expect([...replyBodies.values()].reduce((a, b) => a + b, 0), `replies in ${where}`).toBe(repliesBefore + replied.length)
    }

    // Every editor ends with every tag, and so does a fresh client of each process.
    await vi.waitFor(() => {
      for (const editor of editors) checkText(contentOf(editor.client.doc), `editor ${editor.n}`)
    }, RECOVERY)
    for (const backend of backends) {
      const probe = await connectSynced(direct(backend), DOC, ppt.token)
      await vi.waitFor(() => checkText(contentOf(probe.doc), `a fresh client of ${backend.name}`), RECOVERY)
      probe.provider.destroy()
      const onIt = apiSession(direct(backend), ppt.token)
      checkComments((await onIt.get(docPath('/comments'))).body.comments, `the comments as ${backend.name} lists them`)
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
      `scale-out crash test seed ${seed}: ${KILLS} kills, ${tags.length} tags, ${made.length} comments and ${replied.length} replies ` +
        `(${stats.requests} requests in ${stats.attempts} attempts, ${stats.retried} sent again, ${stats.serverErrors} 5xx); ` +
        `connections per process ${[...proxy.taken.values()].join('/')}`
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
