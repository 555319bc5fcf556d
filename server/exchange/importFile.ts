import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { ImportError } from './ImportError'
import { defaultImportLimits, type ImportLimits } from './ImportLimits'
import { importDocxReporting } from './importDocx'
import { importHtmlReporting, type Imported } from './importHtml'
import { importMarkdown } from './importMarkdown'
import { DOCX_MIME_TYPE } from './mimeTypes'

/** The formats a document can be imported from. */
export type ImportFormat = 'markdown' | 'html' | 'docx'

const BY_EXTENSION: Record<string, ImportFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  docx: 'docx'
}

const BY_MIME_TYPE: Record<string, ImportFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  [DOCX_MIME_TYPE]: 'docx'
}

/**
 * The format of a file, from its name's extension or else its MIME type
 * (browsers send `application/octet-stream` or nothing for many .md files,
 * so the name is trusted first); `undefined` if neither says.
 */
export function importFormatOf(filename: string, mimeType?: string): ImportFormat | undefined {
  const extension = /\.([^./\\]+)$/.exec(filename)?.[1]?.toLowerCase()
  const mime = mimeType?.split(';')[0]?.trim().toLowerCase()
  return (extension && BY_EXTENSION[extension]) || (mime && BY_MIME_TYPE[mime]) || undefined
}

/**
 * A file as a document of {@link schema} with fresh block ids, read as the
 * format {@link importFormatOf} names: Markdown (.md, .markdown), HTML
 * (.html, .htm) or Word (.docx). Text files are read as UTF-8, or as
 * Windows-1252 when they are not valid UTF-8 (what older Spanish files often
 * are), so that no accent is lost. Throws {@link ImportError}:
 * `unsupported_format` for any other file, and whatever the reader of the
 * format throws.
 */
export async function importFile(
  bytes: Uint8Array,
  filename: string,
  mimeType?: string,
  limits: ImportLimits = defaultImportLimits
): Promise<ProseMirrorNode> {
  return (await importFileReporting(bytes, filename, mimeType, limits)).doc
}

/** {@link importFile}, saying what of the file was left out (pictures not kept, and why). */
export async function importFileReporting(
  bytes: Uint8Array,
  filename: string,
  mimeType?: string,
  limits: ImportLimits = defaultImportLimits
): Promise<Imported> {
  const format = importFormatOf(filename, mimeType)
  if (!format) {
    const hint = /\.(doc|rtf|odt)$/i.test(filename) ? '; save it as .docx first' : ''
    throw new ImportError(
      'unsupported_format',
      `unsupported format: ${filename}${mimeType ? ` (${mimeType})` : ''}; use Markdown, HTML or Word (.docx)${hint}`
    )
  }
  if (format === 'docx') return importDocxReporting(bytes, limits)
  if (bytes.byteLength > limits.maxFileBytes)
    throw new ImportError('too_large', `the file is ${bytes.byteLength} bytes long; the limit is ${limits.maxFileBytes}`)
  const text = decodeText(bytes)
  // Markdown pictures are links to elsewhere, never fetched: left out by the parser.
  return format === 'markdown' ? { doc: importMarkdown(text, limits), leftOut: [] } : importHtmlReporting(text, limits)
}

function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}
