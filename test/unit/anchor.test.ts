import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import {
  anchorFromQuote,
  CONTENT_FRAGMENT,
  encodeContent,
  parseMarkdown,
  readContent,
  replacePassage,
  resolveAnchor,
  schema,
  textBlocks,
  type Anchor,
  type TextQuoteSelector
} from '../../src'
import { doc as pmDoc, p } from './builders'

/** A document as the server holds one (garbage-collected, the Yjs default), built from Markdown or from a ProseMirror node. */
function build(source: string | ProseMirrorNode): Y.Doc {
  const ydoc = new Y.Doc()
  Y.applyUpdate(ydoc, encodeContent(typeof source === 'string' ? parseMarkdown(source) : source))
  return ydoc
}

/** A second replica of `ydoc`, as another client holds it. */
function replica(ydoc: Y.Doc): Y.Doc {
  const other = new Y.Doc()
  Y.applyUpdate(other, Y.encodeStateAsUpdate(ydoc))
  return other
}

/** Lets two replicas exchange everything the other lacks. */
function exchange(a: Y.Doc, b: Y.Doc): void {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a))
  Y.applyUpdate(b, toB)
  Y.applyUpdate(a, toA)
}

const quote = (exact: string, more: Omit<TextQuoteSelector, 'type' | 'exact'> = {}): TextQuoteSelector => ({
  type: 'TextQuoteSelector',
  exact,
  ...more
})

/** The anchor a selector gives, failing the test if it gives none. */
function anchorOf(ydoc: Y.Doc, selector: TextQuoteSelector): Anchor {
  const result = anchorFromQuote(ydoc, selector)
  if ('failed' in result) throw new Error(`expected an anchor for ${JSON.stringify(selector)}, got: ${result.failed}`)
  return result.anchor
}

/** The `Y.XmlText` of the n-th text block (which must be one text run) and the block's text. */
function runOf(ydoc: Y.Doc, n = 0): Y.XmlText {
  const block = textBlocks(ydoc)[n]
  const run = block?.element.get(0)
  if (!(run instanceof Y.XmlText)) throw new Error(`block ${n} does not start with text`)
  return run
}

/** The inline content of the n-th block as `marks"text"` and `hard_break`, e.g. `['Uno ', 'strong"dos"']`. */
function inline(ydoc: Y.Doc, n = 0): string[] {
  const blocks: ProseMirrorNode[] = []
  readContent(ydoc).descendants((node) => {
    if (node.isTextblock) blocks.push(node)
    return !node.isTextblock
  })
  const out: string[] = []
  blocks[n]?.forEach((child) => {
    if (!child.isText) out.push(child.type.name)
    else out.push(`${child.marks.map((m) => m.type.name).join('+')}${JSON.stringify(child.text)}`)
  })
  return out
}

const STRATEGY = [
  '# Estrategia regional',
  'La Estrategia propone tres líneas de acción para toda la región.',
  '## 1. Antecedentes',
  'Los países de la región coinciden en la necesidad de cooperar.',
  '### 1.1 Mandato',
  'Un mandato *expreso* de la región.',
  '- primer punto de la lista',
  '> una cita del Grupo Regional'
].join('\n\n')

describe('anchorFromQuote finds the one passage a selector names', () => {
  for (const { name, md, selector, block, from, text, section } of [
    {
      name: 'a quote that appears once',
      md: STRATEGY,
      selector: () => quote('tres líneas de acción'),
      block: 1,
      from: 22,
      text: 'tres líneas de acción',
      section: 'Estrategia regional'
    },
    {
      name: 'a quote found in two places, told apart by a prefix',
      md: STRATEGY,
      selector: () => quote('la región', { prefix: 'toda ' }),
      block: 1,
      from: 54,
      text: 'la región',
      section: 'Estrategia regional'
    },
    {
      name: 'a quote found in two places, told apart by a suffix',
      md: STRATEGY,
      selector: () => quote('la región', { suffix: ' coinciden' }),
      block: 3,
      from: 14,
      text: 'la región',
      section: '1. Antecedentes'
    },
    {
      name: 'a quote found in three places, narrowed to one block by its id',
      md: STRATEGY,
      selector: (ydoc: Y.Doc) => quote('la región', { blockId: textBlocks(ydoc)[5]?.id }),
      block: 5,
      from: 22,
      text: 'la región',
      section: '1. Antecedentes'
    },
    {
      name: 'a prefix that reaches into the block before, compared only within the block',
      md: STRATEGY,
      selector: () => quote('Los países', { prefix: 'Antecedentes\n\n' }),
      block: 3,
      from: 0,
      text: 'Los países',
      section: '1. Antecedentes'
    },
    {
      name: 'a passage with emphasis in it, as plain text',
      md: STRATEGY,
      selector: () => quote('mandato expreso'),
      block: 5,
      from: 3,
      text: 'mandato expreso',
      section: '1. Antecedentes'
    },
    {
      name: 'a passage in a list item',
      md: STRATEGY,
      selector: () => quote('punto de la lista'),
      block: 6,
      from: 7,
      text: 'punto de la lista',
      section: '1. Antecedentes'
    },
    {
      name: 'a passage in a block quote',
      md: STRATEGY,
      selector: () => quote('Grupo Regional'),
      block: 7,
      from: 13,
      text: 'Grupo Regional',
      section: '1. Antecedentes'
    },
    {
      name: 'an insertion point: an empty quote between a prefix and a suffix',
      md: STRATEGY,
      selector: () => quote('', { prefix: 'tres ', suffix: 'líneas' }),
      block: 1,
      from: 27,
      text: '',
      section: 'Estrategia regional'
    },
    {
      name: 'an insertion point at the start of a block, after a prefix that ends the block before',
      md: STRATEGY,
      selector: () => quote('', { prefix: 'Antecedentes\n\n', suffix: 'Los países' }),
      block: 3,
      from: 0,
      text: '',
      section: '1. Antecedentes'
    },
    {
      name: 'a passage across a hard break, which counts as "\\n"',
      md: 'Primera línea\\\nsegunda línea.',
      selector: () => quote('línea\nsegunda'),
      block: 0,
      from: 8,
      text: 'línea\nsegunda',
      section: ''
    },
    {
      name: 'a passage that starts with a hard break at the very start of the block',
      md: '\\\nsigue el texto.',
      selector: () => quote('\nsigue'),
      block: 0,
      from: 0,
      text: '\nsigue',
      section: ''
    },
    {
      name: 'a passage that starts with the second of two hard breaks',
      md: 'a\\\n\\\nb',
      selector: () => quote('\nb', { prefix: 'a\n' }),
      block: 0,
      from: 2,
      text: '\nb',
      section: ''
    },
    {
      name: 'a passage that ends with a hard break at the very end of the block',
      md: pmDoc(p({ id: 'bfin' }, 'texto', schema.nodes.hard_break!.create())),
      selector: () => quote('texto\n'),
      block: 0,
      from: 0,
      text: 'texto\n',
      section: ''
    }
  ]) {
    test(`It anchors ${name}.`, () => {
      const ydoc = build(md)
      const anchor = anchorOf(ydoc, selector(ydoc))
      const target = textBlocks(ydoc)[block]
      expect(anchor).toMatchObject({ blockId: target?.id, quote: text })
      expect(resolveAnchor(ydoc, anchor)).toEqual({
        detached: false,
        blockId: target?.id,
        from,
        to: from + text.length,
        text,
        section
      })
    })
  }

  for (const { name, md, selector, failed } of [
    { name: 'a quote found in three places', md: STRATEGY, selector: () => quote('la región'), failed: /appears in 3 places: add a prefix or a suffix/ },
    { name: 'a quote still found in three places with its prefix', md: STRATEGY, selector: () => quote('región', { prefix: 'la ' }), failed: /appears in 3 places/ },
    { name: 'a quote that is not in the document', md: STRATEGY, selector: () => quote('cuatro líneas'), failed: /^the quoted text is not in the document$/ },
    { name: 'a quote whose prefix does not match', md: STRATEGY, selector: () => quote('tres líneas', { prefix: 'dos ' }), failed: /not in the document/ },
    { name: 'a quote whose suffix does not match', md: STRATEGY, selector: () => quote('tres líneas', { suffix: ' de inacción' }), failed: /not in the document/ },
    {
      name: 'a quote in a block other than the one named',
      md: STRATEGY,
      selector: (ydoc: Y.Doc) => quote('tres líneas', { blockId: textBlocks(ydoc)[3]?.id }),
      failed: /not in the document/
    },
    { name: 'a quote in a block id that does not exist', md: STRATEGY, selector: () => quote('tres líneas', { blockId: 'bnoexiste00' }), failed: /not in the document/ },
    {
      name: 'a quote that spans two paragraphs',
      md: STRATEGY,
      selector: () => quote('toda la región.\n\nLos países'),
      failed: /^a passage must lie within one paragraph$/
    },
    {
      name: 'a quote that spans two paragraphs, written without the blank line',
      md: STRATEGY,
      selector: () => quote('toda la región. Los países'),
      failed: /not in the document/
    },
    { name: 'an insertion point with neither prefix nor suffix', md: STRATEGY, selector: () => quote(''), failed: /insertion point needs a prefix or a suffix/ },
    { name: 'an ambiguous insertion point', md: STRATEGY, selector: () => quote('', { prefix: 'de ', suffix: 'la región' }), failed: /appears in 2 places/ }
  ]) {
    test(`It refuses ${name}, saying why.`, () => {
      const ydoc = build(md)
      expect(anchorFromQuote(ydoc, selector(ydoc))).toMatchObject({ failed: expect.stringMatching(failed) })
    })
  }
})

describe('resolveAnchor follows the passage through concurrent edits', () => {
  const MD = 'Primero. La Estrategia propone tres líneas de acción complementarias. Final.\n\nOtro párrafo.'
  const QUOTE = 'tres líneas de acción'
  // Offsets in the text as it was: the passage is [START, END).
  const START = MD.indexOf(QUOTE)
  const END = START + QUOTE.length
  const INSIDE = START + 'tres líneas'.length

  type Edit = { readonly by: 'a' | 'b'; readonly at: number; readonly insert?: string; readonly remove?: number }

  for (const { name, edits, text, shift } of [
    { name: 'an insertion right before its first character', edits: [{ by: 'a', at: START, insert: '«antes» ' }], text: QUOTE, shift: 8 },
    { name: 'an insertion right after its last character', edits: [{ by: 'b', at: END, insert: ' «después»' }], text: QUOTE, shift: 0 },
    {
      name: 'an insertion inside it, which it takes in',
      edits: [{ by: 'a', at: INSIDE, insert: ' «dentro»' }],
      text: 'tres líneas «dentro» de acción',
      shift: 0
    },
    { name: 'a deletion before it', edits: [{ by: 'b', at: 0, remove: 'Primero. '.length }], text: QUOTE, shift: -9 },
    { name: 'a deletion of its first word', edits: [{ by: 'a', at: START, remove: 'tres '.length }], text: 'líneas de acción', shift: 0 },
    {
      name: 'concurrent insertions at both ends and inside, from two replicas',
      edits: [
        // Later offsets first, so that each replica's own earlier offsets still hold.
        { by: 'b', at: END, insert: ' «B después»' },
        { by: 'b', at: INSIDE, insert: ' «B dentro»' },
        { by: 'a', at: START + 'tres'.length, insert: ' «A dentro»' },
        { by: 'a', at: START, insert: '«A antes» ' }
      ],
      text: 'tres «A dentro» líneas «B dentro» de acción',
      shift: '«A antes» '.length
    },
    {
      name: 'both replicas typing at the same place inside it',
      edits: [
        { by: 'a', at: INSIDE, insert: ' «A»' },
        { by: 'b', at: INSIDE, insert: ' «B»' }
      ],
      // Which comes first is up to Yjs (client ids); both are inside.
      text: expect.stringMatching(/^tres líneas( «A» «B»| «B» «A») de acción$/),
      shift: 0
    }
  ] satisfies Array<{ name: string; edits: Edit[]; text: unknown; shift: number }>) {
    test(`The anchor stays on the same words through ${name}.`, () => {
      const a = build(MD)
      const b = replica(a)
      const anchor = anchorOf(a, quote(QUOTE))
      for (const edit of edits) {
        const run = runOf(edit.by === 'a' ? a : b)
        if (edit.insert) run.insert(edit.at, edit.insert)
        if (edit.remove) run.delete(edit.at, edit.remove)
      }
      exchange(a, b)
      expect(textBlocks(a)[0]?.text).toBe(textBlocks(b)[0]?.text)
      for (const ydoc of [a, b]) {
        const resolved = resolveAnchor(ydoc, anchor)
        expect(resolved).toMatchObject({ detached: false, blockId: anchor.blockId, from: START + shift, text })
        if (resolved.detached) continue
        expect(textBlocks(ydoc)[0]?.text.slice(resolved.from, resolved.to)).toBe(resolved.text)
      }
    })
  }

  test('An anchor made on one replica resolves on another that received the passage through an update.', () => {
    const a = build(MD)
    const b = replica(a)
    const anchor = anchorOf(b, quote('Otro párrafo'))
    // Anchors travel as JSON, as the server stores them.
    const stored = JSON.parse(JSON.stringify(anchor)) as Anchor
    expect(resolveAnchor(a, stored)).toMatchObject({ detached: false, from: 0, to: 12, text: 'Otro párrafo' })
  })

  for (const { name, remove } of [
    { name: 'its text is deleted exactly', remove: (ydoc: Y.Doc) => runOf(ydoc).delete(START, QUOTE.length) },
    { name: 'its text is deleted with the words around it', remove: (ydoc: Y.Doc) => runOf(ydoc).delete(START - 8, QUOTE.length + 20) },
    { name: 'its whole block is deleted', remove: (ydoc: Y.Doc) => ydoc.getXmlFragment(CONTENT_FRAGMENT).delete(0, 1) },
    {
      name: 'its whole block is deleted by the other replica, while this one types inside it',
      remove: (ydoc: Y.Doc) => {
        const other = replica(ydoc)
        other.getXmlFragment(CONTENT_FRAGMENT).delete(0, 1)
        runOf(ydoc).insert(INSIDE, ' «tarde»')
        exchange(ydoc, other)
      }
    }
  ]) {
    test(`The anchor is detached, and keeps its quote, when ${name}.`, () => {
      const ydoc = build(MD)
      const anchor = anchorOf(ydoc, quote(QUOTE))
      remove(ydoc)
      expect(resolveAnchor(ydoc, anchor)).toEqual({ detached: true, quote: QUOTE })
    })
  }

  test('The anchor of a block inside a list is detached when the whole list is deleted.', () => {
    const ydoc = build('Antes.\n\n- un punto de la lista\n- otro punto')
    const anchor = anchorOf(ydoc, quote('un punto'))
    ydoc.getXmlFragment(CONTENT_FRAGMENT).delete(1, 1)
    expect(resolveAnchor(ydoc, anchor)).toEqual({ detached: true, quote: 'un punto' })
  })

  test('An anchor that is not a relative position at all resolves as detached rather than throwing.', () => {
    const ydoc = build(MD)
    const anchor = { ...anchorOf(ydoc, quote(QUOTE)), start: { nonsense: true } }
    expect(resolveAnchor(ydoc, anchor)).toEqual({ detached: true, quote: QUOTE })
  })
})

describe('replacePassage puts proposed wording in place of a passage', () => {
  const BOLD = 'Uno dos **tres cuatro** cinco seis.'

  for (const { name, md, passage, wording, after, text } of [
    {
      name: 'replaces a passage with bold in the middle, taking the plain formatting where it starts',
      md: BOLD,
      passage: 'dos tres cuatro cinco',
      wording: 'DOS',
      after: ['"Uno DOS seis."'],
      text: 'DOS'
    },
    {
      name: 'takes the bold of a passage that starts inside bold text',
      md: BOLD,
      passage: 'cuatro cinco',
      wording: 'X',
      after: ['"Uno dos "', 'strong"tres X"', '" seis."'],
      text: 'X'
    },
    {
      name: 'takes the bold of a passage that starts where the bold starts',
      md: BOLD,
      passage: 'tres cuatro cinco',
      wording: 'TRES',
      after: ['"Uno dos "', 'strong"TRES"', '" seis."'],
      text: 'TRES'
    },
    {
      name: 'keeps the emphasis of a passage that is all emphasised, at the start of its block',
      md: '*Uno* dos',
      passage: 'Uno',
      wording: 'UNO',
      after: ['em"UNO"', '" dos"'],
      text: 'UNO'
    },
    {
      name: 'keeps a link that the passage lies in',
      md: 'La [Conferencia Regional](https://www.crmsv.org) de 1996',
      passage: 'Regional',
      wording: 'sobre Migración',
      after: ['"La "', 'link"Conferencia sobre Migración"', '" de 1996"'],
      text: 'sobre Migración'
    },
    {
      name: 'deletes the passage when the wording is empty, leaving an insertion point',
      md: BOLD,
      passage: 'dos tres cuatro cinco ',
      wording: '',
      after: ['"Uno seis."'],
      text: ''
    },
    {
      name: 'replaces a passage across a hard break, removing the break',
      md: 'Primera línea\\\nsegunda línea.',
      passage: 'línea\nsegunda',
      wording: 'y',
      after: ['"Primera y línea."'],
      text: 'y'
    },
    {
      name: 'replaces a passage that starts with a hard break at the start of its block',
      md: '\\\nsigue el texto.',
      passage: '\nsigue',
      wording: 'Sigue',
      after: ['"Sigue el texto."'],
      text: 'Sigue'
    }
  ]) {
    test(`It ${name}.`, () => {
      const a = build(md)
      const b = replica(a)
      const anchor = anchorOf(a, quote(passage))
      const result = replacePassage(a, anchor, wording, 'test')
      if ('failed' in result) throw new Error(result.failed)
      expect(inline(a)).toEqual(after)
      expect(resolveAnchor(a, result.anchor)).toMatchObject({ detached: false, blockId: anchor.blockId, text })
      // The other replica gets the same text, and the new anchor resolves there too.
      exchange(a, b)
      expect(inline(b)).toEqual(after)
      expect(resolveAnchor(b, result.anchor)).toMatchObject({ detached: false, text })
    })
  }

  test('It makes the change in one transaction that carries the given origin.', () => {
    const ydoc = build(BOLD)
    const anchor = anchorOf(ydoc, quote('dos tres cuatro cinco'))
    const origin = { kind: 'proposal', commentId: 'c1' }
    const origins: unknown[] = []
    ydoc.on('update', (_update: Uint8Array, o: unknown) => origins.push(o))
    replacePassage(ydoc, anchor, 'DOS', origin)
    expect(origins).toEqual([origin])
    expect(origins[0]).toBe(origin)
  })

  test('It follows the passage where concurrent edits have moved it, and replaces what it has become.', () => {
    const a = build(BOLD)
    const b = replica(a)
    const anchor = anchorOf(a, quote('cinco'))
    runOf(b).insert(0, 'Cero. ')
    exchange(a, b)
    const result = replacePassage(a, anchor, 'CINCO', 'test')
    expect(result).toMatchObject({ anchor: { quote: 'CINCO' } })
    expect(inline(a)).toEqual(['"Cero. Uno dos "', 'strong"tres cuatro"', '" CINCO seis."'])
  })

  test('It fails, changing nothing, when the passage has been deleted.', () => {
    const ydoc = build(BOLD)
    const anchor = anchorOf(ydoc, quote('cinco'))
    const run = runOf(ydoc)
    run.delete(0, run.length)
    const before = Y.encodeStateVector(ydoc)
    expect(replacePassage(ydoc, anchor, 'CINCO', 'test')).toEqual({ failed: 'the passage no longer exists in the document' })
    expect(Y.encodeStateVector(ydoc)).toEqual(before)
  })
})
