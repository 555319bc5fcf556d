/**
 * A document with a long editing history, generated deterministically: a
 * skeleton of headings and empty paragraphs, then single-character edits
 * (typing runs at random places, with backspaces) by three authors, each
 * edit its own transaction as a ProseMirror binding sends it. The updates are
 * gathered the way the server stores them: one merged update per flush.
 */
import * as Y from 'yjs'
import { CONTENT_FRAGMENT, encodeContent, parseMarkdown } from '../src'
import { Random, WordSource } from './random'

/** A generated history. */
export interface History {
  /** The document at the end, garbage-collected as the server keeps it. */
  readonly doc: Y.Doc
  /** The first update (the skeleton) and then one merged update per flush. */
  readonly flushes: Uint8Array[]
  readonly edits: number
}

/**
 * Makes `edits` single-character edits (about 85 % typing, 15 % backspace)
 * from `seed`, flushed every `editsPerFlush` (1,000: 10 s of typing at 100
 * keystrokes a second, the server's maximum wait).
 */
export function generateHistory(seed: number, edits: number, editsPerFlush = 1000): History {
  const random = new Random(seed)
  const words = new WordSource(random)
  const skeleton: string[] = []
  for (let s = 1; s <= 12; s++) {
    skeleton.push(`## ${s}. ${words.sentence(4).slice(0, -1)}`)
    for (let p = 0; p < 8; p++) skeleton.push('.')
  }
  const doc = new Y.Doc()
  doc.clientID = 1
  Y.applyUpdate(doc, encodeContent(parseMarkdown(skeleton.join('\n\n'))))
  const flushes: Uint8Array[] = [Y.encodeStateAsUpdate(doc)]
  let batch: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => {
    batch.push(update)
  })
  const texts: Y.XmlText[] = []
  for (const block of doc.getXmlFragment(CONTENT_FRAGMENT).toArray())
    if (block instanceof Y.XmlElement) {
      const first = block.get(0)
      if (first instanceof Y.XmlText) texts.push(first)
    }
  const authors = [101, 202, 303]
  let made = 0
  let pending = ''
  while (made < edits) {
    // A session: one author puts the cursor somewhere and types a run.
    doc.clientID = random.pick(authors)
    const text = random.pick(texts)
    let at = random.int(0, text.length)
    const run = random.int(1, 40)
    for (let k = 0; k < run && made < edits; k++, made++) {
      if (pending === '') pending = words.word() + ' '
      if (at > 0 && random.next() < 0.15) {
        text.delete(at - 1, 1)
        at--
      } else {
        text.insert(at, pending.charAt(0))
        pending = pending.slice(1)
        at++
      }
      if (batch.length >= editsPerFlush) {
        flushes.push(Y.mergeUpdates(batch))
        batch = []
      }
    }
  }
  if (batch.length > 0) flushes.push(Y.mergeUpdates(batch))
  return { doc, flushes, edits: made }
}
