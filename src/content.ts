import * as Y from 'yjs'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { prosemirrorToYXmlFragment, updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import { schema } from './schema'
import { CONTENT_FRAGMENT } from './document'
import { proseMirrorBlocks, walkTextBlocks } from './walkTextBlocks'

/** The text of a document's Y.Doc as a ProseMirror node of {@link schema}. */
export function readContent(ydoc: Y.Doc): ProseMirrorNode {
  return yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(CONTENT_FRAGMENT), schema)
}

/**
 * A Yjs update that creates `doc` as the text of an empty Y.Doc. Meant for
 * new documents only: applying it to a document that already has text adds a
 * second copy rather than replacing the first.
 */
export function encodeContent(doc: ProseMirrorNode): Uint8Array {
  const ydoc = new Y.Doc({ gc: false })
  prosemirrorToYXmlFragment(doc, ydoc.getXmlFragment(CONTENT_FRAGMENT))
  const update = Y.encodeStateAsUpdate(ydoc)
  ydoc.destroy()
  return update
}

/**
 * The plain text of a document: one paragraph per block (list items and
 * quoted paragraphs each count as one), blocks separated by a blank line,
 * hard breaks as line breaks.
 */
export function plainText(doc: ProseMirrorNode): string {
  return walkTextBlocks(doc.children, proseMirrorBlocks)
    .map((block) => block.text)
    .join('\n\n')
}

/** Number of words in a text (runs of letters or digits). */
export const countWords = (text: string): number => text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0

/**
 * The words of a document, as `countWords(plainText(doc))` counts them (a
 * word never spans two blocks), counted block by block at the top level.
 * With a `cache` kept from one version of the document to the next, only the
 * blocks that changed are counted again: ProseMirror keeps the nodes an edit
 * did not touch, and so does y-prosemirror for others' edits.
 */
export function countDocumentWords(doc: ProseMirrorNode, cache: WeakMap<ProseMirrorNode, number> = new WeakMap()): number {
  let words = 0
  doc.forEach((block) => {
    let count = cache.get(block)
    if (count === undefined) {
      count = countWords(walkTextBlocks([block], proseMirrorBlocks).map((b) => b.text).join('\n\n'))
      cache.set(block, count)
    }
    words += count
  })
  return words
}

/**
 * Makes the document's text `doc` with the smallest edit of blocks: blocks
 * are paired with the blocks of the Y.Doc in document order, a text block
 * by its id and a container (list, list item, quotation) by its own id or by
 * a text block id they share; paired blocks are updated in place (inside a
 * text block, only the text that differs changes), unpaired ones are removed
 * or inserted. So the blocks `doc` still has keep their Yjs items, the
 * comments anchored in them stay put, and history is added to, never
 * rewritten. Blocks moved past others are removed and inserted anew. One
 * transaction with `origin`. O(n log n) in the blocks; `work`, when given,
 * counts the block comparisons made.
 */
export function replaceContent(ydoc: Y.Doc, doc: ProseMirrorNode, origin: unknown, work: { comparisons: number } = { comparisons: 0 }): void {
  ydoc.transact(() => updateChildren(ydoc, ydoc.getXmlFragment(CONTENT_FRAGMENT), doc, work), origin)
}

// y-prosemirror's updateYFragment pairs the children left to right once
// their equal ends are trimmed: a block added at one place and another
// removed further on turn every block between them into its neighbour,
// deleting their text items and detaching the comments anchored in them.
// So the pairing is done here, by block id, and y-prosemirror only updates
// what is paired (and writes what is new).
function updateChildren(ydoc: Y.Doc, parent: Y.XmlFragment | Y.XmlElement, node: ProseMirrorNode, work: { comparisons: number }): void {
  const current = parent.toArray()
  const incoming: ProseMirrorNode[] = []
  node.forEach((child) => incoming.push(child))
  let at = 0
  let y = 0
  let p = 0
  for (const [pairedY, pairedP] of [...pairBlocks(current, incoming, work), [current.length, incoming.length] as const]) {
    if (pairedY > y) parent.delete(at, pairedY - y)
    for (; p < pairedP; p++, at++) {
      const child = incoming[p] as ProseMirrorNode
      const element = new Y.XmlElement(child.type.name)
      parent.insert(at, [element])
      updateYFragment(ydoc, element, child, newMeta())
    }
    const target = current[pairedY]
    const source = incoming[pairedP]
    if (target instanceof Y.XmlElement && source) {
      if (source.isTextblock || source.isLeaf) updateYFragment(ydoc, target, source, newMeta())
      else {
        updateAttributes(target, source)
        updateChildren(ydoc, target, source, work)
      }
      at++
    }
    y = pairedY + 1
    p = pairedP + 1
  }
}

const newMeta = () => ({ mapping: new Map(), isOMark: new Map() })

function updateAttributes(element: Y.XmlElement, node: ProseMirrorNode): void {
  const current = element.getAttributes()
  for (const [key, value] of Object.entries(node.attrs)) {
    if (value === null || value === undefined) {
      if (key in current) element.removeAttribute(key)
    } else if (current[key] !== value) element.setAttribute(key, value as string)
  }
  for (const key of Object.keys(current)) if (!(key in node.attrs)) element.removeAttribute(key)
}

// The indexes of the blocks paired, in increasing order on both sides: the
// longest common subsequence of blocks that are the same block. Blocks are
// only "the same" through a shared id, so the candidate pairs are found by id
// (a map, not a table of every pair: that would be current × incoming
// cells) and the longest chain of them increasing on both sides is found in
// O(p log p) (Hunt–Szymanski), p the number of candidate pairs.
function pairBlocks(current: readonly unknown[], incoming: readonly ProseMirrorNode[], work: { comparisons: number }): Array<readonly [number, number]> {
  const currentIds = current.map(idsInY)
  const byOwnId = new Map<string, number[]>()
  const byInnerId = new Map<string, number[]>()
  const index = (map: Map<string, number[]>, id: string, i: number) => {
    const list = map.get(id)
    if (!list) map.set(id, [i])
    else if (list.length < MAX_CANDIDATES) list.push(i)
  }
  current.forEach((y, i) => {
    if (!(y instanceof Y.XmlElement)) return
    const own = y.getAttribute('id')
    if (typeof own === 'string') index(byOwnId, own, i)
    for (const id of currentIds[i] as Set<string>) index(byInnerId, id, i)
  })
  const same = (i: number, p: ProseMirrorNode) => {
    work.comparisons++
    const y = current[i]
    return y instanceof Y.XmlElement && y.nodeName === p.type.name
  }
  // Candidate pairs by increasing incoming index, and for one incoming block
  // by decreasing current index, so that no chain takes two pairs of one block.
  const candidates: Array<readonly [number, number]> = []
  incoming.forEach((p, j) => {
    const found = new Set<number>()
    const own = p.attrs.id
    if (typeof own === 'string') for (const i of byOwnId.get(own) ?? []) if (same(i, p)) found.add(i)
    if (!p.isTextblock)
      for (const id of idsInNode(p)) {
        if (found.size >= MAX_CANDIDATES) break
        for (const i of byInnerId.get(id) ?? []) if (same(i, p)) found.add(i)
      }
    for (const i of [...found].sort((a, b) => b - a)) candidates.push([i, j])
  })
  // Longest chain strictly increasing in the current index: tails[k] is the
  // candidate ending the best chain of length k + 1 found so far.
  const tails: number[] = []
  const previous = new Array<number>(candidates.length).fill(-1)
  candidates.forEach(([i], c) => {
    let low = 0
    let high = tails.length
    while (low < high) {
      const mid = (low + high) >> 1
      work.comparisons++
      if (((candidates[tails[mid] as number] as readonly [number, number])[0]) < i) low = mid + 1
      else high = mid
    }
    previous[c] = low > 0 ? (tails[low - 1] as number) : -1
    tails[low] = c
  })
  const pairs: Array<readonly [number, number]> = []
  for (let c = tails.at(-1) ?? -1; c !== -1; c = previous[c] as number) pairs.push(candidates[c] as readonly [number, number])
  return pairs.reverse()
}

// Most blocks one id may name on one side: ids are unique in a document the
// server wrote, but a client may write any Y.Doc, and repeated ids must not
// make the candidate pairs a product of both sides.
const MAX_CANDIDATES = 8

// The ids of the text blocks in a block (its own if it is one).
function idsInNode(node: ProseMirrorNode): Set<string> {
  const ids = new Set<string>()
  const add = (n: ProseMirrorNode) => {
    if (n.isTextblock && typeof n.attrs.id === 'string') ids.add(n.attrs.id)
  }
  add(node)
  node.descendants((child) => {
    add(child)
    return !child.isTextblock
  })
  return ids
}

function idsInY(type: unknown): Set<string> {
  const ids = new Set<string>()
  const walk = (t: unknown) => {
    if (!(t instanceof Y.XmlElement)) return
    const id = t.getAttribute('id')
    if (TEXT_BLOCKS.has(t.nodeName) && typeof id === 'string') ids.add(id)
    else for (const child of t.toArray()) walk(child)
  }
  walk(type)
  return ids
}

const TEXT_BLOCKS = new Set(Object.values(schema.nodes).filter((type) => type.isTextblock).map((type) => type.name))
