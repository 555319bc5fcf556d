/** The MIME type of a .docx file, for a response's Content-Type. */
export const DOCX_MIME_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
/** The MIME type of the comment matrix's CSV, for a response's Content-Type. */
export const CSV_MIME_TYPE = 'text/csv; charset=utf-8'
/** The MIME type of a Markdown export, for a response's Content-Type. */
export const MARKDOWN_MIME_TYPE = 'text/markdown; charset=utf-8'
/** The MIME type of an HTML export, for a response's Content-Type. */
export const HTML_MIME_TYPE = 'text/html; charset=utf-8'
/** The MIME type of an .xlsx file (the comment matrix for Excel), for a response's Content-Type. */
export const XLSX_MIME_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
