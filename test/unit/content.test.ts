import { describe, expect, test } from 'vitest'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import * as Y from 'yjs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EditorState } from 'prosemirror-state'
import { CONTENT_FRAGMENT, countDocumentWords, countWords, encodeContent, parseMarkdown, plainText, readContent, replaceContent, schema } from '../../src'
import { doc, li, p, quote, ul } from './builders'

/** The `Y.XmlText` of every text block of a Y.Doc, by the block's id. */
function textsById(ydoc: Y.Doc): Map<string, Y.XmlText> {
  const texts = new Map<string, Y.XmlText>()
  const walk = (type: Y.XmlElement | Y.XmlFragment) => {
    for (const child of type.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue
      const text = child.get(0)
      if (text instanceof Y.XmlText && child.nodeName !== 'list_item') texts.set(child.getAttribute('id') as string, text)
      else walk(child)
    }
  }
  walk(ydoc.getXmlFragment(CONTENT_FRAGMENT))
  return texts
}

const before = doc(
  p({ id: 'a' }, 'Primero.'),
  p({ id: 'b' }, 'Segundo.'),
  ul({ id: 'l' }, li({ id: 'i1' }, p({ id: 'c' }, 'uno')), li({ id: 'i2' }, p({ id: 'd' }, 'dos'))),
  quote({ id: 'q' }, p({ id: 'e' }, 'Cita.')),
  p({ id: 'f' }, 'Penúltimo.'),
  p({ id: 'g' }, 'Último.')
)

describe('replaceContent', () => {
  for (const { name, after, kept } of [
    {
      name: 'a block added at the start and another removed at the end',
      after: doc(p({ id: 'n' }, 'Nuevo.'), ...[0, 1, 2, 3, 4].map((i) => before.child(i))),
      kept: ['a', 'b', 'c', 'd', 'e', 'f']
    },
    {
      name: 'a block removed at the start and another added at the end',
      after: doc(...[1, 2, 3, 4, 5].map((i) => before.child(i)), p({ id: 'n' }, 'Nuevo.')),
      kept: ['b', 'c', 'd', 'e', 'f', 'g']
    },
    {
      name: 'a list item added and a paragraph before the list changed',
      after: doc(
        before.child(0),
        p({ id: 'b' }, 'Segundo, corregido.'),
        // An upload gives containers fresh ids: they pair by the paragraphs they hold.
        ul({ id: 'l2' }, li({ id: 'x1' }, p({ id: 'c' }, 'uno')), li({ id: 'x2' }, p({ id: 'n' }, 'uno y medio')), li({ id: 'x3' }, p({ id: 'd' }, 'dos'))),
        ...[3, 4, 5].map((i) => before.child(i))
      ),
      kept: ['a', 'b', 'c', 'd', 'e', 'f', 'g']
    },
    {
      name: 'a paragraph moved from the end to the start',
      after: doc(before.child(5), ...[0, 1, 2, 3, 4].map((i) => before.child(i))),
      kept: ['a', 'b', 'c', 'd', 'e', 'f']
    },
    {
      name: 'the quotation removed and a paragraph split',
      after: doc(before.child(0), before.child(1), before.child(2), p({ id: 'f' }, 'Penúl'), p({ id: 'n' }, 'timo.'), before.child(5)),
      kept: ['a', 'b', 'c', 'd', 'f', 'g']
    }
  ] satisfies Array<{ name: string; after: ProseMirrorNode; kept: string[] }>) {
    test(`keeps the Yjs items of the blocks still there: ${name}`, () => {
      const ydoc = new Y.Doc({ gc: false })
      Y.applyUpdate(ydoc, encodeContent(before))
      const texts = textsById(ydoc)
      replaceContent(ydoc, after, 'test')
      expect(readContent(ydoc).toJSON()).toEqual(after.toJSON())
      const now = textsById(ydoc)
      for (const id of kept) expect(now.get(id), `block ${id}`).toBe(texts.get(id))
    })
  }

  test('changes only the text that differs inside a paragraph, in one transaction with the origin', () => {
    const ydoc = new Y.Doc({ gc: false })
    Y.applyUpdate(ydoc, encodeContent(before))
    const text = textsById(ydoc).get('b') as Y.XmlText
    // "Segundo" stays the same items: a position inside it stays inside it.
    const inside = Y.createRelativePositionFromTypeIndex(text, 3)
    const origins: unknown[] = []
    ydoc.on('afterTransaction', (tr) => origins.push(tr.origin))
    replaceContent(ydoc, doc(before.child(0), p({ id: 'b' }, 'Segundo párrafo.'), ...[2, 3, 4, 5].map((i) => before.child(i))), 'upload')
    expect(origins).toEqual(['upload'])
    expect(text.toString()).toBe('Segundo párrafo.')
    expect(Y.createAbsolutePositionFromRelativePosition(inside, ydoc)).toMatchObject({ type: text, index: 3 })
  })
})

describe('countDocumentWords', () => {
  const demo = parseMarkdown(readFileSync(join(import.meta.dirname, '../../server/demo/estrategia-octubre-2021.md'), 'utf8'))

  for (const { name, document } of [
    { name: 'the demo Strategy', document: demo },
    { name: 'nested lists and quotes', document: doc(p('uno dos'), ul(li(p('tres')), li(p('cuatro cinco'))), quote(p('seis'))) },
    { name: 'an empty paragraph', document: doc(p('')) }
  ])
    test(`counts the words of ${name} as countWords(plainText) does`, () => {
      expect(countDocumentWords(document)).toBe(countWords(plainText(document)))
    })

  test('counts again, with its cache, only the blocks an edit replaced, and counts right', () => {
    const cache = new WeakMap<ProseMirrorNode, number>()
    expect(countDocumentWords(demo, cache)).toBe(countWords(plainText(demo)))
    const state = EditorState.create({ schema, doc: demo })
    const edited = state.tr.insertText(' y dos palabras', 3).doc
    const replaced = new Set<ProseMirrorNode>()
    edited.forEach((block) => {
      if (!cache.has(block)) replaced.add(block)
    })
    expect(replaced.size).toBe(1)
    expect(countDocumentWords(edited, cache)).toBe(countWords(plainText(edited)))
    expect(countDocumentWords(edited, cache)).toBe(countWords(plainText(demo)) + 3)
  })
})
