import { toCsv, type CsvFormat } from '../csv'
import { MATRIX_COLUMNS, type MatrixLanguage, type MatrixRow } from './MatrixRow'

/** How the CSV of the comment matrix is written. */
export interface CsvOptions extends CsvFormat {
  /** The language of the column titles. Default `es`. */
  readonly language?: MatrixLanguage
}

/**
 * The comment matrix as CSV: a header row of column titles, then one record
 * per row, written by `toCsv` (UTF-8 with a byte order mark, CRLF, every
 * field holding a separator of any locale quoted, formula starts defused in
 * each `;`- or tab-separated piece: comments come from many hands).
 */
export function commentsToCsv(rows: readonly MatrixRow[], options: CsvOptions = {}): string {
  const language = options.language ?? 'es'
  return toCsv(
    rows,
    MATRIX_COLUMNS.map(({ key, title }) => ({ key, header: title[language] })),
    options.delimiter ? { delimiter: options.delimiter } : {}
  )
}
