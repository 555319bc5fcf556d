/**
 * A throwaway PostgreSQL server from the installed binaries, and new
 * databases on a server: the part of `postgresServer` that needs no test
 * runner, so that the benchmark (`npm run bench -- --scale-out`) starts its
 * PostgreSQL the way the tests do.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { once } from 'node:events'
import { tmpdir, userInfo } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

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

// A free port of 127.0.0.1 (test/support/server.ts has the same, but imports vitest).
async function freePort(): Promise<number> {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((done) => probe.close(() => done()))
  return port
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
