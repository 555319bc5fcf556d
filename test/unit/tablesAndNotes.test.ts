import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { DOMSerializer, DOMParser } from 'prosemirror-model'
import { parseHTML } from 'linkedom'
import {
  anchorFromQuote,
  blocksOf,
  diffDocuments,
  encodeContent,
  readContent,
  resolveAnchor,
  schema,
  textBlocks,
  withBlockIds
} from '../../src'
import { doc, note, p, table, td, th, tr } from './builders'

const agenda = () =>
  withBlockIds(
    doc(
      p('Agenda de la reunión', note(p('La delegación de Belice se reserva el orden del día.'))),
      table(
        tr(th(p('Duración')), th(p('Tema')), th(p('Coordina'))),
        tr(td(p('30 min')), td(p('Apertura')), td({ rowspan: 2 }, p('PPT'))),
        tr(td({ colspan: 2 }, p('Presentación del diagnóstico regional')))
      )
    )
  )

describe('tables and footnotes in the schema', () => {
  test('a table with header cells and merged cells and a footnote survive a round trip through the DOM', () => {
    const original = agenda()
    const { document } = parseHTML('<!doctype html><html><body></body></html>')
    const container = document.createElement('div')
    container.append(DOMSerializer.fromSchema(schema).serializeFragment(original.content, { document: document as unknown as Document }))
    expect(container.innerHTML).toContain('<td rowspan="2">')
    expect(container.innerHTML).toContain('class="footnote" data-footnote=""><p')
    const back = DOMParser.fromSchema(schema).parse(container as unknown as Node)
    expect(back.toJSON()).toEqual(original.toJSON())
  })

  test('the blocks of a document take a footnote just after the block that cites it, and cells row by row', () => {
    expect(blocksOf(agenda()).map((b) => b.text)).toEqual([
      'Agenda de la reunión',
      'La delegación de Belice se reserva el orden del día.',
      'Duración',
      'Tema',
      'Coordina',
      '30 min',
      'Apertura',
      'PPT',
      'Presentación del diagnóstico regional'
    ])
  })

  test('a comment anchors inside a table cell and inside a note, in the live Y.Doc as in the version', () => {
    const original = agenda()
    const ydoc = new Y.Doc()
    Y.applyUpdate(ydoc, encodeContent(original))
    expect(textBlocks(ydoc).map((b) => b.text)).toEqual(blocksOf(original).map((b) => b.text))
    for (const exact of ['diagnóstico', 'se reserva', 'reunión']) {
      const placed = anchorFromQuote(ydoc, { type: 'TextQuoteSelector', exact })
      if (!('anchor' in placed)) throw new Error(placed.failed)
      expect(resolveAnchor(ydoc, placed.anchor)).toMatchObject({ detached: false, text: exact })
      expect(placed.anchor.quote).toBe(exact)
    }
    expect(readContent(ydoc).toJSON()).toEqual(original.toJSON())
  })

  test('the diff reports a changed cell and a changed note word by word', () => {
    const before = agenda()
    const json = before.toJSON() as { content: Array<{ content: unknown[] }> }
    const after = schema.nodeFromJSON(
      JSON.parse(
        JSON.stringify(json)
          .replace('Apertura', 'Apertura oficial')
          .replace('se reserva el orden', 'se reserva todo el orden')
      )
    )
    const changed = diffDocuments(before, after).blocks.filter((b) => b.op === 'changed')
    expect(changed.map((b) => [b.oldText, b.newText])).toEqual([
      ['La delegación de Belice se reserva el orden del día.', 'La delegación de Belice se reserva todo el orden del día.'],
      ['Apertura', 'Apertura oficial']
    ])
    expect(changed[1]!.runs?.filter((r) => r.op === 'insert').map((r) => r.text.trim())).toEqual(['oficial'])
  })

  test('the diff says which cell changed, which row was added and which note changed', () => {
    const before = agenda()
    const row = tr(td(p('15 min')), td(p('Cierre')), td(p('SE')))
    const json = JSON.parse(JSON.stringify(before.toJSON()).replace('Apertura', 'Apertura oficial').replace('se reserva el', 'se reserva todo el'))
    json.content[1].content.push(row.toJSON())
    const after = schema.nodeFromJSON(json)
    const changes = diffDocuments(before, after).blocks.filter((b) => b.op !== 'equal')
    expect(changes.map((b) => [b.op, b.newText, b.container])).toEqual([
      ['changed', 'La delegación de Belice se reserva todo el orden del día.', { kind: 'note', note: 1 }],
      ['changed', 'Apertura oficial', { kind: 'cell', table: 1, row: 2, column: 2, header: false }],
      ['inserted', '15 min', { kind: 'cell', table: 1, row: 4, column: 1, header: false }],
      ['inserted', 'Cierre', { kind: 'cell', table: 1, row: 4, column: 2, header: false }],
      ['inserted', 'SE', { kind: 'cell', table: 1, row: 4, column: 3, header: false }]
    ])
    // Blocks of the running text say nothing of a container.
    expect(diffDocuments(before, after).blocks[0]).not.toHaveProperty('container')
  })
})

describe('pictures in the text', () => {
  test('a picture has no text: a passage after it anchors at the same offsets in the live Y.Doc as in the version', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo='
    const original = withBlockIds(doc(p('Mapa ', schema.node('image', { src: png, alt: 'mapa' }), ' de rutas migratorias')))
    const ydoc = new Y.Doc()
    Y.applyUpdate(ydoc, encodeContent(original))
    expect(textBlocks(ydoc).map((b) => b.text)).toEqual(blocksOf(original).map((b) => b.text))
    expect(blocksOf(original)[0]?.text).toBe('Mapa  de rutas migratorias')
    const placed = anchorFromQuote(ydoc, { type: 'TextQuoteSelector', exact: 'rutas' })
    if (!('anchor' in placed)) throw new Error(placed.failed)
    expect(resolveAnchor(ydoc, placed.anchor)).toMatchObject({ detached: false, from: 9, to: 14, text: 'rutas' })
  })
})
