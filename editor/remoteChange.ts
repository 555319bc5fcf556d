import { Fragment, Slice } from 'prosemirror-model'
import { Selection, type EditorState, type Transaction } from 'prosemirror-state'
import { ySyncPluginKey } from 'y-prosemirror'

/**
 * y-prosemirror 1.x shows every change that arrives through Yjs as one step
 * replacing the whole document (`_typeChanged`: `tr.replace(0, size, …)`),
 * even when one letter of one paragraph changed. Everything that maps through
 * that step loses its place: decorations (comment highlights, proposals, the
 * cited block) are dropped and must be found again over the whole text, the
 * view compares every block. The blocks it did not change are the same node
 * objects as before (its mapping from Yjs types to nodes keeps them), so the
 * step can be narrowed to the top-level blocks between the first and the
 * last that differ, with the same result document, the same metadata and the
 * same selection. Any other transaction is returned as it is.
 */
export function narrowRemoteChange(state: EditorState, tr: Transaction): Transaction {
  const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined
  if (!meta?.isChangeOrigin || tr.steps.length !== 1) return tr
  const before = state.doc
  if (tr.docs[0] !== before || !replacesAll(tr, before.content.size)) return tr
  const after = tr.doc
  // The blocks both documents share at the start, then at the end.
  let start = 0
  let from = 0
  const shortest = Math.min(before.childCount, after.childCount)
  while (start < shortest && before.child(start) === after.child(start)) from += before.child(start++).nodeSize
  let endBefore = before.childCount
  let endAfter = after.childCount
  let toBefore = before.content.size
  while (endBefore > start && endAfter > start && before.child(endBefore - 1) === after.child(endAfter - 1)) {
    toBefore -= before.child(--endBefore).nodeSize
    endAfter--
  }
  const changed = []
  for (let i = start; i < endAfter; i++) changed.push(after.child(i))
  const narrowed = state.tr
  if (from < toBefore || changed.length > 0) narrowed.replace(from, toBefore, new Slice(Fragment.from(changed), 0, 0))
  // Whole blocks at the top level fit as they are; should ProseMirror have had to fit them otherwise, keep the library's step.
  if (!narrowed.doc.eq(after)) return tr
  // The selection y-prosemirror restored, read again in the narrowed document (equal to its own).
  if (tr.selectionSet) narrowed.setSelection(Selection.fromJSON(narrowed.doc, tr.selection.toJSON()))
  narrowed.setMeta(ySyncPluginKey, meta).setMeta('addToHistory', tr.getMeta('addToHistory') as boolean | undefined)
  if (tr.scrolledIntoView) narrowed.scrollIntoView()
  return narrowed
}

// Whether the transaction's one step replaced the whole document (of `size`).
function replacesAll(tr: Transaction, size: number): boolean {
  let all = false
  tr.steps[0]?.getMap().forEach((oldStart, oldEnd) => (all = oldStart === 0 && oldEnd === size))
  return all
}
