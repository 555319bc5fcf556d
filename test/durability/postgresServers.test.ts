/**
 * Several servers on one PostgreSQL database, as several processes behind one
 * address: what is stored is shared (accounts, sessions, comments, the audit
 * trail, idempotency keys), and what must happen once happens once. Each
 * server here opens its own pool, as its own process would.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import * as Y from 'yjs'
import { describe, expect, onTestFinished, test } from 'vitest'
import { COUNTRIES } from '../../src'
import { startServer } from '../../server'
import { AuditLog } from '../../server/audit'
import { DocumentStore, openWorkspaceStore, PostgresStore } from '../../storage'
import { apiSession, contentOf, DEMO_PASSWORD, DOC, docPath, login, ROOT, storedContent, openCommentPeriod, postgresDatabase, quoteSelector, seededDataDir, signIn, startServerProcess, startTestServer, type ApiAnswer, type Reachable } from '../support'

// A passage of the demo Strategy that appears once, in a paragraph of one text run.
const PUEBLA = 'Proceso Puebla'

async function twoServers() {
  const databaseUrl = await postgresDatabase()
  // Started together: both find the database empty, one seeds it under the store's lock.
  const [a, b] = await Promise.all([startTestServer({ databaseUrl }), startTestServer({ databaseUrl })])
  return { a: a.server, b: b.server, databaseUrl }
}

async function postComment(server: Reachable, token: string, body: string, key?: string): Promise<ApiAnswer> {
  const res = await fetch(`${server.url}${docPath('/comments')}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    body: JSON.stringify({ body, anchor: quoteSelector(PUEBLA) })
  })
  return { status: res.status, body: await res.json() }
}

describe('Servers sharing one PostgreSQL database', () => {
  test('Two servers started together on a new database seed the demo once, and both serve it.', async () => {
    const { a, b, databaseUrl } = await twoServers()
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM record WHERE kind = 'account'")
    await client.end()
    expect(rows[0]?.n).toBe(4 + COUNTRIES.length)
    for (const server of [a, b]) {
      const ppt = await signIn(server, 'ppt')
      const documents = await ppt.get('/api/documents')
      expect(documents.status).toBe(200)
      expect((documents.body.documents as Array<{ id: string }>).map((d) => d.id).sort()).toEqual([DOC, 'nota-conceptual'].sort())
      const verified = await ppt.get('/api/audit/verify')
      expect(verified.body.ok).toBe(true)
    }
  })

  test('A logout on one server ends the session on the other at its next request.', async () => {
    const { a, b } = await twoServers()
    const token = await login(a.url, 'se')
    const onB = apiSession(b, token)
    expect((await onB.get('/api/me')).status).toBe(200)
    const out = await fetch(`${a.url}/api/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
    expect(out.status).toBeLessThan(300)
    expect((await onB.get('/api/me')).status).toBe(401)
  })

  test('200 comments at once, spread over both servers, are all stored and leave one audit chain that verifies.', async () => {
    const { a, b } = await twoServers()
    const ppt = await signIn(a, 'ppt')
    await openCommentPeriod(ppt)
    const before = (await ppt.get('/api/audit/verify')).body.entries as number
    // Sessions are shared: a token from one server is good on the other.
    const delegates = await Promise.all(COUNTRIES.map((c) => login(a.url, c.code.toLowerCase())))
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) => postComment(n % 2 === 0 ? a : b, delegates[n % delegates.length] as string, `Comentario ${n} desde ${n % 2 === 0 ? 'A' : 'B'}`))
    )
    expect(answers.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([])
    for (const server of [a, b]) {
      const verified = await apiSession(server, ppt.token).get('/api/audit/verify')
      expect(verified.body).toMatchObject({ ok: true, entries: before + delegates.length + 200 })
    }
    const listed = await apiSession(b, ppt.token).get(docPath('/comments'))
    const bodies = (listed.body.comments as Array<{ body: string }>).map((c) => c.body).filter((body) => body.startsWith('Comentario '))
    expect(new Set(bodies).size).toBe(200)
    expect(bodies).toHaveLength(200)
  })

  test('One username asked for on both servers at once is given once; the other request is refused with 409.', async () => {
    const { a, b } = await twoServers()
    const [ppt, se] = await Promise.all([signIn(a, 'ppt'), signIn(b, 'se')])
    const account = { username: 'nuevo', password: 'una clave bastante larga', role: 'reviewer' }
    const answers = await Promise.all([ppt.post('/api/users', { ...account, name: 'Desde A' }), se.post('/api/users', { ...account, name: 'Desde B' })])
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409])
    const users = (await ppt.get('/api/users')).body.users as Array<{ username: string; name: string }>
    expect(users.filter((u) => u.username === 'nuevo')).toEqual([expect.objectContaining({ name: answers.find((r) => r.status === 201)?.body.user.name })])
  })

  test('Retries of one comment with one Idempotency-Key, sent to both servers at once, make one comment.', async () => {
    const { a, b } = await twoServers()
    await openCommentPeriod(await signIn(a, 'ppt'))
    const token = await login(b.url, 'gt')
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => postComment(n % 2 === 0 ? a : b, token, 'Reenviado a los dos servidores.', key)))
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201])
    expect(new Set(answers.map((r) => r.body.comment.id)).size).toBe(1)
    for (const server of [a, b]) {
      const listed = await apiSession(server, token).get(docPath('/comments'))
      expect((listed.body.comments as Array<{ body: string }>).filter((c) => c.body === 'Reenviado a los dos servidores.')).toHaveLength(1)
    }
  })
})

test('Two server processes started with one DATABASE_URL both serve the workspace, with one demo and one audit trail.', async () => {
  const databaseUrl = await postgresDatabase()
  const dir = await mkdtemp(join(tmpdir(), 'consenso-pg-process-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  // One data folder for both: on PostgreSQL it is not locked, and nothing is written in it.
  const [a, b] = await Promise.all([startServerProcess(dir, { DATABASE_URL: databaseUrl }), startServerProcess(dir, { DATABASE_URL: databaseUrl })])
  const token = await login(a.url, 'ppt')
  for (const server of [a, b]) {
    const ppt = apiSession(server, token)
    expect((await ppt.get('/api/me')).status).toBe(200)
    expect((await ppt.get('/api/audit/verify')).body.ok).toBe(true)
  }
  expect(await readdir(dir)).toEqual([])
  for (const server of [a, b]) expect(server.output()).toContain(`stored in PostgreSQL, ${new URL(databaseUrl).host}`)
  expect(`${a.output()}${b.output()}`.match(/demo workspace created/g)?.length ?? 0, 'the demo is made by one process').toBe(1)
}, 120_000)

test('Two audit logs on two stores of one database, 200 acts at once: one chain, every act once, and verify finds it whole.', async () => {
  const databaseUrl = await postgresDatabase()
  const stores = await Promise.all([PostgresStore.open(databaseUrl), PostgresStore.open(databaseUrl)])
  onTestFinished(async () => {
    for (const store of stores) await store.close()
  })
  const logs = stores.map((store) => new AuditLog(store))
  const actor = { username: 'ppt', role: 'ppt', country: null } as const
  const entries = await Promise.all(
    Array.from({ length: 200 }, (_, n) =>
      (logs[n % 2] as AuditLog).record({ action: 'comment.created', actor, target: { document: DOC, comment: `c${n}` } }, [
        { kind: 'comment', scope: DOC, id: `c${n}`, value: { n } }
      ])
    )
  )
  expect(entries.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
  expect(await (logs[0] as AuditLog).verify()).toEqual({ ok: true, entries: 200 })
  expect((await stores[1]?.records.list({ kind: 'comment', scope: DOC }))?.records).toHaveLength(200)
})

test('A server on PostgreSQL over a data folder that holds an embedded store says that store is not read.', async () => {
  const errors: string[] = []
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: await seededDataDir(), databaseUrl: await postgresDatabase(), demoPassword: DEMO_PASSWORD },
    { logger: { info: () => {}, error: (message) => errors.push(message) } }
  )
  onTestFinished(() => server.close())
  expect(errors.filter((message) => message.includes('not read while DATABASE_URL is set'))).toHaveLength(1)
})

test('npm run copy-to-postgres copies a data folder into an empty database, which a server then serves whole; a second copy is refused.', async () => {
  const dataDir = await seededDataDir()
  const databaseUrl = await postgresDatabase()
  const copy = () =>
    promisify(execFile)('npx', ['tsx', 'cli/copyToPostgres.ts', '--data-dir', dataDir], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } })
  expect((await copy()).stdout).toMatch(/copied into PostgreSQL: \d+ records, 2 documents/)

  const { store: folder } = await openWorkspaceStore(dataDir, { readOnly: true })
  const entries = (await folder.audit.head()).seq
  const comments = (await folder.records.list({ kind: 'comment', scope: DOC })).records.length
  await folder.close()
  const { server } = await startTestServer({ databaseUrl })
  const ppt = await signIn(server, 'ppt')
  expect((await ppt.get('/api/audit/verify')).body).toMatchObject({ ok: true, entries: entries + 1 })
  expect((await ppt.get(docPath('/comments'))).body.comments).toHaveLength(comments)
  const store = await PostgresStore.open(databaseUrl)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, await new DocumentStore(store).loadState(DOC))
  await store.close()
  expect(contentOf(doc)).toBe(await storedContent(dataDir))

  const again = await copy().then(() => undefined, (err: { code: number; stderr: string }) => err)
  expect(again?.code).toBe(1)
  expect(again?.stderr).toContain('already holds a workspace')
}, 120_000)
