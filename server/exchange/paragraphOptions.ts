import { HeadingLevel, type IParagraphOptions } from 'docx'
import type { BlockShape } from './blockShapes'
import { INDENT_STEP, ListNumbering } from './ListNumbering'

/** The id of the paragraph style of quotations; Word's own name, so Word and mammoth know it. */
export const QUOTE_STYLE = 'Quote'

const HEADINGS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const

/**
 * The Word paragraph properties of a block of the given shape: a real heading
 * style (Heading1–3), list numbering from `numbering` for an item's first
 * paragraph (its later ones indented to match), the {@link QUOTE_STYLE}
 * style for quoted paragraphs, indented further for each level of quotation.
 */
export function paragraphOptions(shape: BlockShape, numbering: ListNumbering): IParagraphOptions {
  if (shape.kind === 'heading') return { heading: HEADINGS[shape.level] }
  if (shape.list) {
    // A list inside a quotation keeps its numbering; the quotation style is
    // left off, since importers read a Quote paragraph as a quotation only.
    return shape.list.first
      ? { numbering: numbering.numberingOf(shape.list) }
      : { indent: ListNumbering.continuationIndent(shape.list) }
  }
  if (shape.quoteDepth > 0)
    return { style: QUOTE_STYLE, ...(shape.quoteDepth > 1 ? { indent: { left: INDENT_STEP * shape.quoteDepth } } : {}) }
  return {}
}
