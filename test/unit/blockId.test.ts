import { describe, expect, test } from 'vitest'
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state'
import { blockIdFixes, blockIdFixesWithin, createBlockId, schema, withBlockIds, type PositionRange } from '../../src'
import { blocks, counterIds, doc, h1, li, ol, p, quote, ul } from './builders'

describe('createBlockId', () => {
  test('makes ids of a "b" and ten letters or digits, different each time', () => {
    const ids = Array.from({ length: 1000 }, createBlockId)
    for (const id of ids) expect(id).toMatch(/^b[a-z0-9]{10}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('blockIdFixes', () => {
  for (const { name, doc: document, fixes } of [
    {
      name: 'a document whose blocks all have distinct ids needs nothing',
      doc: doc(h1({ id: 'a' }, 'Título'), p({ id: 'b' }, 'Texto'), ul({ id: 'c' }, li({ id: 'd' }, p({ id: 'e' }, 'uno')))),
      fixes: []
    },
    {
      name: 'blocks without an id get one, at their position',
      doc: doc(p({ id: 'a' }, 'uno'), p('dos'), p({ id: 'c' }, 'tres')),
      fixes: [{ pos: 5, id: 'n1' }]
    },
    {
      name: 'nested blocks without ids all get one, outer first',
      doc: doc(quote(p('citado'))),
      fixes: [
        { pos: 0, id: 'n1' },
        { pos: 1, id: 'n2' }
      ]
    },
    {
      name: 'of two blocks sharing an id, the one with more text keeps it',
      doc: doc(p({ id: 'x' }, ''), p({ id: 'x' }, 'el texto del párrafo')),
      fixes: [{ pos: 0, id: 'n1' }]
    },
    {
      name: 'the longer block keeps the id even when it comes first',
      doc: doc(p({ id: 'x' }, 'el texto del párrafo'), p({ id: 'x' }, 'fin')),
      fixes: [{ pos: 22, id: 'n1' }]
    },
    {
      name: 'of duplicates with equal text the first keeps the id',
      doc: doc(p({ id: 'x' }, 'abc'), p({ id: 'x' }, 'def'), p({ id: 'x' }, 'ghi')),
      fixes: [
        { pos: 5, id: 'n1' },
        { pos: 10, id: 'n2' }
      ]
    },
    {
      name: 'duplicates are found across nesting levels',
      doc: doc(p({ id: 'x' }, 'uno'), ol({ id: 'l' }, li({ id: 'i' }, p({ id: 'x' }, 'un párrafo más largo')))),
      fixes: [{ pos: 0, id: 'n1' }]
    }
  ]) {
    test(name, () => {
        expect(blockIdFixes(document, counterIds())).toEqual(fixes)
    })
  }
})

// The ranges of the final document that a transaction changed, as the editor's block id plugin collects them.
function changed(tr: Transaction): PositionRange[] {
  let ranges: PositionRange[] = []
  for (const map of tr.mapping.maps) {
    ranges = ranges.map((r) => ({ from: map.map(r.from, -1), to: map.map(r.to, 1) }))
    map.forEach((_a, _b, from, to) => ranges.push({ from, to }))
  }
  return ranges
}

describe('blockIdFixesWithin', () => {
  const base = () =>
    doc(
      h1({ id: 'a' }, 'Título'),
      p({ id: 'b' }, 'Primer párrafo del texto'),
      ul({ id: 'c' }, li({ id: 'd' }, p({ id: 'e' }, 'uno')), li({ id: 'f' }, p({ id: 'g' }, 'dos'))),
      p({ id: 'h' }, 'Último párrafo')
    )
  const at = (text: string) => {
    let found = -1
    base().descendants((node, pos) => {
      if (found < 0 && node.isText && node.text?.includes(text)) found = pos + (node.text?.indexOf(text) ?? 0)
      return found < 0
    })
    return found
  }
  for (const { name, fixes, edit } of [
    { name: 'typing inside a paragraph', fixes: false, edit: (tr: Transaction) => tr.insertText('xyz', at('párrafo del') + 3) },
    { name: 'splitting a paragraph in the middle', fixes: true, edit: (tr: Transaction) => tr.split(at('del texto')) },
    { name: 'splitting a paragraph at its start', fixes: true, edit: (tr: Transaction) => tr.split(at('Primer')) },
    { name: 'splitting a list item', fixes: true, edit: (tr: Transaction) => tr.split(at('dos') + 1, 2) },
    { name: 'joining two paragraphs', fixes: false, edit: (tr: Transaction) => tr.join(at('Primer') - 1) },
    { name: 'inserting a paragraph without an id', fixes: true, edit: (tr: Transaction) => tr.insert(0, schema.nodes.paragraph.create(null, schema.text('nuevo'))) },
    {
      name: 'pasting a copy of a block far from it',
      fixes: true,
      edit: (tr: Transaction) => tr.insert(tr.doc.content.size, schema.nodes.paragraph.create({ id: 'b' }, schema.text('copia')))
    },
    { name: 'deleting across blocks', fixes: false, edit: (tr: Transaction) => tr.delete(at('texto'), at('Último') + 3) }
  ]) {
    test(`finds what blockIdFixes finds after ${name}${fixes ? ', which needs fixes' : ''}`, () => {
      const state = EditorState.create({ schema, doc: base() })
      const tr = edit(state.tr.setSelection(TextSelection.create(state.doc, 1)))
      const expected = blockIdFixes(tr.doc, counterIds())
      expect(blockIdFixesWithin(tr.doc, changed(tr), counterIds())).toEqual(expected)
      expect(expected.length > 0).toBe(fixes)
    })
  }

  test('checks only the blocks the ranges touch', () => {
    const document = doc(p('sin id'), p({ id: 'x' }, 'uno'), p({ id: 'y' }, 'dos'))
    expect(blockIdFixesWithin(document, [{ from: 10, to: 11 }], counterIds())).toEqual([])
    expect(blockIdFixesWithin(document, [{ from: 2, to: 3 }], counterIds())).toEqual([{ pos: 0, id: 'n1' }])
  })
})

describe('withBlockIds', () => {
  const cases = [
    { name: 'blocks without ids', doc: doc(p('uno'), h1('dos'), ul(li(p('tres')), li(p('cuatro')))) },
    { name: 'duplicated ids', doc: doc(p({ id: 'x' }, 'a'), p({ id: 'x' }, 'bb'), p({ id: 'x' }, 'c')) },
    {
      name: 'duplicates and gaps deep in lists and quotes',
      doc: doc(
        quote({ id: 'q' }, p({ id: 'x' }, 'cita'), ul(li({ id: 'i' }, p({ id: 'x' }, 'más texto aquí')))),
        ol({ id: 'q' }, li({ id: 'i' }, p('x')), li(p({ id: 'x' }, '')))
      )
    }
  ]

  for (const { name, doc: document } of cases) {
    test(`gives every block a unique id in a document with ${name}`, () => {
      const fixed = withBlockIds(document)
      const ids = blocks(fixed).map(([, id]) => id)
      expect(ids.every((id) => typeof id === 'string' && id !== '')).toBe(true)
      expect(new Set(ids).size).toBe(ids.length)
      expect(blockIdFixes(fixed)).toEqual([])
    })
  }

  for (const { name, doc: document } of cases) {
    test(`changes only the ids that need fixing in a document with ${name}`, () => {
      const fixes = new Map(blockIdFixes(document, counterIds()).map((f) => [f.pos, f.id]))
      const fixed = withBlockIds(document, counterIds())
      // Same structure and text, block for block.
      expect(blocks(fixed).map(([type, , text]) => [type, text])).toEqual(blocks(document).map(([type, , text]) => [type, text]))
      expect(fixed.textContent).toBe(document.textContent)
      document.descendants((node, pos) => {
        if (!('id' in node.attrs)) return true
        expect(fixed.nodeAt(pos)?.attrs.id, `block at ${pos}`).toBe(fixes.get(pos) ?? node.attrs.id)
        return true
      })
    })
  }

  test('returns the same document when nothing needs fixing', () => {
    const done = doc(p({ id: 'a' }, 'uno'), p({ id: 'b' }, 'dos'))
    expect(withBlockIds(done)).toBe(done)
  })

  test('keeps marks and hard breaks', () => {
    const original = doc(
      p(schema.text('negrita', [schema.marks.strong.create()]), schema.nodes.hard_break.create(), schema.text('fin'))
    )
    const fixed = withBlockIds(original, counterIds())
    expect(fixed.firstChild?.content.eq(original.firstChild?.content ?? fixed.content)).toBe(true)
    expect(fixed.firstChild?.attrs.id).toBe('n1')
  })
})
