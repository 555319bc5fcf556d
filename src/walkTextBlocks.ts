import type { Node as ProseMirrorNode } from 'prosemirror-model'

/**
 * How {@link walkTextBlocks} reads one kind of document tree: ProseMirror
 * nodes (a version, an upload) or the live Y.Doc's XML elements (anchors).
 */
export interface BlockTree<N> {
  /** Whether `node` is a text block (a paragraph, a heading): the walk takes its text and goes no deeper. */
  readonly isTextblock: (node: N) => boolean
  /** The block nodes inside a container (a list, a list item, a quotation). */
  readonly children: (node: N) => readonly N[]
  /** A text block's text, hard breaks as "\n". */
  readonly text: (node: N) => string
  /** A text block's node type: "paragraph", "heading". */
  readonly type: (node: N) => string
  /** A heading's level, as the tree keeps it (a number, or its text); anything for other blocks. */
  readonly level: (node: N) => unknown
  /** The footnotes in a text block, in order: the walk takes their paragraphs just after the block. */
  readonly notes: (node: N) => readonly N[]
}

/** A text block met by {@link walkTextBlocks}, with its text and the heading of its section. */
export interface WalkedBlock<N> {
  readonly node: N
  readonly text: string
  /** Heading of the section the block is in ("" before the first one); a section's own heading is in it. */
  readonly section: string
}

/** Whether a text block starts a section: a heading of level 1 or 2. Deeper headings stay inside their section. */
export const isSection = (type: string, level: unknown): boolean => type === 'heading' && Number(level) <= 2

/**
 * Every text block under `roots` in reading order (list items and quoted
 * paragraphs each count as one; table cells' blocks row by row; a footnote's
 * paragraphs just after the block its marker is in), each with the heading of its section (see
 * {@link isSection}). The one walk over a document's blocks: plain text,
 * the diff and comment anchors all see the same blocks with the same text.
 */
export function walkTextBlocks<N>(roots: readonly N[], tree: BlockTree<N>): WalkedBlock<N>[] {
  const blocks: WalkedBlock<N>[] = []
  let section = ''
  const visit = (node: N) => {
    if (!tree.isTextblock(node)) {
      for (const child of tree.children(node)) visit(child)
      return
    }
    const text = tree.text(node)
    if (isSection(tree.type(node), tree.level(node))) section = text
    blocks.push({ node, text, section })
    // A note is read where its marker is: after the block that cites it.
    for (const note of tree.notes(node)) for (const child of tree.children(note)) visit(child)
  }
  for (const root of roots) visit(root)
  return blocks
}

/** {@link walkTextBlocks} over a ProseMirror document: pass `doc.children` as the roots. */
export const proseMirrorBlocks: BlockTree<ProseMirrorNode> = {
  isTextblock: (node) => node.isTextblock,
  children: (node) => node.children,
  // A footnote marker has no text: its note's text is in blocks of its own.
  text: (node) => {
    let text = ''
    node.forEach((child) => {
      text += child.isText ? child.text : child.type.name === 'hard_break' ? '\n' : ''
    })
    return text
  },
  type: (node) => node.type.name,
  level: (node) => node.attrs.level,
  notes: (node) => node.children.filter((child) => child.type.name === 'footnote')
}
