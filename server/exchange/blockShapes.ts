import type { Node as ProseMirrorNode } from 'prosemirror-model'

/** Where a paragraph stands in a (possibly nested) list. */
export interface ListPlace {
  /** Names the list, so that its items are numbered together. */
  readonly list: string
  readonly ordered: boolean
  /** The number of the list's first item (1 for bullets). */
  readonly start: number
  /** 0 in a top-level list, 1 in a list inside one of its items, and so on. */
  readonly depth: number
  /** Whether this is the item's first paragraph, the one shown with the number or bullet. */
  readonly first: boolean
}

/**
 * What a text block looks like on a page: a heading of some level, or a
 * paragraph, maybe quoted (how many block quotes deep) and maybe in a list.
 */
export type BlockShape =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3 }
  | { readonly kind: 'paragraph'; readonly quoteDepth: number; readonly list: ListPlace | null }

/** A text block of a document with its shape. */
export interface ShapedBlock {
  readonly node: ProseMirrorNode
  readonly shape: BlockShape
}

/**
 * The text blocks of `doc` in reading order, each with its shape: the same
 * blocks, in the same order, as `blocksOf` in src/diff.ts, so that a
 * `BlockChange`'s `oldIndex` and `newIndex` point into this list. List names
 * start with `prefix`, to keep the lists of two documents apart.
 */
export function shapedBlocks(doc: ProseMirrorNode, prefix = ''): ShapedBlock[] {
  const blocks: ShapedBlock[] = []
  interface Context {
    readonly quoteDepth: number
    readonly list: Omit<ListPlace, 'first'> | null
    readonly firstInItem: boolean
  }
  const walk = (node: ProseMirrorNode, pos: number, context: Context) => {
    let childPos = pos + 1
    node.forEach((child, _offset, index) => {
      const here = childPos
      childPos += child.nodeSize
      if (child.isTextblock) {
        const shape: BlockShape =
          child.type.name === 'heading'
            ? { kind: 'heading', level: Math.min(3, Math.max(1, child.attrs.level as number)) as 1 | 2 | 3 }
            : {
                kind: 'paragraph',
                quoteDepth: context.quoteDepth,
                list: context.list ? { ...context.list, first: context.firstInItem && index === 0 } : null
              }
        blocks.push({ node: child, shape })
        return
      }
      const name = child.type.name
      if (name === 'blockquote') walk(child, here, { ...context, quoteDepth: context.quoteDepth + 1, firstInItem: false })
      else if (name === 'bullet_list' || name === 'ordered_list') {
        const list = {
          list: `${prefix}${here}`,
          ordered: name === 'ordered_list',
          // Word counts from a whole number, zero or more.
          start: name === 'ordered_list' ? Math.max(0, Math.floor((child.attrs.order as number | null) ?? 1)) : 1,
          depth: context.list ? context.list.depth + 1 : 0
        }
        walk(child, here, { ...context, list, firstInItem: false })
      } else if (name === 'list_item') walk(child, here, { ...context, firstInItem: true })
      else walk(child, here, context)
    })
  }
  walk(doc, -1, { quoteDepth: 0, list: null, firstInItem: false })
  return blocks
}
