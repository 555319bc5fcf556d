import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { serializeMarkdown, withBracketMarks, type MarkedBracket } from '../../src'

// Markdown escapes "[" and "]" in text ("\\["): the marks go in as characters of
// Unicode's private use area, which it leaves alone, and become brackets once written.
const OPEN_MARK = '\uE000'
const CLOSE_MARK = '\uE001'

// A version as Markdown, its bracketed passages written as [ … ].
export function markdownWithBrackets(doc: ProseMirrorNode, brackets: readonly MarkedBracket[]): string {
  if (brackets.length === 0) return serializeMarkdown(doc)
  return serializeMarkdown(withBracketMarks(doc, brackets, { open: OPEN_MARK, close: CLOSE_MARK }))
    .replaceAll(OPEN_MARK, '[')
    .replaceAll(CLOSE_MARK, ']')
}
