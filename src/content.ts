import * as Y from 'yjs'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { prosemirrorToYXmlFragment, updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import { schema } from './schema'
import { CONTENT_FRAGMENT } from './document'

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
  const blocks: string[] = []
  doc.descendants((node) => {
    if (!node.isTextblock) return true
    let text = ''
    node.forEach((child) => {
      text += child.isText ? child.text : child.type.name === 'hard_break' ? '\n' : ''
    })
    blocks.push(text)
    return false
  })
  return blocks.join('\n\n')
}

/** Number of words in a text (runs of letters or digits). */
export const countWords = (text: string): number => text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0

/**
 * Makes the document's text `doc` by the smallest edit y-prosemirror finds:
 * blocks and text that are the same keep their Yjs items, so the comments
 * anchored in them stay put, and history is added to, never rewritten. One
 * transaction with `origin`.
 */
export function replaceContent(ydoc: Y.Doc, doc: ProseMirrorNode, origin: unknown): void {
  ydoc.transact(() => {
    updateYFragment(ydoc, ydoc.getXmlFragment(CONTENT_FRAGMENT), doc, { mapping: new Map(), isOMark: new Map() })
  }, origin)
}
