import { stringify } from 'csv-stringify/sync'

/** One column of a CSV table: the record's key and its title in the header row. */
export interface CsvColumn<K extends string> {
  readonly key: K
  readonly header: string
}

/** How {@link toCsv} separates fields. */
export interface CsvFormat {
  /**
   * The field separator. Default `,` (RFC 4180); `;` is what Excel expects
   * where the decimal separator is a comma (Spain, for one).
   */
  readonly delimiter?: ',' | ';'
}

// Every separator some spreadsheet splits a line on, whatever the file's own
// delimiter: a comma, a semicolon (Excel in a comma-decimal locale), a tab
// (a paste), and line breaks. A field holding one is quoted, so that any of
// them reads it as one cell.
const NEEDS_QUOTES = /[,;\t\r\n"]/

// A piece of a field that a spreadsheet could run as a formula: one starting
// with = + - @, a tab or a carriage return (OWASP, "CSV Injection").
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * `value` made inert in a spreadsheet: a `'` before its start and before the
 * start of each piece after a `;` or a tab that begins like a formula. A
 * spreadsheet that splits on `;` (or a paste that splits on tabs) sees each
 * piece as a cell, and `Comentario;=cmd|…` must not give it one starting with `=`.
 * Text that starts no formula is returned as it is.
 */
export function defuseFormulas(value: string): string {
  return value
    .split(/(?<=[;\t])/)
    .map((piece) => (FORMULA_START.test(piece) ? `'${piece}` : piece))
    .join('')
}

/**
 * A table as CSV, the one writer of every CSV file Consenso makes (the
 * comment matrix, the audit trail): UTF-8 with a byte order mark (so that
 * Excel reads the accents), a header row, records ending in CRLF (RFC 4180).
 * Each field that holds a separator of any locale (`,` `;` tab), a quote or
 * a line break is quoted, quotes doubled; every text is passed through
 * {@link defuseFormulas}, since comments, usernames and file names come from many hands.
 */
export function toCsv<K extends string>(
  records: readonly Readonly<Record<K, string | number>>[],
  columns: readonly CsvColumn<K>[],
  format: CsvFormat = {}
): string {
  const defused = records.map((record) =>
    Object.fromEntries(columns.map(({ key }) => [key, typeof record[key] === 'string' ? defuseFormulas(record[key]) : String(record[key])]))
  )
  return stringify(defused, {
    bom: true,
    header: true,
    columns: columns.map(({ key, header }) => ({ key, header })),
    delimiter: format.delimiter ?? ',',
    record_delimiter: 'windows',
    quoted_match: NEEDS_QUOTES,
    // A line break inside a field must be quoted even though records end in CRLF.
    quote_record_delimiter: true
  })
}
