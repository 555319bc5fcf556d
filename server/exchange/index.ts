/**
 * Moving documents in and out of Consenso: pure conversions between the
 * document schema and Markdown, HTML and Word files, and the comment matrix
 * as CSV and Word. No HTTP here: routes call these (through `Exports`) and send the bytes.
 *
 * Imports throw {@link ImportError} (with a `failure` a route maps to a
 * status) for anything they refuse; exports do not fail on valid documents.
 * {@link Exports} is the one service here: it fetches what a download is
 * made of, converts it and records it in the audit trail.
 */
export { ImportError, type ImportFailure } from './ImportError'
export { defaultImportLimits, type ImportLimits } from './ImportLimits'
export { importMarkdown } from './importMarkdown'
export { importHtml, importHtmlReporting, MAX_HTML_DEPTH, type Imported } from './importHtml'
export { importDocx, importDocxReporting } from './importDocx'
export { importFile, importFileReporting, importFormatOf, type ImportFormat } from './importFile'
export { versionToDocx, type VersionMeta } from './versionToDocx'
export { versionToHtml } from './versionToHtml'
export { diffToDocx, type DiffMeta, type DiffExportOptions } from './diffToDocx'
export { MATRIX_COLUMNS, WORD_MATRIX_COLUMNS, type MatrixRow, type MatrixLanguage } from './MatrixRow'
export { commentsToCsv, type CsvOptions } from './commentsToCsv'
export { commentsToDocx, type MatrixMeta } from './commentsToDocx'
export { commentsToXlsx } from './commentsToXlsx'
/** Re-exported so that routes find every format in one place. */
export { serializeMarkdown } from '../../src'
export { Exports, fileNameOf, MATRIX_FORMATS, VERSION_FORMATS, type ExportedFile, type ExportSources, type MatrixFormat, type VersionFormat } from './Exports'
export { DOCX_MIME_TYPE, CSV_MIME_TYPE, HTML_MIME_TYPE, MARKDOWN_MIME_TYPE, XLSX_MIME_TYPE } from './mimeTypes'
export { readMarkup, type Markup, type MarkupChange, type MarkupComment, type MarkupPlace } from './readMarkup'
