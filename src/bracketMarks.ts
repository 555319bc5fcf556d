import { Fragment, type Node as ProseMirrorNode } from 'prosemirror-model'
import { countryOf } from './country'
import { schema } from './schema'
import type { BracketView } from './wire'

/** What a written-out text needs of a bracket: where its passage was, who held it, and why. */
export type MarkedBracket = Pick<BracketView, 'anchor' | 'holders' | 'reason'>

/** How brackets are written into a text. */
export interface BracketMarkStyle {
  /** The characters that open and close a bracketed passage: "[" and "]" unless given. */
  readonly open?: string
  readonly close?: string
  /** Whether a footnote after the closing mark names the holders and the reason (as a Word file shows them). */
  readonly notes?: boolean
}

/** The note that names a bracket's holders and its reason, in Spanish, the language of the negotiation. */
export function bracketNote(bracket: Pick<MarkedBracket, 'holders' | 'reason'>): string {
  const holders = bracket.holders.map((c) => countryOf(c).name.es)
  const who = holders.length ? `Corchete mantenido por ${holders.join(', ')}.` : 'Corchete sin países que lo mantengan.'
  return bracket.reason ? `${who} Motivo: ${bracket.reason}` : who
}

type Mark = { readonly at: number; readonly open: boolean; readonly length: number; readonly bracket: MarkedBracket }

/**
 * The text with each bracketed passage written between `open` and `close`
 * (and, with `notes`, a footnote after it naming its holders and reason),
 * as a version's exports show brackets. Passages are found by the block id
 * and offsets the brackets had when the version was published; a bracket
 * whose passage was deleted, or whose block is gone, is left out. Nested
 * passages nest their marks: outer marks outside inner ones.
 */
export function withBracketMarks(doc: ProseMirrorNode, brackets: readonly MarkedBracket[], style: BracketMarkStyle = {}): ProseMirrorNode {
  const open = style.open ?? '['
  const close = style.close ?? ']'
  const byBlock = new Map<string, Mark[]>()
  for (const bracket of brackets) {
    const { anchor } = bracket
    if (anchor.detached) continue
    const length = anchor.to - anchor.from
    const marks = byBlock.get(anchor.blockId) ?? []
    marks.push({ at: anchor.from, open: true, length, bracket }, { at: anchor.to, open: false, length, bracket })
    byBlock.set(anchor.blockId, marks)
  }
  if (byBlock.size === 0) return doc
  // At one offset: closing marks first (inner before outer), then opening ones (outer before inner).
  const order = (a: Mark, b: Mark) =>
    a.at - b.at || (a.open === b.open ? (a.open ? b.length - a.length : a.length - b.length) : a.open ? 1 : -1)
  const rewrite = (node: ProseMirrorNode, inNote: boolean): ProseMirrorNode => {
    if (node.isTextblock) {
      const marks = byBlock.get(node.attrs.id as string)
      return marks ? markBlock(node, [...marks].sort(order), inNote) : node
    }
    if (node.isLeaf) return node
    const children: ProseMirrorNode[] = []
    node.forEach((child) => children.push(rewrite(child, inNote || child.type.name === 'footnote')))
    return node.copy(Fragment.from(children))
  }
  const markBlock = (block: ProseMirrorNode, marks: readonly Mark[], inNote: boolean): ProseMirrorNode => {
    const children: ProseMirrorNode[] = []
    let next = 0
    const place = (offset: number) => {
      for (; next < marks.length && (marks[next] as Mark).at <= offset; next++) {
        const mark = marks[next] as Mark
        children.push(schema.text(mark.open ? open : close))
        // A note cannot hold a note: inside one, the marks alone.
        if (!mark.open && style.notes && !inNote)
          children.push(schema.nodes.footnote.create(null, schema.nodes.paragraph.create(null, schema.text(bracketNote(mark.bracket)))))
      }
    }
    let offset = 0
    block.forEach((child) => {
      const length = child.isText ? (child.text ?? '').length : child.type.name === 'hard_break' ? 1 : 0
      if (!child.isText) {
        place(offset)
        children.push(child)
        offset += length
        return
      }
      const text = child.text ?? ''
      let start = 0
      for (; next < marks.length && (marks[next] as Mark).at < offset + text.length; ) {
        const cut = (marks[next] as Mark).at - offset
        if (cut > start) children.push(child.cut(start, cut))
        start = Math.max(start, cut)
        place(offset + cut)
      }
      if (start < text.length) children.push(start === 0 ? child : child.cut(start))
      offset += text.length
    })
    place(Number.POSITIVE_INFINITY)
    return block.copy(Fragment.from(children))
  }
  return rewrite(doc, false)
}
