import { parse } from 'csv-parse/sync'
import mammoth from 'mammoth'
import { describe, expect, test } from 'vitest'
import { commentsToCsv, commentsToDocx, MATRIX_COLUMNS, WORD_MATRIX_COLUMNS, type MatrixRow } from '../../server/exchange'
import { wordCellText } from '../../server/exchange/MatrixRow'
import { entryText } from './helpers'

const rows: MatrixRow[] = [
  {
    section: '1. Antecedentes',
    paragraph: '3',
    quote: 'la migración irregular, masiva y desordenada',
    country: 'Guatemala',
    comment: 'Proponemos "ordenada", no "desordenada".\nVer también el párrafo 5, inciso b).',
    proposal: 'la migración irregular y masiva',
    justification: 'El adjetivo estigmatiza a las personas migrantes.',
    supporters: 'El Salvador, Honduras',
    decision: 'Aceptada',
    status: 'Incorporado',
    answer: 'Se acoge; véase la versión de noviembre.'
  },
  {
    section: '2. Objetivos',
    paragraph: 'b4k9x2m7q1z',
    quote: 'Niñas, niños y adolescentes',
    country: 'Panamá',
    comment: '=HYPERLINK("https://evil.example","clic")',
    proposal: '',
    justification: '',
    supporters: '',
    decision: '',
    status: 'Abierto',
    answer: ''
  }
]

describe('commentsToCsv', () => {
  const csv = commentsToCsv(rows)

  test('starts with a UTF-8 byte order mark, so Excel reads the accents', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
  })

  test('has a header row of Spanish column titles, or English ones on request', () => {
    expect(csv.slice(1, csv.indexOf('\r\n'))).toBe('Sección,Párrafo,Texto citado,País,Comentario,Propuesta de redacción,Justificación,Apoyada por,Decisión sobre la propuesta,Estado,Respuesta de la PPT')
    const english = commentsToCsv(rows, { language: 'en' })
    expect(english.slice(1, english.indexOf('\r\n'))).toBe('Section,Paragraph,Quoted text,Country,Comment,Proposed wording,Justification,Supported by,Decision on the proposal,Status,PPT answer')
  })

  test('quotes fields with commas, semicolons, quotes and line breaks, as RFC 4180 says and a semicolon locale needs, ending records in CRLF', () => {
    expect(csv).toContain(
      '1. Antecedentes,3,"la migración irregular, masiva y desordenada",Guatemala,"Proponemos ""ordenada"", no ""desordenada"".\nVer también el párrafo 5, inciso b).",la migración irregular y masiva,El adjetivo estigmatiza a las personas migrantes.,"El Salvador, Honduras",Aceptada,Incorporado,"Se acoge; véase la versión de noviembre."\r\n'
    )
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  test('reads back, in a CSV parser of its own, as the same rows with their accents', () => {
    const [header, ...records] = parse(csv, { bom: true }) as string[][]
    expect(header).toEqual(MATRIX_COLUMNS.map((c) => c.title.es))
    expect(records[0]).toEqual(MATRIX_COLUMNS.map((c) => rows[0]![c.key]))
    expect(records).toHaveLength(2)
  })

  test('defuses a field that a spreadsheet would run as a formula', () => {
    const [, , second] = parse(csv, { bom: true }) as string[][]
    expect(second![4]).toBe(`'=HYPERLINK("https://evil.example","clic")`)
  })

  test('separates fields with semicolons on request', () => {
    const [header] = parse(commentsToCsv(rows, { delimiter: ';' }), { bom: true, delimiter: ';' }) as string[][]
    expect(header).toHaveLength(MATRIX_COLUMNS.length)
  })

  test('writes only the header for no rows', () => {
    expect(commentsToCsv([]).split('\r\n')).toHaveLength(2)
  })
})

describe('commentsToDocx', () => {
  test('writes a real Word table with a repeated header row and one row per comment', async () => {
    const docx = await commentsToDocx(rows, { title: 'Estrategia regional', subtitle: 'Borrador octubre 2021', author: 'Presidencia Pro Tempore' })
    const xml = entryText(docx, 'word/document.xml')
    expect(xml.match(/<w:tbl>/g)).toHaveLength(1)
    expect(xml.match(/<w:tr>/g)).toHaveLength(3)
    expect(xml).toContain('<w:tblHeader/>')
    for (const title of WORD_MATRIX_COLUMNS.map((c) => c.title.es)) expect(xml).toContain(`>${title}</w:t>`)
    // The justification and the supporters, in the proposal's cell, titled.
    expect(xml).toContain('>Justificación: El adjetivo estigmatiza a las personas migrantes.</w:t>')
    expect(xml).toContain('>Apoyada por: El Salvador, Honduras</w:t>')
    expect(xml).toContain('<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>')
  })

  test('opens in mammoth as a table holding every field, line breaks and accents kept', async () => {
    const { value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(await commentsToDocx(rows, { title: 'Estrategia regional', author: 'Presidencia Pro Tempore' })) })
    expect(html).toContain('<h1>Matriz de comentarios — Estrategia regional</h1>')
    expect(html).toContain('<table>')
    expect(html.match(/<tr>/g)).toHaveLength(3)
    expect(html).toContain('<td><p>Proponemos "ordenada", no "desordenada".</p><p>Ver también el párrafo 5, inciso b).</p></td>')
    for (const text of ['Guatemala', 'Panamá', 'b4k9x2m7q1z', 'Se acoge; véase la versión de noviembre.']) expect(html).toContain(text)
  })
})

describe('commentsToDocx, for Word', () => {
  const long: MatrixRow = {
    section: 'Mecanismos de seguimiento',
    paragraph: '§ 128',
    quote: 'la interoperabilidad de los registros administrativos',
    country: 'Centroamérica',
    comment: 'Proponemos precisar el alcance, a la luz de la legislación nacional sobre protección de datos personales y confidencialidad.',
    proposal: 'la interoperabilidad voluntaria de los registros',
    justification: '',
    supporters: '',
    decision: 'Rechazada',
    status: 'Parcialmente incorporado',
    answer: 'Se acoge parcialmente.'
  }

  test('names the role that made it as the file’s creator and last editor', async () => {
    const docx = await commentsToDocx(rows, { title: 'Estrategia regional', author: 'Presidencia Pro Tempore' })
    const core = entryText(docx, 'docProps/core.xml')
    expect(core).toContain('<dc:creator>Presidencia Pro Tempore</dc:creator>')
    expect(core).toContain('<cp:lastModifiedBy>Presidencia Pro Tempore</cp:lastModifiedBy>')
  })

  test('sizes each column for its longest word, in a fixed layout filling a landscape page, so that no word is split', async () => {
    const all = [...rows, long]
    const xml = entryText(await commentsToDocx(all, { title: 'Estrategia regional', author: 'Presidencia Pro Tempore' }), 'word/document.xml')
    expect(xml).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"\/>/)
    expect(xml).toContain('<w:tblLayout w:type="fixed"/>')
    const margins = xml.match(/<w:pgMar w:top="\d+" w:right="(\d+)" w:bottom="\d+" w:left="(\d+)"/)
    const widths = [...xml.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]))
    expect(widths).toHaveLength(WORD_MATRIX_COLUMNS.length)
    expect(widths.reduce((a, b) => a + b, 0)).toBe(16838 - Number(margins?.[1]) - Number(margins?.[2]))
    // The table is in 10 pt: 5 pt a letter (most of Calibri's are narrower), plus Word's cell margins of 108 twips a side.
    expect(xml).toMatch(/<w:sz w:val="20"\/>/)
    WORD_MATRIX_COLUMNS.forEach(({ key, title }, i) => {
      const words = [title.es, ...all.map((row) => wordCellText(row, key, 'es'))].flatMap((text) => text.split(/\s+/))
      // A token over 24 letters, like the formula above, is split whatever the width.
      const longest = words.filter((w) => w.length <= 24).reduce((a, b) => (b.length > a.length ? b : a), '')
      expect(widths[i], `column ${title.es}, its longest word «${longest}»`).toBeGreaterThanOrEqual(longest.length * 100 + 216)
    })
    // The comment, the longest text, gets more room than the paragraph number.
    expect(widths[4]).toBeGreaterThan(2 * (widths[1] as number))
  })
})
