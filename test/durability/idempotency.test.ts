/**
 * Idempotent writes: a client that got no answer sends the same request again
 * with the same `Idempotency-Key`, and the server makes the comment, the
 * reply, the version or the comment period once. The key is stored in the
 * record it made, in the same write, so the guarantee holds across a restart too.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, test, vi } from 'vitest'
import { openWorkspaceStore } from '../../storage'
import {
  apiSession,
  DOC,
  docPath,
  openCommentPeriod,
  quoteSelector,
  signIn,
  startTestServer,
  subscribeToEvents,
  WAIT,
  workspaceToday,
  type ApiAnswer,
  type ApiSession,
  type Reachable
} from '../support'

// A passage of the demo Strategy that appears once, in a paragraph of one text run.
const PUEBLA = 'Proceso Puebla'

/** POSTs `body` to a document path as `session`, with `key` as the Idempotency-Key (none if undefined). */
async function postWithKey(server: Reachable, session: ApiSession, path: string, body: unknown, key: string | undefined): Promise<ApiAnswer> {
  const res = await fetch(`${server.url}${docPath(path)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json', ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    body: JSON.stringify(body)
  })
  return { status: res.status, body: await res.json() }
}

const commentBody = (text: string) => ({ body: text, anchor: quoteSelector(PUEBLA) })

async function serverWithOpenPeriod() {
  const started = await startTestServer()
  const ppt = await signIn(started.server, 'ppt')
  await openCommentPeriod(ppt)
  return { ...started, ppt }
}

async function commentsOf(session: ApiSession) {
  const res = await session.get(docPath('/comments'))
  expect(res.status).toBe(200)
  return res.body.comments as Array<Record<string, any>>
}

describe('Idempotency-Key on comments', () => {
  test('A comment sent twice with the same key is made once, and the retry answers 201 with that same comment.', async () => {
    const { server } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const before = (await commentsOf(mx)).length
    const key = randomUUID()

    const first = await postWithKey(server, mx, '/comments', commentBody('Una sola vez, aunque se reenvíe.'), key)
    const retry = await postWithKey(server, mx, '/comments', commentBody('Una sola vez, aunque se reenvíe.'), key)

    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.body.comment).toEqual(first.body.comment)
    const after = await commentsOf(mx)
    expect(after.length).toBe(before + 1)
    expect(after.filter((c) => c.body === 'Una sola vez, aunque se reenvíe.')).toHaveLength(1)
  })

  test('Requests with the same key that arrive together make one comment.', async () => {
    const { server } = await serverWithOpenPeriod()
    const gt = await signIn(server, 'gt')
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 5 }, () => postWithKey(server, gt, '/comments', commentBody('Enviado cinco veces a la vez.'), key)))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201])
    expect(new Set(answers.map((a) => a.body.comment.id)).size).toBe(1)
    expect((await commentsOf(gt)).filter((c) => c.body === 'Enviado cinco veces a la vez.')).toHaveLength(1)
  })

  test('Without a key, two equal requests make two comments, as before.', async () => {
    const { server } = await serverWithOpenPeriod()
    const cr = await signIn(server, 'cr')
    for (let i = 0; i < 2; i++) expect((await postWithKey(server, cr, '/comments', commentBody('Sin clave.'), undefined)).status).toBe(201)
    expect((await commentsOf(cr)).filter((c) => c.body === 'Sin clave.')).toHaveLength(2)
  })

  test('The same key with a different text is refused with 409 and makes nothing.', async () => {
    const { server } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const key = randomUUID()
    expect((await postWithKey(server, mx, '/comments', commentBody('Primer texto.'), key)).status).toBe(201)
    const other = await postWithKey(server, mx, '/comments', commentBody('Otro texto con la misma clave.'), key)
    expect(other.status).toBe(409)
    expect(other.body.error).toMatch(/Idempotency-Key/)
    const proposal = await postWithKey(server, mx, '/comments', { ...commentBody('Primer texto.'), suggestion: { text: 'Proceso de Puebla' } }, key)
    expect(proposal.status).toBe(409)
    const listed = await commentsOf(mx)
    expect(listed.filter((c) => c.body === 'Primer texto.')).toHaveLength(1)
    expect(listed.filter((c) => c.body === 'Otro texto con la misma clave.')).toHaveLength(0)
  })

  test("The same key sent by another account makes that account's own comment: keys belong to an account.", async () => {
    const { server } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const bz = await signIn(server, 'bz')
    const key = randomUUID()
    const ofMexico = await postWithKey(server, mx, '/comments', commentBody('Misma clave, dos países.'), key)
    const ofBelize = await postWithKey(server, bz, '/comments', commentBody('Misma clave, dos países.'), key)
    expect(ofMexico.status).toBe(201)
    expect(ofBelize.status).toBe(201)
    expect(ofBelize.body.comment.id).not.toBe(ofMexico.body.comment.id)
    expect(ofBelize.body.comment.country).toBe('BZ')
  })

  test('A retry that arrives after the comment period closed still answers the comment made in time, and a new comment is refused.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const key = randomUUID()
    const first = await postWithKey(server, mx, '/comments', commentBody('Enviado a tiempo.'), key)
    expect(first.status).toBe(201)
    const period = (await ppt.get(docPath('/periods'))).body.current
    expect((await ppt.patch(docPath(`/periods/${period.id}`), { closed: true })).status).toBe(200)

    const retry = await postWithKey(server, mx, '/comments', commentBody('Enviado a tiempo.'), key)
    expect(retry.status).toBe(201)
    expect(retry.body.comment.id).toBe(first.body.comment.id)
    expect((await postWithKey(server, mx, '/comments', commentBody('Enviado tarde.'), randomUUID())).status).toBe(409)
  })

  test('The key is kept with the comment across a restart: a retry to the restarted server makes nothing new.', async () => {
    const first = await serverWithOpenPeriod()
    const mx = await signIn(first.server, 'mx')
    const key = randomUUID()
    const made = await postWithKey(first.server, mx, '/comments', commentBody('Antes del reinicio.'), key)
    expect(made.status).toBe(201)
    await first.server.close()

    const second = await startTestServer({ dataDir: first.dataDir })
    const retry = await postWithKey(second.server, mx, '/comments', commentBody('Antes del reinicio.'), key)
    expect(retry.status).toBe(201)
    expect(retry.body.comment.id).toBe(made.body.comment.id)
    expect((await commentsOf(apiSession(second.server, mx.token))).filter((c) => c.body === 'Antes del reinicio.')).toHaveLength(1)
  })

  for (const { name, key } of [
    { name: 'an empty key', key: '' },
    { name: 'a key of 101 characters', key: 'k'.repeat(101) },
    { name: 'a key with a space', key: 'dos palabras' }
  ])
    test(`A request with ${name} is refused with 400 and makes nothing.`, async () => {
      const { server } = await serverWithOpenPeriod()
      const mx = await signIn(server, 'mx')
      const answer = await postWithKey(server, mx, '/comments', commentBody('Clave inválida.'), key)
      expect(answer.status).toBe(400)
      expect(answer.body.error).toMatch(/Idempotency-Key/)
      expect((await commentsOf(mx)).filter((c) => c.body === 'Clave inválida.')).toHaveLength(0)
    })

  test('A key of 100 visible characters is accepted.', async () => {
    const { server } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    expect((await postWithKey(server, mx, '/comments', commentBody('Clave larga.'), `${'a'.repeat(98)}~!`)).status).toBe(201)
  })
})

describe('Idempotency-Key on replies', () => {
  test('A reply sent twice with the same key is added once; another key adds another reply; the same key with another body is refused.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const comment = (await postWithKey(server, mx, '/comments', commentBody('Comentario con hilo.'), randomUUID())).body.comment
    const path = `/comments/${comment.id}/replies`
    const key = randomUUID()

    const first = await postWithKey(server, ppt, path, { body: 'Gracias, lo revisamos.' }, key)
    const retry = await postWithKey(server, ppt, path, { body: 'Gracias, lo revisamos.' }, key)
    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.body.comment.replies).toEqual(first.body.comment.replies)
    expect(first.body.comment.replies).toHaveLength(1)

    expect((await postWithKey(server, ppt, path, { body: 'Otra cosa.' }, key)).status).toBe(409)
    const second = await postWithKey(server, ppt, path, { body: 'Gracias, lo revisamos.' }, randomUUID())
    expect(second.body.comment.replies).toHaveLength(2)
    // Mexico's reply with the PPT's key is Mexico's own.
    expect((await postWithKey(server, mx, path, { body: 'Gracias, lo revisamos.' }, key)).body.comment.replies).toHaveLength(3)
  })

  test('A retried reply is neither announced again nor stored again, and no answer, list or event shows a key.', async () => {
    const { server, dataDir } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const watcher = await subscribeToEvents(server, mx.token)
    const commentKey = randomUUID()
    const replyKey = randomUUID()
    const comment = (await postWithKey(server, mx, '/comments', commentBody('Comentario observado.'), commentKey)).body.comment
    const path = `/comments/${comment.id}/replies`
    await postWithKey(server, mx, path, { body: 'Respuesta observada.' }, replyKey)
    await vi.waitFor(() => expect(watcher.events.filter((e) => e.type === 'comment')).toHaveLength(2), WAIT)
    const retried = await postWithKey(server, mx, path, { body: 'Respuesta observada.' }, replyKey)
    await postWithKey(server, mx, '/comments', commentBody('Comentario observado.'), commentKey)
    // An event sent after the retries: once it has arrived, anything the retries announced would have too.
    await postWithKey(server, mx, path, { body: 'Última.' }, randomUUID())
    // Waiting for that very event: a count of three could also be met by an announced retry arriving first.
    const isLast = (e: { type: string; data: { replies?: Array<{ body: string }> } }) => e.type === 'comment' && !!e.data.replies?.some((r) => r.body === 'Última.')
    await vi.waitFor(() => expect(watcher.events.some(isLast)).toBe(true), WAIT)
    expect(watcher.events.filter((e) => e.type === 'comment')).toHaveLength(3)

    const shown = JSON.stringify([retried.body, await commentsOf(mx), watcher.events, (await mx.get(docPath(`/comments/${comment.id}`))).body])
    expect(shown).not.toContain(commentKey)
    expect(shown).not.toContain(replyKey)
    expect(shown).not.toContain('"request"')

    // The keys are in the stored records, where retries find them.
    await server.close()
    const { store } = await openWorkspaceStore(dataDir)
    const stored = (await store.records.get({ kind: 'comment', scope: DOC }, comment.id)) as Record<string, any>
    await store.close()
    expect(stored.request.key).toBe(commentKey)
    expect(stored.replies[0].request.key).toBe(replyKey)
    expect(stored.replies).toHaveLength(2)
  })
})

/** The document's versions as listed. */
async function versionsOf(session: ApiSession) {
  const res = await session.get(docPath('/versions'))
  expect(res.status).toBe(200)
  return res.body.versions as Array<Record<string, any>>
}

/** The document's audit entries of `action`, as the PPT reads them (the demo holds far fewer than 1000). */
async function entriesOf(ppt: ApiSession, action: string) {
  const res = await ppt.get(`/api/audit?limit=1000&document=${DOC}&action=${action}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.entries as Array<Record<string, any>>
}

describe('Idempotency-Key on versions', () => {
  test('A version published twice with the same key is published once: same version, one audit entry, no key shown.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const before = await versionsOf(ppt)
    const key = randomUUID()

    const first = await postWithKey(server, ppt, '/versions', { name: 'Borrador diciembre 2021' }, key)
    // Spaces around the name do not make it another request.
    const retry = await postWithKey(server, ppt, '/versions', { name: '  Borrador diciembre 2021 ' }, key)

    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.body.version).toEqual(first.body.version)
    const after = await versionsOf(ppt)
    expect(after.map((v) => v.id)).toEqual([...before.map((v) => v.id), first.body.version.id])
    const published = (await entriesOf(ppt, 'version.published')).filter((e) => e.target.version === first.body.version.id)
    expect(published).toHaveLength(1)

    const shown = JSON.stringify([first.body, retry.body, after, (await ppt.get(docPath(`/versions/${first.body.version.id}`))).body])
    expect(shown).not.toContain(key)
    expect(shown).not.toContain('"request"')
  })

  test('Requests with the same key that arrive together publish one version.', async () => {
    const { server } = await startTestServer()
    const se = await signIn(server, 'se')
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 5 }, () => postWithKey(server, se, '/versions', { name: 'Enviada cinco veces' }, key)))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201])
    expect(new Set(answers.map((a) => a.body.version.id)).size).toBe(1)
    expect((await versionsOf(se)).filter((v) => v.name === 'Enviada cinco veces')).toHaveLength(1)
  })

  test('The same key with another name is refused with 409 and changes nothing.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const key = randomUUID()
    expect((await postWithKey(server, ppt, '/versions', { name: 'Primera versión' }, key)).status).toBe(201)
    const versions = await versionsOf(ppt)
    const entries = await entriesOf(ppt, 'version.published')

    const other = await postWithKey(server, ppt, '/versions', { name: 'Otra versión con la misma clave' }, key)
    expect(other.status).toBe(409)
    expect(other.body.error).toMatch(/Idempotency-Key/)
    expect(other.body.code).toBeUndefined()
    expect(await versionsOf(ppt)).toEqual(versions)
    expect(await entriesOf(ppt, 'version.published')).toEqual(entries)
  })

  test("A name another version of the document has, trimmed and in any case, is refused with 409, with or without a key.", async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const versions = await versionsOf(ppt)
    const entries = await entriesOf(ppt, 'version.published')
    const october = versions.find((v) => v.name === 'Borrador octubre 2021')
    expect(october, 'the demo publishes «Borrador octubre 2021»').toBeDefined()

    for (const [name, key] of [
      ['Borrador octubre 2021', undefined],
      ['  BORRADOR Octubre 2021 ', undefined],
      ['borrador octubre 2021', randomUUID()]
    ] as const) {
      const answer = await postWithKey(server, ppt, '/versions', { name }, key)
      expect(answer.status, name).toBe(409)
      expect(answer.body.error).toContain('already has a version named "Borrador octubre 2021"')
      // The code, unlike the status, tells this refusal from a reused key's (above), for the app to word it.
      expect(answer.body).toMatchObject({ code: 'version_name_taken', values: { name: 'Borrador octubre 2021' } })
    }
    expect(await versionsOf(ppt)).toEqual(versions)
    expect(await entriesOf(ppt, 'version.published')).toEqual(entries)
    // A name of its own is published.
    expect((await postWithKey(server, ppt, '/versions', { name: 'Borrador octubre 2021 (revisado)' }, undefined)).status).toBe(201)
  })

  test("Keys belong to an account: another account's request with the same key is its own, never answered with the first account's version.", async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const se = await signIn(server, 'se')
    const key = randomUUID()
    const ofPpt = await postWithKey(server, ppt, '/versions', { name: 'Versión de la Presidencia' }, key)
    expect(ofPpt.status).toBe(201)

    // The same request from the Secretariat is not a retry of the Presidency's: the name is taken.
    const sameName = await postWithKey(server, se, '/versions', { name: 'Versión de la Presidencia' }, key)
    expect(sameName.status).toBe(409)
    expect(sameName.body.error).toMatch(/already has a version named/)
    const ofSe = await postWithKey(server, se, '/versions', { name: 'Versión de la Secretaría' }, key)
    expect(ofSe.status).toBe(201)
    expect(ofSe.body.version.id).not.toBe(ofPpt.body.version.id)
    expect(ofSe.body.version.author.username).toBe('se')
  })

  test('A delegate sending a key is still refused with 403.', async () => {
    const { server } = await startTestServer()
    const mx = await signIn(server, 'mx')
    expect((await postWithKey(server, mx, '/versions', { name: 'Versión de México' }, randomUUID())).status).toBe(403)
  })

  test('The key is kept with the version across a restart: a retry to the restarted server publishes nothing new.', async () => {
    const first = await startTestServer()
    const ppt = await signIn(first.server, 'ppt')
    const key = randomUUID()
    const made = await postWithKey(first.server, ppt, '/versions', { name: 'Antes del reinicio' }, key)
    expect(made.status).toBe(201)
    await first.server.close()

    const second = await startTestServer({ dataDir: first.dataDir })
    const retry = await postWithKey(second.server, ppt, '/versions', { name: 'Antes del reinicio' }, key)
    expect(retry.status).toBe(201)
    expect(retry.body.version).toEqual(made.body.version)
    const again = apiSession(second.server, ppt.token)
    expect((await versionsOf(again)).filter((v) => v.name === 'Antes del reinicio')).toHaveLength(1)
    expect((await entriesOf(again, 'version.published')).filter((e) => e.target.version === made.body.version.id)).toHaveLength(1)
  })
})

describe('Idempotency-Key on comment periods', () => {
  const newPeriod = (businessDays: number) => ({ start: workspaceToday(), businessDays })

  async function periodsOf(session: ApiSession) {
    const res = await session.get(docPath('/periods'))
    expect(res.status).toBe(200)
    return res.body as { periods: Array<Record<string, any>>; current: Record<string, any> | null }
  }

  test('A period opened twice with the same key is opened once: same period, one audit entry, one event, no key shown.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const watcher = await subscribeToEvents(server, ppt.token)
    const before = (await periodsOf(ppt)).periods
    const key = randomUUID()

    const first = await postWithKey(server, ppt, '/periods', newPeriod(7), key)
    const retry = await postWithKey(server, ppt, '/periods', newPeriod(7), key)
    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.body.period).toEqual(first.body.period)
    const after = await periodsOf(ppt)
    expect(after.periods.map((p) => p.id)).toEqual([...before.map((p) => p.id), first.body.period.id])
    expect(after.current?.id).toBe(first.body.period.id)
    const opened = (await entriesOf(ppt, 'period.opened')).filter((e) => e.target.period === first.body.period.id)
    expect(opened).toHaveLength(1)

    // An event sent after the retry: once it has arrived, anything the retry announced would have too.
    const closed = await ppt.patch(docPath(`/periods/${first.body.period.id}`), { closed: true })
    expect(closed.status).toBe(200)
    await vi.waitFor(() => expect(watcher.events.some((e) => e.type === 'period' && e.data.current?.closedAt)).toBe(true), WAIT)
    expect(watcher.events.filter((e) => e.type === 'period')).toHaveLength(2)

    const shown = JSON.stringify([first.body, retry.body, closed.body, after, watcher.events])
    expect(shown).not.toContain(key)
    expect(shown).not.toContain('"request"')
  })

  test('The same key with another start or deadline is refused with 409 and changes nothing.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const key = randomUUID()
    expect((await postWithKey(server, ppt, '/periods', newPeriod(7), key)).status).toBe(201)
    const periods = await periodsOf(ppt)
    const entries = await entriesOf(ppt, 'period.opened')

    for (const body of [newPeriod(8), { start: workspaceToday(), deadline: periods.current?.deadline }, { start: '2030-01-07', businessDays: 7 }]) {
      const other = await postWithKey(server, ppt, '/periods', body, key)
      expect(other.status, JSON.stringify(body)).toBe(409)
      expect(other.body.error).toMatch(/Idempotency-Key/)
    }
    expect(await periodsOf(ppt)).toEqual(periods)
    expect(await entriesOf(ppt, 'period.opened')).toEqual(entries)
  })

  test("Another account's request with the same key opens its own period; without a key, two requests open two.", async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const se = await signIn(server, 'se')
    const before = (await periodsOf(ppt)).periods.length
    const key = randomUUID()
    const ofPpt = await postWithKey(server, ppt, '/periods', newPeriod(7), key)
    const ofSe = await postWithKey(server, se, '/periods', newPeriod(7), key)
    expect(ofPpt.status).toBe(201)
    expect(ofSe.status).toBe(201)
    expect(ofSe.body.period.id).not.toBe(ofPpt.body.period.id)
    expect(ofSe.body.period.openedBy).toBe('se')
    for (let i = 0; i < 2; i++) expect((await postWithKey(server, ppt, '/periods', newPeriod(7), undefined)).status).toBe(201)
    expect((await periodsOf(ppt)).periods).toHaveLength(before + 4)
  })

  test('The key is kept with the period across a restart: a retry to the restarted server opens nothing new.', async () => {
    const first = await startTestServer()
    const ppt = await signIn(first.server, 'ppt')
    const key = randomUUID()
    const made = await postWithKey(first.server, ppt, '/periods', newPeriod(7), key)
    expect(made.status).toBe(201)
    await first.server.close()

    const second = await startTestServer({ dataDir: first.dataDir })
    const retry = await postWithKey(second.server, ppt, '/periods', newPeriod(7), key)
    expect(retry.status).toBe(201)
    expect(retry.body.period).toEqual(made.body.period)
    const again = apiSession(second.server, ppt.token)
    expect((await entriesOf(again, 'period.opened')).filter((e) => e.target.period === made.body.period.id)).toHaveLength(1)
  })
})
