import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { parseMarkdown } from '../../src'
import { ImportError } from './ImportError'
import { defaultImportLimits, type ImportLimits } from './ImportLimits'
import { notEmpty } from './notEmpty'

/**
 * CommonMark text as a document of {@link schema} with fresh block ids (see
 * `parseMarkdown`: raw HTML stays text, links only to the web or to mail).
 * Throws {@link ImportError}: `too_large` over `limits.maxTextLength`
 * characters, `empty` when the text has no words.
 */
export function importMarkdown(markdown: string, limits: ImportLimits = defaultImportLimits): ProseMirrorNode {
  if (markdown.length > limits.maxTextLength)
    throw new ImportError('too_large', `the Markdown is ${markdown.length} characters long; the limit is ${limits.maxTextLength}`)
  return notEmpty(parseMarkdown(markdown), 'Markdown file')
}
