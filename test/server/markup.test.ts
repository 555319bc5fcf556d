/**
 * A country's marked-up Word copy as its input (issue 16): POST
 * /api/documents/:id/markup on a real server, with a hand-written Word file
 * (test/exchange/markupFile.ts) made from a draft that has since changed.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import type { CommentView, MarkupResult } from '../../src'
import { docPath, openCommentPeriod, signIn, startTestServer, type ApiAnswer, type ApiSession, type Reachable } from '../support'
import { MARKUP_BASE, markedUpCopy } from '../exchange/markupFile'

// The draft as it stands when the copy comes back: one passage the copy changed is gone.
const CURRENT = MARKUP_BASE.replace('Texto que ya no existe borrado aquí.', 'Un párrafo reescrito desde entonces.')

async function send(server: Reachable, session: ApiSession, fields: { country?: string; file?: Uint8Array; name?: string }, query = ''): Promise<ApiAnswer> {
  const form = new FormData()
  if (fields.country) form.set('country', fields.country)
  if (fields.file) form.set('file', new Blob([new Uint8Array(fields.file)]), fields.name ?? 'copia-marcada.docx')
  const res = await fetch(`${server.url}${docPath('/markup')}${query}`, { method: 'POST', headers: { Authorization: `Bearer ${session.token}` }, body: form })
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return { status: res.status, body: await res.json() }
}

/** A server whose demo draft reads {@link CURRENT}, with a comment period open or not. */
async function draftServer(open: boolean) {
  const { server } = await startTestServer()
  const ppt = await signIn(server, 'ppt')
  const form = new FormData()
  form.set('file', new Blob([CURRENT]), 'nota.md')
  const replaced = await fetch(`${server.url}${docPath('/content')}`, { method: 'PUT', headers: { Authorization: `Bearer ${ppt.token}` }, body: form })
  expect(replaced.status).toBe(200)
  if (open) await openCommentPeriod(ppt)
  return { server, ppt }
}

const summary = (c: CommentView) => ({ country: c.country, quote: c.anchor.quote, text: c.suggestion?.text ?? null, body: c.body, replies: c.replies.map((r) => r.body) })

describe('POST /api/documents/:id/markup', () => {
  test("turns a delegate's marked-up copy into its country's proposals and comments, lists what it cannot place, and makes nothing twice", async () => {
    const { server, ppt } = await draftServer(true)
    const gt = await signIn(server, 'gt')
    const before = (await ppt.get(docPath('/comments'))).body.comments.length

    // A preview first: the same answer, nothing stored.
    const preview = await send(server, gt, { file: markedUpCopy(), country: 'MX' }, '?dryRun=1')
    expect(preview.status, JSON.stringify(preview.body)).toBe(200)
    expect((await ppt.get(docPath('/comments'))).body.comments.length).toBe(before)

    const first = await send(server, gt, { file: markedUpCopy(), country: 'MX' })
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    const result = first.body as MarkupResult
    // The sent country is ignored: a delegate's input is its own country's.
    expect(result.created.proposals.map(summary)).toEqual([
      { country: 'GT', quote: 'examinará', text: 'analizará', body: 'Cambio marcado en la copia de Word (en Word: Ana Pérez).', replies: [] },
      { country: 'GT', quote: 'Apertura', text: 'Apertura oficial', body: 'Cambio marcado en la copia de Word (en Word: Luis Gómez).', replies: [] },
      { country: 'GT', quote: 'diagnóstico ', text: 'diagnóstico regional ', body: 'Cambio marcado en la copia de Word (en Word: Ana Pérez).', replies: [] }
    ])
    expect(result.created.comments.map(summary)).toEqual([
      {
        country: 'GT',
        quote: 'migración irregular',
        text: null,
        body: 'Conviene precisar si incluye a personas retornadas. (en Word: Ana Pérez)',
        replies: ['De acuerdo; lo planteamos en la reunión. (en Word: Luis Gómez)']
      }
    ])
    expect(result.unplaced).toEqual([{ quote: 'borrado', reason: 'the passage is no longer in the current draft' }])
    // The preview said exactly this.
    expect((preview.body as MarkupResult).created.proposals.map(summary)).toEqual(result.created.proposals.map(summary))
    // Made by the delegate's account, whatever the Word author was.
    expect(new Set([...result.created.proposals, ...result.created.comments].map((c) => c.author.username))).toEqual(new Set(['gt']))
    expect((await ppt.get(docPath('/comments'))).body.comments.length).toBe(before + 4)

    const again = await send(server, gt, { file: markedUpCopy() })
    expect(again.status).toBe(201)
    expect((again.body as MarkupResult).created.proposals.map((c) => c.id)).toEqual(result.created.proposals.map((c) => c.id))
    expect((await ppt.get(docPath('/comments'))).body.comments.length).toBe(before + 4)

    // The Presidency accepts the ones in the table cell and in the footnote: the draft reads them.
    for (const proposal of result.created.proposals.slice(1)) expect((await ppt.post(docPath(`/comments/${proposal.id}/accept`))).status).toBe(200)
    const placed = (await ppt.get(docPath('/comments'))).body.comments as CommentView[]
    expect(placed.filter((c) => result.created.proposals.slice(1).some((p) => p.id === c.id)).map((c) => c.anchor.text).sort()).toEqual([
      'Apertura oficial',
      'diagnóstico regional '
    ])

    const audit = (await ppt.get('/api/audit?action=markup.imported')).body.entries as Array<{ actor: { username: string }; details: Record<string, unknown> }>
    expect(audit.map((e) => [e.actor.username, e.details])).toEqual([
      ['gt', { country: 'GT', file: 'copia-marcada.docx', proposals: 3, comments: 1, unplaced: 1 }]
    ])
  })

  test("reads mammoth's comments.docx: its comment on a passage becomes a comment, one that marks no passage is listed", async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const form = new FormData()
    form.set('file', new Blob(['Ouch.\n']), 'ouch.md')
    expect((await fetch(`${server.url}${docPath('/content')}`, { method: 'PUT', headers: { Authorization: `Bearer ${ppt.token}` }, body: form })).status).toBe(200)
    await openCommentPeriod(ppt)
    const file = new Uint8Array(readFileSync(new URL('../fixtures/word/comments.docx', import.meta.url)))
    const sent = await send(server, await signIn(server, 'mx'), { file, name: 'comments.docx' })
    expect(sent.status, JSON.stringify(sent.body)).toBe(201)
    const result = sent.body as MarkupResult
    expect(result.created.comments.map(summary)).toEqual([
      { country: 'MX', quote: 'Ouch', text: null, body: 'A tachyon walks into a bar. (en Word: Michael Williamson)', replies: [] }
    ])
    expect(result.unplaced).toEqual([{ quote: '', reason: 'it marks no passage of the text' }])
  })

  test('lets the Presidency upload on behalf of a named country, and only a named one', async () => {
    const { server, ppt } = await draftServer(true)
    expect((await send(server, ppt, { file: markedUpCopy() })).status).toBe(400)
    expect((await send(server, ppt, { file: markedUpCopy(), country: 'XX' })).status).toBe(400)
    const sent = await send(server, ppt, { file: markedUpCopy(), country: 'SV' })
    expect(sent.status, JSON.stringify(sent.body)).toBe(201)
    expect(new Set((sent.body as MarkupResult).created.comments.map((c) => c.country))).toEqual(new Set(['SV']))
  })

  test('refuses outside an open period as a comment is refused, and a file that is not Word, storing nothing', async () => {
    const { server, ppt } = await draftServer(false)
    const gt = await signIn(server, 'gt')
    const before = (await ppt.get(docPath('/comments'))).body.comments.length
    const comment = await gt.post(docPath('/comments'), { body: 'x', anchor: { type: 'TextQuoteSelector', exact: 'examinará' } })
    const upload = await send(server, gt, { file: markedUpCopy() })
    expect(upload.status).toBe(409)
    expect(upload.body.code).toBe(comment.body.code)
    expect(upload.body.error).toBe(comment.body.error)
    expect((await send(server, gt, { file: new TextEncoder().encode('# hola'), name: 'nota.md' })).status).toBe(415)
    expect((await send(server, gt, {})).status).toBe(400)
    expect((await ppt.get(docPath('/comments'))).body.comments.length).toBe(before)
  })
})
