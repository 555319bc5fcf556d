import { stringify } from 'csv-stringify/sync'
import { MATRIX_COLUMNS, type MatrixLanguage, type MatrixRow } from './MatrixRow'

/** How the CSV of the comment matrix is written. */
export interface CsvOptions {
  /** The language of the column titles. Default `es`. */
  readonly language?: MatrixLanguage
  /**
   * The field separator. Default `,` (RFC 4180); `;` is what Excel expects
   * where the decimal separator is a comma (Spain, for one).
   */
  readonly delimiter?: ',' | ';'
}

/**
 * The comment matrix as CSV: a header row of column titles, then one record
 * per row, in RFC 4180 form (CRLF between records; fields holding the
 * separator, a quote or a line break are quoted, quotes doubled). UTF-8 with
 * a byte order mark, so that Excel reads the accents right. A field that
 * starts like a formula (=, +, -, @) is prefixed with ' so that a spreadsheet
 * shows it instead of running it: comments come from many hands.
 */
export function commentsToCsv(rows: readonly MatrixRow[], options: CsvOptions = {}): string {
  const language = options.language ?? 'es'
  return stringify(rows as MatrixRow[], {
    bom: true,
    header: true,
    columns: MATRIX_COLUMNS.map(({ key, title }) => ({ key, header: title[language] })),
    delimiter: options.delimiter ?? ',',
    record_delimiter: 'windows',
    // A line break inside a field must be quoted even though records end in CRLF.
    quote_record_delimiter: true,
    escape_formulas: true
  })
}
