import {
  HeadingLevel,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType
} from 'docx'
import { WORD_MATRIX_COLUMNS, wordCellText, type MatrixLanguage, type MatrixRow } from './MatrixRow'
import { packWordFile } from './packWordFile'

/** What the Word file of a comment matrix says about it. */
export interface MatrixMeta {
  /** The document commented on. */
  readonly title: string
  /** Which round of comments, e.g. "Borrador octubre 2021 — comentarios hasta el 15 de octubre". */
  readonly subtitle?: string
  /** The language of the titles. Default `es`. */
  readonly language?: MatrixLanguage
  /** Who made the file, by role (e.g. "Presidencia Pro Tempore"): its creator and last editor in the file's properties. */
  readonly author: string
}

// The matrix's page margins: half an inch, to give the table the room.
const PAGE_MARGIN = 720
// A landscape A4 page less those margins, in twentieths of a point.
const TABLE_WIDTH = 16838 - 2 * PAGE_MARGIN
// The table's text is 10 pt, as matrices usually are, in half-points.
const TABLE_FONT_SIZE = 20
// Word's default cell margins, left and right.
const CELL_PADDING = 2 * 108
// The width of one letter of Calibri 10 (5 pt; most are narrower), and of a
// bold one in the titles: a column this wide per letter of its longest word
// does not split that word.
const CHAR_WIDTH = 100
const TITLE_CHAR_WIDTH = 110
// Past this many letters a line wraps anyway: a column asks no more room than that.
const LONG_LINE = 60
// A token longer than this (a URL, a formula) is split whatever the column:
// it claims no more room than a word this long.
const LONG_WORD = 24

/**
 * Column widths sized for their content, in twentieths of a point, adding
 * up to `tableWidth`: every column at least as wide as its longest word
 * (its title's included), so that no word is split across lines; the room
 * left goes to the columns whose lines are long, in proportion to how much
 * more they would take. A token over 24 letters (a URL) is split anyway and
 * claims the room of 24; only if the longest words alone overflow the table
 * are all the columns narrowed alike.
 */
function matrixColumnWidths(rows: readonly MatrixRow[], language: MatrixLanguage, tableWidth = TABLE_WIDTH): number[] {
  const longest = (values: readonly string[], split: RegExp) => Math.max(0, ...values.flatMap((v) => v.split(split).map((part) => [...part].length)))
  const longestWord = (values: readonly string[]) => Math.min(LONG_WORD, longest(values, /\s+/))
  const columns = WORD_MATRIX_COLUMNS.map(({ key, title }) => ({ title: title[language], values: rows.map((row) => wordCellText(row, key, language)) }))
  const least = columns.map(
    ({ title, values }) => Math.max(longestWord([title]) * TITLE_CHAR_WIDTH, longestWord(values) * CHAR_WIDTH) + CELL_PADDING
  )
  const wished = columns.map(({ title, values }, i) =>
    Math.max(least[i] as number, Math.min(LONG_LINE, Math.max(longest([title], /\n/), longest(values, /\n/))) * CHAR_WIDTH + CELL_PADDING)
  )
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)
  const room = tableWidth - sum(least)
  if (room <= 0) return fitted(least, tableWidth)
  const more = wished.map((w, i) => w - (least[i] as number))
  // Each column gets what it wishes for, or its share of the room; room left
  // once every wish is met goes to the columns in proportion to their wishes.
  const widths =
    sum(more) > room
      ? least.map((w, i) => w + ((more[i] as number) * room) / sum(more))
      : wished.map((w) => w + ((room - sum(more)) * w) / sum(wished))
  return fitted(widths, tableWidth)
}

// Whole widths in the same proportions, adding up to `total` exactly.
function fitted(widths: readonly number[], total: number): number[] {
  const sum = widths.reduce((a, b) => a + b, 0)
  const whole = widths.map((w) => Math.floor((w * total) / sum))
  whole[whole.length - 1] = total - whole.slice(0, -1).reduce((a, b) => a + b, 0)
  return whole
}

const MATRIX_TITLE: Record<MatrixLanguage, string> = { es: 'Matriz de comentarios', en: 'Comment matrix' }

// One paragraph per line, so that a comment's line breaks survive; a cell
// needs at least one paragraph.
const cellParagraphs = (text: string, bold = false) =>
  text
    .split(/\r?\n/)
    .map((line) => new Paragraph({ children: [new TextRun({ text: line, size: TABLE_FONT_SIZE, ...(bold ? { bold: true } : {}) })] }))

/**
 * The comment matrix as a Word file: a heading, then a real table on
 * landscape pages with a header row of column titles (repeated on every
 * page) and one row per comment, its line breaks kept. The columns are sized
 * for what they hold (see {@link matrixColumnWidths}), in a fixed layout so
 * that Word keeps those widths.
 */
export async function commentsToDocx(rows: readonly MatrixRow[], meta: MatrixMeta): Promise<Uint8Array> {
  const language = meta.language ?? 'es'
  const widths = matrixColumnWidths(rows, language)
  const cell = (text: string, i: number, header = false) =>
    new TableCell({
      width: { size: widths[i] ?? 0, type: WidthType.DXA },
      ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'D9E2F3' } } : {}),
      children: cellParagraphs(text, header)
    })
  const table = new Table({
    width: { size: TABLE_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({ tableHeader: true, children: WORD_MATRIX_COLUMNS.map(({ title }, i) => cell(title[language], i, true)) }),
      ...rows.map((row) => new TableRow({ children: WORD_MATRIX_COLUMNS.map(({ key }, i) => cell(wordCellText(row, key, language), i)) }))
    ]
  })
  const heading = `${MATRIX_TITLE[language]} — ${meta.title}`
  return packWordFile({
    title: meta.title,
    subject: MATRIX_TITLE[language],
    author: meta.author,
    header: meta.subtitle ? `${heading} — ${meta.subtitle}` : heading,
    body: [
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(heading)] }),
      ...(meta.subtitle ? [new Paragraph({ children: [new TextRun(meta.subtitle)] })] : []),
      table
    ],
    landscape: true,
    pageMargin: PAGE_MARGIN
  })
}
