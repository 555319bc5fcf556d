import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { isSafeHref } from '../../src'

/**
 * A stretch of a text block's text with one formatting: the unit Word runs
 * are made of. A hard break is a piece whose text is "\n", as in the text
 * `blocksOf` (src/diff.ts) gives a block, so that offsets into that text are
 * offsets into the pieces.
 */
export interface Piece {
  readonly text: string
  readonly bold: boolean
  readonly italics: boolean
  /** The link the piece is part of: web or mail only, any other is dropped. */
  readonly href: string | null
  /** For a footnote's marker (whose text is ""): the note's name (see `ShapedBlock.notes`). */
  readonly note?: string
  /** For a picture (whose text is ""): its source and alternative text. */
  readonly picture?: { readonly src: string; readonly alt: string | null }
}

/**
 * The pieces of a text block, in order; their texts joined are the block's
 * diff text. Footnote markers are pieces with no text, named by `notes` in
 * order (markers past its end are left out).
 */
export function piecesOf(block: ProseMirrorNode, notes: readonly string[] = []): Piece[] {
  const pieces: Piece[] = []
  let noteIndex = 0
  block.forEach((child) => {
    if (child.type.name === 'footnote') {
      const note = notes[noteIndex++]
      if (note) pieces.push({ text: '', bold: false, italics: false, href: null, note })
      return
    }
    if (child.type.name === 'image') {
      pieces.push({ text: '', bold: false, italics: false, href: null, picture: { src: child.attrs.src as string, alt: child.attrs.alt as string | null } })
      return
    }
    const text = child.isText ? (child.text ?? '') : child.type.name === 'hard_break' ? '\n' : ''
    if (text === '') return
    const has = (name: string) => child.marks.some((m) => m.type.name === name)
    const link = child.marks.find((m) => m.type.name === 'link')
    const href = link && isSafeHref(link.attrs.href as string) ? (link.attrs.href as string) : null
    // Line breaks are pieces of their own, so that each becomes one Word break.
    for (const part of text.split(/(\n)/)) if (part !== '') pieces.push({ text: part, bold: has('strong'), italics: has('em'), href })
  })
  return pieces
}

/** Unformatted pieces of `text`, for when only the text of a block is known. */
export function plainPieces(text: string): Piece[] {
  return text
    .split(/(\n)/)
    .filter((part) => part !== '')
    .map((part) => ({ text: part, bold: false, italics: false, href: null }))
}

/** The pieces covering characters `from` (inclusive) to `to` (exclusive) of the pieces' joined text. */
export function slicePieces(pieces: readonly Piece[], from: number, to: number): Piece[] {
  const slice: Piece[] = []
  let start = 0
  for (const piece of pieces) {
    const end = start + piece.text.length
    const a = Math.max(from, start)
    const b = Math.min(to, end)
    // A footnote's marker (no text) goes with the slice it starts, never two.
    if (piece.text === '' && from <= start && start < to) slice.push(piece)
    else if (a < b) slice.push(a === start && b === end ? piece : { ...piece, text: piece.text.slice(a - start, b - start) })
    start = end
    if (start >= to) break
  }
  return slice
}
