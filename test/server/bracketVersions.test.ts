/**
 * Brackets in versions and their outputs: a version freezes the brackets as
 * they stood, the comparison of two versions reports what changed in them,
 * and the Word and Markdown files of a version show them.
 */
import { describe, expect, test } from 'vitest'
import { entryText } from '../exchange/helpers'
import { docPath, quoteSelector, signIn, startWithSessions, type ApiSession } from '../support'

const PUEBLA = 'Proceso Puebla'
const HURRICANES = 'huracanes Eta e Iota'
const APRIL = 'el 28 de abril de 2021'

async function place(ppt: ApiSession, exact: string, holders: string[], reason: string) {
  const res = await ppt.post(docPath('/brackets'), { anchor: quoteSelector(exact), reason, holders })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.bracket
}

async function publish(ppt: ApiSession, name: string) {
  const res = await ppt.post(docPath('/versions'), { name })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.version.id as string
}

/** Two versions: A with two brackets (one with two options), B after Guatemala lifted, an option was chosen and a bracket added. */
async function twoVersions() {
  const { server, ppt } = await startWithSessions(['ppt'], { period: true })
  const puebla = await place(ppt, PUEBLA, ['GT', 'HN'], 'Referencia a un foro concreto.')
  const hurricanes = await place(ppt, HURRICANES, ['SV'], 'Eventos concretos.')
  await ppt.post(docPath(`/brackets/${hurricanes.id}/options`), { text: 'fenómenos naturales' })
  const options = (await ppt.post(docPath(`/brackets/${hurricanes.id}/options`), { text: 'desastres' })).body.bracket.options
  const a = await publish(ppt, 'Versión con corchetes A')
  expect((await (await signIn(server, 'gt')).post(docPath(`/brackets/${puebla.id}/lift`))).status).toBe(200)
  expect((await ppt.post(docPath(`/brackets/${hurricanes.id}/options/${options[0].id}/choose`))).status).toBe(200)
  const april = await place(ppt, APRIL, [], 'Fecha por confirmar.')
  const b = await publish(ppt, 'Versión con corchetes B')
  return { server, ppt, a, b, puebla, hurricanes, april }
}

describe('Brackets in versions', () => {
  test('A version keeps the brackets, holders and options as they stood when it was published, whatever happens after.', async () => {
    const { ppt, a, puebla, hurricanes } = await twoVersions()
    const res = await ppt.get(docPath(`/versions/${a}`))
    expect(res.status).toBe(200)
    const frozen = res.body.version.brackets as Array<Record<string, any>>
    expect(frozen.find((b) => b.id === puebla.id)).toMatchObject({ quote: PUEBLA, holders: ['GT', 'HN'], reason: 'Referencia a un foro concreto.' })
    expect(frozen.find((b) => b.id === hurricanes.id)).toMatchObject({ quote: HURRICANES, chosen: null })
    expect(frozen.find((b) => b.id === hurricanes.id)?.options.map((o: any) => o.text)).toEqual(['fenómenos naturales', 'desastres'])
    // The list of versions stays a list of summaries.
    const listed = (await ppt.get(docPath('/versions'))).body.versions.find((v: any) => v.id === a)
    expect(listed.brackets).toBeUndefined()
  })

  test('The comparison of two versions reports a hold lifted by its country, an option chosen and a bracket added; nothing changed since, nothing reported.', async () => {
    const { ppt, a, b, puebla, hurricanes, april } = await twoVersions()
    const res = await ppt.get(docPath(`/diff?from=${a}&to=${b}`))
    expect(res.status).toBe(200)
    expect(res.body.brackets).toEqual([
      { bracketId: puebla.id, quote: PUEBLA, change: 'lifted', countries: ['GT'] },
      { bracketId: hurricanes.id, quote: 'fenómenos naturales', change: 'option-chosen', option: 'fenómenos naturales' },
      { bracketId: april.id, quote: APRIL, change: 'added', countries: [] }
    ])
    const toDraft = await ppt.get(docPath(`/diff?from=${b}&to=draft`))
    expect(toDraft.body.brackets).toEqual([])
  })
})

describe('Brackets in the files of a version', () => {
  async function download(session: ApiSession, url: string, path: string): Promise<Uint8Array> {
    const res = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${session.token}` } })
    expect(res.status).toBe(200)
    return new Uint8Array(await res.arrayBuffer())
  }

  test('The Word file wraps each bracketed passage in [ ] with a footnote naming its holders and reason.', async () => {
    const { server, ppt, a } = await twoVersions()
    const docx = await download(ppt, server.url, docPath(`/versions/${a}/export?format=docx`))
    const body = entryText(docx, 'word/document.xml')
    const text = [...body.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')
    expect(text).toContain(`[${PUEBLA}]`)
    expect(text).toContain(`[${HURRICANES}]`)
    expect(body).toMatch(/w:footnoteReference/)
    const notes = entryText(docx, 'word/footnotes.xml')
    expect(notes).toContain('Corchete mantenido por Guatemala, Honduras. Motivo: Referencia a un foro concreto.')
    expect(notes).toContain('Corchete mantenido por El Salvador. Motivo: Eventos concretos.')
  })

  test('The Markdown file writes bracketed passages as [ … ], and a version with no bracket as before.', async () => {
    const { server, ppt, b } = await twoVersions()
    const md = new TextDecoder().decode(await download(ppt, server.url, docPath(`/versions/${b}/export?format=md`)))
    expect(md).toContain(`[${PUEBLA}]`)
    expect(md).toContain('[fenómenos naturales]')
    expect(md).toContain(`[${APRIL}]`)
    expect(md).not.toMatch(/\\\[|\uE000|\uE001/)
  })

  test('A version shared with an observer shows the clean text only: no bracket in its answer nor in its files.', async () => {
    const { server, ppt, a } = await twoVersions()
    const shared = await ppt.post(docPath(`/versions/${a}/shares`), {})
    expect(shared.status, JSON.stringify(shared.body)).toBe(201)
    const observer = await signIn(server, 'observador')
    const opened = await observer.get(`/api/shared/${shared.body.share.id}`)
    expect(opened.status).toBe(200)
    expect(JSON.stringify(opened.body)).not.toMatch(/bracket|holders|Referencia a un foro/)
    const md = new TextDecoder().decode(await download(observer, server.url, `/api/shared/${shared.body.share.id}/export?format=md`))
    expect(md).toContain(PUEBLA)
    expect(md).not.toContain(`[${PUEBLA}]`)
    const docx = await download(observer, server.url, `/api/shared/${shared.body.share.id}/export?format=docx`)
    expect(entryText(docx, 'word/document.xml')).not.toContain(`[${PUEBLA}]`)
    expect((await observer.get(docPath('/brackets'))).status).toBe(403)
  })
})
