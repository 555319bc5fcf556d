/**
 * One line of the comment matrix, as the people reading it see it: plain
 * text, already in their language (the status as "Incorporado", not
 * `incorporated`). Built by whoever holds the comments; the exports only lay
 * it out.
 */
export interface MatrixRow {
  /** The heading of the section the passage is in. */
  readonly section: string
  /** Which paragraph: its number in the text, or its block id. */
  readonly paragraph: string
  /** The passage commented on, as the country quoted it. */
  readonly quote: string
  /** The country that commented, by name. */
  readonly country: string
  readonly comment: string
  /** The wording the country proposed; "" if none. */
  readonly proposal: string
  /** Why the country proposed it, in its words; "" if it gave no reason. */
  readonly justification: string
  /** The other countries that support the proposal, by name; "" if none. */
  readonly supporters: string
  /** What the Presidency decided on the proposal ("Aceptada", "Pendiente"); "" if none was made. */
  readonly decision: string
  readonly status: string
  /** The Presidency's answer; "" if none yet. */
  readonly answer: string
}

/** A language the matrix's column titles are written in. */
export type MatrixLanguage = 'es' | 'en'

/** The matrix's columns, in order, with their titles. */
export const MATRIX_COLUMNS: ReadonlyArray<{ readonly key: keyof MatrixRow; readonly title: Readonly<Record<MatrixLanguage, string>> }> = [
  { key: 'section', title: { es: 'Sección', en: 'Section' } },
  { key: 'paragraph', title: { es: 'Párrafo', en: 'Paragraph' } },
  { key: 'quote', title: { es: 'Texto citado', en: 'Quoted text' } },
  { key: 'country', title: { es: 'País', en: 'Country' } },
  { key: 'comment', title: { es: 'Comentario', en: 'Comment' } },
  { key: 'proposal', title: { es: 'Propuesta de redacción', en: 'Proposed wording' } },
  { key: 'justification', title: { es: 'Justificación', en: 'Justification' } },
  { key: 'supporters', title: { es: 'Apoyada por', en: 'Supported by' } },
  { key: 'decision', title: { es: 'Decisión sobre la propuesta', en: 'Decision on the proposal' } },
  { key: 'status', title: { es: 'Estado', en: 'Status' } },
  { key: 'answer', title: { es: 'Respuesta de la PPT', en: 'PPT answer' } }
]

/**
 * The columns of the matrix on a Word page, whose width holds no more than
 * nine: the justification and the supporters go in the proposal's cell,
 * each on a line of its own after the wording, titled.
 */
export const WORD_MATRIX_COLUMNS = MATRIX_COLUMNS.filter(({ key }) => key !== 'justification' && key !== 'supporters')

/** What a cell of {@link WORD_MATRIX_COLUMNS} says: the row's field, and for the proposal its justification and supporters too. */
export function wordCellText(row: MatrixRow, key: keyof MatrixRow, language: MatrixLanguage): string {
  if (key !== 'proposal') return row[key]
  const titled = (field: 'justification' | 'supporters') => {
    const column = MATRIX_COLUMNS.find((c) => c.key === field)
    return row[field] === '' || !column ? [] : [`${column.title[language]}: ${row[field]}`]
  }
  return [row.proposal, ...titled('justification'), ...titled('supporters')].filter((line) => line !== '').join('\n')
}
