import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { ImportError } from './ImportError'

/**
 * `doc`, if it has some text or a picture; otherwise an {@link ImportError}
 * `empty` naming `source`, because a document with nothing in it is always
 * the wrong file. (A scanned page is a picture and no text: it is kept.)
 */
export function notEmpty(doc: ProseMirrorNode, source: string): ProseMirrorNode {
  if (doc.textContent.trim() !== '') return doc
  let picture = false
  doc.descendants((node) => {
    picture ||= node.type.name === 'image'
    return !picture
  })
  if (!picture) throw new ImportError('empty', `the ${source} has no text`)
  return doc
}
