/**
 * Idempotent writes: a client that got no answer sends the same request again
 * with the same `Idempotency-Key`, and the server makes the comment or the
 * reply once. The key is stored in the record it made, in the same write, so
 * the guarantee holds across a restart too.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, test, vi } from 'vitest'
import { LowdbStorageAdapter, RecordStore } from '../../storage'
import { dataFile } from '../../server'
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
  type ApiAnswer,
  type ApiSession,
  type Reachable
} from '../helpers'

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
    await vi.waitFor(() => expect(watcher.events.filter((e) => e.type === 'comment')).toHaveLength(3), WAIT)

    const shown = JSON.stringify([retried.body, await commentsOf(mx), watcher.events, (await mx.get(docPath(`/comments/${comment.id}`))).body])
    expect(shown).not.toContain(commentKey)
    expect(shown).not.toContain(replyKey)
    expect(shown).not.toContain('"request"')

    // The keys are in the stored records, where retries find them.
    await server.close()
    const storage = await LowdbStorageAdapter.open(dataFile(dataDir))
    const stored = (await new RecordStore(storage, ['comment', DOC], (json) => json as Record<string, any>).get(comment.id)) as Record<string, any>
    await storage.close()
    expect(stored.request.key).toBe(commentKey)
    expect(stored.replies[0].request.key).toBe(replyKey)
    expect(stored.replies).toHaveLength(2)
  })
})
