import { describe, expect, test, vi } from 'vitest'
import { textBlocks } from '../../src'
import {
  connectSynced,
  contentOf,
  DEMO_PASSWORD,
  DOC,
  docPath,
  findQuote,
  login,
  openCommentPeriod,
  quoteSelector,
  signIn,
  startTestServer,
  storedContent,
  subscribeToEvents,
  WAIT,
  type ApiSession,
  type TestClient
} from '../support'

// Passages of the demo Strategy (as the November draft has it) that appear
// once, each in a paragraph of one text run. The demo's own comments come from
// other delegations: Mexico and Belize have none, so tests comment as them.
const THREE_LINES = 'tres líneas complementarias'
const PUEBLA = 'Proceso Puebla'
const HURRICANES = 'huracanes Eta e Iota'
const APRIL = 'el 28 de abril de 2021'
const NO_COUNTRY_ALONE = 'Ningún País Miembro puede afrontar este reto de forma aislada'

/** Posts a comment (or, with `suggestion`, a proposal) on a quote; it must be created. */
async function comment(
  session: ApiSession,
  quote: string | ReturnType<typeof quoteSelector>,
  body = `Comentario sobre «${typeof quote === 'string' ? quote : quote.exact}».`,
  suggestion?: string
) {
  const res = await session.post(docPath('/comments'), {
    body,
    anchor: typeof quote === 'string' ? quoteSelector(quote) : quote,
    ...(suggestion === undefined ? {} : { suggestion: { text: suggestion } })
  })
  expect(res.status, `commenting: ${JSON.stringify(res.body)}`).toBe(201)
  return res.body.comment
}

/** The comment as the API shows it now. */
async function fetchComment(session: ApiSession, id: string) {
  const res = await session.get(docPath(`/comments/${id}`))
  expect(res.status).toBe(200)
  return res.body.comment
}

/** A server with the demo, a comment period open today, and the PPT's session. */
async function serverWithOpenPeriod() {
  const started = await startTestServer()
  const ppt = await signIn(started.server, 'ppt')
  await openCommentPeriod(ppt)
  return { ...started, ppt }
}

const textOf = (client: TestClient) => textBlocks(client.doc).map((b) => b.text).join('\n\n')

/** The comments the API lists (all, or as `query` narrows them). */
async function listed(session: ApiSession, query = '') {
  const res = await session.get(docPath(`/comments${query}`))
  expect(res.status).toBe(200)
  return res.body.comments as Array<Record<string, any>>
}

describe('Writing comments', () => {
  test("A delegate's comment is stamped with its own country and author, even when the body claims another country, author and date.", async () => {
    const { server } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const before = new Date().toISOString()
    const res = await mx.post(docPath('/comments'), {
      body: 'Sugerimos mencionar también la Declaración de Los Ángeles.',
      anchor: quoteSelector(PUEBLA),
      id: 'elegido-por-el-cliente',
      country: 'US',
      author: { username: 'us', name: 'Delegación de Estados Unidos', role: 'ppt', country: 'US' },
      createdAt: '2000-01-01T00:00:00.000Z',
      status: 'incorporated'
    })
    expect(res.status).toBe(201)
    const made = res.body.comment
    expect(made).toMatchObject({
      country: 'MX',
      author: { username: 'mx', name: 'Delegación de México', role: 'delegate', country: 'MX' },
      status: 'open',
      body: 'Sugerimos mencionar también la Declaración de Los Ángeles.'
    })
    expect(made.id).not.toBe('elegido-por-el-cliente')
    expect(made.createdAt >= before && made.createdAt <= new Date().toISOString()).toBe(true)
    // Stored as stamped, not as claimed.
    expect(await fetchComment(mx, made.id)).toMatchObject({ country: 'MX', author: { username: 'mx' }, createdAt: made.createdAt })
  })

  test('Every comment in a response carries id, country, author, date, body, status, anchor, replies, proposal and answer.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const bz = await signIn(server, 'bz')
    const mine = [
      await comment(bz, PUEBLA, 'Comentario de Belice.'),
      await comment(bz, HURRICANES, 'Propuesta de Belice.', 'huracanes Eta e Iota, así como las sequías prolongadas'),
      await comment(ppt, APRIL, 'Nota de la Presidencia.')
    ]
    const all = await listed(ppt)
    // The demo's own comments, decided or not, detached or not, have the same shape.
    expect(all.length).toBeGreaterThan(mine.length)
    for (const c of all) {
      // An intervention recorded in a meeting (the demo's third meeting) also says so, and which meeting.
      expect(Object.keys(c).sort()).toEqual(
        ['id', 'documentId', 'country', 'author', 'createdAt', 'body', 'status', 'anchor', 'replies', 'suggestion', 'answer', 'supporters', 'justification', ...(c.kind === 'intervention' ? ['kind', 'meeting'] : [])].sort()
      )
      expect(c).toMatchObject({
        id: expect.any(String),
        documentId: DOC,
        author: { username: expect.any(String), name: expect.any(String), role: expect.any(String) },
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        body: expect.any(String),
        status: expect.any(String),
        anchor: { blockId: expect.stringMatching(/^b[a-z0-9]{10}$/), detached: expect.any(Boolean), quote: expect.any(String) },
        replies: expect.any(Array)
      })
      expect(c.anchor.text === null ? c.anchor.detached : typeof c.anchor.text === 'string' && !c.anchor.detached).toBe(true)
      expect(c.suggestion === null || typeof c.suggestion.text === 'string').toBe(true)
      expect(c.answer === null || typeof c.answer.body === 'string').toBe(true)
    }
    const ids = mine.map((c) => c.id)
    const [puebla, hurricanes, april] = all.filter((c) => ids.includes(c.id))
    for (const c of [puebla, hurricanes, april])
      expect(c).toMatchObject({ status: 'open', replies: [], answer: null, anchor: { detached: false, text: c?.anchor.quote } })
    expect(puebla).toMatchObject({ country: 'BZ', suggestion: null, anchor: { text: PUEBLA, section: '1. Antecedentes' } })
    expect(hurricanes).toMatchObject({ country: 'BZ', suggestion: { text: 'huracanes Eta e Iota, así como las sequías prolongadas', decision: null } })
    // The Presidency's own notes belong to no country.
    expect(april).toMatchObject({ country: null, author: { username: 'ppt', role: 'ppt', country: null }, anchor: { text: APRIL } })
    // One comment by itself has the same shape as in the list.
    expect(await fetchComment(bz, puebla?.id)).toEqual(puebla)
  })

  test('The list of comments can be narrowed by country, by status or both, and an unknown filter value answers 400.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const bz = await signIn(server, 'bz')
    const mx1 = await comment(mx, PUEBLA)
    const mx2 = await comment(mx, HURRICANES)
    const bz1 = await comment(bz, APRIL)
    expect((await ppt.patch(docPath(`/comments/${mx2.id}`), { status: 'not_incorporated' })).status).toBe(200)
    const mine = [mx1.id, mx2.id, bz1.id]
    // What a filter lists must all pass it; of this test's comments, exactly `expected` must be there.
    const check = async (query: string, passes: (c: Record<string, any>) => boolean, expected: string[]) => {
      const comments = await listed(ppt, query)
      for (const c of comments) expect(passes(c), `${query}: ${c.country} ${c.status}`).toBe(true)
      expect(comments.map((c) => c.id).filter((id) => mine.includes(id)), query).toEqual(expected)
    }
    await check('', () => true, [mx1.id, mx2.id, bz1.id])
    await check('?country=MX', (c) => c.country === 'MX', [mx1.id, mx2.id])
    await check('?country=BZ', (c) => c.country === 'BZ', [bz1.id])
    await check('?status=open', (c) => c.status === 'open', [mx1.id, bz1.id])
    await check('?status=not_incorporated', (c) => c.status === 'not_incorporated', [mx2.id])
    await check('?country=MX&status=open', (c) => c.country === 'MX' && c.status === 'open', [mx1.id])
    // The demo's own comments are filtered the same way.
    // (Two written comments of Guatemala and its statement in the third meeting.)
    expect((await listed(ppt, '?country=GT')).map((c) => c.country)).toEqual(['GT', 'GT', 'GT'])
    expect(await listed(ppt, '?country=PA&status=withdrawn')).toEqual([])
    for (const query of ['?country=XX', '?country=mx', '?status=cerrado']) {
      const res = await ppt.get(docPath(`/comments${query}`))
      expect(res.status, query).toBe(400)
      expect(res.body).toEqual({ error: expect.stringMatching(/^invalid filter/) })
    }
  })

  for (const { name, selector, error, code } of [
    { name: 'found in three places', selector: quoteSelector('responsabilidad compartida'), error: /appears in 3 places: add a prefix or a suffix/ },
    {
      name: 'not in the document',
      selector: quoteSelector('cooperación interplanetaria'),
      error: /^the quoted text is not in the document$/,
      code: 'quote_not_found'
    },
    {
      name: 'spanning two paragraphs',
      selector: quoteSelector('modalidad virtual.\n\nLas delegaciones'),
      error: /^a passage must lie within one paragraph$/
    },
    {
      name: 'in a block that does not hold it',
      selector: quoteSelector(PUEBLA, { blockId: 'bnoexiste00' }),
      error: /not in the document/,
      code: 'quote_not_found'
    }
  ]) {
    test(`A comment on a quote ${name} is refused with 422 and the reason.`, async () => {
      const { server } = await serverWithOpenPeriod()
      const mx = await signIn(server, 'mx')
      const res = await mx.post(docPath('/comments'), { body: 'Comentario.', anchor: selector })
      expect(res.status).toBe(422)
      expect(res.body).toEqual({ error: expect.stringMatching(error), ...(code ? { code } : {}) })
      expect(await listed(mx, '?country=MX')).toEqual([])
    })
  }

  test('A quote found in several places is accepted once a prefix or a suffix says which.', async () => {
    const { server } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const ambiguous = await mx.post(docPath('/comments'), { body: 'Comentario.', anchor: quoteSelector('responsabilidad compartida') })
    expect(ambiguous.status).toBe(422)
    const res = await mx.post(docPath('/comments'), {
      body: 'Comentario.',
      anchor: quoteSelector('responsabilidad compartida', { prefix: 'enfoque orientado en resultados y de ' })
    })
    expect(res.status).toBe(201)
    expect(res.body.comment.anchor).toMatchObject({ text: 'responsabilidad compartida', section: '1. Antecedentes', detached: false })
  })

  for (const { name, body } of [
    { name: 'no body', body: { anchor: quoteSelector(PUEBLA) } },
    { name: 'a body of blanks only', body: { body: '   \n ', anchor: quoteSelector(PUEBLA) } },
    { name: 'a body longer than 10,000 characters', body: { body: 'a'.repeat(10_001), anchor: quoteSelector(PUEBLA) } },
    { name: 'a body that is not text', body: { body: 42, anchor: quoteSelector(PUEBLA) } },
    { name: 'no anchor', body: { body: 'Comentario.' } },
    { name: 'a selector of another type', body: { body: 'Comentario.', anchor: { type: 'TextPositionSelector', start: 10, end: 20 } } },
    { name: 'a selector with fields it does not define', body: { body: 'Comentario.', anchor: { ...quoteSelector(PUEBLA), start: 10 } } },
    { name: 'a selector whose quote is not text', body: { body: 'Comentario.', anchor: { type: 'TextQuoteSelector', exact: ['Proceso'] } } },
    { name: 'proposed wording longer than 5,000 characters', body: { body: 'Propuesta.', anchor: quoteSelector(PUEBLA), suggestion: { text: 'x'.repeat(5001) } } },
    { name: 'proposed wording that is not text', body: { body: 'Propuesta.', anchor: quoteSelector(PUEBLA), suggestion: 'Proceso de Puebla' } }
  ]) {
    test(`A comment with ${name} is refused with 400 and a JSON error.`, async () => {
      const { server } = await serverWithOpenPeriod()
      const mx = await signIn(server, 'mx')
      const res = await mx.post(docPath('/comments'), body)
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ error: expect.stringMatching(/^invalid request body: /) })
    })
  }

  test('A comment whose body is not JSON at all is refused with 400 and a JSON error.', async () => {
    const { server } = await serverWithOpenPeriod()
    const res = await fetch(`${server.url}${docPath('/comments')}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await login(server.url, 'mx')}`, 'Content-Type': 'application/json' },
      body: '{"body": "Comentario", '
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'malformed JSON in the request body' })
  })

  test('The reviewer may read comments but not write them (403); an observer may not even open the document (403).', async () => {
    const { server } = await serverWithOpenPeriod()
    const reviewer = await signIn(server, 'revisor')
    const before = await listed(reviewer)
    const byReviewer = await reviewer.post(docPath('/comments'), { body: 'Comentario.', anchor: quoteSelector(PUEBLA) })
    expect(byReviewer).toEqual({ status: 403, body: { error: 'the reviewer role may not comment' } })

    const observer = await signIn(server, 'observador')
    expect(await observer.get(docPath('/comments'))).toEqual({ status: 403, body: { error: 'the observer role may not open this document' } })
    const byObserver = await observer.post(docPath('/comments'), { body: 'Comentario.', anchor: quoteSelector(PUEBLA) })
    expect(byObserver.status).toBe(403)
    expect(await listed(reviewer)).toEqual(before)
  })
})

describe('Anchors in the live document', () => {
  test('Concurrent edits by two stock editors around and inside a commented passage keep the comment on the same words.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const made = await comment(await signIn(server, 'mx'), THREE_LINES)
    const pptEditor = await connectSynced(server, DOC, ppt.token)
    const seEditor = await connectSynced(server, DOC, await login(server.url, 'se'))

    // Both edit in the same tick, before either hears of the other; later offsets first.
    const inPpt = findQuote(pptEditor.doc, THREE_LINES)
    const inSe = findQuote(seEditor.doc, THREE_LINES)
    inPpt.text.insert(inPpt.index + 'tres'.length, ' «PPT dentro»')
    inPpt.text.insert(inPpt.index, '«PPT antes» ')
    inSe.text.insert(inSe.index + THREE_LINES.length, ' «SE después»')
    inSe.text.insert(inSe.index + 'tres líneas'.length, ' «SE dentro»')

    const edited = '«PPT antes» tres «PPT dentro» líneas «SE dentro» complementarias «SE después»'
    for (const editor of [pptEditor, seEditor]) await vi.waitFor(() => expect(textOf(editor)).toContain(edited), WAIT)
    await vi.waitFor(async () => {
      expect((await fetchComment(ppt, made.id)).anchor).toMatchObject({
        detached: false,
        quote: THREE_LINES,
        text: 'tres «PPT dentro» líneas «SE dentro» complementarias',
        section: '2. Justificación'
      })
    }, WAIT)
  })

  test('Deleting a commented passage detaches the comment but never loses it: it is still listed, with its quote.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const made = await comment(await signIn(server, 'mx'), NO_COUNTRY_ALONE, 'Preferimos «ningún país».')
    const seEditor = await connectSynced(server, DOC, await login(server.url, 'se'))
    const { text, index } = findQuote(seEditor.doc, NO_COUNTRY_ALONE)
    text.delete(index, NO_COUNTRY_ALONE.length)

    await vi.waitFor(async () => {
      const list = await listed(ppt, '?country=MX')
      expect(list).toHaveLength(1)
      expect(list[0]).toMatchObject({
        id: made.id,
        body: 'Preferimos «ningún país».',
        status: 'open',
        anchor: { detached: true, text: null, quote: NO_COUNTRY_ALONE }
      })
    }, WAIT)
    expect((await fetchComment(ppt, made.id)).anchor).toMatchObject({ detached: true, quote: NO_COUNTRY_ALONE })
  })
})

describe('Threads and statuses', () => {
  test('Replies form a thread in the order they were written, each stamped with its author.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const gt = await signIn(server, 'gt')
    const made = await comment(mx, PUEBLA)
    const replies = [
      { session: gt, body: 'Guatemala apoya el comentario.' },
      { session: ppt, body: 'La Presidencia lo tomará en cuenta.' },
      { session: mx, body: 'Gracias.' }
    ]
    for (const { session, body } of replies) {
      const res = await session.post(docPath(`/comments/${made.id}/replies`), { body, author: { username: 'us' }, createdAt: '2000-01-01' })
      expect(res.status).toBe(201)
    }
    const thread = (await fetchComment(ppt, made.id)).replies
    expect(thread.map((r: { body: string }) => r.body)).toEqual(replies.map((r) => r.body))
    expect(thread.map((r: { author: { username: string } }) => r.author.username)).toEqual(['gt', 'ppt', 'mx'])
    expect(thread[0].author).toEqual({ username: 'gt', name: 'Delegación de Guatemala', role: 'delegate', country: 'GT' })
    expect(new Set(thread.map((r: { id: string }) => r.id)).size).toBe(3)
    const dates = thread.map((r: { createdAt: string }) => r.createdAt)
    expect(dates).toEqual([...dates].sort())
    expect(dates[0] >= made.createdAt).toBe(true)
  })

  test('A reply to a comment that does not exist answers 404, and an empty reply 400.', async () => {
    const { server } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    expect((await mx.post(docPath('/comments/no-existe/replies'), { body: 'Hola.' })).status).toBe(404)
    const made = await comment(mx, PUEBLA)
    expect((await mx.post(docPath(`/comments/${made.id}/replies`), { body: ' ' })).status).toBe(400)
  })

  test("The PPT sets a comment's status with an answer, stamped with the PPT.", async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const made = await comment(await signIn(server, 'mx'), PUEBLA)
    const res = await ppt.patch(docPath(`/comments/${made.id}`), { status: 'partially_incorporated', answer: 'Se incorporó en parte.' })
    expect(res.status).toBe(200)
    expect(res.body.comment).toMatchObject({
      id: made.id,
      status: 'partially_incorporated',
      answer: { body: 'Se incorporó en parte.', by: { username: 'ppt', role: 'ppt' }, at: expect.stringMatching(/^\d{4}-/) },
      country: 'MX'
    })
    expect(await fetchComment(ppt, made.id)).toMatchObject({ status: 'partially_incorporated', answer: { body: 'Se incorporó en parte.' } })
    const invalid = await ppt.patch(docPath(`/comments/${made.id}`), { status: 'cerrado' })
    expect(invalid.status).toBe(400)
  })

  test("A delegate cannot set a comment's status, but may withdraw its own country's open comment and not another country's.", async () => {
    const { server } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const gt = await signIn(server, 'gt')
    const ofMexico = await comment(mx, PUEBLA)
    const ofGuatemala = await comment(gt, HURRICANES)

    const setByDelegate = await mx.patch(docPath(`/comments/${ofMexico.id}`), { status: 'incorporated', answer: 'Aceptado.' })
    expect(setByDelegate).toEqual({ status: 403, body: { error: 'only the Presidency or the Secretariat set the status of a comment' } })
    const othersWithdrawn = await mx.patch(docPath(`/comments/${ofGuatemala.id}`), { status: 'withdrawn' })
    expect(othersWithdrawn).toEqual({ status: 403, body: { error: "only the comment's own country may withdraw it" } })
    expect((await fetchComment(mx, ofGuatemala.id)).status).toBe('open')

    const withdrawn = await mx.patch(docPath(`/comments/${ofMexico.id}`), { status: 'withdrawn' })
    expect(withdrawn.status).toBe(200)
    expect(withdrawn.body.comment).toMatchObject({ id: ofMexico.id, status: 'withdrawn', answer: null })
    const again = await mx.patch(docPath(`/comments/${ofMexico.id}`), { status: 'withdrawn' })
    expect(again).toEqual({ status: 403, body: { error: 'only an open comment can be withdrawn' } })
  })
})

describe('Proposed wording', () => {
  test('Accepting a proposal changes the text for every connected client and in the stored document, which a restart keeps.', async () => {
    const { server, dataDir, ppt } = await serverWithOpenPeriod()
    const proposal = await comment(await signIn(server, 'mx'), THREE_LINES, 'Son cuatro.', 'cuatro líneas complementarias')
    const pptEditor = await connectSynced(server, DOC, ppt.token)
    const gtReader = await connectSynced(server, DOC, await login(server.url, 'gt'))
    expect(textOf(gtReader)).toContain(THREE_LINES)

    const res = await ppt.post(docPath(`/comments/${proposal.id}/accept`))
    expect(res.status).toBe(200)
    expect(res.body.comment).toMatchObject({
      status: 'incorporated',
      suggestion: {
        text: 'cuatro líneas complementarias',
        decision: { outcome: 'accepted', by: { username: 'ppt', role: 'ppt' }, at: expect.any(String), replaced: THREE_LINES }
      },
      // From now on the comment points at the wording it brought in.
      anchor: { detached: false, text: 'cuatro líneas complementarias' }
    })
    for (const client of [pptEditor, gtReader])
      await vi.waitFor(() => {
        expect(textOf(client)).toContain('descansa en cuatro líneas complementarias: atender')
        expect(textOf(client)).not.toContain(THREE_LINES)
      }, WAIT)

    await server.close()
    const stored = await storedContent(dataDir)
    expect(stored).toContain('descansa en cuatro líneas complementarias: atender')
    expect(stored).not.toContain(THREE_LINES)
    expect(stored).toBe(contentOf(pptEditor.doc))

    const { server: again } = await startTestServer({ dataDir })
    const after = await fetchComment(await signIn(again, 'ppt'), proposal.id)
    expect(after).toMatchObject({
      status: 'incorporated',
      suggestion: { decision: { outcome: 'accepted', by: { username: 'ppt' } } },
      anchor: { detached: false, text: 'cuatro líneas complementarias' }
    })
  })

  test('Rejecting a proposal marks it not incorporated and leaves the text as it was.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const proposal = await comment(await signIn(server, 'mx'), THREE_LINES, 'Son cuatro.', 'cuatro líneas complementarias')
    const pptEditor = await connectSynced(server, DOC, ppt.token)
    const before = contentOf(pptEditor.doc)
    const res = await ppt.post(docPath(`/comments/${proposal.id}/reject`))
    expect(res.status).toBe(200)
    expect(res.body.comment).toMatchObject({
      status: 'not_incorporated',
      suggestion: { text: 'cuatro líneas complementarias', decision: { outcome: 'rejected', by: { username: 'ppt' } } },
      anchor: { detached: false, text: THREE_LINES }
    })
    expect(res.body.comment.suggestion.decision).not.toHaveProperty('replaced')
    expect(contentOf(pptEditor.doc)).toBe(before)
    // A rejected proposal cannot be accepted afterwards.
    expect((await ppt.post(docPath(`/comments/${proposal.id}/accept`))).status).toBe(409)
    expect(contentOf(pptEditor.doc)).toBe(before)
  })

  test('Accepting a proposal a second time answers 409; a delegate may not accept at all (403).', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const proposal = await comment(mx, PUEBLA, 'Nombre completo.', 'Proceso de Puebla')
    expect(await mx.post(docPath(`/comments/${proposal.id}/accept`))).toEqual({
      status: 403,
      body: { error: 'only the Presidency or the Secretariat decide on proposals' }
    })
    expect((await ppt.post(docPath(`/comments/${proposal.id}/accept`))).status).toBe(200)
    expect(await ppt.post(docPath(`/comments/${proposal.id}/accept`))).toEqual({
      status: 409,
      body: { error: 'this proposal was already accepted' }
    })
    // A comment without proposed wording has nothing to accept.
    const plain = await comment(mx, HURRICANES)
    expect(await ppt.post(docPath(`/comments/${plain.id}/accept`))).toEqual({ status: 409, body: { error: 'this comment proposes no wording' } })
    const editor = await connectSynced(server, DOC, ppt.token)
    expect(textOf(editor)).toContain('también conocida como «Proceso de Puebla», es un foro')
  })

  test('Overlapping proposals from two countries are both listed, and decided one by one.', async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const fromMexico = await comment(await signIn(server, 'mx'), quoteSelector('tres líneas', { suffix: ' complementarias' }), 'Son cuatro.', 'cuatro líneas')
    const fromBelize = await comment(await signIn(server, 'bz'), 'líneas complementarias', 'Precisar.', 'líneas de acción complementarias')
    const both = (await listed(ppt)).filter((c) => c.country === 'MX' || c.country === 'BZ')
    expect(both.map((c) => c.id)).toEqual([fromMexico.id, fromBelize.id])
    expect(both.map((c) => c.anchor.text)).toEqual(['tres líneas', 'líneas complementarias'])

    const accepted = await ppt.post(docPath(`/comments/${fromMexico.id}/accept`))
    expect(accepted.body.comment).toMatchObject({ status: 'incorporated', anchor: { text: 'cuatro líneas' } })
    // Belize's proposal is still there, undecided, with what it quoted.
    expect(await fetchComment(ppt, fromBelize.id)).toMatchObject({
      status: 'open',
      anchor: { quote: 'líneas complementarias' },
      suggestion: { decision: null }
    })
    const rejected = await ppt.post(docPath(`/comments/${fromBelize.id}/reject`))
    expect(rejected.body.comment).toMatchObject({ status: 'not_incorporated', suggestion: { decision: { outcome: 'rejected' } } })

    const editor = await connectSynced(server, DOC, ppt.token)
    expect(textOf(editor)).toContain('descansa en cuatro líneas complementarias: atender')
    expect((await fetchComment(ppt, fromMexico.id)).status).toBe('incorporated')
    expect((await fetchComment(ppt, fromBelize.id)).status).toBe('not_incorporated')
  })

  test("Deciding all of one country's proposals accepts only that country's open proposals.", async () => {
    const { server, ppt } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const bz = await signIn(server, 'bz')
    const puebla = await comment(mx, PUEBLA, 'Nombre completo.', 'Proceso de Puebla')
    const hurricanes = await comment(mx, HURRICANES, 'Con las fechas.', 'huracanes Eta e Iota (noviembre de 2020)')
    const plain = await comment(mx, APRIL, 'Solo un comentario.')
    const withdrawn = await comment(mx, NO_COUNTRY_ALONE, 'Lo retiramos.', 'Ningún país puede solo')
    expect((await mx.patch(docPath(`/comments/${withdrawn.id}`), { status: 'withdrawn' })).status).toBe(200)
    const ofBelize = await comment(bz, THREE_LINES, 'Son cuatro.', 'cuatro líneas complementarias')
    const othersOpen = (await listed(ppt, '?status=open')).filter((c) => c.country !== 'MX' && c.suggestion)

    expect((await mx.post(docPath('/proposals/decide'), { country: 'MX', outcome: 'accept' })).status).toBe(403)
    const res = await ppt.post(docPath('/proposals/decide'), { country: 'MX', outcome: 'accept' })
    expect(res.status).toBe(200)
    expect(res.body.results.map((r: { id: string }) => r.id)).toEqual([puebla.id, hurricanes.id])
    for (const r of res.body.results) expect(r.comment).toMatchObject({ status: 'incorporated', suggestion: { decision: { outcome: 'accepted' } } })

    const byId = new Map((await listed(ppt)).map((c) => [c.id, c]))
    expect(byId.get(plain.id)).toMatchObject({ status: 'open', suggestion: null })
    expect(byId.get(withdrawn.id)).toMatchObject({ status: 'withdrawn', suggestion: { decision: null } })
    expect(byId.get(ofBelize.id)).toMatchObject({ status: 'open', suggestion: { decision: null } })
    // Other countries' open proposals, the demo's included, are untouched.
    expect(othersOpen.length).toBeGreaterThan(1)
    for (const c of othersOpen) expect(byId.get(c.id)).toMatchObject({ status: 'open', suggestion: { decision: null } })

    const text = textOf(await connectSynced(server, DOC, ppt.token))
    expect(text).toContain('«Proceso de Puebla»')
    expect(text).toContain('huracanes Eta e Iota (noviembre de 2020)')
    expect(text).toContain(NO_COUNTRY_ALONE)
    expect(text).toContain(THREE_LINES)
    // Nothing left to decide for Mexico.
    expect((await ppt.post(docPath('/proposals/decide'), { country: 'MX', outcome: 'reject' })).body).toEqual({ results: [] })
    expect((await ppt.post(docPath('/proposals/decide'), { country: 'XX', outcome: 'accept' })).status).toBe(400)
  })
})

describe('Accounts of delegations', () => {
  test("A country may hold four delegate accounts: Guatemala's fourth is created, its fifth refused with 409.", async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const newDelegate = (username: string) =>
      ppt.post('/api/users', { username, password: DEMO_PASSWORD, role: 'delegate', country: 'GT', name: `Delegación de Guatemala (${username})` })
    // Guatemala already has `gt`.
    for (const username of ['gt2', 'gt3', 'gt4']) {
      const res = await newDelegate(username)
      expect(res.status, username).toBe(201)
      expect(res.body.user).toMatchObject({ username, role: 'delegate', country: 'GT' })
    }
    const fifth = await newDelegate('gt5')
    expect(fifth).toEqual({
      status: 409,
      body: { error: 'GT already has 4 delegate accounts, the most a country may hold', code: 'country_delegates_full', values: { country: 'GT', max: '4' } }
    })
    // A taken name and a short password carry their codes too, checked before the count.
    expect((await newDelegate('gt2')).body).toMatchObject({ code: 'username_taken', values: { username: 'gt2' } })
    const short = await ppt.post('/api/users', { username: 'gt6', password: 'corta', role: 'delegate', country: 'GT' })
    expect(short).toEqual({
      status: 400,
      body: { error: 'password must have at least 10 characters', code: 'password_too_short', values: { min: '10' } }
    })
    // The fourth can sign in; another country is not affected.
    expect(await login(server.url, 'gt4')).toEqual(expect.any(String))
    const otherCountry = await ppt.post('/api/users', { username: 'hn2', password: DEMO_PASSWORD, role: 'delegate', country: 'HN' })
    expect(otherCountry.status).toBe(201)
  })

  test('Delegates cannot create accounts (403).', async () => {
    const { server } = await startTestServer()
    const mx = await signIn(server, 'mx')
    const res = await mx.post('/api/users', { username: 'mx2', password: DEMO_PASSWORD, role: 'delegate', country: 'MX' })
    expect(res).toEqual({ status: 403, body: { error: 'only the Presidency or the Secretariat manage accounts' } })
    expect((await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'mx2', password: DEMO_PASSWORD })
    })).status).toBe(401)
  })
})

describe('Live events and durability', () => {
  test('A client subscribed to the document\'s events receives the "comment" event for a new comment.', async () => {
    const { server } = await serverWithOpenPeriod()
    const gt = await signIn(server, 'gt')
    const subscription = await subscribeToEvents(server, gt.token)
    const made = await comment(await signIn(server, 'mx'), PUEBLA, 'En vivo.')
    await vi.waitFor(() => {
      const event = subscription.events.find((e) => e.type === 'comment' && e.data.id === made.id)
      expect(event?.data).toEqual(made)
    }, WAIT)
  })

  test('Comments, replies, answers and decisions survive a server restart.', async () => {
    const { server, dataDir, ppt } = await serverWithOpenPeriod()
    const mx = await signIn(server, 'mx')
    const bz = await signIn(server, 'bz')
    const remark = await comment(mx, PUEBLA, 'Comentario con hilo.')
    expect((await bz.post(docPath(`/comments/${remark.id}/replies`), { body: 'De acuerdo.' })).status).toBe(201)
    expect((await ppt.patch(docPath(`/comments/${remark.id}`), { status: 'partially_incorporated', answer: 'En parte.' })).status).toBe(200)
    const accepted = await comment(bz, THREE_LINES, 'Son cuatro.', 'cuatro líneas complementarias')
    expect((await ppt.post(docPath(`/comments/${accepted.id}/accept`))).status).toBe(200)
    const rejected = await comment(mx, HURRICANES, 'Con fechas.', 'huracanes de 2020')
    expect((await ppt.post(docPath(`/comments/${rejected.id}/reject`))).status).toBe(200)
    const before = await listed(ppt)
    const periodsBefore = (await ppt.get(docPath('/periods'))).body
    const mine = before.filter((c) => [remark.id, accepted.id, rejected.id].includes(c.id))
    expect(mine.map((c) => c.status)).toEqual(['partially_incorporated', 'incorporated', 'not_incorporated'])
    expect(mine[0]?.replies).toHaveLength(1)

    await server.close()
    const { server: again } = await startTestServer({ dataDir })
    const pptAgain = await signIn(again, 'ppt')
    expect(await listed(pptAgain)).toEqual(before)
    expect((await pptAgain.get(docPath('/periods'))).body).toMatchObject({ periods: periodsBefore.periods, open: true })
    // Delegates may go on commenting in the period that was open.
    await comment(await signIn(again, 'mx'), APRIL)
  })
})
