import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { diffToDocx, importDocx, importDocxReporting, importHtmlReporting, importMarkdown, serializeMarkdown, versionToDocx, versionToHtml } from '../../server/exchange'
import { diffDocuments } from '../../src'
import { entryText, handMadeDocxParts, para, resolveChanges, run, shape, zip } from './helpers'

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/word/${name}`, import.meta.url)))
const cells = (...rows: string[][]) => rows.map((r) => `<w:tr>${r.join('')}</w:tr>`).join('')
const tc = (text: string, props = '') => `<w:tc>${props ? `<w:tcPr>${props}</w:tcPr>` : ''}${para(null, run(text))}</w:tc>`
const P = (text: string) => `paragraph["${text}"]`
const cell = (text: string, attrs = 'colspan=1,rowspan=1') => `table_cell(${attrs})[${P(text)}]`

describe('tables, footnotes and pictures from Word', () => {
  test("mammoth's tables.docx keeps its table as a table, not one paragraph per cell", async () => {
    expect(shape(await importDocx(fixture('tables.docx')))).toBe(
      `doc[${P('Above')}, table[table_row[${cell('Top left')}, ${cell('Top right')}], table_row[${cell('Bottom left')}, ${cell('Bottom right')}]], ${P('Below')}]`
    )
  })

  test("mammoth's footnotes.docx keeps each note in its marker, without the link back", async () => {
    expect(shape(await importDocx(fixture('footnotes.docx')))).toBe(
      'doc[paragraph["Ouch", footnote[paragraph["A tachyon walks into a bar."]], ".", footnote[paragraph["Fin."]]]]'
    )
  })

  test('a table written by hand keeps its header row and its cells merged across columns (gridSpan) and down rows (vMerge)', async () => {
    const table =
      '<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>' +
      cells(
        [tc('Duración'), tc('Tema'), tc('Coordina')].map((c) => c),
        [tc('30 min'), tc('Apertura'), tc('PPT', '<w:vMerge w:val="restart"/>')],
        [tc('Diagnóstico regional', '<w:gridSpan w:val="2"/>'), tc('', '<w:vMerge/>')]
      ).replace('<w:tr>', '<w:tr><w:trPr><w:tblHeader/></w:trPr>') +
      '</w:tbl>'
    const doc = await importDocx(zip(handMadeDocxParts(para(null, run('Agenda')) + table)))
    expect(shape(doc)).toBe(
      `doc[${P('Agenda')}, table[` +
        `table_row[table_header(colspan=1,rowspan=1)[${P('Duración')}], table_header(colspan=1,rowspan=1)[${P('Tema')}], table_header(colspan=1,rowspan=1)[${P('Coordina')}]], ` +
        `table_row[${cell('30 min')}, ${cell('Apertura')}, ${cell('PPT', 'colspan=1,rowspan=2')}], ` +
        `table_row[${cell('Diagnóstico regional', 'colspan=2,rowspan=1')}]]]`
    )
  })

  test("mammoth's tiny-picture.docx, whose only content is a picture, is kept as that picture", async () => {
    const { doc, leftOut } = await importDocxReporting(fixture('tiny-picture.docx'))
    expect(leftOut).toEqual([])
    const picture = doc.firstChild?.firstChild
    expect(picture?.type.name).toBe('image')
    expect(picture?.attrs.src).toMatch(/^data:image\/png;base64,iVBORw0KGgo/)
  })

  test("mammoth's comments.docx imports its text (its comments are a markup upload's business)", async () => {
    expect(shape(await importDocx(fixture('comments.docx')))).toBe(`doc[${P('Ouch.')}]`)
  })
})

describe('tables, footnotes and pictures from HTML and Markdown', () => {
  test('HTML keeps tables and the footnotes of markdown-it and pandoc, and lists the pictures it leaves out', () => {
    const { doc, leftOut } = importHtmlReporting(
      '<p>Texto<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>.</p>' +
        '<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td colspan="2">ancha</td></tr></tbody></table>' +
        '<p><img src="https://example.org/x.png" alt="mapa"><img src="data:image/svg+xml;base64,PHN2Zz4="><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></p>' +
        '<hr class="footnotes-sep"><section class="footnotes"><ol class="footnotes-list"><li id="fn1" class="footnote-item"><p>La nota. <a href="#fnref1" class="footnote-backref">↩︎</a></p></li></ol></section>'
    )
    expect(shape(doc)).toBe(
      'doc[paragraph["Texto", footnote[paragraph["La nota."]], "."], ' +
        `table[table_row[table_header(colspan=1,rowspan=1)[${P('A')}], table_header(colspan=1,rowspan=1)[${P('B')}]], table_row[${cell('ancha', 'colspan=2,rowspan=1')}]], ` +
        'paragraph[image(src=data:image/gif;base64,R0lGODlhAQABAAAAACw=)]]'
    )
    expect(leftOut).toEqual([
      { what: 'image', reason: 'the picture "mapa" is linked, not part of the file; pictures are kept only when they are in the file' },
      { what: 'image', reason: 'a picture is image/svg+xml; only PNG, JPEG, GIF and WebP pictures are kept' }
    ])
  })

  test('Markdown reads GFM tables and footnotes, a note with two paragraphs included', () => {
    const doc = importMarkdown('Texto[^1] y otra[^n].\n\n| Duración | Tema |\n|---|---|\n| 30 min | **Apertura** |\n\n[^1]: Primera.\n[^n]: Segunda.\n\n    Con párrafo.\n')
    expect(shape(doc)).toBe(
      `doc[paragraph["Texto", footnote[${P('Primera.')}], " y otra", footnote[${P('Segunda.')}, ${P('Con párrafo.')}], "."], ` +
        `table[table_row[table_header(colspan=1,rowspan=1)[${P('Duración')}], table_header(colspan=1,rowspan=1)[${P('Tema')}]], ` +
        `table_row[${cell('30 min')}, table_cell(colspan=1,rowspan=1)[paragraph[strong"Apertura"]]]]]`
    )
  })
})

describe('tables and footnotes to Word', () => {
  const meta = { title: 'Nota conceptual', versionName: 'Borrador', createdAt: '2021-11-12', author: 'Presidencia Pro Tempore' }
  const agenda = (opening: string, note: string, extraRow = false) =>
    importMarkdown(
      `Agenda de la reunión[^1].\n\n| Duración | Tema | Coordina |\n|---|---|---|\n| 30 min | ${opening} | PPT |\n${extraRow ? '| 15 min | Cierre | SE |\n' : ''}\n[^1]: ${note}\n`
    )

  test('a version with a table and a footnote comes back from its Word file as the same table and footnote', async () => {
    const doc = agenda('Apertura', 'La delegación de Belice se reserva el orden del día.')
    const docx = await versionToDocx(doc, meta)
    expect(entryText(docx, 'word/document.xml')).toMatch(/<w:tbl>[\s\S]*<w:tblHeader\/>[\s\S]*<\/w:tbl>/)
    expect(entryText(docx, 'word/document.xml')).toContain('<w:footnoteReference w:id="1"/>')
    expect(entryText(docx, 'word/footnotes.xml')).toContain('La delegación de Belice se reserva el orden del día.')
    expect(shape(await importDocx(docx))).toBe(shape(doc))
  })

  test("mammoth's tables.docx and footnotes.docx survive .docx → Consenso → .docx → Consenso", async () => {
    for (const name of ['tables.docx', 'footnotes.docx']) {
      const doc = await importDocx(fixture(name))
      expect(shape(await importDocx(await versionToDocx(doc, meta)))).toBe(shape(doc))
    }
  })

  test('the redline tracks a changed cell and a changed note word by word, and an added row as inserted', async () => {
    const from = agenda('Apertura', 'Belice se reserva el orden.')
    const to = agenda('Apertura oficial', 'Belice se reserva todo el orden.', true)
    const diff = diffDocuments(from, to)
    const docx = await diffToDocx(diff, { title: 'Nota', fromName: 'A', toName: 'B', author: 'PPT' }, { versions: { from, to } })
    const body = entryText(docx, 'word/document.xml')
    // Inside a cell of a real table: the added word is a tracked insertion.
    expect(body).toMatch(/<w:tc>(?:(?!<\/w:tc>)[\s\S])*Apertura(?:(?!<\/w:tc>)[\s\S])*<w:ins [^>]*>(?:(?!<\/w:tc>)[\s\S])*oficial/)
    expect(body).toMatch(/<w:tc>(?:(?!<\/w:tc>)[\s\S])*<w:ins [^>]*>(?:(?!<\/w:tc>)[\s\S])*Cierre/)
    expect(entryText(docx, 'word/footnotes.xml')).toMatch(/<w:ins [^>]*>(?:(?!<\/w:p>)[\s\S])*todo/)
    // Accept all gives the newer table; reject all the older one.
    expect(shape(await importDocx(resolveChanges(docx, 'new')))).toBe(shape(to))
    const rejected = shape(await importDocx(resolveChanges(docx, 'old')))
    expect(rejected).toContain('[paragraph["Apertura"]]')
    // (The helper resolves document.xml only: the note's change is checked in footnotes.xml above.)
    expect(rejected).not.toMatch(/oficial|Cierre/)
    // All but the note's own change, which sits in footnotes.xml.
    expect(rejected.replace('reserva todo el', 'reserva el')).toBe(shape(from))
    // The added row is itself a tracked insertion: rejecting all leaves no empty row.
    expect(body).toMatch(/<w:trPr><w:ins [^>]*\/><\/w:trPr>(?:(?!<\/w:tr>)[\s\S])*Cierre/)
  })
})

describe('tables and footnotes to Markdown', () => {
  test('a GFM table and footnotes (one in a cell, one of two paragraphs) come back the same from their Markdown', () => {
    const source =
      'Texto[^1] y otra[^2].\n\n| Duración | Tema | Coordina |\n| --- | --- | --- |\n| 30 min | **Apertura** \\| inicio | PPT[^3] |\n\n' +
      '[^1]: La delegación se reserva.\n\n[^2]: Segunda nota.\n\n    Con párrafo.\n\n[^3]: En la celda.\n'
    const doc = importMarkdown(source)
    expect(serializeMarkdown(doc)).toBe(source)
    expect(shape(importMarkdown(serializeMarkdown(doc)))).toBe(shape(doc))
  })

  test("mammoth's footnotes.docx and a merged cell written as Markdown", async () => {
    expect(serializeMarkdown(await importDocx(fixture('footnotes.docx')))).toBe('Ouch[^1].[^2]\n\n[^1]: A tachyon walks into a bar.\n\n[^2]: Fin.\n')
    const { doc } = importHtmlReporting('<table><tr><th>A</th><th>B</th><th>C</th></tr><tr><td colspan="2">ancha</td><td rowspan="2">alta</td></tr><tr><td>x</td></tr></table>')
    expect(serializeMarkdown(doc)).toBe('| A | B | C |\n| --- | --- | --- |\n| ancha |  | alta |\n| x |  |  |\n')
  })
})

describe('pictures to Word', () => {
  test("mammoth's tiny-picture.docx keeps its picture through .docx → Consenso → .docx → Consenso", async () => {
    const doc = await importDocx(fixture('tiny-picture.docx'))
    const docx = await versionToDocx(doc, { title: 'Foto', versionName: 'Borrador', createdAt: '2021-11-12', author: 'Presidencia Pro Tempore' })
    expect(entryText(docx, 'word/document.xml')).toMatch(/<w:drawing>[\s\S]*<a:blip r:embed=/)
    const again = await importDocx(docx)
    expect(again.firstChild?.firstChild?.attrs.src).toBe(doc.firstChild?.firstChild?.attrs.src)
  })
})

describe('tables, footnotes and pictures to HTML', () => {
  test('a version as an HTML page keeps its table and numbers its notes as the web does, and reads back the same', async () => {
    const doc = importMarkdown('Texto[^1] y otra[^2].\n\n| Duración | Tema |\n| --- | --- |\n| 30 min | Apertura[^3] |\n\n[^1]: Primera.\n\n[^2]: Segunda.\n\n[^3]: En la celda.\n')
    const html = versionToHtml(doc, { title: 'Nota <conceptual>', versionName: 'Borrador', createdAt: '2021-11-22', author: 'PPT' })
    expect(html).toContain('<title>Nota &#60;conceptual&#62; — Borrador</title>')
    expect(html).toContain('<th><p>Duración</p></th>')
    expect(html).toContain('<p>Texto<sup><a id="fnref-1" href="#fn-1">1</a></sup> y otra<sup><a id="fnref-2" href="#fn-2">2</a></sup>.</p>')
    expect(html).toContain('<li id="fn-3"><p>En la celda. <a href="#fnref-3">↩</a></p></li>')
    expect(html).not.toContain('data-block-id')
    const back = importHtmlReporting(html)
    expect(shape(back.doc)).toBe(shape(doc))
  })
})
