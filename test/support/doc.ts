/**
 * Reading and editing the Y.Doc of a document as a ProseMirror binding
 * would: its content as XML, its paragraphs, a quote's place, random edits.
 */
import { expect } from 'vitest'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import { CONTENT_FRAGMENT, textBlocks, type TextBlock } from '../../src'

/** The document's text as XML, the form in which tests compare documents. */
export const contentOf = (doc: Y.Doc): string => doc.getXmlFragment(CONTENT_FRAGMENT).toString()

/** The `Y.XmlText` of every top-level paragraph, in document order. */
export function paragraphTexts(doc: Y.Doc): Y.XmlText[] {
  const texts: Y.XmlText[] = []
  for (const block of doc.getXmlFragment(CONTENT_FRAGMENT).toArray()) {
    if (!(block instanceof Y.XmlElement) || block.nodeName !== 'paragraph') continue
    const text = block.get(0)
    if (text instanceof Y.XmlText) texts.push(text)
  }
  return texts
}

/** Appends a paragraph holding `text` at the end of the document, as a ProseMirror binding would. */
export function appendParagraph(doc: Y.Doc, text: string): void {
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT)
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    fragment.push([paragraph])
    const content = new Y.XmlText()
    paragraph.push([content])
    content.insert(0, text)
  })
}

/**
 * Where `quote` is in a client's copy of the document: the `Y.XmlText` of the
 * one paragraph that holds it (which must be a single text run, as a
 * paragraph with marks and links but no hard break is) and its offset there.
 */
export function findQuote(doc: Y.Doc, quote: string): { text: Y.XmlText; index: number } {
  const holders = textBlocks(doc).filter((b) => b.text.includes(quote))
  expect(holders.length, `blocks holding ${JSON.stringify(quote)}`).toBe(1)
  const block = holders[0] as (typeof holders)[number]
  const [text, ...others] = block.element.toArray()
  expect(text instanceof Y.XmlText && others.length === 0, 'the block is one text run').toBe(true)
  return { text: text as Y.XmlText, index: block.text.indexOf(quote) }
}

/** Paragraphs of one text run and more than 20 words, where a few words can be quoted (and deleted by offset). */
export function plainParagraphs(doc: Y.Doc): TextBlock[] {
  return textBlocks(doc).filter((b) => {
    const children = b.element.toArray()
    return b.element.nodeName === 'paragraph' && children.length === 1 && children[0] instanceof Y.XmlText && b.text.split(' ').length > 20
  })
}

/** The `n`th to `n + 2`th words of a block, a passage found once in it. */
export function wordsOf(block: TextBlock, n: number): string {
  const phrase = block.text.split(' ').slice(n, n + 3).join(' ')
  expect(block.text.indexOf(phrase), `«${phrase}» once in its block`).toBe(block.text.lastIndexOf(phrase))
  return phrase
}

/** Only the first paragraphs are edited by {@link randomEdit}, so that edits often collide. */
export const HOT_PARAGRAPHS = 6

const WORDS = ['migración', 'regional', 'la Conferencia', 'acuerda', ' ', '«', '»', 'ñ', 'países', '2021', '.', '\n']

/**
 * One edit of `doc` drawn from `gen`, as a person typing would make it:
 * mostly inserting words into and deleting runs from the first
 * {@link HOT_PARAGRAPHS} paragraphs, sometimes adding a paragraph or
 * removing a block. Returns what it did, for a log. The same generator state
 * and document make the same edit.
 */
export function randomEdit(gen: prng.PRNG, doc: Y.Doc): string {
  const texts = paragraphTexts(doc).slice(0, HOT_PARAGRAPHS)
  const roll = prng.real53(gen)
  if (roll < 0.55 && texts.length > 0) {
    const text = prng.oneOf(gen, texts)
    const at = prng.int32(gen, 0, text.length)
    const word = prng.oneOf(gen, WORDS)
    text.insert(at, word)
    return `insert ${JSON.stringify(word)} at ${at}`
  }
  if (roll < 0.85 && texts.length > 0) {
    const text = prng.oneOf(gen, texts)
    if (text.length === 0) return 'nothing to delete'
    const at = prng.int32(gen, 0, text.length - 1)
    const length = Math.min(prng.int32(gen, 1, 8), text.length - at)
    text.delete(at, length)
    return `delete ${length} at ${at}`
  }
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT)
  if (roll < 0.95 || fragment.length < HOT_PARAGRAPHS * 2) {
    const at = prng.int32(gen, 0, Math.min(fragment.length, HOT_PARAGRAPHS * 2))
    doc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph')
      fragment.insert(at, [paragraph])
      const text = new Y.XmlText()
      paragraph.insert(0, [text])
      text.insert(0, `nuevo ${prng.uint32(gen, 0, 9999)}`)
    })
    return `new paragraph at ${at}`
  }
  const at = prng.int32(gen, 0, HOT_PARAGRAPHS * 2 - 1)
  fragment.delete(at, 1)
  return `remove block ${at}`
}
