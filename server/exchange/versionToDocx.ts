import { CommentRangeEnd, CommentRangeStart, CommentReference, HeadingLevel, Paragraph, TextRun, type ICommentOptions, type ParagraphChild } from 'docx'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { shapedBlocks } from './blockShapes'
import { ListNumbering } from './ListNumbering'
import { packWordFile } from './packWordFile'
import { paragraphOptions } from './paragraphOptions'
import { piecesOf } from './pieces'
import { layOutBody, WordNotes } from './wordBody'
import { wordRuns } from './wordRuns'
import type { SilenceRecordText } from './silenceRecord'

/** What the Word file of a version says about it. */
export interface VersionMeta {
  /** The document's title, e.g. "Estrategia regional de atención a la migración irregular y masiva". */
  readonly title: string
  /** The version's name, e.g. "Borrador octubre 2021". */
  readonly versionName: string
  /** When the version was published (ISO date or timestamp); shown as given. */
  readonly createdAt: string
  /** Who published it, by role (e.g. "Presidencia Pro Tempore"): the file's creator and last editor. */
  readonly author: string
  /** The record of the version's silence procedure, if it had one: a closing section after the text. */
  readonly silence?: SilenceRecordText
  /**
   * What to say beside paragraphs, by block id (their status and provenance
   * as the version froze them, in words): each a margin comment of `author` on its paragraph.
   */
  readonly paragraphNotes?: ReadonlyArray<readonly [string, string]>
}

/**
 * A version as a Word file: headings as Word's Heading 1–3 styles, lists as
 * real numbered and bulleted lists (each ordered list counting from its own
 * first number, nested lists one level in), quotations in the Quote style,
 * bold, italic, hyperlinks and line breaks, tables as Word tables (w:tbl,
 * header rows, merged cells) and footnotes as Word's (w:footnoteReference
 * and the footnotes part, numbered by Word). The title, version name and date
 * are in the page header and the file's properties, not in the body, so that
 * importing the file gives back the text alone (see `importDocx`); so are
 * the paragraphs' notes (status, provenance), as margin comments. Except
 * for a silence procedure's record, which closes the body.
 */
export async function versionToDocx(doc: ProseMirrorNode, meta: VersionMeta): Promise<Uint8Array> {
  const numbering = new ListNumbering()
  const notes = new WordNotes()
  const paragraphNotes = new Map(meta.paragraphNotes ?? [])
  const comments: ICommentOptions[] = []
  // A paragraph's note as a margin comment over the whole paragraph: the
  // text itself stays as published, and importing the file gives it back alone.
  const noted = (id: unknown, runs: ParagraphChild[]): ParagraphChild[] => {
    const note = typeof id === 'string' ? paragraphNotes.get(id) : undefined
    if (!note) return runs
    const n = comments.length
    comments.push({ id: n, author: meta.author, children: [new Paragraph({ children: [new TextRun(note)] })] })
    return [new CommentRangeStart(n), ...runs, new CommentRangeEnd(n), new TextRun({ children: [new CommentReference(n)] })]
  }
  const body = layOutBody(
    shapedBlocks(doc).map(({ node, shape, place, notes: marks }) => ({
      place,
      paragraph: new Paragraph({ ...paragraphOptions(shape, numbering), children: noted(node.attrs.id, wordRuns(piecesOf(node, marks), undefined, notes.idOf)) })
    })),
    notes
  )
  if (meta.silence) body.push(...silenceParagraphs(meta.silence))
  return packWordFile({
    title: meta.title,
    subject: meta.versionName,
    author: meta.author,
    header: `${meta.title} — ${meta.versionName} (${meta.createdAt})`,
    body,
    numbering: numbering.config(),
    footnotes: notes.config(),
    comments: { children: comments }
  })
}

// The silence procedure's record: a heading, its facts, and its objections as a list.
const silenceParagraphs = ({ heading, facts, objections }: SilenceRecordText): Paragraph[] => [
  new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(heading)] }),
  ...facts.map((fact) => new Paragraph({ children: [new TextRun(fact)] })),
  ...objections.map((line) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun(line)] }))
]
