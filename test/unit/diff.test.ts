import { describe, expect, it } from 'vitest'
import { diffBlocks, diffWords, movedFrom, movedTo, readingOrder, tokenize, type BlockChange, type DiffBlock } from '../../src'

const block = (id: string | null, text: string, section = 'S'): DiffBlock => ({ id, type: 'paragraph', text, section })
const heading = (id: string, text: string): DiffBlock => ({ id, type: 'heading', text, section: text })

/** The old and new versions' texts, rebuilt from the diff alone. */
function rebuild(blocks: readonly BlockChange[]): { oldText: string; newText: string } {
  const side = (key: 'oldIndex' | 'newIndex', text: (b: BlockChange) => string) =>
    blocks
      .filter((b) => b[key] !== null)
      .sort((a, b) => (a[key] as number) - (b[key] as number))
      .map(text)
      .join('\n\n')
  const fromRuns = (b: BlockChange, keep: 'insert' | 'delete', fallback: string) =>
    b.runs ? b.runs.filter((r) => r.op !== keep).map((r) => r.text).join('') : fallback
  return {
    oldText: side('oldIndex', (b) => fromRuns(b, 'insert', b.oldText)),
    newText: side('newIndex', (b) => fromRuns(b, 'delete', b.newText))
  }
}

// A small seeded generator, so a failing case can be replayed.
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const WORDS = ['migración', 'niñas', 'protección', '1.500', '«regular»', '¿cómo?', 'país', 'acción', 'región', 'año', '2,5', '¡urgente!', 'datos']

describe('tokenize', () => {
  it.each([
    ['la migración irregular', ['la', ' ', 'migración', ' ', 'irregular']],
    ['«Proceso Puebla»', ['«', 'Proceso', ' ', 'Puebla', '»']],
    ['¿Cómo? ¡Ya!', ['¿', 'Cómo', '?', ' ', '¡', 'Ya', '!']],
    ['1.500 personas, 2,5 %', ['1.500', ' ', 'personas', ',', ' ', '2,5', ' ', '%']],
    ['niño y niña', ['niño', ' ', 'y', ' ', 'niña']],
    // "é" written as e + combining acute stays one word.
    ['cafe\u0301 solo', ['cafe\u0301', ' ', 'solo']]
  ])('splits %j into whole words, numbers and marks', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens)
    expect(tokenize(text).join('')).toBe(text)
  })
})

describe('diffWords', () => {
  it.each([
    ['la atención de niñas', 'la protección de niños'],
    ['migración irregular en 2021', 'migración regular en 2022'],
    ['año de la niñez', 'años de la niñez'],
    ['«acción» y ¿cómo?', '«acciones» y ¿cuándo?']
  ])('never splits an accented word: %j → %j', (before, after) => {
    const runs = diffWords(before, after)
    // Every run starts and ends on a token boundary of its side's text.
    for (const [side, skip] of [[before, 'insert'], [after, 'delete']] as const) {
      const boundaries = new Set([0])
      let at = 0
      for (const token of tokenize(side)) boundaries.add((at += token.length))
      let pos = 0
      for (const run of runs.filter((r) => r.op !== skip)) {
        expect(boundaries.has(pos), `${run.text} in ${side}`).toBe(true)
        pos += run.text.length
      }
    }
  })

  it('reads a rewritten phrase as one deletion and one insertion', () => {
    expect(diffWords('se somete a la consideración de', 'incorpora los comentarios de')).toEqual([
      { op: 'delete', text: 'se somete a la consideración ' },
      { op: 'insert', text: 'incorpora los comentarios ' },
      { op: 'equal', text: 'de' }
    ])
  })
})

describe('diffBlocks', () => {
  it('reports a paragraph moved between sections as moved, not as a deletion and an insertion', () => {
    const before = [heading('h1', 'I'), block('a', 'Uno', 'I'), block('b', 'Texto que se mueve', 'I'), heading('h2', 'II'), block('c', 'Dos', 'II')]
    const after = [heading('h1', 'I'), block('a', 'Uno', 'I'), heading('h2', 'II'), block('b', 'Texto que se mueve', 'II'), block('c', 'Dos', 'II')]
    const { blocks, stats } = diffBlocks(before, after)
    expect(blocks.map((b) => b.op)).toEqual(['equal', 'equal', 'equal', 'moved', 'equal'])
    expect(blocks[3]).toMatchObject({ section: 'II', oldSection: 'I', newText: 'Texto que se mueve' })
    expect(stats).toMatchObject({ blocksMoved: 1, blocksDeleted: 0, blocksInserted: 0 })
  })

  it('pairs blocks without ids by text and by similarity', () => {
    const before = [block(null, 'Igual'), block(null, 'Fortalecer la cooperación regional en materia migratoria'), block(null, 'Se va')]
    const after = [block(null, 'Igual'), block(null, 'Fortalecer la cooperación regional en materia de migración'), block(null, 'Nuevo')]
    expect(diffBlocks(before, after).blocks.map((b) => b.op)).toEqual(['equal', 'changed', 'deleted', 'inserted'])
  })

  it('counts words added and removed, overall and per section', () => {
    const { stats } = diffBlocks([block('a', 'uno dos tres', 'I')], [block('a', 'uno cuatro tres cinco', 'I'), block('b', 'seis siete', 'II')])
    expect(stats).toMatchObject({ wordsAdded: 4, wordsRemoved: 1, blocksChanged: 1, blocksInserted: 1 })
    expect(stats.sections.I).toMatchObject({ wordsAdded: 2, wordsRemoved: 1 })
    expect(stats.sections.II).toMatchObject({ wordsAdded: 2, blocksInserted: 1 })
  })

  it('rebuilds both sides exactly from the diff, for random pairs of documents', () => {
    const seed = Number(process.env.DIFF_SEED ?? Date.now() % 100000)
    const next = random(seed)
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T
    const sentence = () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => pick(WORDS)).join(pick([' ', ', ', ' ']))
    for (let round = 0; round < 200; round++) {
      const before = Array.from({ length: Math.floor(next() * 15) }, (_, i) => block(`b${i}`, sentence(), `S${Math.floor(i / 4)}`))
      let after = before.map((b) => ({ ...b }))
      for (let k = Math.floor(next() * 6); k > 0; k--) {
        const r = next()
        const at = Math.floor(next() * (after.length + 1))
        if (r < 0.3) after.splice(at, 0, block(next() < 0.5 ? null : `n${round}-${k}`, sentence()))
        else if (r < 0.5 && after.length) after.splice(at % after.length, 1)
        else if (r < 0.8 && after.length) {
          const b = after[at % after.length] as DiffBlock
          after[at % after.length] = { ...b, text: `${b.text} ${sentence()}`.replace(pick(WORDS), pick(WORDS)) }
        } else if (after.length > 1) {
          const [moved] = after.splice(at % after.length, 1)
          after.splice(Math.floor(next() * after.length), 0, moved as DiffBlock)
        }
      }
      const { blocks } = diffBlocks(before, after)
      const rebuilt = rebuild(blocks)
      const context = `seed ${seed}, round ${round}`
      expect(rebuilt.oldText, context).toBe(before.map((b) => b.text).join('\n\n'))
      expect(rebuilt.newText, context).toBe(after.map((b) => b.text).join('\n\n'))
      for (const b of blocks.filter((x) => x.runs)) {
        expect(b.runs?.filter((r) => r.op !== 'insert').map((r) => r.text).join(''), context).toBe(b.oldText)
        expect(b.runs?.filter((r) => r.op !== 'delete').map((r) => r.text).join(''), context).toBe(b.newText)
      }
      after = []
    }
  })
})

describe('readingOrder', () => {
  const cases = [
    { name: 'a block moved down, to another section', old: ['a', 'b', 'c', 'd'], now: ['b', 'c', 'a', 'd'], read: ['a@old', 'b', 'c', 'a', 'd'] },
    { name: 'a block moved up', old: ['a', 'b', 'c', 'd'], now: ['a', 'd', 'b', 'c'], read: ['a', 'd', 'b', 'c', 'd@old'] },
    { name: 'a move next to a deletion and an insertion', old: ['a', 'x', 'b', 'c'], now: ['c', 'a', 'b', 'y'], read: ['c', 'a', 'x', 'b', 'c@old', 'y'] },
    { name: 'nothing moved', old: ['a', 'b'], now: ['a', 'b', 'c'], read: ['a', 'b', 'c'] }
  ]
  for (const { name, old, now, read } of cases)
    it(`shows each moved block where it is and where it was: ${name}`, () => {
      const text = (id: string) => `párrafo ${id} ${id} ${id}`
      const { blocks } = diffBlocks(
        old.map((id, i) => block(id, text(id), i < 2 ? 'I' : 'II')),
        now.map((id, i) => block(id, text(id), i < 2 ? 'I' : 'II'))
      )
      expect(readingOrder(blocks).map(({ change, at }) => `${change.blockId}${at === 'old' ? '@old' : ''}`)).toEqual(read)
    })

  it('says where a moved block was and where it is, by paragraph number and section', () => {
    const { blocks } = diffBlocks(
      [block('a', 'uno uno', 'I'), block('b', 'dos dos', 'I'), block('c', 'tres tres', 'II')],
      [block('b', 'dos dos', 'I'), block('c', 'tres tres', 'II'), block('a', 'uno uno', 'II')]
    )
    const moved = blocks.find((b) => b.op === 'moved') as BlockChange
    expect(movedFrom(moved)).toEqual({ paragraph: 1, section: 'I' })
    expect(movedTo(moved)).toEqual({ paragraph: 3, section: 'II' })
  })
})
