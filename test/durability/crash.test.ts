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
import { randomUUID } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import * as prng from 'lib0/prng'
import { expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import { textBlocks } from '../../src'
import { openWorkspaceStore } from '../../storage'
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
  quoteSelector,
  seededDataDir,
  storedContent,
  type ApiAnswer,
  type Reachable,
  type TestClient
} from '../support'
import { startServerAt, type ServerRun } from './serverProcess'

const seed = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31)
const KILLS = 20
const EDITORS = ['ppt', 'se', 'ppt'] as const
const COMMENTERS = ['mx', 'gt', 'cr'] as const
// Short, so that a kill often finds changes received and not yet stored, and the end comes soon.
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
  /** Tags of the comments it made, with the comment's id. */
  readonly comments: Array<{ tag: string; id: string }>
  /** Tags of the replies it made. */
  readonly replies: string[]
}

// A paragraph's text as one string, an embedded node counting as one character (as Yjs counts it).
const plainText = (text: Y.XmlText): string =>
  (text.toDelta() as Array<{ insert: unknown }>).map((d) => (typeof d.insert === 'string' ? d.insert : '\uFFFC')).join('')

/** Inserts a new tag followed by a space at a word boundary of a random paragraph: no word is ever split. */
function insertTag(editor: Editor): void {
  const texts = paragraphTexts(editor.client.doc)
  const text = prng.oneOf(editor.gen, texts)
  const plain = plainText(text)
  const boundaries = [0]
  for (let i = 1; i <= plain.length; i++) if (plain[i - 1] === ' ') boundaries.push(i)
  const tag = `K${editor.n}x${editor.tags.length}Z`
  text.insert(prng.oneOf(editor.gen, boundaries), `${tag} `)
  editor.tags.push(tag)
}

/** How many times each tag occurs in `content`. */
function tagCounts(content: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const [tag] of content.matchAll(TAG)) counts.set(tag, (counts.get(tag) ?? 0) + 1)
  return counts
}

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

    const ppt = apiSession(server, await login(server.url, 'ppt'))
    await openCommentPeriod(ppt)
    const first = await connectSynced(server, DOC, ppt.token)
    const initial = contentOf(first.doc)
    const commentsBefore = (await ppt.get(docPath('/comments'))).body.comments as Array<{ replies: unknown[] }>
    const repliesBefore = commentsBefore.reduce((sum, c) => sum + c.replies.length, 0)

    // Words that appear once in the whole text: comments quote them, and
    // since tags go in only at word boundaries, they stay whole and unique.
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
      // Back soon after each restart (the default backoff grows to 2.5 s).
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

    // Sends one request until it gets an answer that is not a server fault, always with the same key.
    const sendUntilAnswered = async (commenter: Commenter, path: string, body: unknown): Promise<ApiAnswer> => {
      const key = randomUUID()
      const giveUpAt = Date.now() + 90_000
      stats.requests++
      for (let attempt = 1; ; attempt++) {
        stats.attempts++
        if (attempt === 2) stats.retried++
        inFlight++
        try {
          const res = await fetch(`${server.url}${docPath(path)}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${commenter.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(20_000)
          })
          const answer = { status: res.status, body: await res.json() }
          if (res.status < 500) return answer
          stats.serverErrors++
        } catch {
          // No answer: the server died with the request, or is not up yet.
        } finally {
          inFlight--
        }
        if (Date.now() > giveUpAt) throw new Error(`${commenter.username}: no answer to POST ${path} in 90 s`)
        // A client's pause before sending again.
        await sleep(50)
      }
    }

    const editing = editors.map(async (editor) => {
      while (!stopping) {
        insertTag(editor)
        // The pace of a fast typist; edits go on while disconnected, as in a browser.
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
    // A failing worker fails the test at once rather than at the end.
    const workers = Promise.all([...editing, ...commenting])
    let failure: unknown
    workers.catch((err: unknown) => (failure = err))

    let cutShort = 0
    for (let kill = 1; kill <= KILLS; kill++) {
      expect(failure).toBeUndefined()
      const moment = prng.oneOf(gen, ['after a burst of edits', 'during a comment request', 'at any time'] as const)
      if (moment === 'after a burst of edits') {
        for (const editor of editors) for (let i = 0; i < 15; i++) insertTag(editor)
        await sleep(prng.int32(gen, 0, 40))
      } else if (moment === 'during a comment request') {
        await vi.waitFor(() => expect(inFlight).toBeGreaterThan(0), { timeout: 10_000, interval: 1 })
        await sleep(prng.int32(gen, 0, 8))
      } else await sleep(prng.int32(gen, 50, 1200))
      run.kill('SIGKILL')
      expect(await run.exited).toBe('SIGKILL')
      if ((await readdir(dataDir)).includes('consenso.json.tmp')) cutShort++
      log.push(`kill ${kill} (${moment}), ${editors.map((e) => e.tags.length).join('/')} tags, ${commenters.map((c) => c.comments.length).join('/')} comments`)

      const killed = run.pid
      run = await startServerAt(dataDir, port, SETTINGS)
      expect(run.output()).toContain(`took over the data folder from process ${killed}`)
      // The clients come back by themselves; a while of work before the next kill.
      await vi.waitFor(() => expect(editors.every((e) => e.client.provider.synced), `editors back after kill ${kill}`).toBe(true), RECOVERY)
      await sleep(prng.int32(gen, 100, 700))
    }

    stopping = true
    await workers
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
      // Without the tags, the text is the one the test began with: nothing else was lost or changed.
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

    // Every editor ends with every tag, and so does a client that was never killed away.
    await vi.waitFor(() => {
      for (const editor of editors) checkText(contentOf(editor.client.doc), `editor ${editor.n}`)
    }, RECOVERY)
    const probe = await connectSynced(server, DOC, ppt.token)
    await vi.waitFor(() => checkText(contentOf(probe.doc), 'a fresh client'), RECOVERY)

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
    checkComments((await apiSession(server, await login(server.url, 'ppt')).get(docPath('/comments'))).body.comments, 'the API after a clean restart')

    console.info(
      `crash test seed ${seed}: ${KILLS} kills, ${tags.length} tags, ${made.length} comments and ${replied.length} replies ` +
        `(${stats.requests} requests in ${stats.attempts} attempts, ${stats.retried} sent again, ${stats.serverErrors} 5xx); ` +
        `${cutShort} kills cut a write short\n${log.join('\n')}`
    )
    // The test did what it is for: requests went unanswered and were sent again.
    expect(stats.retried).toBeGreaterThan(0)
  },
  240_000
)
