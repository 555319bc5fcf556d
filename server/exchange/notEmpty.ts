import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { ImportError } from './ImportError'

/**
 * `doc`, if it has some text; otherwise an {@link ImportError} `empty` naming
 * `source`, because a document with no words is always the wrong file.
 */
export function notEmpty(doc: ProseMirrorNode, source: string): ProseMirrorNode {
  if (doc.textContent.trim() === '') throw new ImportError('empty', `the ${source} has no text`)
  return doc
}
