import {
  HeadingLevel,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType
} from 'docx'
import { MATRIX_COLUMNS, type MatrixLanguage, type MatrixRow } from './MatrixRow'
import { packWordFile } from './packWordFile'

/** What the Word file of a comment matrix says about it. */
export interface MatrixMeta {
  /** The document commented on. */
  readonly title: string
  /** Which round of comments, e.g. "Borrador octubre 2021 — comentarios hasta el 15 de octubre". */
  readonly subtitle?: string
  /** The language of the titles. Default `es`. */
  readonly language?: MatrixLanguage
}

// Relative widths of the columns, in MATRIX_COLUMNS' order: the texts get
// the room, the short fields little.
const WEIGHTS = [10, 8, 14, 9, 17, 15, 11, 16]
// A landscape A4 page less Word's default margins of one inch, in twentieths of a point.
const TABLE_WIDTH = 16838 - 2 * 1440

const MATRIX_TITLE: Record<MatrixLanguage, string> = { es: 'Matriz de comentarios', en: 'Comment matrix' }

// One paragraph per line, so that a comment's line breaks survive; a cell
// needs at least one paragraph.
const cellParagraphs = (text: string, bold = false) =>
  text.split(/\r?\n/).map((line) => new Paragraph({ children: [new TextRun({ text: line, ...(bold ? { bold: true } : {}) })] }))

/**
 * The comment matrix as a Word file: a heading, then a real table on
 * landscape pages with a header row of column titles (repeated on every
 * page) and one row per comment, its line breaks kept.
 */
export async function commentsToDocx(rows: readonly MatrixRow[], meta: MatrixMeta): Promise<Uint8Array> {
  const language = meta.language ?? 'es'
  const total = WEIGHTS.reduce((a, b) => a + b, 0)
  const widths = WEIGHTS.map((w) => Math.floor((TABLE_WIDTH * w) / total))
  const cell = (text: string, i: number, header = false) =>
    new TableCell({
      width: { size: widths[i] ?? 0, type: WidthType.DXA },
      ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'D9E2F3' } } : {}),
      children: cellParagraphs(text, header)
    })
  const table = new Table({
    width: { size: TABLE_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, children: MATRIX_COLUMNS.map(({ title }, i) => cell(title[language], i, true)) }),
      ...rows.map((row) => new TableRow({ children: MATRIX_COLUMNS.map(({ key }, i) => cell(row[key], i)) }))
    ]
  })
  const heading = `${MATRIX_TITLE[language]} — ${meta.title}`
  return packWordFile({
    title: meta.title,
    subject: MATRIX_TITLE[language],
    header: meta.subtitle ? `${heading} — ${meta.subtitle}` : heading,
    body: [
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(heading)] }),
      ...(meta.subtitle ? [new Paragraph({ children: [new TextRun(meta.subtitle)] })] : []),
      table
    ],
    landscape: true
  })
}
