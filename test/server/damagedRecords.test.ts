/**
 * Issue 14, item 7: one damaged record must not break a whole document. A
 * comment record mangled in the data file of a stopped server (torn JSON,
 * or JSON that is no comment) is left out where comments are read, named in
 * the log and to the Presidency, and the rest of the document keeps working.
 */
import { onTestFinished, describe, expect, test } from 'vitest'
import { openWorkspaceStore } from '../../storage'
import { tearRecord } from '../storage/storeContents'
import { startServer, type Logger } from '../../server'
import { DEMO_PASSWORD, DOC, docPath, openCommentPeriod, quoteSelector, signIn, startTestServer, type ApiSession } from '../support'

const PUEBLA = 'Proceso Puebla'
const HURRICANES = 'huracanes Eta e Iota'
const APRIL = 'el 28 de abril de 2021'

async function comment(session: ApiSession, quote: string, body: string): Promise<{ id: string }> {
  const res = await session.post(docPath('/comments'), { body, anchor: quoteSelector(quote) })
  expect(res.status, `commenting: ${JSON.stringify(res.body)}`).toBe(201)
  return res.body.comment
}

describe('A damaged comment record', () => {
  test('is left out and named, while listing, exporting, commenting and publishing go on working', async () => {
    const first = await startTestServer()
    const ppt = await signIn(first.server, 'ppt')
    await openCommentPeriod(ppt)
    const mx = await signIn(first.server, 'mx')
    const torn = await comment(mx, PUEBLA, 'Este comentario se dañará: JSON cortado.')
    const odd = await comment(mx, HURRICANES, 'Este comentario se dañará: no es un comentario.')
    const kept = await comment(mx, APRIL, 'Este comentario sigue sano.')
    await first.server.close()

    await tearRecord(first.dataDir, { kind: 'comment', scope: DOC }, torn.id, '{"id": "to')
    // JSON that is no comment, written through the store as any layout keeps it.
    const { store } = await openWorkspaceStore(first.dataDir)
    await store.records.write([{ kind: 'comment', scope: DOC, id: odd.id, value: { id: odd.id, body: 42 } }])
    await store.close()

    const logged: string[] = []
    const logger: Logger = { info: () => {}, error: (message) => logged.push(message) }
    const server = await startServer(
      { port: 0, host: '127.0.0.1', dataDir: first.dataDir, demoPassword: DEMO_PASSWORD, persistence: { debounceMs: 50, maxWaitMs: 200 } },
      { logger }
    )
    onTestFinished(() => server.close())
    const again = await signIn(server, 'ppt')
    const mxAgain = await signIn(server, 'mx')

    const listed = await again.get(docPath('/comments'))
    expect(listed.status, JSON.stringify(listed.body)).toBe(200)
    const ids = (listed.body.comments as Array<{ id: string }>).map((c) => c.id)
    expect(ids).toContain(kept.id)
    expect(ids).not.toContain(torn.id)
    expect(ids).not.toContain(odd.id)

    const exported = await fetch(`${server.url}${docPath('/comments/export?format=csv&lang=en')}`, { headers: { Authorization: `Bearer ${again.token}` } })
    expect(exported.status).toBe(200)
    expect(await exported.text()).toContain('Este comentario sigue sano.')

    await comment(mxAgain, PUEBLA, 'Un comentario nuevo tras el daño.')
    const reply = await again.post(docPath(`/comments/${kept.id}/replies`), { body: 'Respuesta tras el daño.' })
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)

    const published = await again.post(docPath('/versions'), { name: 'Versión con un registro dañado' })
    expect(published.status, JSON.stringify(published.body)).toBe(201)

    // The damaged one itself is refused with a reason, not a 500.
    const direct = await again.get(docPath(`/comments/${torn.id}`))
    expect(direct.status).toBe(409)
    expect(direct.body.error).toMatch(/damaged/)

    const names = [`comment/${DOC}/${odd.id}`, `comment/${DOC}/${torn.id}`].sort()
    for (const name of names) expect(logged.some((line) => line.includes(name)), `the log names ${name}`).toBe(true)
    expect(logged.filter((line) => line.includes('request failed'))).toEqual([])
    const verified = await again.get('/api/audit/verify')
    expect(verified.body).toMatchObject({ ok: true, damaged: names })
  })
})
