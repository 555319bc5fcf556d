/**
 * PostgreSQL stopped under a running server: what people typed meanwhile
 * stays in the server's memory (and in their browsers), the store is tried
 * again, and once PostgreSQL is back every change is stored. The database is
 * a throwaway server of this test's own, since it is stopped and started.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, onTestFinished, test, vi } from 'vitest'
import { appendParagraph, connectSynced, createDatabase, DOC, login, startTestServer, startThrowawayPostgres, storedInDatabase } from '../support'

test('Text typed while PostgreSQL is down is stored once it is back, and so is what came before.', async () => {
  const postgres = await startThrowawayPostgres()
  // Registered first, so it runs last: after the server has closed.
  onTestFinished(() => postgres.stop())
  const databaseUrl = await createDatabase(postgres.adminUrl)
  const { server } = await startTestServer({ databaseUrl })
  const editor = await connectSynced(server, DOC, await login(server.url, 'ppt'))

  appendParagraph(editor.doc, 'Escrito antes del corte.')
  await vi.waitFor(async () => expect(await storedInDatabase(databaseUrl)).toContain('Escrito antes del corte.'), { timeout: 10_000, interval: 100 })

  await postgres.halt()
  appendParagraph(editor.doc, 'Escrito durante el corte.')
  // Past the server's save delay (200 ms at most here): it tries, fails, and keeps the change.
  await sleep(1_000)
  // The editor is still served: the outage is the store's, not the connection's.
  expect(editor.provider.wsconnected).toBe(true)

  await postgres.resume()
  await vi.waitFor(async () => expect(await storedInDatabase(databaseUrl)).toContain('Escrito durante el corte.'), { timeout: 20_000, interval: 200 })
  const text = await storedInDatabase(databaseUrl)
  expect(text.split('Escrito antes del corte.')).toHaveLength(2)
  expect(text.split('Escrito durante el corte.')).toHaveLength(2)
}, 60_000)
