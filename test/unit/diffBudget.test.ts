import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { defaultDiffBudget, diffBlocks, readContent, readingOrder, replaceContent, type BlockChange, type DiffBlock, type DiffWork } from '../../src'
import { doc, p } from './builders'

// Issue 14, item 1: a comparison's work is bounded whatever the texts; over
// the budget it answers a coarser diff that says so. Work is counted (token
// comparisons, similarity checks), never timed.

const block = (id: string | null, text: string): DiffBlock => ({ id, type: 'paragraph', text, section: 'S' })

// A seeded generator, so that a failing case can be replayed.
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const PUNCTUATION = '.,;:!?¿¡«»()-'
const punctuation = (length: number, seed: number) => {
  const next = random(seed)
  return Array.from({ length }, () => PUNCTUATION[Math.floor(next() * PUNCTUATION.length)]).join('')
}

/** Each side's text rebuilt from the diff's runs alone. */
const sides = (change: BlockChange) => ({
  oldText: (change.runs ?? []).filter((r) => r.op !== 'insert').map((r) => r.text).join(''),
  newText: (change.runs ?? []).filter((r) => r.op !== 'delete').map((r) => r.text).join('')
})

describe('the word diff within its budget', () => {
  for (const tokens of [8_000, 16_000]) {
    it(`answers a paragraph of ${tokens} punctuation tokens replaced by ${tokens} others coarsely, within the budget`, () => {
      const before = punctuation(tokens, 1)
      const after = punctuation(tokens, 2)
      const work: DiffWork = { comparisons: 0 }
      const diff = diffBlocks([block('a', before)], [block('a', after)], defaultDiffBudget, work)
      const change = diff.blocks[0] as BlockChange
      expect(diff.coarse).toBe(true)
      expect(change).toMatchObject({ op: 'changed', coarse: true })
      expect(sides(change)).toEqual({ oldText: before, newText: after })
      expect(work.comparisons).toBeGreaterThan(0)
      expect(work.comparisons).toBeLessThanOrEqual(defaultDiffBudget.maxComparisons + 1)
    })
  }

  it('spends the budget once for the whole comparison, however many blocks are attacked', () => {
    const count = 20
    const before = Array.from({ length: count }, (_, i) => block(`b${i}`, punctuation(8_000, 10 + i)))
    const after = Array.from({ length: count }, (_, i) => block(`b${i}`, punctuation(8_000, 100 + i)))
    const work: DiffWork = { comparisons: 0 }
    const budget = { ...defaultDiffBudget, maxComparisons: 2_000_000 }
    const diff = diffBlocks(before, after, budget, work)
    expect(diff.blocks.every((b) => b.coarse === true)).toBe(true)
    expect(work.comparisons).toBeLessThanOrEqual(budget.maxComparisons + count)
  })

  it('still diffs word by word a paragraph revised within the budget', () => {
    const diff = diffBlocks([block('a', 'la migración irregular en la región')], [block('a', 'la migración regular en la región')])
    expect(diff.coarse).toBeUndefined()
    expect(diff.blocks[0]).toMatchObject({ op: 'changed', runs: [{ op: 'equal', text: 'la migración ' }, { op: 'delete', text: 'irregular' }, { op: 'insert', text: 'regular' }, { op: 'equal', text: ' en la región' }] })
    expect(diff.blocks[0]?.coarse).toBeUndefined()
  })
})

describe('pairing blocks within its budget', () => {
  const paragraphs = (count: number, word: string) =>
    Array.from({ length: count }, (_, i) => block(null, `${word}${i} ${word}${i}b ${word}${i}c ${word}${i}d`))

  it('pairs 4,000 reworded paragraphs with 4,000 others in work linear in the blocks', () => {
    const n = 4_000
    const work: DiffWork = { comparisons: 0 }
    const diff = diffBlocks(paragraphs(n, 'antes'), paragraphs(n, 'después'), defaultDiffBudget, work)
    // Nothing alike: every old paragraph deleted, every new one inserted.
    expect(diff.stats).toMatchObject({ blocksDeleted: n, blocksInserted: n, blocksChanged: 0 })
    expect(work.comparisons).toBeGreaterThan(0)
    // At most `similarityWindow` similarity checks of a few words per new block.
    expect(work.comparisons).toBeLessThanOrEqual(n * defaultDiffBudget.similarityWindow * 5)
  })

  it('still pairs paragraphs rewritten in place when their ids do not say so', () => {
    const before = [block(null, 'uno dos tres cuatro'), block(null, 'cinco seis siete ocho'), block(null, 'nueve diez once doce')]
    const after = [block(null, 'uno dos tres cinco'), block(null, 'cinco seis siete nueve'), block(null, 'nueve diez once trece')]
    expect(diffBlocks(before, after).blocks.map((b) => [b.op, b.oldIndex, b.newIndex])).toEqual([
      ['changed', 0, 0],
      ['changed', 1, 1],
      ['changed', 2, 2]
    ])
  })

  it('places 4,000 moved blocks each where it stood, by bisection', () => {
    const n = 4_000
    // Every other block moves to the end.
    const before = Array.from({ length: n }, (_, i) => block(`b${i}`, `texto ${i}`))
    const after = [...before.filter((_, i) => i % 2 === 0), ...before.filter((_, i) => i % 2 === 1)]
    const diff = diffBlocks(before, after)
    // The even blocks and the last odd one stay; the other odd ones moved.
    expect(diff.stats.blocksMoved).toBe(n / 2 - 1)
    const places = readingOrder(diff.blocks)
    expect(places.length).toBe(n + n / 2 - 1)
    // Each moved block shows once more where it stood: right after its old neighbour.
    const left = places.findIndex((place) => place.at === 'old')
    expect(places[left - 1]?.change.blockId).toBe('b0')
    expect(places[left]?.change.blockId).toBe('b1')
  })
})

describe('replaceContent within its budget', () => {
  it('replaces 4,000 paragraphs by 4,000 others pairing by id, in work near-linear in the blocks', () => {
    const n = 4_000
    const ydoc = new Y.Doc({ gc: false })
    const first = doc(...Array.from({ length: n }, (_, i) => p({ id: `a${i}` }, `antes ${i}`)))
    replaceContent(ydoc, first, 'test')
    // Half the blocks kept (by id, with new words), half replaced by new ones.
    const second = doc(...Array.from({ length: n }, (_, i) => (i % 2 === 0 ? p({ id: `a${i}` }, `después ${i}`) : p({ id: `n${i}` }, `nuevo ${i}`))))
    const work = { comparisons: 0 }
    replaceContent(ydoc, second, 'test', work)
    expect(readContent(ydoc).eq(second)).toBe(true)
    expect(work.comparisons).toBeGreaterThan(0)
    // Candidate pairs are found by id, then chained by bisection: n log n, not n × n cells.
    expect(work.comparisons).toBeLessThanOrEqual(n * 2 * Math.ceil(Math.log2(n)))
  })
})
