import {
  AlignmentType,
  Document,
  Footer,
  Header,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  TextRun,
  type FileChild,
  type ICommentsOptions,
  type INumberingOptions
} from 'docx'
import { INDENT_STEP } from './ListNumbering'
import { QUOTE_STYLE } from './paragraphOptions'

/** What every Word file Consenso writes has, besides its body. */
export interface WordFileOptions {
  /** The document's title, in the file's properties. */
  readonly title: string
  /** What the file is (a version's name, "cambios de … a …"), in the file's properties. */
  readonly subject: string
  /**
   * Who made the file's content, by role or country (e.g. "Presidencia Pro
   * Tempore"): its creator and last editor in the file's properties.
   */
  readonly author: string
  /** The line at the top of every page. */
  readonly header: string
  readonly body: readonly FileChild[]
  /** The list numbering the body uses; none if it has no lists. */
  readonly numbering?: INumberingOptions
  /** The footnotes the body refers to, by number (see `WordNotes`). */
  readonly footnotes?: Record<string, { children: Paragraph[] }>
  /** Margin comments, referred to from the body by their ids (`CommentRangeStart`, `CommentReference`). */
  readonly comments?: ICommentsOptions
  /** Whether Word keeps tracking changes made to the file (for a file that shows changes). */
  readonly trackRevisions?: boolean
  /** Landscape pages, for wide tables. */
  readonly landscape?: boolean
  /** The page's margins on every side, in twentieths of a point. Default 1440 (an inch, Word's own). */
  readonly pageMargin?: number
}

/**
 * A complete .docx file: the body, a header line and page numbers on every
 * page, the title, subject and author in its properties, Word's built-in heading
 * styles and a {@link QUOTE_STYLE} style for quotations.
 */
export async function packWordFile(options: WordFileOptions): Promise<Uint8Array> {
  const document = new Document({
    title: options.title,
    subject: options.subject,
    creator: options.author,
    lastModifiedBy: options.author,
    styles: {
      // Word's own defaults for a new document: Calibri 11, a little space
      // after each paragraph, so that the text reads as Word users expect.
      default: { document: { run: { font: 'Calibri', size: 22 }, paragraph: { spacing: { after: 120 } } } },
      paragraphStyles: [
        {
          id: QUOTE_STYLE,
          name: QUOTE_STYLE,
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          // Indented, not italic: italic in the style would hide the
          // quotation's own emphasis.
          paragraph: { indent: { left: INDENT_STEP, right: INDENT_STEP } }
        }
      ]
    },
    ...(options.numbering ? { numbering: options.numbering } : {}),
    ...(options.footnotes && Object.keys(options.footnotes).length ? { footnotes: options.footnotes } : {}),
    ...(options.comments && options.comments.children.length ? { comments: options.comments } : {}),
    ...(options.trackRevisions ? { features: { trackRevisions: true } } : {}),
    sections: [
      {
        properties: {
          page: {
            ...(options.landscape ? { size: { orientation: PageOrientation.LANDSCAPE } } : {}),
            ...(options.pageMargin === undefined
              ? {}
              : { margin: { top: options.pageMargin, right: options.pageMargin, bottom: options.pageMargin, left: options.pageMargin } })
          }
        },
        headers: { default: new Header({ children: [new Paragraph({ children: [new TextRun({ text: options.header, size: 18, color: '666666' })] })] }) },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], size: 18 })] })]
          })
        },
        children: [...options.body]
      }
    ]
  })
  return new Uint8Array(await Packer.toArrayBuffer(document))
}
