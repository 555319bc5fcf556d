/**
 * Two real server processes (`node --import tsx server/main.ts`, different
 * ports) serving one workspace with both halves of issue 13 at once:
 * `DATABASE_URL` (one PostgreSQL database, PostgresStore) and `REDIS_URL`
 * (one Redis, the relay). Until these tests, real processes ran on PostgreSQL
 * without Redis, and Redis was tried with two servers in one test process on
 * one MemoryStore. Clients are pinned to one process or the other; what they
 * see must be the same.
 */
import { describe, expect, test, vi } from 'vitest'
import { CloseCode } from '../../server'
import {
  appendParagraph,
  connectSynced,
  contentOf,
  DOC,
  login,
  openCommentPeriod,
  openRawSocket,
  signIn,
  subscribeToEvents
} from '../support'
import { CONVERGED, expectConverged, postComment, twoProcesses } from './twoProcesses'

// Real processes start slowly on a shared machine; the checks themselves are bounded.
const PROCESS_TEST_MS = 60_000

describe('Two server processes on one PostgreSQL and one Redis', () => {
  test('Stock clients on either process converge, also while both type at once.', async () => {
    const { a, b } = await twoProcesses()
    const onA = await connectSynced(a, DOC, await login(a.url, 'ppt'))
    const onB = await connectSynced(b, DOC, await login(b.url, 'se'))
    const watcherOnB = await connectSynced(b, DOC, await login(b.url, 'mx'))

    appendParagraph(onA.doc, 'Escrito en el proceso A.')
    await expectConverged([onA, onB, watcherOnB], ['Escrito en el proceso A.'])
    appendParagraph(onB.doc, 'Escrito en el proceso B.')
    await expectConverged([onA, onB, watcherOnB], ['Escrito en el proceso A.', 'Escrito en el proceso B.'])

    const typed: string[] = []
    for (let round = 0; round < 30; round++) {
      typed.push(`A ${round}`, `B ${round}`)
      appendParagraph(onA.doc, `A ${round}`)
      appendParagraph(onB.doc, `B ${round}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await expectConverged([onA, onB, watcherOnB], typed)
    // Each paragraph once: no update applied twice nor lost between the processes.
    for (const text of typed) expect(contentOf(onB.doc).split(`>${text}<`)).toHaveLength(2)
  }, PROCESS_TEST_MS)

  test('A comment made on one process reaches the event stream of a delegate on the other.', async () => {
    const { a, b } = await twoProcesses()
    await openCommentPeriod(await signIn(a, 'ppt'))
    const onB = await subscribeToEvents(b, await login(b.url, 'gt'))
    const made = await postComment(a, await login(a.url, 'mx'), 'Desde el proceso A.')
    expect(made.status).toBe(201)
    await vi.waitFor(() => expect(onB.events).toContainEqual({ type: 'comment', data: expect.objectContaining({ id: made.body.comment.id, body: 'Desde el proceso A.' }) }), CONVERGED)
  }, PROCESS_TEST_MS)

  test("Logout on one process closes the session's socket on the other with 4401, and only that session's.", async () => {
    const { a, b } = await twoProcesses()
    const ni = await signIn(a, 'ni')
    const other = await signIn(a, 'ni')
    const socketOnB = await openRawSocket(b, DOC, { token: ni.token })
    const otherOnB = await openRawSocket(b, DOC, { token: other.token })
    expect((await ni.post('/api/logout')).status).toBe(200)
    // Well before the 30 s session check: the relay carried it.
    const started = Date.now()
    expect(await socketOnB.closed).toEqual({ code: CloseCode.unauthorized, reason: 'signed out' })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(otherOnB.ws.readyState).toBe(otherOnB.ws.OPEN)
  }, PROCESS_TEST_MS)
})
