import { HeadingLevel, Paragraph, TextRun } from 'docx'
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
}

/**
 * A version as a Word file: headings as Word's Heading 1–3 styles, lists as
 * real numbered and bulleted lists (each ordered list counting from its own
 * first number, nested lists one level in), quotations in the Quote style,
 * bold, italic, hyperlinks and line breaks, tables as Word tables (w:tbl,
 * header rows, merged cells) and footnotes as Word's (w:footnoteReference
 * and the footnotes part, numbered by Word). The title, version name and date
 * are in the page header and the file's properties, not in the body, so that
 * importing the file gives back the text alone (see `importDocx`), except
 * for a silence procedure's record, which closes the body.
 */
export async function versionToDocx(doc: ProseMirrorNode, meta: VersionMeta): Promise<Uint8Array> {
  const numbering = new ListNumbering()
  const notes = new WordNotes()
  const body = layOutBody(
    shapedBlocks(doc).map(({ node, shape, place, notes: marks }) => ({
      place,
      paragraph: new Paragraph({ ...paragraphOptions(shape, numbering), children: wordRuns(piecesOf(node, marks), undefined, notes.idOf) })
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
    footnotes: notes.config()
  })
}

// The silence procedure's record: a heading, its facts, and its objections as a list.
const silenceParagraphs = ({ heading, facts, objections }: SilenceRecordText): Paragraph[] => [
  new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(heading)] }),
  ...facts.map((fact) => new Paragraph({ children: [new TextRun(fact)] })),
  ...objections.map((line) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun(line)] }))
]
