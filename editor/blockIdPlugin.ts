import { Plugin, type Transaction } from 'prosemirror-state'
import { ySyncPluginKey } from 'y-prosemirror'
import { blockIdFixesWithin, type PositionRange } from '../src'
import { blockIdPluginKey } from './pluginKeys'

// What the transactions changed, as ranges of the last one's document.
function changedRanges(transactions: readonly Transaction[]): PositionRange[] {
  let ranges: PositionRange[] = []
  for (const tr of transactions)
    for (const map of tr.mapping.maps) {
      ranges = ranges.map((r) => ({ from: map.map(r.from, -1), to: map.map(r.to, 1) }))
      map.forEach((_oldStart, _oldEnd, from, to) => ranges.push({ from, to }))
    }
  return ranges
}

/**
 * Gives every new block an id and renumbers duplicates (a split paragraph
 * copies its id). Only local edits are fixed: blocks that arrive from others
 * were fixed by their author, and fixing them here too would make two
 * clients race to name the same block. Only the blocks an edit touched are
 * checked, so that a keystroke in a long text costs no walk over its text.
 */
export const blockIdPlugin = () =>
  new Plugin({
    key: blockIdPluginKey,
    appendTransaction(transactions, _oldState, newState) {
      const local = transactions.some((tr) => tr.docChanged && !tr.getMeta(ySyncPluginKey)?.isChangeOrigin)
      if (!local) return null
      const fixes = blockIdFixesWithin(newState.doc, changedRanges(transactions))
      if (fixes.length === 0) return null
      const tr = newState.tr
      for (const fix of fixes) tr.setNodeAttribute(fix.pos, 'id', fix.id)
      return tr.setMeta('addToHistory', false)
    }
  })
