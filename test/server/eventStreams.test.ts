/**
 * A document's event stream names itself first, so that the app can end it
 * when it leaves the document (the request then completes rather than being
 * aborted); only the session that opened a stream may end it.
 */
import { expect, test, vi } from 'vitest'
import { apiSession, docPath, signIn, startTestServer, subscribeToEvents, WAIT } from '../support'

test('A stream is ended by its own session, and a stream of another session is unknown to the caller.', async () => {
  const { server } = await startTestServer()
  const gt = await signIn(server, 'gt')
  const other = apiSession(server, (await signIn(server, 'gt')).token)
  const subscription = await subscribeToEvents(server, gt.token)
  await vi.waitFor(() => expect(subscription.events[0]?.type).toBe('stream'), WAIT)
  const id = subscription.events[0]?.data.id as string
  const del = (token: string, sid: string) =>
    fetch(`${server.url}${docPath(`/events/${sid}`)}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } })
  expect((await del(other.token, id)).status).toBe(404)
  expect((await del(gt.token, 'not-a-stream')).status).toBe(404)
  const ended = await del(gt.token, id)
  expect(ended.status).toBe(200)
  expect(await ended.json()).toEqual({ ok: true })
  // Ended once: asked again, it is no longer there.
  expect((await del(gt.token, id)).status).toBe(404)
})
