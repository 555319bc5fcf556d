import { describe, expect, test } from 'vitest'
import { Fragment, Slice, type Node as ProseMirrorNode } from 'prosemirror-model'
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state'
import { ySyncPluginKey } from 'y-prosemirror'
import { schema } from '../../src'
import { narrowRemoteChange } from '../../editor/remoteChange'
import { doc, p, ul, li } from './builders'

// A change from Yjs as y-prosemirror 1.x makes it: the whole document replaced by blocks, the unchanged ones the same objects.
function asFromYjs(state: EditorState, blocks: ProseMirrorNode[], selection?: number): Transaction {
  const tr = state.tr.replace(0, state.doc.content.size, new Slice(Fragment.from(blocks), 0, 0))
  if (selection !== undefined) tr.setSelection(TextSelection.create(tr.doc, selection))
  return tr.setMeta(ySyncPluginKey, { isChangeOrigin: true }).setMeta('addToHistory', false)
}

const children = (node: ProseMirrorNode) => Array.from({ length: node.childCount }, (_, i) => node.child(i))
const replaced = (tr: Transaction) => {
  const ranges: Array<[number, number, number, number]> = []
  for (const map of tr.mapping.maps) map.forEach((a, b, c, d) => ranges.push([a, b, c, d]))
  return ranges
}

describe('narrowRemoteChange', () => {
  const start = doc(p({ id: 'a' }, 'uno'), p({ id: 'b' }, 'dos'), ul({ id: 'c' }, li({ id: 'd' }, p({ id: 'e' }, 'tres'))), p({ id: 'f' }, 'cuatro'))
  const state = EditorState.create({ schema, doc: start })
  const [a, b, c, f] = children(start) as [ProseMirrorNode, ProseMirrorNode, ProseMirrorNode, ProseMirrorNode]
  const b2 = p({ id: 'b' }, 'dos y más')
  const g = p({ id: 'g' }, 'nuevo')

  for (const { name, blocks, range } of [
    { name: 'one block changed in the middle', blocks: [a, b2, c, f], range: [5, 10, 5, 16] },
    { name: 'a block inserted', blocks: [a, b, g, c, f], range: [10, 10, 10, 17] },
    { name: 'a block removed', blocks: [a, c, f], range: [5, 10, 5, 5] },
    { name: 'the first and the last changed', blocks: [p({ id: 'a' }, 'UNO'), b, c, p({ id: 'f' }, 'CUATRO')], range: [0, start.content.size, 0, start.content.size] }
  ])
    test(`replaces only the blocks that differ: ${name}`, () => {
      const tr = asFromYjs(state, blocks, 2)
      const narrowed = narrowRemoteChange(state, tr)
      expect(narrowed.doc.eq(tr.doc)).toBe(true)
      expect(replaced(narrowed)).toEqual([range])
      expect(narrowed.selection.eq(TextSelection.create(narrowed.doc, 2))).toBe(true)
      expect(narrowed.getMeta(ySyncPluginKey)).toEqual({ isChangeOrigin: true })
      expect(narrowed.getMeta('addToHistory')).toBe(false)
      // The blocks kept are the very nodes y-prosemirror maps its Yjs types to.
      children(narrowed.doc).forEach((block, i) => expect(block).toBe(blocks[i]))
    })

  test('makes a change from Yjs that changed nothing a transaction without steps', () => {
    const narrowed = narrowRemoteChange(state, asFromYjs(state, [a, b, c, f]))
    expect(narrowed.steps).toEqual([])
    expect(narrowed.doc).toBe(state.doc)
  })

  test('leaves local edits as they are', () => {
    const local = state.tr.insertText('x', 2)
    expect(narrowRemoteChange(state, local)).toBe(local)
    const wholeButLocal = state.tr.replace(0, start.content.size, new Slice(Fragment.from([a, b2, c, f]), 0, 0))
    expect(narrowRemoteChange(state, wholeButLocal)).toBe(wholeButLocal)
  })

  test('lets decorations of untouched blocks map through, where the library’s step drops them', () => {
    const tr = asFromYjs(state, [a, b2, c, f])
    const inF = start.content.size - 3
    expect(tr.mapping.mapResult(inF).deleted).toBe(true)
    const narrowed = narrowRemoteChange(state, tr)
    expect(narrowed.mapping.mapResult(inF).deleted).toBe(false)
    expect(narrowed.doc.textBetween(narrowed.mapping.map(inF), narrowed.mapping.map(inF) + 2)).toBe(start.textBetween(inF, inF + 2))
  })
})
