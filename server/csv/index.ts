/** The CSV files Consenso writes: one writer, one rule against formula injection. */
export { defuseFormulas, toCsv, type CsvColumn, type CsvFormat } from './toCsv'
