import { TextSelection, type EditorState } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import type { TextQuoteSelector } from '../../src'
import type { Passage } from './passages'

/** How much of the block's text around a passage goes with its quote, to tell apart repeated wording. */
export const CONTEXT_LENGTH = 32

/** Why a selection cannot be commented on. */
export type QuoteFailure = 'acrossBlocks' | 'notText'

/**
 * The W3C TextQuoteSelector of a passage: its text, up to
 * {@link CONTEXT_LENGTH} characters of the block around it, and the block's
 * id, which is what the server needs to find it unambiguously. Hard breaks
 * count as "\n", as on the server. Fails when the passage is not inside one
 * text block.
 */
export function quoteOf(state: EditorState, passage: Passage): { selector: TextQuoteSelector } | { failed: QuoteFailure } {
  const { doc } = state
  if (passage.from < 0 || passage.to > doc.content.size || passage.from > passage.to) return { failed: 'notText' }
  const $from = doc.resolve(passage.from)
  const $to = doc.resolve(passage.to)
  if (!$from.sameParent($to)) return { failed: 'acrossBlocks' }
  const block = $from.parent
  if (!block.isTextblock) return { failed: 'notText' }
  const text = block.textBetween(0, block.content.size, '\n', '\n')
  const start = passage.from - $from.start()
  const end = passage.to - $from.start()
  const exact = text.slice(start, end)
  const prefix = text.slice(Math.max(0, start - CONTEXT_LENGTH), start)
  const suffix = text.slice(end, end + CONTEXT_LENGTH)
  if (exact === '' && prefix === '' && suffix === '') return { failed: 'notText' }
  const id = block.attrs.id as unknown
  return {
    selector: {
      type: 'TextQuoteSelector',
      exact,
      ...(prefix ? { prefix } : {}),
      ...(suffix ? { suffix } : {}),
      ...(typeof id === 'string' ? { blockId: id } : {})
    }
  }
}

/** The selection as a passage, or why it cannot be one (an empty selection is an insertion point). */
export function selectedPassage(state: EditorState): { passage: Passage } | { failed: QuoteFailure } {
  const { from, to, $from, $to } = state.selection
  if (!$from.sameParent($to)) return { failed: 'acrossBlocks' }
  if (!$from.parent.isTextblock) return { failed: 'notText' }
  return { passage: snapToWords(state, { from, to }) }
}

const WORD = /[\p{L}\p{N}\p{M}]/u

/**
 * A passage grown to whole words: a selection that starts or ends inside a
 * word takes in the rest of it, as word processors do when one drags across
 * words, and spaces at its ends are left out. A passage without a letter or
 * digit, or an insertion point, stays as it is. Needs a passage within one
 * text block.
 */
export function snapToWords(state: EditorState, passage: Passage): Passage {
  if (passage.from === passage.to) return passage
  const $from = state.doc.resolve(passage.from)
  const start = $from.start()
  const text = $from.parent.textBetween(0, $from.parent.content.size, '\ufffc', '\ufffc')
  let from = passage.from - start
  let to = passage.to - start
  if (!WORD.test(text.slice(from, to))) return passage
  // Spaces at its ends are not part of a passage (word-wise selection by keyboard takes them in).
  while (/\s/u.test(text[from] ?? '')) from++
  while (/\s/u.test(text[to - 1] ?? '')) to--
  while (from > 0 && WORD.test(text[from - 1] ?? '') && WORD.test(text[from] ?? '')) from--
  while (to < text.length && WORD.test(text[to] ?? '') && WORD.test(text[to - 1] ?? '')) to++
  return { from: start + from, to: start + to }
}

/**
 * Brings the editor's selection up to the browser's. ProseMirror hears of a
 * selection change from the document's `selectionchange` event, which comes
 * after the key that made it, and ignores it once the text has lost the
 * focus: a person who selects with Shift+Ctrl+→ and at once tabs to
 * «Comentar» would comment on the selection as it was one key earlier.
 */
export function catchUpSelection(view: EditorView): void {
  const dom = document.getSelection()
  if (!dom || dom.rangeCount === 0 || !dom.anchorNode || !dom.focusNode) return
  if (!view.dom.contains(dom.anchorNode) || !view.dom.contains(dom.focusNode)) return
  let anchor: number
  let head: number
  try {
    anchor = view.posAtDOM(dom.anchorNode, dom.anchorOffset)
    head = view.posAtDOM(dom.focusNode, dom.focusOffset)
  } catch {
    return // inside a widget: not a place in the text
  }
  const { selection, doc } = view.state
  if (selection.anchor === anchor && selection.head === head) return
  view.dispatch(view.state.tr.setSelection(TextSelection.between(doc.resolve(anchor), doc.resolve(head))))
}
