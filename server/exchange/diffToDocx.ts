import { Paragraph, type IParagraphRunOptions, type ParagraphChild } from 'docx'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import type { BlockChange, DocumentDiff } from '../../src'
import { shapedBlocks, type BlockShape, type ShapedBlock } from './blockShapes'
import { diffEntries, type DiffEntry } from './diffEntries'
import { ListNumbering } from './ListNumbering'
import { packWordFile } from './packWordFile'
import { paragraphOptions } from './paragraphOptions'
import { piecesOf, plainPieces, slicePieces, type Piece } from './pieces'
import { wordDate } from './wordDate'
import { withMoves, type WordMove } from './wordMoves'
import { layOutBody, WordNotes } from './wordBody'
import { wordRuns, wordRuns as wordRunsOf, type Revision } from './wordRuns'

/** What the Word file of a comparison says about it. */
export interface DiffMeta {
  readonly title: string
  /** The older version's name, e.g. "Borrador octubre 2021". */
  readonly fromName: string
  /** The newer version's name, e.g. "Borrador noviembre 2021". */
  readonly toName: string
  /**
   * Who made the changes `attribution` does not credit to anyone else, by
   * role (e.g. "Presidencia Pro Tempore", who holds the pen): their author in
   * Word, and the file's creator and last editor.
   */
  readonly author: string
  /**
   * When the changes were made, as an ISO date or timestamp: usually the
   * newer version's date. Default: the time of the export.
   */
  readonly date?: string
}

/** What the export may know beyond the diff itself. */
export interface DiffExportOptions {
  /**
   * The two versions the diff was computed from (`diffDocuments(from, to)`).
   * `BlockChange` carries no block type, so without them every block is
   * written as a plain paragraph; with them, headings keep their level, list
   * items their list and quotations their style, and unchanged or inserted
   * text its bold, italic and links.
   */
  readonly versions?: { readonly from: ProseMirrorNode; readonly to: ProseMirrorNode }
  /** Whom each block's change is attributed to, by block id: the country whose proposal changed it, say. */
  readonly attribution?: ReadonlyMap<string, string>
}

/**
 * The newer version as a Word file with real tracked changes from the older
 * one, so that "accept all" in Word gives the newer text and "reject all" the
 * older: in a changed block, unchanged words are plain text, removed ones a
 * tracked deletion (w:del) and added ones a tracked insertion (w:ins); an
 * inserted block is inserted whole and a deleted one deleted whole, paragraph
 * mark included. A moved block is a tracked move: w:moveFrom where it
 * stood, w:moveTo where it stands now, the two ends in ranges of one name
 * (see `withMoves`); editors that know no moves (mammoth, for one) read the
 * moved text where it stands now. Each change carries its author and date;
 * Word keeps tracking further edits.
 * Throws RangeError if `options.versions` are not the versions of `diff`.
 */
export async function diffToDocx(diff: DocumentDiff, meta: DiffMeta, options: DiffExportOptions = {}): Promise<Uint8Array> {
  const oldBlocks = options.versions ? shapedBlocks(options.versions.from, 'old:') : null
  const newBlocks = options.versions ? shapedBlocks(options.versions.to, 'new:') : null
  const date = wordDate(meta.date)
  let lastId = 0
  const nextId = () => ++lastId
  const authorOf = (change: BlockChange) => (change.blockId && options.attribution?.get(change.blockId)) || meta.author
  // Each moved block's two ends, by the ids of their tracked changes.
  const moves = new Map<BlockChange, WordMove & { readonly from: Set<number>; readonly to: Set<number> }>()
  const revisionOf = (entry: DiffEntry): Revision => {
    const { change } = entry
    if (change.op !== 'moved') return { author: authorOf(change), date, nextId }
    let move = moves.get(change)
    if (!move) moves.set(change, (move = { name: `move${moves.size + 1}`, author: authorOf(change), date, from: new Set(), to: new Set() }))
    const ids = entry.source === 'old' ? move.from : move.to
    return {
      author: move.author,
      date,
      nextId: () => {
        const id = nextId()
        ids.add(id)
        return id
      }
    }
  }

  const entries = diffEntries(diff)
  const blocks = entries.map((entry) => blockOf(entry, entry.source === 'old' ? oldBlocks : newBlocks))
  const shapes = withSharedLists(entries, blocks)
  const numbering = new ListNumbering()
  const notes = new WordNotes()
  const body = layOutBody(
    entries.map((entry, i) => {
      const shape = shapes[i]
      const revision = revisionOf(entry)
      const tracked = entry.kind === 'inserted' || entry.kind === 'deleted' ? { kind: entry.kind === 'inserted' ? ('insert' as const) : ('delete' as const), stamp: stamp(revision) } : undefined
      return {
        place: placeOf(blocks, i),
        ...(tracked ? { tracked } : {}),
        paragraph: new Paragraph({
          ...(shape ? paragraphOptions(shape, numbering) : {}),
          ...entryContent(entry, blocks[i] ?? null, oldBlocks, revision, notes.idOf)
        })
      }
    }),
    notes
  )

  const docx = await packWordFile({
    title: meta.title,
    subject: `Cambios de «${meta.fromName}» a «${meta.toName}»`,
    author: meta.author,
    // A coarse comparison says so where a reader of the file sees it first.
    header: `${meta.title} — cambios de «${meta.fromName}» a «${meta.toName}»${diff.coarse ? ' (comparación aproximada: algunos párrafos se muestran sustituidos enteros)' : ''}`,
    body,
    numbering: numbering.config(),
    footnotes: notes.config(),
    trackRevisions: true
  })
  return withMoves(docx, [...moves.values()], nextId)
}

// The block of a version an entry shows, checked against the diff's text.
function blockOf(entry: DiffEntry, blocks: readonly ShapedBlock[] | null): ShapedBlock | null {
  const index = entry.source === 'old' ? entry.change.oldIndex : entry.change.newIndex
  if (!blocks || index === null) return null
  const block = blocks[index]
  const text = entry.source === 'old' ? entry.change.oldText : entry.change.newText
  if (!block || piecesOf(block.node).map((p) => p.text).join('') !== text)
    throw new RangeError(`the versions given are not those of the diff: block ${entry.source} ${index} should read ${JSON.stringify(text)}`)
  return block
}

// The runs of an entry's paragraph and, for a whole inserted or deleted
// block, its tracked paragraph mark: so that accepting a deletion (or
// rejecting an insertion) leaves no empty paragraph behind.
function entryContent(
  entry: DiffEntry,
  block: ShapedBlock | null,
  oldBlocks: readonly ShapedBlock[] | null,
  revision: Revision,
  noteId: (note: string) => number
): { children: ParagraphChild[]; run?: IParagraphRunOptions } {
  const { change } = entry
  const pieces = (text: string) => (block ? piecesOf(block.node, block.notes) : plainPieces(text))
  switch (entry.kind) {
    case 'equal':
      return { children: wordRuns(pieces(change.newText), undefined, noteId) }
    case 'inserted':
      return { children: wordRuns(pieces(change.newText), { kind: 'insert', revision }, noteId), run: { insertion: stamp(revision) } }
    case 'deleted':
      return { children: wordRuns(pieces(change.oldText), { kind: 'delete', revision }, noteId), run: { deletion: stamp(revision) } }
    case 'changed':
      return { children: changedRuns(change, pieces(change.newText), oldPiecesOf(change, oldBlocks), revision, noteId) }
  }
}

// Where an entry's paragraph goes: its block's table cell or note. A block
// deleted from a table cell stays in the table the text before it is in
// (a deleted row among the rows that remain), in a row of its own.
function placeOf(blocks: ReadonlyArray<ShapedBlock | null>, i: number): ShapedBlock['place'] {
  const place = blocks[i]?.place ?? null
  if (place?.kind !== 'cell' || !place.table.startsWith('old:')) return place
  for (let j = i - 1; j >= 0; j--) {
    const before = blocks[j]?.place
    if (before?.kind !== 'cell') break
    if (!before.table.startsWith('old:')) return { ...place, table: before.table, row: -1 - place.row }
  }
  return place
}

const stamp = (revision: Revision) => ({ id: revision.nextId(), author: revision.author, date: revision.date })

// A changed block: its runs, with each stretch's formatting taken from the
// version it belongs to (equal and inserted text from the new one, deleted
// text from the old one).
function changedRuns(
  change: BlockChange,
  newPieces: Piece[],
  oldPieces: Piece[] | null,
  revision: Revision,
  noteId: (note: string) => number
): ParagraphChild[] {
  const children: ParagraphChild[] = []
  const wordRuns = (pieces: Piece[], tracked?: Parameters<typeof wordRunsOf>[1]) => {
    for (const piece of pieces) if (piece.note) markers.delete(piece.note)
    return wordRunsOf(pieces, tracked, noteId)
  }
  // The new version's footnote markers, each written once: in the stretch it starts, else at the end.
  const markers = new Set(newPieces.flatMap((p) => (p.note ? [p.note] : [])))
  let inNew = 0
  let inOld = 0
  for (const run of change.runs ?? [{ op: 'equal' as const, text: change.newText }]) {
    const length = run.text.length
    if (run.op === 'equal') children.push(...wordRuns(slicePieces(newPieces, inNew, inNew + length)))
    else if (run.op === 'insert')
      children.push(...wordRuns(slicePieces(newPieces, inNew, inNew + length), { kind: 'insert', revision }))
    else {
      // An old marker's note is not written: the new version's notes are.
      const pieces = oldPieces ? slicePieces(oldPieces, inOld, inOld + length).filter((p) => !p.note) : plainPieces(run.text)
      children.push(...wordRuns(pieces, { kind: 'delete', revision }))
    }
    if (run.op !== 'delete') inNew += length
    if (run.op !== 'insert') inOld += length
  }
  const left = newPieces.filter((p) => p.note && markers.has(p.note))
  if (left.length) children.push(...wordRuns(left))
  return children
}

function oldPiecesOf(change: BlockChange, oldBlocks: readonly ShapedBlock[] | null): Piece[] | null {
  const block = oldBlocks && change.oldIndex !== null ? oldBlocks[change.oldIndex] : undefined
  return block ? piecesOf(block.node) : null
}

// The shapes of the entries, a deleted list item joining the list of the
// new version it stood in (the new version's block just before or after it),
// so that Word numbers them as one list rather than restarting the count.
function withSharedLists(entries: readonly DiffEntry[], blocks: ReadonlyArray<ShapedBlock | null>): Array<BlockShape | null> {
  const joined = new Map<string, { list: string; start: number }>()
  const listOf = (i: number) => {
    const shape = blocks[i]?.shape
    return shape?.kind === 'paragraph' ? shape.list : null
  }
  entries.forEach((entry, i) => {
    const list = listOf(i)
    if (entry.source !== 'old' || !list || joined.has(list.list)) return
    for (const step of [-1, 1]) {
      let j = i + step
      while (entries[j]?.source === 'old' && listOf(j)?.list === list.list) j += step
      const neighbour = entries[j]?.source === 'new' ? listOf(j) : null
      if (neighbour && neighbour.ordered === list.ordered && neighbour.depth === list.depth) {
        joined.set(list.list, { list: neighbour.list, start: neighbour.start })
        return
      }
    }
  })
  return blocks.map((block) => {
    const shape = block?.shape ?? null
    if (shape?.kind !== 'paragraph' || !shape.list) return shape
    const join = joined.get(shape.list.list)
    return join ? { ...shape, list: { ...shape.list, ...join } } : shape
  })
}
