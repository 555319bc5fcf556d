/**
 * A Redis for tests: the one `REDIS_URL` names when it is set (CI's service),
 * otherwise a throwaway `redis-server` from the installed binary on a free
 * loopback port, without persistence, stopped when the test ends. The
 * throwaway one can be stopped and started again on the same port mid-test,
 * for the outage tests.
 */
import { onTestFinished } from 'vitest'
import { startThrowawayRedis } from './throwawayRedis'

export interface TestRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string
  /** Stops the server (SIGTERM, waits for its exit); its clients see the connection drop. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty (nothing was saved). */
  start(): Promise<void>
  /** Whether this Redis can be stopped: not one named by `REDIS_URL`, which is shared. */
  readonly ownProcess: boolean
}

/**
 * A Redis for this test. Fails with what to install if there is no
 * `REDIS_URL` and no `redis-server` binary.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const shared = process.env.REDIS_URL
  if (shared)
    return {
      url: shared,
      ownProcess: false,
      stop: () => Promise.reject(new Error('REDIS_URL names a shared Redis: this test cannot stop it')),
      start: () => Promise.resolve()
    }
  const redis = await startThrowawayRedis()
  onTestFinished(redis.stop)
  return { ...redis, ownProcess: true }
}
