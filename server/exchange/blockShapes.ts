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

/** Where a block of a table stands: which table, row and cell. */
export interface CellPlace {
  readonly kind: 'cell'
  /** Names the table, so that its cells are laid out together. */
  readonly table: string
  readonly row: number
  readonly cell: number
  readonly header: boolean
  readonly colspan: number
  readonly rowspan: number
}

/** A block of a footnote's text: which note (named as in {@link ShapedBlock.notes}). */
export interface NotePlace {
  readonly kind: 'note'
  readonly note: string
}

/** A text block of a document with its shape. */
export interface ShapedBlock {
  readonly node: ProseMirrorNode
  readonly shape: BlockShape
  /** The table cell or the footnote the block is in; null in the running text. */
  readonly place: CellPlace | NotePlace | null
  /** The names of the footnotes whose markers the block holds, in order. */
  readonly notes: readonly string[]
}

/**
 * The text blocks of `doc` in reading order, each with its shape: the same
 * blocks, in the same order, as `blocksOf` in src/diff.ts (a footnote's
 * blocks just after the block holding its marker, a table's cell by cell),
 * so that a `BlockChange`'s `oldIndex` and `newIndex` point into this list.
 * List, table and note names start with `prefix`, to keep those of two
 * documents apart.
 */
export function shapedBlocks(doc: ProseMirrorNode, prefix = ''): ShapedBlock[] {
  const blocks: ShapedBlock[] = []
  interface Context {
    readonly quoteDepth: number
    readonly list: Omit<ListPlace, 'first'> | null
    readonly firstInItem: boolean
    readonly place: CellPlace | NotePlace | null
  }
  let noteCount = 0
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
        const notes: string[] = []
        const block = { node: child, shape, place: context.place, notes }
        blocks.push(block)
        let notePos = here + 1
        child.forEach((inline) => {
          if (inline.type.name === 'footnote') {
            const note = `${prefix}note${++noteCount}`
            notes.push(note)
            walk(inline, notePos, { quoteDepth: 0, list: null, firstInItem: false, place: { kind: 'note', note } })
          }
          notePos += inline.nodeSize
        })
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
      else if (name === 'table') {
        let rowPos = here + 1
        child.forEach((row, _o, rowIndex) => {
          let cellPos = rowPos + 1
          row.forEach((cell, _c, cellIndex) => {
            const place: CellPlace = {
              kind: 'cell',
              table: `${prefix}table${here}`,
              row: rowIndex,
              cell: cellIndex,
              header: cell.type.name === 'table_header',
              colspan: (cell.attrs.colspan as number | null) ?? 1,
              rowspan: (cell.attrs.rowspan as number | null) ?? 1
            }
            walk(cell, cellPos, { quoteDepth: 0, list: null, firstInItem: false, place })
            cellPos += cell.nodeSize
          })
          rowPos += row.nodeSize
        })
      } else walk(child, here, context)
    })
  }
  walk(doc, -1, { quoteDepth: 0, list: null, firstInItem: false, place: null })
  return blocks
}
