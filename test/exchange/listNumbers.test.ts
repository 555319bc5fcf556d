/**
 * Word's list numbers through importDocx: a list that starts at 5, one that
 * goes on after an unnumbered paragraph, restarts, nested lists, numbered
 * headings and tables in between, and the files whose numbering is not read
 * (every list then starts at 1, as mammoth alone reads it).
 */
import { describe, expect, test } from 'vitest'
import { importDocx, versionToDocx } from '../../server/exchange'
import { parseMarkdown } from '../../src'
import { handMadeDocxParts, item, para, run, shape, zip } from './helpers'

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'

/** A level of a numbering definition; no `start` leaves w:start out. */
const level = (ilvl: number, format: string, start?: number | string) =>
  `<w:lvl w:ilvl="${ilvl}">${start === undefined ? '' : `<w:start w:val="${start}"/>`}<w:numFmt w:val="${format}"/><w:lvlText w:val="%${ilvl + 1}."/></w:lvl>`
const definition = (id: number, ...levels: string[]) => `<w:abstractNum w:abstractNumId="${id}">${levels.join('')}</w:abstractNum>`
/** A numbering instance, with the start it gives some levels. */
const instance = (numId: number, abstractId: number, startOverrides: Record<number, number> = {}) =>
  `<w:num w:numId="${numId}"><w:abstractNumId w:val="${abstractId}"/>${Object.entries(startOverrides)
    .map(([ilvl, start]) => `<w:lvlOverride w:ilvl="${ilvl}"><w:startOverride w:val="${start}"/></w:lvlOverride>`)
    .join('')}</w:num>`
const numbering = (...elements: string[]) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="${W}">${elements.join('')}</w:numbering>`

/** Definition 1: decimal from 1, letters below. Instance 2 numbers by it; instance 1 is a bullet list. */
const DECIMAL = [
  definition(0, level(0, 'bullet', 1), level(1, 'bullet', 1)),
  definition(1, level(0, 'decimal', 1), level(1, 'lowerLetter', 1)),
  instance(1, 0),
  instance(2, 1)
]

const docx = (body: string, numberingXml = numbering(...DECIMAL)) => zip({ ...handMadeDocxParts(body), 'word/numbering.xml': numberingXml })
const imported = async (bytes: Uint8Array) => shape(await importDocx(bytes))

const li = (...texts: string[]) => texts.map((text) => `list_item[paragraph["${text}"]]`).join(', ')
const ol = (order: number, items: string) => `ordered_list(order=${order})[${items}]`
const p = (text: string) => `paragraph["${text}"]`
const doc = (...blocks: string[]) => `doc[${blocks.join(', ')}]`
const items = (numId: number, ...texts: string[]) => texts.map((text) => item(numId, 0, run(text))).join('')

describe('importDocx keeps the numbers of ordered lists', () => {
  test('a list that starts at 5 starts at 5', async () => {
    const numbers = numbering(definition(1, level(0, 'decimal', 5)), instance(2, 1))
    expect(await imported(docx(items(2, 'cinco', 'seis'), numbers))).toBe(doc(ol(5, li('cinco', 'seis'))))
  })

  test('a list that goes on after an unnumbered paragraph goes on where it was', async () => {
    const body = items(2, 'uno', 'dos', 'tres') + para(null, run('Texto')) + items(2, 'cuatro', 'cinco')
    expect(await imported(docx(body))).toBe(doc(ol(1, li('uno', 'dos', 'tres')), p('Texto'), ol(4, li('cuatro', 'cinco'))))
  })

  test('another instance of the same definition, without a start of its own, goes on counting', async () => {
    const numbers = numbering(...DECIMAL, instance(4, 1))
    const body = items(2, 'uno', 'dos') + para(null, run('Texto')) + items(4, 'tres')
    expect(await imported(docx(body, numbers))).toBe(doc(ol(1, li('uno', 'dos')), p('Texto'), ol(3, li('tres'))))
  })

  test('a list restarted with a new instance and a start override starts at the override', async () => {
    const numbers = numbering(...DECIMAL, instance(3, 1, { 0: 1 }), instance(4, 1, { 0: 7 }))
    const body = items(2, 'uno', 'dos') + para(null, run('Texto')) + items(3, 'otra vez uno', 'otra vez dos') + para(null, run('Más')) + items(4, 'siete')
    expect(await imported(docx(body, numbers))).toBe(
      doc(ol(1, li('uno', 'dos')), p('Texto'), ol(1, li('otra vez uno', 'otra vez dos')), p('Más'), ol(7, li('siete')))
    )
  })

  test('a restarted list right after another one, which mammoth joins to it, is cut off from it', async () => {
    const numbers = numbering(...DECIMAL, instance(3, 1, { 0: 1 }))
    expect(await imported(docx(items(2, 'uno', 'dos') + items(3, 'uno bis', 'dos bis'), numbers))).toBe(
      doc(ol(1, li('uno', 'dos')), ol(1, li('uno bis', 'dos bis')))
    )
  })

  test('a list interrupted by an empty paragraph, which mammoth joins again, keeps numbering on', async () => {
    const body = items(2, 'uno', 'dos') + para(null) + items(2, 'tres')
    expect(await imported(docx(body))).toBe(doc(ol(1, li('uno', 'dos', 'tres'))))
  })

  test('an empty numbered paragraph, which mammoth drops, keeps its number: the list is cut where it was', async () => {
    const body = items(2, 'uno') + item(2, 0) + items(2, 'tres')
    expect(await imported(docx(body))).toBe(doc(ol(1, li('uno')), ol(3, li('tres'))))
  })

  test('nested lists start where their own level starts, under every item, whatever the outer list starts at', async () => {
    const numbers = numbering(
      definition(1, level(0, 'decimal', 5), level(1, 'lowerLetter', 1)),
      definition(3, level(0, 'decimal', 1), level(1, 'decimal', 3)),
      instance(2, 1),
      instance(5, 3)
    )
    const nested = (numId: number, parent: string, ...children: string[]) =>
      item(numId, 0, run(parent)) + children.map((child) => item(numId, 1, run(child))).join('')
    const body = nested(2, 'cinco', 'a', 'b') + nested(2, 'seis', 'a bis') + para(null, run('Texto')) + nested(5, 'uno', 'tres', 'cuatro')
    const withList = (text: string, list: string) => `list_item[paragraph["${text}"], ${list}]`
    expect(await imported(docx(body, numbers))).toBe(
      doc(
        ol(5, [withList('cinco', ol(1, li('a', 'b'))), withList('seis', ol(1, li('a bis')))].join(', ')),
        p('Texto'),
        ol(1, withList('uno', ol(3, li('tres', 'cuatro'))))
      )
    )
  })

  test('a nested item right after a paragraph, which mammoth puts in a bullet list of its own, leaves the count alone', async () => {
    const body = items(2, 'uno', 'dos') + para(null, run('Texto')) + item(2, 1, run('a')) + items(2, 'tres')
    expect(await imported(docx(body))).toBe(
      doc(ol(1, li('uno', 'dos')), p('Texto'), 'bullet_list[list_item[paragraph]]', ol(1, li('a')), ol(3, li('tres')))
    )
  })

  test('a list that opens with a nested item has used its first number: the next outer item is the second', async () => {
    expect(await imported(docx(item(2, 1, run('a')) + items(2, 'dos')))).toBe(doc('bullet_list[list_item[paragraph]]', ol(1, li('a')), ol(2, li('dos'))))
  })

  test('numbered headings and a table count in the numbering, as in Word', async () => {
    const heading = `<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr>${run('Antecedentes')}</w:p>`
    const table = `<w:tbl><w:tr><w:tc>${items(2, 'en la tabla')}</w:tc></w:tr></w:tbl>`
    const body = heading + items(2, 'dos', 'tres') + table + items(2, 'cinco')
    // The table stays a table, the list inside its cell.
    expect(await imported(docx(body))).toBe(
      doc('heading(level=1)["Antecedentes"]', ol(2, li('dos', 'tres')), `table[table_row[table_cell(colspan=1,rowspan=1)[${ol(4, li('en la tabla'))}]]]`, ol(5, li('cinco')))
    )
  })

  test('a level without w:start counts from 0, as ECMA-376 says (and LibreOffice shows)', async () => {
    const numbers = numbering(definition(1, level(0, 'decimal')), instance(2, 1))
    expect(await imported(docx(items(2, 'cero', 'uno'), numbers))).toBe(doc(ol(0, li('cero', 'uno'))))
  })

  test('footnotes, which mammoth writes as a list of their own, take no number from the text', async () => {
    const parts = handMadeDocxParts(item(2, 0, run('cinco'), '<w:r><w:footnoteReference w:id="1"/></w:r>') + items(2, 'seis'))
    parts['word/numbering.xml'] = numbering(definition(1, level(0, 'decimal', 5)), instance(2, 1))
    parts['word/footnotes.xml'] = `<w:footnotes xmlns:w="${W}"><w:footnote w:id="1"><w:p>${run('Nota.')}</w:p></w:footnote></w:footnotes>`
    parts['word/_rels/document.xml.rels'] = parts['word/_rels/document.xml.rels']!.replace(
      '</Relationships>',
      '<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>'
    )
    // The note goes back into its marker: the list of notes is gone, and the text's numbers stand.
    expect(await imported(zip(parts))).toBe('doc[ordered_list(order=5)[list_item[paragraph["cinco", footnote[paragraph["Nota."]]]], list_item[paragraph["seis"]]]]')
  })
})

describe('importDocx leaves every list at 1 when it cannot read their numbers', () => {
  const startsAtFive = numbering(definition(1, level(0, 'decimal', 5)), instance(2, 1))

  test('a file without numbering.xml has no lists at all, and imports', async () => {
    const { 'word/numbering.xml': _, ...parts } = handMadeDocxParts(items(2, 'uno', 'dos'))
    parts['word/_rels/document.xml.rels'] = parts['word/_rels/document.xml.rels']!.replace(/<Relationship Id="rId2"[^>]*\/>/, '')
    expect(await imported(zip(parts))).toBe(doc(p('uno'), p('dos')))
  })

  test('a start that is not a number', async () => {
    const numbers = numbering(definition(1, level(0, 'decimal', 'cinco')), instance(2, 1))
    expect(await imported(docx(items(2, 'uno', 'dos'), numbers))).toBe(doc(ol(1, li('uno', 'dos'))))
  })

  test('a numbering part with a DOCTYPE, which no Word part has, is not read', async () => {
    const withDoctype = startsAtFive.replace('<w:numbering', '<!DOCTYPE w:numbering><w:numbering')
    expect(await imported(docx(items(2, 'uno', 'dos'), withDoctype))).toBe(doc(ol(1, li('uno', 'dos'))))
  })

  test('a numbered paragraph mammoth drops and Word numbers: the items do not line up, no list is misnumbered', async () => {
    // mammoth leaves out a symbol of a font it does not know, and so the
    // paragraph, which this reader counts as an item: one item more than <li>s.
    const body = items(2, 'cinco') + item(2, 0, '<w:r><w:sym w:font="Desconocida" w:char="F021"/></w:r>') + para(null, run('Texto')) + items(2, 'siete')
    expect(await imported(docx(body, startsAtFive))).toBe(doc(ol(1, li('cinco')), p('Texto'), ol(1, li('siete'))))
  })

  test('a numbering part that is not XML is refused as before, with ImportError malformed', async () => {
    await expect(importDocx(docx(items(2, 'uno'), '<w:numbering><<<'))).rejects.toMatchObject({ name: 'ImportError', failure: 'malformed' })
  })
})

describe('versionToDocx and importDocx', () => {
  const meta = { title: 'Estrategia regional', versionName: 'Borrador', createdAt: '2021-10-01', author: 'Presidencia Pro Tempore' }

  test('an ordered list starting at 3 comes back starting at 3', async () => {
    const version = parseMarkdown('Párrafo.\n\n3. tres\n4. cuatro\n')
    expect(await imported(await versionToDocx(version, meta))).toBe(shape(version))
  })

  test('lists that go on, restart, or nest under bullets come back as they were', async () => {
    const version = parseMarkdown('1. uno\n2. dos\n\nPárrafo.\n\n3. tres\n\nOtro párrafo.\n\n1. otra vez uno\n\n- a\n  1. x\n  2. y\n- b\n  1. z\n')
    expect(await imported(await versionToDocx(version, meta))).toBe(shape(version))
  })
})
