import ExcelJS from 'exceljs'
import { MATRIX_COLUMNS, type MatrixRow } from './MatrixRow'
import type { MatrixMeta } from './commentsToDocx'

// Widest a column is made, in characters: longer text wraps in its cell.
const MAX_COLUMN_WIDTH = 60

/**
 * The comment matrix as an Excel workbook (exceljs): one sheet, a bold
 * header row frozen at the top with a filter on every column, one row per
 * comment, cells wrapped. Every cell is written as a string, never as a
 * formula, whatever it starts with (`=`, `+`, `@`): comments come from many hands.
 */
export async function commentsToXlsx(rows: readonly MatrixRow[], meta: MatrixMeta): Promise<Uint8Array> {
  const language = meta.language ?? 'es'
  const workbook = new ExcelJS.Workbook()
  workbook.creator = meta.author
  workbook.lastModifiedBy = meta.author
  workbook.title = meta.title
  if (meta.subtitle) workbook.subject = meta.subtitle
  const sheet = workbook.addWorksheet(language === 'es' ? 'Matriz' : 'Matrix', { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = MATRIX_COLUMNS.map(({ key, title }) => ({
    header: title[language],
    key,
    width: Math.min(MAX_COLUMN_WIDTH, Math.max(10, title[language].length + 2, ...rows.map((r) => Math.max(...r[key].split('\n').map((l) => l.length)) + 2)))
  }))
  // Values as rich text-free strings: exceljs stores a string as a string (a
  // shared string), so "=SUM(A1)" stays the words a country wrote.
  for (const row of rows) sheet.addRow(Object.fromEntries(MATRIX_COLUMNS.map(({ key }) => [key, row[key]])))
  sheet.getRow(1).font = { bold: true }
  sheet.eachRow((row) => {
    row.alignment = { vertical: 'top', wrapText: true }
  })
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: MATRIX_COLUMNS.length } }
  return new Uint8Array(await workbook.xlsx.writeBuffer())
}
