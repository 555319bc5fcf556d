import { Paragraph, Table, TableCell, TableRow, WidthType, type FileChild } from 'docx'
import type { CellPlace, NotePlace } from './blockShapes'

/**
 * The footnotes of a Word file being written: each note's number in the file
 * (1, 2, … in the order their markers are written) and its paragraphs.
 */
export class WordNotes {
  private readonly ids = new Map<string, number>()
  private readonly texts = new Map<number, Paragraph[]>()

  /** The number of the note named `note` (see `ShapedBlock.notes`), given on first use. */
  readonly idOf = (note: string): number => {
    let id = this.ids.get(note)
    if (id === undefined) this.ids.set(note, (id = this.ids.size + 1))
    return id
  }

  /** Adds a paragraph to the text of the note named `note`. */
  add(note: string, paragraph: Paragraph): void {
    const id = this.idOf(note)
    this.texts.set(id, [...(this.texts.get(id) ?? []), paragraph])
  }

  /** The footnotes part, as the docx library takes it; every referenced note has a paragraph. */
  config(): Record<string, { children: Paragraph[] }> {
    const notes: Record<string, { children: Paragraph[] }> = {}
    for (const id of this.ids.values()) notes[id] = { children: this.texts.get(id) ?? [new Paragraph({})] }
    return notes
  }
}

/** A tracked change's stamp, as the docx library takes it. */
export interface ChangeStamp {
  readonly id: number
  readonly author: string
  readonly date: string
}

/** A paragraph to write and where it stands. */
export interface PlacedParagraph {
  readonly place: CellPlace | NotePlace | null
  readonly paragraph: Paragraph
  /** In a comparison: the paragraph was inserted or deleted whole, with this stamp. */
  readonly tracked?: { readonly kind: 'insert' | 'delete'; readonly stamp: ChangeStamp }
}

type GatheredCell = { place: CellPlace; paragraphs: Paragraph[]; tracked: Array<PlacedParagraph['tracked']> }

/**
 * The body of a Word file from paragraphs in reading order: those of a
 * table's cells (consecutive, with one table name) become a real table
 * (w:tbl; header rows repeated on each page, merged cells as gridSpan and
 * vMerge), those of a footnote go to `notes`, the rest stay paragraphs.
 */
export function layOutBody(paragraphs: readonly PlacedParagraph[], notes: WordNotes): FileChild[] {
  const body: FileChild[] = []
  // The table being gathered, in a holder: the closure below empties it.
  const open: { table: { name: string; rows: Map<number, Map<number, GatheredCell>> } | null } = { table: null }
  const flush = () => {
    if (open.table) body.push(wordTable([...open.table.rows.values()].map((cells) => [...cells.values()])))
    open.table = null
  }
  for (const { place, paragraph, tracked } of paragraphs) {
    if (place?.kind === 'note') {
      notes.add(place.note, paragraph)
      continue
    }
    if (place?.kind !== 'cell') {
      flush()
      body.push(paragraph)
      continue
    }
    if (open.table?.name !== place.table) {
      flush()
      open.table = { name: place.table, rows: new Map() }
    }
    const table = open.table
    const row = table.rows.get(place.row) ?? new Map()
    table.rows.set(place.row, row)
    const cell = row.get(place.cell) ?? { place, paragraphs: [], tracked: [] }
    row.set(place.cell, cell)
    cell.paragraphs.push(paragraph)
    cell.tracked.push(tracked)
  }
  flush()
  return body
}

// A row whose every paragraph was inserted (or deleted) whole is itself a
// tracked insertion (deletion), so that rejecting (accepting) all leaves no empty row.
function rowChange(cells: readonly GatheredCell[]): { insertion: ChangeStamp } | { deletion: ChangeStamp } | Record<string, never> {
  const all = cells.flatMap((c) => c.tracked)
  const first = all[0]
  if (!first || !all.every((t) => t?.kind === first.kind)) return {}
  return first.kind === 'insert' ? { insertion: first.stamp } : { deletion: first.stamp }
}

function wordTable(rows: ReadonlyArray<readonly GatheredCell[]>): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: rows.map(
      (cells) =>
        new TableRow({
          ...(cells.every((c) => c.place.header) ? { tableHeader: true } : {}),
          ...rowChange(cells),
          children: cells.map(
            ({ place, paragraphs }) =>
              new TableCell({
                children: paragraphs,
                ...(place.colspan > 1 ? { columnSpan: place.colspan } : {}),
                ...(place.rowspan > 1 ? { rowSpan: place.rowspan } : {})
              })
          )
        })
    )
  })
}
