import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import {
  addOption,
  anchorFromQuote,
  bracketCountryOf,
  chooseOption,
  crosses,
  diffBrackets,
  encodeContent,
  holdBracket,
  liftBracket,
  mayPlaceBrackets,
  parseMarkdown,
  readContent,
  removeBracket,
  replacePassage,
  resolveAnchor,
  supportOption,
  withdrawSupport,
  withBlockIds,
  withBracketMarks,
  type Account,
  type Anchor,
  type Author,
  type Bracket,
  type BracketChange,
  type BracketId,
  type BracketOption,
  type DocumentId,
  type OptionId,
  type Username
} from '../../src'
import { findQuote } from '../support'

const PPT: Author = { username: 'ppt' as Username, name: 'Presidencia', role: 'ppt', country: null }
const AT = '2021-11-12T15:00:00.000Z'

function build(markdown: string): Y.Doc {
  const ydoc = new Y.Doc()
  Y.applyUpdate(ydoc, encodeContent(withBlockIds(parseMarkdown(markdown))))
  return ydoc
}

function anchorOf(ydoc: Y.Doc, exact: string): Anchor {
  const placed = anchorFromQuote(ydoc, { type: 'TextQuoteSelector', exact })
  if ('failed' in placed) throw new Error(placed.failed)
  return placed.anchor
}

function bracket(more: Partial<Bracket> = {}): Bracket {
  return {
    id: 'b1' as BracketId,
    documentId: 'doc' as DocumentId,
    anchor: { blockId: 'x' as Anchor['blockId'], start: null, end: null, quote: 'q' },
    reason: 'Sin acuerdo',
    holders: [],
    placedBy: PPT,
    placedAt: AT,
    options: [],
    discarded: [],
    chosen: null,
    removed: null,
    ...more
  }
}

const option = (id: string, text: string, supporters: BracketOption['supporters'] = []): BracketOption => ({
  id: id as OptionId,
  text,
  supporters,
  addedBy: PPT,
  addedAt: AT
})

/** The bracket a change made; fails the test if it was refused. */
function changed(change: BracketChange): Bracket {
  if ('failed' in change) throw new Error(`refused: ${change.failed}`)
  return change.bracket
}

describe('Holding and lifting', () => {
  test('A country holds a bracket once, in the order it asked, and lifts only its own hold.', () => {
    const held = changed(holdBracket(changed(holdBracket(bracket(), 'MX')), 'GT'))
    expect(held.holders).toEqual(['MX', 'GT'])
    expect(holdBracket(held, 'MX')).toEqual({ bracket: held })
    expect(changed(liftBracket(held, 'MX')).holders).toEqual(['GT'])
    expect(liftBracket(held, 'HN')).toEqual({ failed: 'HN does not hold this bracket' })
  })

  test('A bracket is removed only once no country holds it, and only once.', () => {
    expect(removeBracket(bracket({ holders: ['MX', 'GT'] }), PPT, AT)).toEqual({ failed: 'the bracket is still held by MX, GT' })
    const removed = changed(removeBracket(bracket(), PPT, AT))
    expect(removed.removed).toEqual({ by: PPT, at: AT })
    expect(removeBracket(removed, PPT, AT)).toMatchObject({ failed: expect.stringMatching(/already removed/) })
    expect(holdBracket(removed, 'MX')).toMatchObject({ failed: expect.stringMatching(/removed/) })
  })

  test.each([
    ['ppt', null, true, null],
    ['secretariat', null, true, null],
    ['delegate', 'SV', false, 'SV'],
    ['reviewer', null, false, null],
    ['observer', null, false, null]
  ] as const)('The %s role (country %s) places brackets: %s; holds and supports for: %s.', (role, country, places, holdsFor) => {
    const account: Account = { username: 'u' as Username, name: 'U', role, country }
    expect(mayPlaceBrackets(role)).toBe(places)
    expect(bracketCountryOf(account)).toBe(holdsFor)
  })
})

describe('Options', () => {
  const two = bracket({ options: [option('o1', 'Opción 1'), option('o2', 'Opción 2')] })

  test('A country supports one option of a bracket: supporting another moves its support.', () => {
    const gt = changed(supportOption(two, 'o1', 'GT'))
    const moved = changed(supportOption(changed(supportOption(gt, 'o1', 'HN')), 'o2', 'GT'))
    expect(moved.options.map((o) => [o.id, o.supporters])).toEqual([
      ['o1', ['HN']],
      ['o2', ['GT']]
    ])
    expect(supportOption(moved, 'o2', 'GT')).toEqual({ bracket: moved })
  })

  test('Support is withdrawn only by a country that gave it; an unknown option is missing.', () => {
    const gt = changed(supportOption(two, 'o1', 'GT'))
    expect(changed(withdrawSupport(gt, 'o1', 'GT')).options[0]?.supporters).toEqual([])
    expect(withdrawSupport(gt, 'o1', 'HN')).toEqual({ failed: 'HN does not support this option' })
    expect(supportOption(gt, 'o9', 'HN')).toEqual({ failed: 'no option o9 in this bracket', missing: true })
  })

  test('Choosing keeps the chosen option, sets the others aside with their supporters, and closes the options.', () => {
    const supported = changed(supportOption(two, 'o2', 'PA'))
    const anchor = { ...supported.anchor, quote: 'Opción 1' }
    const chosen = changed(chooseOption(supported, 'o1', { by: PPT, at: AT, replaced: 'texto' }, anchor))
    expect(chosen.options.map((o) => o.id)).toEqual(['o1'])
    expect(chosen.discarded).toEqual([option('o2', 'Opción 2', ['PA'])])
    expect(chosen.chosen).toEqual({ optionId: 'o1', by: PPT, at: AT, replaced: 'texto' })
    expect(chosen.anchor).toBe(anchor)
    expect(addOption(chosen, option('o3', 'Opción 3'))).toMatchObject({ failed: expect.stringMatching(/already chosen/) })
    expect(supportOption(chosen, 'o1', 'GT')).toMatchObject({ failed: expect.stringMatching(/already chosen/) })
  })
})

describe('Passages', () => {
  test.each([
    ['the same passage', false, [0, 10], [0, 10]],
    ['one inside the other', false, [0, 20], [5, 10]],
    ['sharing an edge', false, [0, 10], [10, 20]],
    ['overlapping', true, [0, 10], [5, 15]],
    ['overlapping the other way', true, [5, 15], [0, 10]]
  ] as const)('Two brackets on %s cross: %s.', (_what, expected, [aFrom, aTo], [bFrom, bTo]) => {
    expect(crosses({ blockId: 'p', from: aFrom, to: aTo }, { blockId: 'p', from: bFrom, to: bTo })).toBe(expected)
    expect(crosses({ blockId: 'p', from: aFrom, to: aTo }, { blockId: 'q', from: bFrom, to: bTo })).toBe(false)
  })

  test('A bracket and the bracket nested in it both follow an edit before them and an edit inside them.', () => {
    const ydoc = build('Los Países Miembros acuerdan fortalecer la cooperación regional en materia migratoria.')
    const outer = anchorOf(ydoc, 'fortalecer la cooperación regional')
    const inner = anchorOf(ydoc, 'cooperación')
    const { text, index } = findQuote(ydoc, 'Los Países')
    text.insert(index, 'Considerando lo anterior, ')
    const at = findQuote(ydoc, 'cooperación')
    at.text.insert(at.index + 'cooperación'.length, ' técnica')
    const outerNow = resolveAnchor(ydoc, outer)
    const innerNow = resolveAnchor(ydoc, inner)
    expect(outerNow).toMatchObject({ detached: false, text: 'fortalecer la cooperación técnica regional' })
    expect(innerNow).toMatchObject({ detached: false, text: 'cooperación' })
    if (outerNow.detached || innerNow.detached) return
    expect(crosses(outerNow, innerNow)).toBe(false)
  })

  test("Choosing an option as the server does puts the option's text where the passage was, and the bracket then quotes it.", () => {
    const ydoc = build('Los Estados [podrán] adoptar medidas.')
    const anchor = anchorOf(ydoc, 'podrán')
    const replaced = replacePassage(ydoc, anchor, 'deberán', 'test')
    if ('failed' in replaced) throw new Error(replaced.failed)
    const chosen = changed(chooseOption(bracket({ anchor, options: [option('o1', 'deberán')] }), 'o1', { by: PPT, at: AT, replaced: 'podrán' }, replaced.anchor))
    expect(resolveAnchor(ydoc, chosen.anchor)).toMatchObject({ detached: false, text: 'deberán' })
  })
})

describe('Comparing and writing out', () => {
  const frozen = (id: string, quote: string, holders: Bracket['holders'], more: Partial<Bracket> = {}) => ({
    id: id as BracketId,
    quote,
    holders,
    options: more.options ?? [],
    chosen: more.chosen ?? null
  })

  test('The brackets of two versions compare as holds taken and lifted, options added and chosen, brackets added and removed.', () => {
    const choice = { optionId: 'o1' as OptionId, by: PPT, at: AT, replaced: 'x' }
    expect(
      diffBrackets(
        [frozen('a', 'uno', ['MX', 'GT']), frozen('b', 'dos', [], { options: [option('o1', 'A'), option('o2', 'B')] }), frozen('c', 'tres', ['HN'])],
        [frozen('a', 'uno', ['GT', 'PA']), frozen('b', 'A', [], { options: [option('o1', 'A')], chosen: choice }), frozen('d', 'cuatro', ['SV'], { options: [option('o3', 'C')] })]
      )
    ).toEqual([
      { bracketId: 'a', quote: 'uno', change: 'held', countries: ['PA'] },
      { bracketId: 'a', quote: 'uno', change: 'lifted', countries: ['MX'] },
      { bracketId: 'b', quote: 'A', change: 'option-chosen', option: 'A' },
      { bracketId: 'd', quote: 'cuatro', change: 'added', countries: ['SV'] },
      { bracketId: 'c', quote: 'tres', change: 'removed' }
    ])
  })

  test('Written out, nested brackets nest their marks, a note after each closing mark names its holders, and formatting is kept.', () => {
    const ydoc = build('Los Estados **podrán adoptar** medidas urgentes.')
    const doc = readContent(ydoc)
    const place = (exact: string, holders: Bracket['holders'], reason: string) => {
      const resolved = resolveAnchor(ydoc, anchorOf(ydoc, exact))
      if (resolved.detached) throw new Error('detached')
      return { anchor: { ...anchorOf(ydoc, exact), ...resolved, detached: false as const }, holders, reason }
    }
    const brackets = [place('podrán adoptar medidas', ['MX'], 'Alcance'), place('adoptar', ['GT', 'HN'], '')]
    expect(withBracketMarks(doc, brackets).textContent).toBe('Los Estados [podrán [adoptar] medidas] urgentes.')
    const noted = withBracketMarks(doc, brackets, { notes: true })
    const notes: string[] = []
    noted.descendants((node) => (node.type.name === 'footnote' ? (notes.push(node.textContent), false) : true))
    expect(notes).toEqual(['Corchete mantenido por Guatemala, Honduras.', 'Corchete mantenido por México. Motivo: Alcance'])
    expect(noted.firstChild?.child(0).text).toBe('Los Estados [')
    expect(noted.firstChild?.child(1)).toMatchObject({ text: 'podrán ' })
    expect(noted.firstChild?.child(1).marks.map((m) => m.type.name)).toEqual(['strong'])
    expect(withBracketMarks(doc, [])).toBe(doc)
  })
})
