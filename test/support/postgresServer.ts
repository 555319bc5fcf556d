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
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll } from 'vitest'
import { freePort } from './server'

const run = promisify(execFile)

/** What to install when the binaries are missing. */
export const POSTGRES_MISSING =
  'PostgreSQL is needed for this test: install its server binaries (`apt-get install -y postgresql`, which puts initdb and pg_ctl under /usr/lib/postgresql/<version>/bin) or set DATABASE_URL to a server the tests may create databases on'

// The folder holding initdb and pg_ctl: on PATH, else the newest Debian install.
function binaries(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : []
  for (const version of versions) {
    const dir = join(root, version, 'bin')
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir
  }
  throw new Error(POSTGRES_MISSING)
}

/** A PostgreSQL server of a test's own. */
export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the superuser's database, to create others from ({@link createDatabase}). */
  readonly adminUrl: string
  /** Stops the server as an outage would (its connections break), keeping its data. */
  halt(): Promise<void>
  /** Starts it again after {@link halt}, on the same port, with the same data. */
  resume(): Promise<void>
  /** Stops it for good and removes its folder. */
  stop(): Promise<void>
}

/**
 * Starts a PostgreSQL server in a new temporary folder on a free port of
 * 127.0.0.1 (trust authentication, no fsync: throwaway). PostgreSQL refuses
 * to run as root, so as root it runs as the `postgres` user, which owns the folder.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = binaries()
  const asRoot = userInfo().uid === 0
  const as = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args))
  const dir = await mkdtemp(join(tmpdir(), 'consenso-postgres-'))
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error(`${POSTGRES_MISSING} (running as root, the tests run it as the user postgres, and there is none)`)
    })
    const { stdout: group } = await run('id', ['-g', 'postgres'])
    await chown(dir, Number(stdout.trim()), Number(group.trim()))
  }
  const data = join(dir, 'data')
  try {
    await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--no-locale'])
    const port = await freePort()
    // The socket goes in the folder too: the default /var/run/postgresql may not exist or be writable.
    const options = `-p ${port} -h 127.0.0.1 -k ${dir} -F -c full_page_writes=off -c max_connections=200`
    const start = () => as('pg_ctl', ['start', '-w', '-t', '30', '-D', data, '-l', join(dir, 'server.log'), '-o', options])
    await start()
    return {
      adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      halt: async () => {
        await as('pg_ctl', ['stop', '-w', '-D', data, '-m', 'fast'])
      },
      resume: async () => {
        await start()
      },
      stop: async () => {
        // Throwaway: no checkpoint needed on the way out.
        await as('pg_ctl', ['stop', '-w', '-D', data, '-m', 'immediate']).catch(() => {})
        await rm(dir, { recursive: true, force: true })
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

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

/**
 * A new, empty database (random name) on the server of `adminUrl`: its URL.
 * Not dropped by itself: for a {@link ThrowawayPostgres}, which goes whole.
 */
export async function createDatabase(adminUrl: string): Promise<string> {
  const name = `consenso_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}
