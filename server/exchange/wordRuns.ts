import { DeletedTextRun, ExternalHyperlink, FootnoteReferenceRun, InsertedTextRun, TextRun, type ParagraphChild } from 'docx'
import type { Piece } from './pieces'
import { wordPicture } from './wordPicture'

/** The character style of links, which the docx library defines. */
const HYPERLINK_STYLE = 'Hyperlink'

/** A tracked change as Word records it: who, when, and a number unique in the file. */
export interface Revision {
  readonly author: string
  /** An xsd:dateTime, e.g. 2021-11-12T00:00:00Z. */
  readonly date: string
  /** Hands out the file-wide unique ids of tracked changes. */
  readonly nextId: () => number
}

/**
 * Word runs for `pieces`: bold and italic as run properties, "\n" as a line
 * break, consecutive pieces of one link inside one hyperlink. With a
 * `tracked` change, every run is a tracked insertion (w:ins) or deletion
 * (w:del, its text as w:delText), each with its own id. A footnote's marker
 * is a footnote reference to the note `noteId` numbers (left out without it);
 * a picture a Word picture (see `wordPicture`), untracked.
 */
export function wordRuns(
  pieces: readonly Piece[],
  tracked?: { readonly kind: 'insert' | 'delete'; readonly revision: Revision },
  noteId?: (note: string) => number
): ParagraphChild[] {
  const runOf = (piece: Piece): ParagraphChild => {
    if (piece.note !== undefined && noteId) return new FootnoteReferenceRun(noteId(piece.note))
    if (piece.picture) return wordPicture(piece.picture.src, piece.picture.alt) ?? new TextRun('')
    // Only what is set is written: Word's defaults are plain text.
    const options = {
      ...(piece.text === '\n' ? { break: 1 } : { text: piece.text }),
      ...(piece.bold ? { bold: true } : {}),
      ...(piece.italics ? { italics: true } : {}),
      ...(piece.href ? { style: HYPERLINK_STYLE } : {})
    }
    if (!tracked) return new TextRun(options)
    const change = { id: tracked.revision.nextId(), author: tracked.revision.author, date: tracked.revision.date }
    return tracked.kind === 'insert' ? new InsertedTextRun({ ...options, ...change }) : new DeletedTextRun({ ...options, ...change })
  }
  const children: ParagraphChild[] = []
  let link: { href: string; runs: ParagraphChild[] } | null = null
  for (const piece of pieces) {
    if (piece.note !== undefined && !noteId) continue
    if (link && piece.href !== link.href) {
      children.push(new ExternalHyperlink({ link: link.href, children: link.runs }))
      link = null
    }
    if (piece.href) (link ??= { href: piece.href, runs: [] }).runs.push(runOf(piece))
    else children.push(runOf(piece))
  }
  if (link) children.push(new ExternalHyperlink({ link: link.href, children: link.runs }))
  return children
}
