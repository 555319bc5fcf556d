/**
 * Two real server processes (`node --import tsx server/main.ts`, different
 * ports) on one PostgreSQL database and one Redis, as the scale-out tests
 * run them; and the convergence check they share.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, onTestFinished, vi } from 'vitest'
import { IDEMPOTENCY_HEADER } from '../../src'
import { contentOf, docPath, freePort, postgresDatabase, quoteSelector, startTestRedis, type ApiAnswer, type Reachable, type TestClient, type TestRedis } from '../support'
import { startServerAt } from '../durability/serverProcess'

/** How long two processes may take to converge: a catch-up from the store comes within 5 s. */
export const CONVERGED = { timeout: 20_000, interval: 50 } as const

/** Two server processes on `databaseUrl` and `redis`, saving 50 ms after typing; killed when the test ends. */
export async function startTwoProcesses(databaseUrl: string, redis: TestRedis): Promise<{ a: Reachable; b: Reachable }> {
  const dir = await mkdtemp(join(tmpdir(), 'consenso-scaleout-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    // Tests sharing a REDIS_URL must not hear each other.
    REDIS_PREFIX: `consenso-test-${randomUUID()}`,
    PERSIST_DEBOUNCE_MS: '50',
    PERSIST_MAX_WAIT_MS: '200'
  }
  // Started together: both find the database empty, one seeds it. (No data folder is written on PostgreSQL.)
  const [a, b] = await Promise.all([startServerAt(dir, await freePort(), env), startServerAt(dir, await freePort(), env)])
  return { a: { url: await a.listening }, b: { url: await b.listening } }
}

/** Two server processes on one new database and one Redis; killed when the test ends. */
export async function twoProcesses(): Promise<{ a: Reachable; b: Reachable }> {
  const [databaseUrl, redis] = await Promise.all([postgresDatabase(), startTestRedis()])
  return startTwoProcesses(databaseUrl, redis)
}

/** A comment on «Proceso Puebla» as the session of `token`, with an Idempotency-Key if given; the answer. */
export async function postComment(server: Reachable, token: string, body: string, key?: string): Promise<ApiAnswer> {
  const res = await fetch(`${server.url}${docPath('/comments')}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(key === undefined ? {} : { [IDEMPOTENCY_HEADER]: key }) },
    body: JSON.stringify({ body, anchor: quoteSelector('Proceso Puebla') })
  })
  return { status: res.status, body: await res.json() }
}

/** Waits until every client shows the same text, and that text holds each of `texts` once. */
export async function expectConverged(clients: readonly TestClient[], texts: readonly string[]): Promise<void> {
  await vi.waitFor(() => {
    const [first, ...rest] = clients.map((c) => contentOf(c.doc))
    for (const text of texts) expect(first?.split(`>${text}<`), text).toHaveLength(2)
    for (const other of rest) expect(other).toBe(first)
  }, CONVERGED)
}
