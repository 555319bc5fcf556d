/**
 * Per-account budgets of comments and replies (issue 14, item 10): a burst
 * and a rate, and bytes of text an hour; over either, 429 with Retry-After,
 * nothing stored, and the other accounts unaffected.
 */
import { describe, expect, onTestFinished, test } from 'vitest'
import type { TextBlock } from '../../src'
import { defaultCommentQuota, silentLogger, startServer, type CommentQuotaConfig } from '../../server'
import {
  connectSynced,
  DEMO_PASSWORD,
  DOC,
  docPath,
  login,
  openCommentPeriod,
  plainParagraphs,
  quoteSelector,
  seededDataDir,
  signIn,
  wordsOf,
  type ApiSession
} from '../support'

/** A server whose clock stands still until the test moves it on with `pass(ms)`, with a comment period open and the quote to comment on. */
async function quotaServer(commentQuota: CommentQuotaConfig) {
  let now = Date.now()
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: await seededDataDir(), demoPassword: DEMO_PASSWORD, persistence: { debounceMs: 50, maxWaitMs: 200 }, commentQuota },
    { logger: silentLogger, clock: () => new Date(now) }
  )
  onTestFinished(() => server.close())
  await openCommentPeriod(await signIn(server, 'ppt'))
  const editor = await connectSynced(server, DOC, await login(server.url, 'ppt'))
  const block = plainParagraphs(editor.doc)[2] as TextBlock
  const anchor = quoteSelector(wordsOf(block, 12), { blockId: block.id as string })
  const comment = (session: ApiSession, body: string) => session.post(docPath('/comments'), { body, anchor })
  const count = async () => (await (await signIn(server, 'ppt')).get(docPath('/comments'))).body.comments.length as number
  return { server, anchor, comment, count, pass: (ms: number) => void (now += ms) }
}

describe('Comment quotas', () => {
  test('With the default budgets, a delegate posting 40 long comments in a row gets 30 through; the rest are answered 429 with Retry-After and stored nowhere.', async () => {
    const { server, comment, count } = await quotaServer(defaultCommentQuota)
    const mx = await signIn(server, 'mx')
    const before = await count()
    const statuses: number[] = []
    let refusal: { status: number; body: any } | undefined
    for (let i = 0; i < 40; i++) {
      const res = await comment(mx, `Comentario ${i}: ${'x'.repeat(9_000)}`)
      statuses.push(res.status)
      if (res.status === 429) refusal ??= res
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(30)
    expect(statuses.slice(30)).toEqual(Array(10).fill(429))
    expect(refusal?.body).toEqual({
      error: 'too many comments and replies in a short time: try again in 6 seconds',
      code: 'comment_quota',
      values: { seconds: '6' }
    })
    expect(await count()).toBe(before + 30)
  })

  test('Over the rate: the refusal says when to try again (Retry-After), another delegation and the PPT are not affected, and once that time has passed the comment goes through.', async () => {
    const { server, anchor, comment, count, pass } = await quotaServer({ burst: 3, perMinute: 2, bytesPerHour: 1024 * 1024 })
    const mx = await signIn(server, 'mx')
    for (let i = 0; i < 3; i++) expect((await comment(mx, `Uno de tres ${i}`)).status).toBe(201)
    const before = await count()
    const res = await fetch(`${server.url}${docPath('/comments')}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${mx.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ body: 'El cuarto', anchor })
    })
    await res.body?.cancel()
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(await count()).toBe(before)

    const gt = await signIn(server, 'gt')
    expect((await comment(gt, 'Guatemala no está afectada')).status).toBe(201)
    // The Presidency, who answers everyone, has no budget.
    const ppt = await signIn(server, 'ppt')
    for (let i = 0; i < 6; i++) expect((await comment(ppt, `Nota de la PPT ${i}`)).status).toBe(201)
    pass(29_000)
    expect((await comment(mx, 'Aún no')).status).toBe(429)
    pass(1_000)
    expect((await comment(mx, 'Ahora sí')).status).toBe(201)
  })

  test('Over the size budget: text beyond the bytes an hour is refused, replies count too, and the budget refills with time.', async () => {
    const { server, comment, count, pass } = await quotaServer({ burst: 100, perMinute: 100, bytesPerHour: 30_000 })
    const mx = await signIn(server, 'mx')
    const before = await count()
    // 2 bytes a character in UTF-8: 18,000 bytes each.
    const long = 'é'.repeat(9_000)
    const first = await comment(mx, long)
    expect(first.status).toBe(201)
    const refused = await comment(mx, long)
    expect(refused.status).toBe(429)
    expect(refused.body.error).toMatch(/^too much comment text in the last hour: try again in \d+ seconds$/)
    const reply = await mx.post(docPath(`/comments/${first.body.comment.id}/replies`), { body: 'ü'.repeat(6_000) })
    expect(reply.status).toBe(429)
    expect(await count()).toBe(before + 1)
    expect((await mx.post(docPath(`/comments/${first.body.comment.id}/replies`), { body: 'Una respuesta breve.' })).status).toBe(201)
    // 30,000 bytes an hour refill 18,000 in 36 minutes.
    pass(36 * 60_000)
    expect((await comment(mx, long)).status).toBe(201)
  })
})
