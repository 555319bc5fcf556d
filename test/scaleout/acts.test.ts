/**
 * Acts on two real server processes (`node --import tsx server/main.ts`,
 * different ports) serving one workspace with both halves of issue 13 at once:
 * `DATABASE_URL` (one PostgreSQL database, PostgresStore) and `REDIS_URL`
 * (one Redis, the relay). Until these tests, real processes ran on PostgreSQL
 * without Redis, and Redis was tried with two servers in one test process on
 * one MemoryStore. What must happen once (a comment, a login failure
 * counted, an audit entry) happens once, whichever process it arrives on.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { COUNTRIES } from '../../src'
import { apiSession, docPath, failedLogin, login, openCommentPeriod, signIn } from '../support'
import { postComment, twoProcesses } from './twoProcesses'

// Real processes start slowly on a shared machine (two cores), and 200 acts take a while there; the checks themselves are bounded.
const PROCESS_TEST_MS = 90_000

describe('Acts spread over two server processes on one PostgreSQL and one Redis', () => {
  test('Five failed logins spread over both processes throttle the sixth on either, with 429.', async () => {
    const { a, b } = await twoProcesses()
    for (const server of [a, b, a, b, a]) expect(await failedLogin(server, 'hn')).toBe(401)
    expect(await failedLogin(b, 'hn')).toBe(429)
    expect(await failedLogin(a, 'hn')).toBe(429)
  }, PROCESS_TEST_MS)

  test('200 comments at once spread over both processes are all stored once, and the audit chain verifies on both.', async () => {
    const { a, b } = await twoProcesses()
    const ppt = await signIn(a, 'ppt')
    await openCommentPeriod(ppt)
    const delegates = await Promise.all(COUNTRIES.map((c) => login(a.url, c.code.toLowerCase())))
    const before = (await ppt.get('/api/audit/verify')).body.entries as number
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) => postComment(n % 2 === 0 ? a : b, delegates[n % delegates.length] as string, `Comentario ${n} desde ${n % 2 === 0 ? 'A' : 'B'}`))
    )
    expect(answers.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([])
    for (const server of [a, b]) {
      const verified = await apiSession(server, ppt.token).get('/api/audit/verify')
      expect(verified.body).toMatchObject({ ok: true, entries: before + 200 })
      const listed = await apiSession(server, ppt.token).get(docPath('/comments'))
      const bodies = (listed.body.comments as Array<{ body: string }>).map((c) => c.body).filter((body) => body.startsWith('Comentario '))
      expect(bodies).toHaveLength(200)
      expect(new Set(bodies).size).toBe(200)
    }
  }, PROCESS_TEST_MS)

  test('Retries of one comment with one Idempotency-Key, sent to both processes at once, make one comment.', async () => {
    const { a, b } = await twoProcesses()
    await openCommentPeriod(await signIn(a, 'ppt'))
    const token = await login(b.url, 'gt')
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => postComment(n % 2 === 0 ? a : b, token, 'Reenviado a los dos procesos.', key)))
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201])
    expect(new Set(answers.map((r) => r.body.comment.id)).size).toBe(1)
    for (const server of [a, b]) {
      const listed = await apiSession(server, token).get(docPath('/comments'))
      expect((listed.body.comments as Array<{ body: string }>).filter((c) => c.body === 'Reenviado a los dos procesos.')).toHaveLength(1)
    }
  }, PROCESS_TEST_MS)
})
