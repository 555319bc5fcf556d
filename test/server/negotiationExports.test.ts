import ExcelJS from 'exceljs'
import { describe, expect, test } from 'vitest'
import { entryText } from '../exchange/helpers'
import { docPath, openCommentPeriod, quoteSelector, signIn, startTestServer, type ApiSession } from '../support'

const THREE_LINES = 'tres líneas complementarias'
const JUSTIFICATION = 'Así lo acordó el grupo técnico en septiembre.'

/** Downloads `path` with the session's token: status, Content-Type and bytes. */
async function download(url: string, session: ApiSession, path: string) {
  const res = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${session.token}` } })
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes: new Uint8Array(await res.arrayBuffer()) }
}

/** The first sheet of an .xlsx as rows of strings, read back with exceljs. */
async function sheetRows(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes.buffer as ArrayBuffer)
  const rows: string[][] = []
  workbook.worksheets[0]?.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))))
  })
  return rows
}

/** The demo with a Mexican proposal (justified, supported by Guatemala and El Salvador) and two paragraphs with a status. */
async function negotiated() {
  const { server } = await startTestServer()
  const ppt = await signIn(server, 'ppt')
  await openCommentPeriod(ppt)
  const mx = await signIn(server, 'mx')
  const made = await mx.post(docPath('/comments'), {
    body: 'Proponemos precisar.',
    anchor: quoteSelector(THREE_LINES),
    suggestion: { text: '=tres líneas de acción complementarias' },
    justification: JUSTIFICATION
  })
  expect(made.status).toBe(201)
  for (const country of ['gt', 'sv']) expect((await (await signIn(server, country)).post(docPath(`/comments/${made.body.comment.id}/support`))).status).toBe(200)
  const blocks = (await ppt.get(docPath('/blocks'))).body.blocks as Array<{ blockId: string; status: string; provenance: string[] }>
  const shaped = blocks.find((b) => b.provenance.includes('GT'))?.blockId as string
  const first = blocks.find((b) => b.status === 'open')?.blockId as string
  expect((await ppt.put(docPath(`/blocks/${first}/status`), { status: 'ad-ref', pending: ['HN', 'GT'] })).status).toBe(200)
  expect((await ppt.put(docPath(`/blocks/${shaped}/status`), { status: 'agreed' })).status).toBe(200)
  return { server, ppt, mx }
}

describe('The comment matrix and a version carry support, justification and statuses', () => {
  test('The matrix as .xlsx (made in the worker pool) has the justification and supporters columns, every cell a string, and is audited; CSV and Word have them too.', async () => {
    const { server, ppt } = await negotiated()
    const xlsx = await download(server.url, ppt, docPath('/comments/export?format=xlsx'))
    expect(xlsx.status).toBe(200)
    expect(xlsx.type).toMatch(/spreadsheetml\.sheet/)
    const rows = await sheetRows(xlsx.bytes)
    const header = rows[0] as string[]
    expect(header).toContain('Justificación')
    expect(header).toContain('Apoyada por')
    const mexico = rows.find((r) => r[header.indexOf('País')] === 'México') as string[]
    expect(mexico[header.indexOf('Justificación')]).toBe(JUSTIFICATION)
    expect(mexico[header.indexOf('Apoyada por')]).toBe('El Salvador, Guatemala')
    // Written as the words they are, not as a formula.
    expect(mexico[header.indexOf('Propuesta de redacción')]).toBe('=tres líneas de acción complementarias')
    expect(entryText(xlsx.bytes, 'xl/worksheets/sheet1.xml')).not.toContain('<f>')

    const english = await sheetRows((await download(server.url, ppt, docPath('/comments/export?format=xlsx&lang=en'))).bytes)
    expect(english[0]).toEqual(expect.arrayContaining(['Justification', 'Supported by']))

    const csv = new TextDecoder().decode((await download(server.url, ppt, docPath('/comments/export?format=csv'))).bytes)
    expect(csv).toContain(JUSTIFICATION)
    expect(csv).toContain('"El Salvador, Guatemala"')
    const word = await download(server.url, ppt, docPath('/comments/export?format=docx'))
    const body = entryText(word.bytes, 'word/document.xml')
    expect(body).toContain('Apoyada por')
    expect(body).toContain(JUSTIFICATION)
    expect(body).toContain('El Salvador, Guatemala')

    const audit = (await ppt.get('/api/audit?action=export.comments')).body.entries as Array<{ details: { format: string } }>
    expect(audit.map((e) => e.details.format).sort()).toEqual(['csv', 'docx', 'xlsx', 'xlsx'])
  })

  test("The Word file of a version says each paragraph's status and provenance as the version froze them, in margin comments.", async () => {
    const { server, ppt } = await negotiated()
    const published = await ppt.post(docPath('/versions'), { name: 'Con estados' })
    expect(published.status).toBe(201)
    // Changed after publishing: the file keeps what the version froze.
    const adRef = ((await ppt.get(docPath('/blocks'))).body.blocks as Array<{ blockId: string; pending: string[] }>).find((b) => b.pending.includes('HN'))?.blockId
    expect((await ppt.put(docPath(`/blocks/${adRef}/status`), { status: 'agreed' })).status).toBe(200)
    const file = await download(server.url, ppt, docPath(`/versions/${published.body.version.id}/export?format=docx`))
    expect(file.status).toBe(200)
    const comments = entryText(file.bytes, 'word/comments.xml')
    expect(comments).toContain('Estado: Acordado ad referéndum (pendiente de confirmación de GT, HN).')
    expect(comments).toContain('Estado: Acordado. Procedencia: GT.')
    expect(comments).toContain('Procedencia: SV.')
    expect(entryText(file.bytes, 'word/document.xml')).toContain('w:commentRangeStart')
  })

  test('Observers get no matrix in any format.', async () => {
    const { server } = await negotiated()
    const observer = await signIn(server, 'observador')
    for (const format of ['xlsx', 'csv', 'docx']) expect((await download(server.url, observer, docPath(`/comments/export?format=${format}`))).status).toBe(403)
  })
})
