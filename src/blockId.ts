import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { BLOCK_TYPES } from './schema'

/** A stable identifier of a block (paragraph, heading, list item…). */
export type BlockId = string & { __brand: 'BlockId' }

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/**
 * A new random block id such as `b4k9x2m7q1z`. Uses the platform's
 * cryptographic random source (available in browsers and Node.js alike), so two
 * clients creating blocks at the same moment do not collide.
 */
// Web Crypto is in browsers and Node alike, but src/ is checked without the
// types of either: this much of it is declared here.
const webCrypto = (globalThis as unknown as { crypto: { getRandomValues(bytes: Uint8Array): Uint8Array } }).crypto

export function createBlockId(): BlockId {
  const bytes = new Uint8Array(10)
  webCrypto.getRandomValues(bytes)
  let id = 'b'
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length]
  return id as BlockId
}

/** A position whose block needs the given id. */
export interface BlockIdFix {
  readonly pos: number
  readonly id: BlockId
}

/**
 * The blocks of `doc` that need a new id: those without one, and all but one
 * of the blocks sharing an id (as splitting or pasting a paragraph creates).
 * Of duplicates, the block with the most text keeps the id, so that pressing
 * Enter at the start of a paragraph leaves the citation on the paragraph's text.
 */
export function blockIdFixes(doc: ProseMirrorNode, newId: () => BlockId = createBlockId): BlockIdFix[] {
  const byId = new Map<string, Array<{ pos: number; size: number }>>()
  const fixes: BlockIdFix[] = []
  doc.descendants((node, pos) => {
    if (!BLOCK_TYPES.has(node.type.name)) return true
    const id = node.attrs.id as string | null
    if (!id) fixes.push({ pos, id: newId() })
    else {
      const seen = byId.get(id) ?? []
      seen.push({ pos, size: node.textContent.length })
      byId.set(id, seen)
    }
    return true
  })
  for (const holders of byId.values()) {
    if (holders.length < 2) continue
    const keeper = holders.reduce((best, h) => (h.size > best.size ? h : best))
    for (const h of holders) if (h !== keeper) fixes.push({ pos: h.pos, id: newId() })
  }
  return fixes.sort((a, b) => a.pos - b.pos)
}

/** A stretch of a document, in ProseMirror positions. */
export interface PositionRange {
  readonly from: number
  readonly to: number
}

/**
 * The fixes {@link blockIdFixes} makes, for a document whose blocks had
 * unique ids before an edit of `ranges`: only blocks touching a range (or
 * next to one) are checked, against the ids of every block. An edit changes
 * a few blocks; checking them walks the document's blocks but not its text,
 * and reads the text of no block but those that share an id.
 */
export function blockIdFixesWithin(doc: ProseMirrorNode, ranges: readonly PositionRange[], newId: () => BlockId = createBlockId): BlockIdFix[] {
  const size = doc.content.size
  const touched = new Map<number, ProseMirrorNode>()
  for (const range of ranges) {
    // One position more on each side: a split or a join changes the blocks on both sides of a boundary.
    const from = Math.max(0, Math.min(range.from, range.to) - 1)
    const to = Math.min(size, Math.max(range.from, range.to) + 1)
    doc.nodesBetween(from, to, (node, pos) => {
      if (BLOCK_TYPES.has(node.type.name)) touched.set(pos, node)
      return !node.isTextblock
    })
  }
  const fixes: BlockIdFix[] = []
  const suspects = new Set<string>()
  for (const [pos, node] of [...touched].sort(([a], [b]) => a - b)) {
    const id = node.attrs.id as string | null
    if (!id) fixes.push({ pos, id: newId() })
    else suspects.add(id)
  }
  if (suspects.size > 0) {
    const holders = new Map<string, number[]>()
    doc.descendants((node, pos) => {
      const id = node.attrs.id as string | null
      if (id && suspects.has(id) && BLOCK_TYPES.has(node.type.name)) holders.set(id, [...(holders.get(id) ?? []), pos])
      return !node.isTextblock
    })
    for (const positions of holders.values()) {
      if (positions.length < 2) continue
      const sized = positions.map((pos) => ({ pos, size: doc.nodeAt(pos)?.textContent.length ?? 0 }))
      const keeper = sized.reduce((best, h) => (h.size > best.size ? h : best))
      for (const h of sized) if (h !== keeper) fixes.push({ pos: h.pos, id: newId() })
    }
  }
  return fixes.sort((a, b) => a.pos - b.pos)
}

/** `doc` with every block given a unique id (see {@link blockIdFixes}). */
export function withBlockIds(doc: ProseMirrorNode, newId: () => BlockId = createBlockId): ProseMirrorNode {
  const fixes = new Map(blockIdFixes(doc, newId).map((f) => [f.pos, f.id]))
  if (fixes.size === 0) return doc
  const rebuild = (node: ProseMirrorNode, pos: number): ProseMirrorNode => {
    if (node.isText || node.isLeaf) return node
    const children: ProseMirrorNode[] = []
    // A node's content starts one position after its opening token (none for the doc).
    let childPos = node.type.name === 'doc' ? 0 : pos + 1
    node.forEach((child) => {
      children.push(rebuild(child, childPos))
      childPos += child.nodeSize
    })
    const id = fixes.get(pos)
    const attrs = id && node.type.name !== 'doc' ? { ...node.attrs, id } : node.attrs
    return node.type.create(attrs, children, node.marks)
  }
  return rebuild(doc, -1)
}
