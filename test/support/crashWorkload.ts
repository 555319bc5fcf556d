/**
 * The work people do during the crash tests, which kill server processes
 * under it: three editors (stock y-websocket clients of the PPT and the
 * Secretariat) insert uniquely tagged words at word boundaries of random
 * paragraphs, all the time, connected or not; three delegations post
 * comments and replies over REST with an `Idempotency-Key`, sending again
 * after no answer or a 5xx until they get one, as the editor's comment form
 * does. Once it stops, its checks say whether every tag is in a text exactly
 * once and the rest is the text it began with, and whether every comment and
 * reply is in a list exactly once. A seed decides the edits and the comments.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import * as prng from 'lib0/prng'
import { expect, vi } from 'vitest'
import type * as Y from 'yjs'
import { textBlocks } from '../../src'
import { apiSession, docPath, login, openCommentPeriod, quoteSelector, type ApiAnswer, type ApiSession } from './api'
import { connectClient, connectSynced, type TestClient } from './collab'
import { contentOf, paragraphTexts } from './doc'
import { DOC, type Reachable } from './server'

const EDITORS = ['ppt', 'se', 'ppt'] as const
const COMMENTERS = ['mx', 'gt', 'cr'] as const

/**
 * Server settings (environment variables) for a crash test. Short persistence
 * delays, so that a kill often finds changes received and not yet stored, and
 * the end comes soon; commenters here post far faster than people do, so no
 * comment quota may hold them back.
 */
export const CRASH_SETTINGS = { PERSIST_DEBOUNCE_MS: '100', PERSIST_MAX_WAIT_MS: '400', COMMENT_BURST: '1000000', COMMENTS_PER_MINUTE: '1000000' }

/** How long `vi.waitFor` waits for the clients after a kill: long enough for a restart on a slow machine under load. */
export const CRASH_RECOVERY = { timeout: 30_000, interval: 20 } as const

/** The seed of a crash test: `CRASH_SEED` when it is set (to replay a run), otherwise a random one. */
export const crashSeed = (): number => (process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31))

/** A word that tags one insertion: `K<editor>x<n>Z`. No tag holds another, and none is in the demo text. */
const TAG = /K\d+x\d+Z/g

/** One editor: its client, its own random source, the tags it inserted. */
export interface CrashEditor {
  readonly n: number
  readonly client: TestClient
  readonly gen: prng.PRNG
  readonly tags: string[]
}

/** One delegation commenting. */
export interface CrashCommenter {
  readonly n: number
  readonly username: string
  readonly token: string
  readonly gen: prng.PRNG
  /** Tags of the comments it made, with the comment's id. */
  readonly comments: Array<{ tag: string; id: string }>
  /** Tags of the replies it made. */
  readonly replies: string[]
}

/** When a crash test kills: see {@link CrashWorkload.awaitMoment}. */
export type KillMoment = 'after a burst of edits' | 'during a comment request' | 'at any time'

/** A comment as the API lists it and the store keeps it, as far as the checks read it. */
export interface CheckedComment {
  readonly body: string
  readonly replies: ReadonlyArray<{ readonly body: string }>
}

export interface CrashWorkloadOptions {
  /** How long one request is sent again before its commenter gives up and fails the test, in ms. */
  readonly giveUpMs: number
  /**
   * Headers added to every comment request: `Connection: close` puts each
   * attempt on a new connection, which a proxy gives to the next live process.
   */
  readonly headers?: Readonly<Record<string, string>>
}

/** The workload running: what a test needs while it kills, and `stop` for the checks at the end. */
export interface CrashWorkload {
  /** The PPT's session, which opened the comment period. */
  readonly ppt: ApiSession
  readonly editors: readonly CrashEditor[]
  readonly commenters: readonly CrashCommenter[]
  /** Comment requests made, attempts at them, requests sent more than once, 5xx answers. */
  readonly stats: { readonly attempts: number; readonly requests: number; readonly retried: number; readonly serverErrors: number }
  /** What made an editor or a commenter fail, if one did: a failing worker fails the test at once rather than at the end. */
  failure(): unknown
  /**
   * Picks with `gen` a moment to kill at, and waits for it: right after a
   * burst of edits (received, not yet stored), while a comment request is in
   * flight, or at any time. Returns which.
   */
  awaitMoment(gen: prng.PRNG): Promise<KillMoment>
  /** Waits until every editor is synced again (`message` names the moment in a failure). */
  awaitEditorsSynced(message?: string): Promise<void>
  /** How far the work got: tags per editor and comments per commenter, for a test's log. */
  progress(): string
  /** Stops typing and commenting, waits for the requests under way, and returns the checks of what was made. */
  stop(): Promise<CrashOutcome>
}

/** What the workload made, and the checks that it is all there exactly once. */
export interface CrashOutcome {
  /** Every tag inserted. */
  readonly tags: readonly string[]
  /** The bodies of the comments made. */
  readonly made: readonly string[]
  /** The bodies of the replies made. */
  readonly replied: readonly string[]
  /** The counts of the work, for a test's last line. */
  readonly summary: string
  /** Every tag is in `content` exactly once, no other, and without them `content` is the text the workload began with. */
  checkText(content: string, where: string): void
  /** Every comment and reply made is in `comments` exactly once, and nothing else was added. */
  checkComments(comments: readonly CheckedComment[], where: string): void
  /** {@link checkComments} on the comments of the demo Strategy as `session` lists them through the API. */
  checkListedComments(session: ApiSession, where: string): Promise<void>
  /** Waits until {@link checkText} holds for every editor's text. */
  checkEditors(): Promise<void>
}

// A paragraph's text as one string, an embedded node counting as one character (as Yjs counts it).
const plainText = (text: Y.XmlText): string =>
  (text.toDelta() as Array<{ insert: unknown }>).map((d) => (typeof d.insert === 'string' ? d.insert : '\uFFFC')).join('')

/** Inserts a new tag followed by a space at a word boundary of a random paragraph: no word is ever split. */
function insertTag(editor: CrashEditor): void {
  const text = prng.oneOf(editor.gen, paragraphTexts(editor.client.doc))
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

/**
 * Opens a comment period on the demo Strategy of `server` as the PPT, notes
 * its text and comments, connects the editors and signs the commenters in,
 * and sets them all to work. Their random choices come from `seed`.
 */
export async function startCrashWorkload(server: Reachable, seed: number, options: CrashWorkloadOptions): Promise<CrashWorkload> {
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

  const editors: CrashEditor[] = []
  for (const [i, username] of EDITORS.entries()) {
    const client = connectClient(server, DOC, await login(server.url, username))
    // Back soon after each restart (the default backoff grows to 2.5 s).
    client.provider.maxBackoffTime = 300
    editors.push({ n: i + 1, client, gen: prng.create(seed + 1 + i), tags: [] })
  }
  const awaitEditorsSynced = async (message?: string) => {
    await vi.waitFor(() => expect(editors.every((e) => e.client.provider.synced), message).toBe(true), CRASH_RECOVERY)
  }
  await awaitEditorsSynced()
  const commenters: CrashCommenter[] = []
  for (const [i, username] of COMMENTERS.entries())
    commenters.push({ n: i + 1, username, token: await login(server.url, username), gen: prng.create(seed + 100 + i), comments: [], replies: [] })

  let stopping = false
  let inFlight = 0
  const stats = { attempts: 0, requests: 0, retried: 0, serverErrors: 0 }

  // Sends one request until it gets an answer that is not a server fault, always with the same key.
  const sendUntilAnswered = async (commenter: CrashCommenter, path: string, body: unknown): Promise<ApiAnswer> => {
    const key = randomUUID()
    const giveUpAt = Date.now() + options.giveUpMs
    stats.requests++
    for (let attempt = 1; ; attempt++) {
      stats.attempts++
      if (attempt === 2) stats.retried++
      inFlight++
      try {
        const res = await fetch(`${server.url}${docPath(path)}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${commenter.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key, ...options.headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(20_000)
        })
        const answer = { status: res.status, body: await res.json() }
        if (res.status < 500) return answer
        stats.serverErrors++
      } catch {
        // No answer: the process died with the request, or is not up yet.
      } finally {
        inFlight--
      }
      if (Date.now() > giveUpAt) throw new Error(`${commenter.username}: no answer to POST ${path} in ${options.giveUpMs / 1000} s`)
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
  const workers = Promise.all([...editing, ...commenting])
  let failure: unknown
  workers.catch((err: unknown) => (failure = err))

  const awaitMoment = async (gen: prng.PRNG): Promise<KillMoment> => {
    const moment = prng.oneOf(gen, ['after a burst of edits', 'during a comment request', 'at any time'] as const)
    if (moment === 'after a burst of edits') {
      for (const editor of editors) for (let i = 0; i < 15; i++) insertTag(editor)
      await sleep(prng.int32(gen, 0, 40))
    } else if (moment === 'during a comment request') {
      await vi.waitFor(() => expect(inFlight).toBeGreaterThan(0), { timeout: 10_000, interval: 1 })
      await sleep(prng.int32(gen, 0, 8))
    } else await sleep(prng.int32(gen, 50, 1200))
    return moment
  }

  const stop = async (): Promise<CrashOutcome> => {
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
    const checkComments = (comments: readonly CheckedComment[], where: string) => {
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

    const checkListedComments = async (session: ApiSession, where: string) => {
      checkComments((await session.get(docPath('/comments'))).body.comments, where)
    }

    const checkEditors = async () => {
      await vi.waitFor(() => {
        for (const editor of editors) checkText(contentOf(editor.client.doc), `editor ${editor.n}`)
      }, CRASH_RECOVERY)
    }

    const summary =
      `${tags.length} tags, ${made.length} comments and ${replied.length} replies ` +
      `(${stats.requests} requests in ${stats.attempts} attempts, ${stats.retried} sent again, ${stats.serverErrors} 5xx)`
    return { tags, made, replied, summary, checkText, checkComments, checkListedComments, checkEditors }
  }

  return {
    ppt,
    editors,
    commenters,
    stats,
    failure: () => failure,
    awaitMoment,
    awaitEditorsSynced,
    progress: () => `${editors.map((e) => e.tags.length).join('/')} tags, ${commenters.map((c) => c.comments.length).join('/')} comments`,
    stop
  }
}
