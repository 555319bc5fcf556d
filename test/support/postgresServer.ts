/**
 * PostgreSQL for tests. With `DATABASE_URL` set, its server is used as it is;
 * otherwise the first test of a file that asks for a database starts a
 * throwaway server from the installed binaries (`initdb`, `pg_ctl`: Debian's
 * `postgresql` package) in a temporary folder, on a free loopback port, and
 * stops and removes it when the file's tests end. Either way every database
 * handed out is new, with a random name, and dropped when the file ends, so
 * test files never see each other's rows.
 *
 * A server per file rather than per run: `initdb` without fsync takes about
 * half a second here, and a file that needs no database starts none.
 */
import pg from 'pg'
import { afterAll } from 'vitest'
import { createDatabase, startThrowawayPostgres } from './throwawayPostgres'

export { createDatabase, POSTGRES_MISSING, startThrowawayPostgres, type ThrowawayPostgres } from './throwawayPostgres'

// This file's server (or DATABASE_URL's), started at the first call; each test file gets its own copy of this module.
let server: Promise<{ adminUrl: string; stop?: () => Promise<void> }> | undefined
const created: string[] = []

function adminServer() {
  server ??= (async () => {
    const given = process.env.DATABASE_URL
    if (given) return { adminUrl: given }
    return startThrowawayPostgres()
  })()
  return server
}

// Registered on the file that imports these helpers: its databases go, then its server.
afterAll(async () => {
  if (!server) return
  const { adminUrl, stop } = await server
  if (created.length > 0) {
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    try {
      // WITH (FORCE): a pool a failed test left open must not keep its database alive.
      for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    } finally {
      await admin.end()
    }
  }
  await stop?.()
}, 60_000)

/**
 * A new, empty database (random name) on the test server: the connection
 * URL for it. Dropped when the file's tests end; a test that wants a fresh
 * store per test calls it per test (CREATE DATABASE takes about 0.1 s).
 */
export async function postgresDatabase(): Promise<string> {
  const { adminUrl } = await adminServer()
  const url = await createDatabase(adminUrl)
  created.push(new URL(url).pathname.slice(1))
  return url
}
