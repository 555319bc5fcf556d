/**
 * Two real server processes on one PostgreSQL and one Redis: what one
 * process did while Redis was down takes effect on the other as soon as Redis
 * is back, not at its next periodic round (sessions: 30 s; cursors: a
 * client's renewal, 15 s). Redis is a throwaway server of this file's own.
 */
import { expect, onTestFinished, test, vi } from 'vitest'
import { CloseCode } from '../../server'
import { connectSynced, DOC, login, openRawSocket, postgresDatabase, signIn, startTestRedis } from '../support'
import { startTwoProcesses } from './twoProcesses'

const PROCESS_TEST_MS = 60_000
// Well within the periodic rounds these tests must not wait for.
const SOON = { timeout: 8_000, interval: 50 } as const

test("A logout on one process while Redis is down closes the session's socket on the other with 4401 once Redis is back.", async (context) => {
  const redis = await startTestRedis()
  if (!redis.ownProcess) context.skip(true, 'REDIS_URL names a shared Redis, which this test may not stop')
  const { a, b } = await startTwoProcesses(await postgresDatabase(), redis)
  const ni = await signIn(a, 'ni')
  const socketOnB = await openRawSocket(b, DOC, { token: ni.token })
  const closed = { code: 0 }
  void socketOnB.closed.then(({ code }) => (closed.code = code))

  await redis.stop()
  expect((await ni.post('/api/logout')).status).toBe(200)
  await redis.start()
  await vi.waitFor(() => expect(closed.code).toBe(CloseCode.unauthorized), SOON)
}, PROCESS_TEST_MS)

test("A cursor set on one process while Redis is down is seen by a client of the other once Redis is back.", async (context) => {
  const redis = await startTestRedis()
  if (!redis.ownProcess) context.skip(true, 'REDIS_URL names a shared Redis, which this test may not stop')
  const { a, b } = await startTwoProcesses(await postgresDatabase(), redis)
  const ppt = await connectSynced(a, DOC, await login(a.url, 'ppt'))
  const gt = await connectSynced(b, DOC, await login(b.url, 'gt'))
  onTestFinished(() => ppt.provider.awareness.setLocalState(null))

  await redis.stop()
  ppt.provider.awareness.setLocalStateField('cursor', { anchor: 11 })
  await redis.start()
  // A client renews its presence every 15 s: well within that.
  await vi.waitFor(() => expect(gt.provider.awareness.getStates().get(ppt.doc.clientID)).toMatchObject({ cursor: { anchor: 11 } }), SOON)
}, PROCESS_TEST_MS)
