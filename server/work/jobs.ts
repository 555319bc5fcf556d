import { Node as ProseMirrorNode } from 'prosemirror-model'
import { diffDocuments, schema, withBracketMarks, type AuditEntry, type DiffBudget, type DocumentDiff, type LeftOut, type MarkedBracket, type VersionDiff } from '../../src'
import { auditToCsv } from '../audit/auditToCsv'
import { commentsToCsv } from '../exchange/commentsToCsv'
import { markdownWithBrackets } from '../exchange/versionToMarkdown'
import { commentsToDocx, type MatrixMeta } from '../exchange/commentsToDocx'
import { commentsToXlsx } from '../exchange/commentsToXlsx'
import { diffToDocx, type DiffMeta } from '../exchange/diffToDocx'
import type { MatrixLanguage, MatrixRow } from '../exchange/MatrixRow'
import { ImportError } from '../exchange/ImportError'
import { defaultImportLimits } from '../exchange/ImportLimits'
import { importFileReporting } from '../exchange/importFile'
import { readMarkup, type Markup } from '../exchange/readMarkup'
import { versionToDocx, type VersionMeta } from '../exchange/versionToDocx'
import { versionToHtml } from '../exchange/versionToHtml'

/**
 * The heavy work the server does off its event loop, by kind: what each job
 * takes and what it answers. Inputs and outputs are plain data (ProseMirror
 * documents as JSON), as they cross between threads by structured clone.
 */
export interface Jobs {
  /** A file read as a document, with what it left out (see `importFileReporting`), refused over `maxBlocks` text blocks. */
  import: {
    input: { readonly bytes: Uint8Array; readonly filename: string; readonly mimeType?: string; readonly maxBlocks: number }
    output: { readonly doc: unknown; readonly blocks: number; readonly leftOut: readonly LeftOut[] }
  }
  /** The tracked changes and comments of a marked-up Word copy (see `readMarkup`). */
  markup: { input: { readonly bytes: Uint8Array }; output: Markup }
  /** Two documents compared within `budget` (see `diffDocuments`). */
  diff: { input: { readonly from: unknown; readonly to: unknown; readonly budget: DiffBudget }; output: DocumentDiff }
  /** A comparison as Word with tracked changes (see `diffToDocx`). */
  diffDocx: {
    input: { readonly diff: VersionDiff; readonly meta: DiffMeta; readonly from: unknown; readonly to: unknown; readonly attribution: ReadonlyArray<readonly [string, string]> }
    output: Uint8Array
  }
  /** A version as Word (see `versionToDocx`), its brackets written in as [ ] with a footnote naming their holders. */
  versionDocx: { input: { readonly content: unknown; readonly meta: VersionMeta; readonly brackets?: readonly MarkedBracket[] }; output: Uint8Array }
  /** The comment matrix as Word (see `commentsToDocx`). */
  matrixDocx: { input: { readonly rows: readonly MatrixRow[]; readonly meta: MatrixMeta }; output: Uint8Array }
  /** A version as Markdown, UTF-8, its bracketed passages as [ … ] (see `markdownWithBrackets`). */
  versionMarkdown: { input: { readonly content: unknown; readonly brackets?: readonly MarkedBracket[] }; output: Uint8Array }
  /** A version as a self-contained HTML page, UTF-8 (see `versionToHtml`), its brackets with a note naming their holders. */
  versionHtml: { input: { readonly content: unknown; readonly meta: VersionMeta; readonly brackets?: readonly MarkedBracket[] }; output: Uint8Array }
  /** The comment matrix as CSV, UTF-8 (see `commentsToCsv`). */
  matrixCsv: { input: { readonly rows: readonly MatrixRow[]; readonly language: MatrixLanguage }; output: Uint8Array }
  /** Audit entries as CSV, UTF-8 (see `auditToCsv`). */
  auditCsv: { input: { readonly entries: readonly AuditEntry[]; readonly language: 'es' | 'en' }; output: Uint8Array }
  /** The comment matrix as an Excel workbook (see `commentsToXlsx`). */
  matrixXlsx: { input: { readonly rows: readonly MatrixRow[]; readonly meta: MatrixMeta }; output: Uint8Array }
}

export type JobKind = keyof Jobs
export type JobInput<K extends JobKind> = Jobs[K]['input']
export type JobOutput<K extends JobKind> = Jobs[K]['output']

const documentOf = (json: unknown) => ProseMirrorNode.fromJSON(schema, json)

/** Runs one job in this thread (a worker's, or the main one in tests of the jobs themselves). */
export async function runJob<K extends JobKind>(kind: K, input: JobInput<K>): Promise<JobOutput<K>> {
  const run = JOBS[kind] as (input: JobInput<K>) => Promise<JobOutput<K>>
  return run(input)
}

const JOBS: { [K in JobKind]: (input: JobInput<K>) => Promise<JobOutput<K>> } = {
  import: async ({ bytes, filename, mimeType, maxBlocks }) => {
    const { doc, leftOut } = await importFileReporting(bytes, filename, mimeType, { ...defaultImportLimits, maxBlocks })
    let blocks = 0
    doc.descendants((node) => {
      if (node.isTextblock) blocks++
      return !node.isTextblock
    })
    if (blocks > maxBlocks) throw new ImportError('too_large', `the file has ${blocks} paragraphs; the limit is ${maxBlocks}`)
    return { doc: doc.toJSON(), blocks, leftOut }
  },
  markup: async ({ bytes }) => readMarkup(bytes),
  diff: async ({ from, to, budget }) => diffDocuments(documentOf(from), documentOf(to), budget),
  diffDocx: async ({ diff, meta, from, to, attribution }) => diffToDocx(diff, meta, { versions: { from: documentOf(from), to: documentOf(to) }, attribution: new Map(attribution) }),
  versionDocx: async ({ content, meta, brackets }) => versionToDocx(withBracketMarks(documentOf(content), brackets ?? [], { notes: true }), meta),
  matrixDocx: async ({ rows, meta }) => commentsToDocx(rows, meta),
  versionMarkdown: async ({ content, brackets }) => utf8(markdownWithBrackets(documentOf(content), brackets ?? [])),
  versionHtml: async ({ content, meta, brackets }) => utf8(versionToHtml(withBracketMarks(documentOf(content), brackets ?? [], { notes: true }), meta)),
  matrixCsv: async ({ rows, language }) => utf8(commentsToCsv(rows, { language })),
  auditCsv: async ({ entries, language }) => utf8(auditToCsv(entries, language)),
  matrixXlsx: async ({ rows, meta }) => commentsToXlsx(rows, meta)
}

const utf8 = (text: string) => new TextEncoder().encode(text)
