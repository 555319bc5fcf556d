import pg from 'pg'
import { expect, test } from 'vitest'
import { postgresDatabase } from '../support'

test('each database handed out is new, empty and reachable', async () => {
  const [a, b] = await Promise.all([postgresDatabase(), postgresDatabase()])
  expect(a).not.toBe(b)
  for (const url of [a, b]) {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")
    expect(rows[0]?.n).toBe(0)
    await client.end()
  }
})
