import { describe, expect, test, vi } from 'vitest'
import { MAX_BRACKETS_PER_DOCUMENT, MAX_OPTIONS_PER_BRACKET, textBlocks } from '../../src'
import {
  connectSynced,
  docPath,
  findQuote,
  quoteSelector,
  signIn,
  startTestServer,
  startWithSessions,
  subscribeToEvents,
  WAIT,
  type ApiSession
} from '../support'

// Passages of the demo Strategy that appear once, each within one paragraph.
const PUEBLA = 'Proceso Puebla'
const HURRICANES = 'huracanes Eta e Iota'
const NO_COUNTRY_ALONE = 'Ningún País Miembro puede afrontar este reto de forma aislada'
const ALONE = 'afrontar este reto'
const CROSSING = 'este reto de forma aislada'

/** A server with the demo and the PPT's session; with `period`, a comment period open today. */
function server({ period = true } = {}) {
  return startWithSessions(['ppt'], { period })
}

/** Places a bracket as `session`; it must be placed. */
async function place(session: ApiSession, exact: string, holders?: string[], reason = 'Sin consenso sobre la redacción.') {
  const res = await session.post(docPath('/brackets'), { anchor: quoteSelector(exact), reason, ...(holders ? { holders } : {}) })
  expect(res.status, `placing a bracket: ${JSON.stringify(res.body)}`).toBe(201)
  return res.body.bracket
}

/** The standing bracket `id` as the API lists it, or undefined. */
async function listed(session: ApiSession, id: string) {
  const res = await session.get(docPath('/brackets'))
  expect(res.status).toBe(200)
  return (res.body.brackets as Array<Record<string, any>>).find((b) => b.id === id)
}

/** The audit entries of one action on one bracket of the demo document (not the demo's own), oldest first. */
async function audited(ppt: ApiSession, action: string, bracketId: string) {
  const res = await ppt.get(`/api/audit?action=${action}&document=${docPath().split('/').pop()}`)
  expect(res.status).toBe(200)
  return (res.body.entries as Array<Record<string, any>>).filter((e) => e.target?.bracket === bracketId).reverse()
}

describe('Placing brackets', () => {
  test('The PPT brackets a passage with a reason and the countries that asked; the list quotes the passage and names who placed it.', async () => {
    const { ppt } = await server({ period: false })
    const bracket = await place(ppt, PUEBLA, ['GT', 'HN', 'GT'])
    expect(bracket).toMatchObject({ quote: PUEBLA, holders: ['GT', 'HN'], options: [], reason: 'Sin consenso sobre la redacción.', removed: null })
    expect(bracket.placedBy).toMatchObject({ username: 'ppt', role: 'ppt', country: null })
    expect(await listed(ppt, bracket.id)).toMatchObject({ id: bracket.id, quote: PUEBLA, holders: ['GT', 'HN'] })
    const [entry] = await audited(ppt, 'bracket.placed', bracket.id)
    expect(entry).toMatchObject({ actor: { username: 'ppt', role: 'ppt' }, target: { bracket: bracket.id }, details: { holders: 'GT HN' } })
  })

  test('The Secretariat places brackets too; a delegate, the reviewer and an observer may not, and nothing is stored.', async () => {
    const { server: s, ppt } = await server()
    expect((await place(await signIn(s, 'se'), HURRICANES)).placedBy.role).toBe('secretariat')
    for (const [username, status] of [['mx', 403], ['revisor', 403], ['observador', 403]] as const) {
      const res = await (await signIn(s, username)).post(docPath('/brackets'), { anchor: quoteSelector(PUEBLA), reason: 'Intento' })
      expect(res.status, username).toBe(status)
      expect(res.body.error).toEqual(expect.any(String))
    }
    expect((await ppt.get(docPath('/brackets'))).body.brackets.filter((b: any) => b.quote === PUEBLA)).toEqual([])
  })

  test.each([
    ['no reason', { anchor: quoteSelector(PUEBLA) }, 400],
    ['an empty reason', { anchor: quoteSelector(PUEBLA), reason: '   ' }, 400],
    ['a holder that is not a member country', { anchor: quoteSelector(PUEBLA), reason: 'x', holders: ['FR'] }, 400],
    ['a malformed anchor', { anchor: { exact: PUEBLA }, reason: 'x' }, 400],
    ['a quote not in the text', { anchor: quoteSelector('texto que no existe en el borrador'), reason: 'x' }, 422]
  ])('A bracket with %s is refused with a JSON error, and nothing is placed.', async (_what, body, status) => {
    const { ppt } = await server({ period: false })
    const before = (await ppt.get(docPath('/brackets'))).body.brackets.length
    const res = await ppt.post(docPath('/brackets'), body)
    expect(res.status).toBe(status)
    expect(res.body.error).toEqual(expect.any(String))
    expect((await ppt.get(docPath('/brackets'))).body.brackets).toHaveLength(before)
  })

  test('Brackets nest where the text nests them, and a passage that crosses a bracket is refused.', async () => {
    const { ppt } = await server({ period: false })
    const outer = await place(ppt, NO_COUNTRY_ALONE)
    const inner = await place(ppt, ALONE)
    expect(inner.anchor.from).toBeGreaterThan(outer.anchor.from)
    expect(inner.anchor.to).toBeLessThan(outer.anchor.to)
    const crossing = await ppt.post(docPath('/brackets'), { anchor: quoteSelector(CROSSING), reason: 'cruza' })
    expect(crossing.status).toBe(409)
    expect(crossing.body.error).toMatch(/cross/)
  })

  test('A bracket follows the edits made around and inside its passage, and survives a restart.', async () => {
    const { server: s, ppt, dataDir } = await server({ period: false })
    const bracket = await place(ppt, HURRICANES, ['MX'])
    const client = await connectSynced(s, docPath().split('/').pop() as string, ppt.token)
    const { text, index } = findQuote(client.doc, 'Eta')
    text.insert(index + 'Eta'.length, ' (2020)')
    await vi.waitFor(async () => expect((await listed(ppt, bracket.id))?.quote).toBe('huracanes Eta (2020) e Iota'), WAIT)
    client.provider.destroy()
    await s.close()
    const again = await startTestServer({ dataDir })
    const pptAgain = await signIn(again.server, 'ppt')
    expect(await listed(pptAgain, bracket.id)).toMatchObject({ quote: 'huracanes Eta (2020) e Iota', holders: ['MX'], reason: bracket.reason })
  })
})

describe('Holding and lifting', () => {
  test("A delegation holds and lifts a bracket for its own country, whatever country its request names; each act is audited and told to the PPT's browser at once.", async () => {
    const { server: s, ppt } = await server()
    const bracket = await place(ppt, PUEBLA, ['GT'])
    const events = await subscribeToEvents(s, ppt.token)
    const mx = await signIn(s, 'mx')
    const held = await mx.post(docPath(`/brackets/${bracket.id}/hold`), { country: 'US' })
    expect(held.status).toBe(200)
    expect(held.body.bracket.holders).toEqual(['GT', 'MX'])
    await vi.waitFor(() => expect(events.events.some((e) => e.type === 'bracket' && e.data.id === bracket.id && e.data.holders.includes('MX'))).toBe(true), WAIT)
    // Holding again changes nothing.
    expect((await mx.post(docPath(`/brackets/${bracket.id}/hold`))).body.bracket.holders).toEqual(['GT', 'MX'])
    const lifted = await mx.post(docPath(`/brackets/${bracket.id}/lift`))
    expect(lifted.body.bracket.holders).toEqual(['GT'])
    await vi.waitFor(() => expect(events.events.at(-1)?.data.holders).toEqual(['GT']), WAIT)
    expect((await audited(ppt, 'bracket.held', bracket.id)).map((e) => e.details)).toEqual([{ country: 'MX', holders: 'GT MX' }])
    expect((await audited(ppt, 'bracket.lifted', bracket.id))[0]).toMatchObject({ actor: { username: 'mx', country: 'MX' }, details: { country: 'MX', holders: 'GT' } })
  })

  test("A delegation cannot lift another country's hold; the PPT, the Secretariat and the reviewer hold and lift for no one.", async () => {
    const { server: s, ppt } = await server()
    const bracket = await place(ppt, PUEBLA, ['GT'])
    const mx = await signIn(s, 'mx')
    const other = await mx.post(docPath(`/brackets/${bracket.id}/lift`))
    expect(other.status).toBe(409)
    expect(other.body.error).toMatch(/MX does not hold/)
    for (const username of ['ppt', 'se', 'revisor']) {
      const session = await signIn(s, username)
      for (const act of ['hold', 'lift']) expect((await session.post(docPath(`/brackets/${bracket.id}/${act}`))).status, `${username} ${act}`).toBe(403)
    }
    expect((await (await signIn(s, 'observador')).post(docPath(`/brackets/${bracket.id}/hold`))).status).toBe(403)
    expect((await listed(ppt, bracket.id))?.holders).toEqual(['GT'])
  })

  test('Outside a comment period a delegation may not hold, lift or support, with the reason of the period.', async () => {
    const { server: s, ppt } = await server({ period: false })
    const bracket = await place(ppt, PUEBLA, ['GT'])
    const gt = await signIn(s, 'gt')
    const res = await gt.post(docPath(`/brackets/${bracket.id}/lift`))
    expect(res.status).toBe(409)
    expect(res.body.code).toMatch(/^period_/)
    expect((await listed(ppt, bracket.id))?.holders).toEqual(['GT'])
  })

  test('Unknown brackets and options answer 404.', async () => {
    const { server: s, ppt } = await server()
    const mx = await signIn(s, 'mx')
    expect((await mx.post(docPath('/brackets/no-such/hold'))).status).toBe(404)
    expect((await ppt.delete(docPath('/brackets/no-such'))).status).toBe(404)
    const bracket = await place(ppt, PUEBLA)
    expect((await mx.post(docPath(`/brackets/${bracket.id}/options/no-such/support`))).status).toBe(404)
    expect((await ppt.post(docPath(`/brackets/${bracket.id}/options/no-such/choose`))).status).toBe(404)
  })
})

describe('Removing brackets', () => {
  test('While any country holds it the PPT cannot remove a bracket and is told who holds it; once the last lifts, it is removed, recorded and gone from the list.', async () => {
    const { server: s, ppt } = await server()
    const bracket = await place(ppt, PUEBLA, ['GT', 'HN'])
    const refused = await ppt.delete(docPath(`/brackets/${bracket.id}`))
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ code: 'bracket_held', values: { holders: 'GT, HN' } })
    expect(refused.body.error).toMatch(/GT, HN/)
    for (const username of ['gt', 'hn']) expect((await (await signIn(s, username)).post(docPath(`/brackets/${bracket.id}/lift`))).status).toBe(200)
    expect((await (await signIn(s, 'gt')).delete(docPath(`/brackets/${bracket.id}`))).status).toBe(403)
    const removed = await (await signIn(s, 'se')).delete(docPath(`/brackets/${bracket.id}`))
    expect(removed.status).toBe(200)
    expect(removed.body.bracket.removed.by).toMatchObject({ username: 'se' })
    expect(await listed(ppt, bracket.id)).toBeUndefined()
    expect((await audited(ppt, 'bracket.removed', bracket.id))[0]).toMatchObject({ actor: { username: 'se' }, target: { bracket: bracket.id } })
    expect((await ppt.delete(docPath(`/brackets/${bracket.id}`))).status).toBe(404)
  })
})

describe('Options', () => {
  test('The PPT adds options; delegations support one for their own country, move and withdraw their support; the Secretariat chooses and the text takes the chosen wording.', async () => {
    const { server: s, ppt } = await server()
    const bracket = await place(ppt, HURRICANES, ['GT'])
    const one = await ppt.post(docPath(`/brackets/${bracket.id}/options`), { text: 'huracanes Eta e Iota de 2020' })
    expect(one.status).toBe(201)
    const two = await (await signIn(s, 'se')).post(docPath(`/brackets/${bracket.id}/options`), { text: 'fenómenos naturales' })
    const [o1, o2] = two.body.bracket.options
    expect([o1.text, o2.text]).toEqual(['huracanes Eta e Iota de 2020', 'fenómenos naturales'])
    const gt = await signIn(s, 'gt')
    const hn = await signIn(s, 'hn')
    await gt.post(docPath(`/brackets/${bracket.id}/options/${o1.id}/support`), { country: 'US' })
    await hn.post(docPath(`/brackets/${bracket.id}/options/${o1.id}/support`))
    const moved = await gt.post(docPath(`/brackets/${bracket.id}/options/${o2.id}/support`))
    expect(moved.body.bracket.options.map((o: any) => o.supporters)).toEqual([['HN'], ['GT']])
    const withdrawn = await hn.delete(docPath(`/brackets/${bracket.id}/options/${o1.id}/support`))
    expect(withdrawn.body.bracket.options[0].supporters).toEqual([])
    expect((await hn.delete(docPath(`/brackets/${bracket.id}/options/${o1.id}/support`))).status).toBe(409)
    for (const username of ['gt', 'revisor']) {
      const session = await signIn(s, username)
      expect((await session.post(docPath(`/brackets/${bracket.id}/options`), { text: 'otra' })).status).toBe(403)
      expect((await session.post(docPath(`/brackets/${bracket.id}/options/${o1.id}/choose`))).status).toBe(403)
    }
    expect((await ppt.post(docPath(`/brackets/${bracket.id}/options/${o1.id}/support`))).status).toBe(403)
    expect((await ppt.post(docPath(`/brackets/${bracket.id}/options`), { text: '' })).status).toBe(400)

    const client = await connectSynced(s, docPath().split('/').pop() as string, ppt.token)
    const chosen = await (await signIn(s, 'se')).post(docPath(`/brackets/${bracket.id}/options/${o2.id}/choose`))
    expect(chosen.status).toBe(200)
    expect(chosen.body.bracket).toMatchObject({
      quote: 'fenómenos naturales',
      options: [{ id: o2.id, supporters: ['GT'] }],
      discarded: [{ id: o1.id }],
      chosen: { optionId: o2.id, replaced: HURRICANES, by: { username: 'se' } }
    })
    await vi.waitFor(() => expect(textBlocks(client.doc).some((b) => b.text.includes('fenómenos naturales'))).toBe(true), WAIT)
    expect(textBlocks(client.doc).some((b) => b.text.includes(HURRICANES))).toBe(false)
    expect((await ppt.post(docPath(`/brackets/${bracket.id}/options/${o1.id}/choose`))).status).toBe(409)
    expect((await ppt.post(docPath(`/brackets/${bracket.id}/options`), { text: 'tarde' })).status).toBe(409)
    expect((await audited(ppt, 'bracket.option.chosen', bracket.id))[0]).toMatchObject({ actor: { username: 'se' }, target: { bracket: bracket.id, option: o2.id } })
    expect((await audited(ppt, 'bracket.option.supported', bracket.id)).map((e) => e.details.country)).toEqual(['GT', 'HN', 'GT'])
    expect((await audited(ppt, 'bracket.option.unsupported', bracket.id)).map((e) => e.details.country)).toEqual(['HN'])
  })
})

describe('Limits', () => {
  test('A bracket holds at most its cap of options: one more is refused with 422 and a JSON error, and the bracket keeps the options it had.', async () => {
    const { ppt } = await server({ period: false })
    const bracket = await place(ppt, HURRICANES)
    for (let i = 0; i < MAX_OPTIONS_PER_BRACKET; i++)
      expect((await ppt.post(docPath(`/brackets/${bracket.id}/options`), { text: `Opción ${i + 1}` })).status).toBe(201)
    const refused = await ppt.post(docPath(`/brackets/${bracket.id}/options`), { text: 'Una más' })
    expect(refused.status).toBe(422)
    expect(refused.body.error).toContain(String(MAX_OPTIONS_PER_BRACKET))
    expect((await listed(ppt, bracket.id))?.options).toHaveLength(MAX_OPTIONS_PER_BRACKET)
    expect(await audited(ppt, 'bracket.option.added', bracket.id)).toHaveLength(MAX_OPTIONS_PER_BRACKET)
  })

  test('A document holds at most its cap of standing brackets: one more is refused with 422, nothing is placed nor recorded; a removed bracket frees its place.', async () => {
    const { server: s, ppt } = await server({ period: false })
    const first = await place(ppt, PUEBLA)
    const documentId = docPath().split('/').pop() as string
    const standing = (await ppt.get(docPath('/brackets'))).body.brackets.length
    // The store is filled directly: placing a thousand brackets one request at a time would take most of the test's time.
    const { request: _r, ...stored } = (await s.workspace.brackets.stored(documentId as never)).find((b) => b.id === first.id)!
    await s.workspace.store.records.write(
      Array.from({ length: MAX_BRACKETS_PER_DOCUMENT - standing }, (_, i) => ({ kind: 'bracket', scope: documentId, id: `filler-${i}`, value: { ...stored, id: `filler-${i}` } }))
    )
    const before = await audited(ppt, 'bracket.placed', first.id)
    const refused = await ppt.post(docPath('/brackets'), { anchor: quoteSelector(HURRICANES), reason: 'Una más' })
    expect(refused.status).toBe(422)
    expect(refused.body.error).toContain(String(MAX_BRACKETS_PER_DOCUMENT))
    expect((await ppt.get(docPath('/brackets'))).body.brackets).toHaveLength(MAX_BRACKETS_PER_DOCUMENT)
    expect(await audited(ppt, 'bracket.placed', first.id)).toEqual(before)
    expect((await ppt.delete(docPath(`/brackets/${first.id}`))).status).toBe(200)
    await place(ppt, HURRICANES)
  })
})

describe('Floods', () => {
  test("A delegation toggling its hold in a loop is stopped at its budget with 429, Retry-After and the code act_quota; nothing more is stored or recorded, and another delegation still acts.", async () => {
    const { server: s, ppt } = await startWithSessions(['ppt'], { period: true, config: { commentQuota: { burst: 4, perMinute: 1, bytesPerHour: 1024 * 1024 } } })
    const bracket = await place(ppt, PUEBLA)
    const mx = await signIn(s, 'mx')
    for (const act of ['hold', 'lift', 'hold', 'lift']) expect((await mx.post(docPath(`/brackets/${bracket.id}/${act}`))).status, act).toBe(200)
    const refused = await mx.post(docPath(`/brackets/${bracket.id}/hold`))
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ code: 'act_quota', error: expect.any(String), values: { seconds: expect.any(String) } })
    expect(Number(refused.body.values.seconds)).toBeGreaterThan(0)
    expect((await listed(ppt, bracket.id))?.holders).toEqual([])
    expect(await audited(ppt, 'bracket.held', bracket.id)).toHaveLength(2)
    expect((await (await signIn(s, 'gt')).post(docPath(`/brackets/${bracket.id}/hold`))).status).toBe(200)
  })
})

describe('Observers', () => {
  test('An observer sees no bracket and is told so with a JSON refusal.', async () => {
    const { server: s, ppt } = await server({ period: false })
    await place(ppt, PUEBLA)
    const res = await (await signIn(s, 'observador')).get(docPath('/brackets'))
    expect(res.status).toBe(403)
    expect(JSON.stringify(res.body)).not.toMatch(/Puebla/)
  })
})

describe('The demo', () => {
  test('The November draft carries brackets held by different countries, one passage with two options and their supporters, and the November version froze them as published.', async () => {
    const { ppt } = await server({ period: false })
    const brackets = (await ppt.get(docPath('/brackets'))).body.brackets as Array<Record<string, any>>
    expect(brackets.map((b) => [b.quote, b.holders])).toEqual([
      ['conforme a su marco jurídico', ['NI', 'US', 'HN']],
      ['y con los organismos internacionales cuando así lo acuerden', ['NI']],
      ['que cada País Miembro contribuya en la medida de sus capacidades', ['DO']],
      ['Establecer un mecanismo regional de intercambio de información estadística', ['US', 'CA']]
    ])
    expect(brackets[3]?.options.map((o: any) => o.supporters)).toEqual([['GT', 'HN', 'SV'], ['US', 'CA']])
    const november = (await ppt.get(docPath('/versions'))).body.versions.find((v: any) => v.name === 'Borrador noviembre 2021')
    const frozen = (await ppt.get(docPath(`/versions/${november.id}`))).body.version.brackets as Array<Record<string, any>>
    expect(frozen.map((b) => b.holders)).toEqual([['NI', 'US'], ['NI'], ['DO', 'PA'], ['US', 'CA']])
    const diff = await ppt.get(docPath(`/diff?from=${november.id}&to=draft`))
    expect(diff.body.brackets.map((e: any) => [e.change, e.countries])).toEqual([
      ['held', ['HN']],
      ['lifted', ['PA']]
    ])
  })
})

describe('Retries', () => {
  test('A placing retried with the same Idempotency-Key places one bracket, recorded once; the key used for another passage is refused.', async () => {
    const { server: s, ppt } = await server({ period: false })
    const send = (exact: string) =>
      fetch(`${s.url}${docPath('/brackets')}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ppt.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'corchete-1' },
        body: JSON.stringify({ anchor: quoteSelector(exact), reason: 'Una vez.' })
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }))
    const first = await send(PUEBLA)
    const again = await send(PUEBLA)
    expect(first.status).toBe(201)
    expect(again.body.bracket.id).toBe(first.body.bracket.id)
    expect(again.body.bracket.request).toBeUndefined()
    expect((await ppt.get(docPath('/brackets'))).body.brackets.filter((b: any) => b.quote === PUEBLA)).toHaveLength(1)
    expect(await audited(ppt, 'bracket.placed', first.body.bracket.id)).toHaveLength(1)
    const other = await send(HURRICANES)
    expect(other.status).toBe(409)
    expect(other.body.error).toMatch(/Idempotency-Key/)
  })
})
