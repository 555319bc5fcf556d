/**
 * Bounds on what an import may cost, checked before the work is done.
 * Imports run on the server's one thread: these bound how long one can hold it.
 */
export interface ImportLimits {
  /**
   * Longest Markdown or HTML text, in characters, including the HTML a Word
   * file is turned into. Default 5 Mi: some fifty times the longest negotiated
   * text likely (the Strategy is 30 Ki), and about two seconds of parsing.
   */
  readonly maxTextLength: number
  /**
   * Largest file, in bytes. Default 20 MiB: a .docx holds its images too.
   */
  readonly maxFileBytes: number
  /**
   * Largest total size of a .docx archive once unpacked, in bytes, as the
   * archive declares it and as it really inflates. Default 50 MiB: room for a
   * long text with some images, far below what would strain the server's memory.
   */
  readonly maxUnpackedBytes: number
  /**
   * Most entries in a .docx archive. Default 1,000: Word writes a dozen or two,
   * plus one per image.
   */
  readonly maxEntries: number
  /**
   * Most text blocks (paragraphs, headings, list items) a file may hold.
   * Default 10,000: some twenty times the Strategy's 400 or so, while every
   * step after the import (ids, pairing with the current text, the Yjs
   * update) is bounded; a .docx over it is refused before it is converted.
   */
  readonly maxBlocks: number
}

/** The limits used when none are given. */
export const defaultImportLimits: ImportLimits = {
  maxTextLength: 5 * 1024 * 1024,
  maxFileBytes: 20 * 1024 * 1024,
  maxUnpackedBytes: 50 * 1024 * 1024,
  maxEntries: 1_000,
  maxBlocks: 10_000
}
