import { Plugin } from 'prosemirror-state'
import { ySyncPluginKey } from 'y-prosemirror'
import { blockIdFixes } from '../src'
import { blockIdPluginKey } from './pluginKeys'

/**
 * Gives every new block an id and renumbers duplicates (a split paragraph
 * copies its id). Only local edits are fixed: blocks that arrive from others
 * were fixed by their author, and fixing them here too would make two
 * clients race to name the same block.
 */
export const blockIdPlugin = () =>
  new Plugin({
    key: blockIdPluginKey,
    appendTransaction(transactions, _oldState, newState) {
      const local = transactions.some((tr) => tr.docChanged && !tr.getMeta(ySyncPluginKey)?.isChangeOrigin)
      if (!local) return null
      const fixes = blockIdFixes(newState.doc)
      if (fixes.length === 0) return null
      const tr = newState.tr
      for (const fix of fixes) tr.setNodeAttribute(fix.pos, 'id', fix.id)
      return tr.setMeta('addToHistory', false)
    }
  })
