/**
 * Two drafts of a long negotiated text, generated deterministically: about
 * 100 pages (40,000 words) in sections of paragraphs, and a revision in which
 * a share of the paragraphs is reworded and one paragraph moved to another
 * section. Block ids carry over, as between two versions of one document.
 */
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { countWords, plainText, schema } from '../src'
import { Random, WordSource } from './random'

interface Block {
  readonly id: string
  readonly heading: boolean
  readonly text: string
}

/** The two drafts, and what was done to the second. */
export interface Drafts {
  readonly older: ProseMirrorNode
  readonly newer: ProseMirrorNode
  readonly words: number
  readonly paragraphs: number
  readonly changed: number
}

/** Makes the drafts; `share` of the paragraphs (0–1) is changed. */
export function generateDrafts(seed: number, share: number, targetWords = 40_000): Drafts {
  const random = new Random(seed)
  const words = new WordSource(random)
  const blocks: Block[] = []
  let total = 0
  for (let section = 1; total < targetWords; section++) {
    blocks.push({ id: `b${blocks.length}`, heading: true, text: `${section}. ${words.sentence(random.int(3, 7)).slice(0, -1)}` })
    for (let p = random.int(15, 30); p > 0 && total < targetWords; p--) {
      const text = words.paragraph(random.int(30, 130))
      total += countWords(text)
      blocks.push({ id: `b${blocks.length}`, heading: false, text })
    }
  }
  const paragraphs = blocks.filter((b) => !b.heading)
  // Which paragraphs change: a fixed share, spread by the seed (Fisher–Yates).
  const order = paragraphs.map((b) => b.id)
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i)
    ;[order[i], order[j]] = [order[j] as string, order[i] as string]
  }
  const changing = new Set(order.slice(0, Math.round(paragraphs.length * share)))
  let revised = blocks.map((b) => (changing.has(b.id) ? { ...b, text: reword(b.text, random, words) } : b))
  // One paragraph moves about a third of the text further on, into another section.
  const from = revised.findIndex((b, i) => !b.heading && i > revised.length / 4 && !changing.has(b.id))
  const moved = revised[from] as Block
  revised = [...revised.slice(0, from), ...revised.slice(from + 1)]
  const to = revised.findIndex((b, i) => b.heading && i > from + revised.length / 3) + 1
  revised = [...revised.slice(0, to), moved, ...revised.slice(to)]
  return { older: toDocument(blocks), newer: toDocument(revised), words: total, paragraphs: paragraphs.length, changed: changing.size }
}

// One to three edits a reviser makes: a phrase replaced, a clause added, words struck out.
function reword(text: string, random: Random, words: WordSource): string {
  let tokens = text.split(' ')
  for (let edits = random.int(1, 3); edits > 0; edits--) {
    const at = random.int(0, Math.max(0, tokens.length - 6))
    const roll = random.next()
    if (roll < 0.5) tokens.splice(at, random.int(1, 4), ...Array.from({ length: random.int(1, 5) }, () => words.word()))
    else if (roll < 0.8) tokens.splice(at, 0, ...words.sentence(random.int(5, 14)).split(' '))
    else tokens.splice(at, random.int(1, 5))
    if (tokens.length === 0) tokens = [words.word()]
  }
  return tokens.join(' ')
}

function toDocument(blocks: readonly Block[]): ProseMirrorNode {
  return schema.node(
    'doc',
    null,
    blocks.map((b) =>
      b.heading ? schema.node('heading', { id: b.id, level: 2 }, schema.text(b.text)) : schema.node('paragraph', { id: b.id }, schema.text(b.text))
    )
  )
}

/** The drafts as plain text, for the word diff over the whole text. */
export const plainTexts = (drafts: Drafts) => ({ older: plainText(drafts.older), newer: plainText(drafts.newer) })
