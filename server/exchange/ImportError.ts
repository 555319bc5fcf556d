/**
 * Why a file could not be imported, so that a route can answer with the right
 * status: `unsupported_format` (415), `too_large` (413), `malformed` and
 * `empty` (422).
 */
export type ImportFailure = 'unsupported_format' | 'malformed' | 'too_large' | 'empty'

/**
 * Raised for a file that cannot become a document: an unknown format, bytes
 * that are not what they claim to be, an archive over the limits, or a file
 * with no text. The message says what was wrong, in terms a person who picked
 * the file can act on; nothing of the file is kept.
 */
export class ImportError extends Error {
  override name = 'ImportError'

  constructor(
    readonly failure: ImportFailure,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}
