import { DOMParser, XMLSerializer } from '@xmldom/xmldom'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
const DOCUMENT = 'word/document.xml'

/**
 * A moved paragraph as Word records it: the tracked deletion where it stood
 * and the tracked insertion where it stands now, by the ids of their
 * changes (w:del and w:ins, runs and paragraph mark), to be written as the
 * two ends of one move.
 */
export interface WordMove {
  /** The move's name, the same at both ends, unique in the file (e.g. "move1"). */
  readonly name: string
  readonly author: string
  /** An xsd:dateTime. */
  readonly date: string
  /** Ids of the w:del changes of the paragraph where it was. */
  readonly from: ReadonlySet<number>
  /** Ids of the w:ins changes of the paragraph where it is. */
  readonly to: ReadonlySet<number>
}

/**
 * `docx` with each move's deletion and insertion rewritten as Word's own
 * move markup: w:del becomes w:moveFrom (its w:delText, w:t) and w:ins
 * w:moveTo, paragraph marks included, and each end's paragraph is wrapped in
 * a named range (w:moveFromRangeStart/End, w:moveToRangeStart/End, the two
 * starts sharing the move's name) whose ids come from `nextId`, so that
 * they are unique among the file's changes. "Accept all" still gives the
 * newer text and "reject all" the older one. The docx library writes no
 * move markup, hence this pass over its document.xml.
 * Throws RangeError if document.xml does not parse, or a move's ids are not in it.
 */
export function withMoves(docx: Uint8Array, moves: readonly WordMove[], nextId: () => number): Uint8Array {
  if (moves.length === 0) return docx
  const files = unzipSync(docx)
  const part = files[DOCUMENT]
  if (!part) throw new RangeError(`no ${DOCUMENT} in the file`)
  const errors: string[] = []
  const document = new DOMParser({ errorHandler: (level: string, message: string) => level !== 'warning' && errors.push(message) }).parseFromString(
    strFromU8(part),
    'text/xml'
  )
  if (errors.length > 0) throw new RangeError(`${DOCUMENT} does not parse: ${errors[0]}`)
  for (const move of moves) {
    const from = markEnd(document, move, 'del', 'moveFrom', move.from, nextId)
    const to = markEnd(document, move, 'ins', 'moveTo', move.to, nextId)
    if (!from || !to) throw new RangeError(`move ${move.name}: its ${from ? 'insertion' : 'deletion'} is not in ${DOCUMENT}`)
  }
  files[DOCUMENT] = strToU8(new XMLSerializer().serializeToString(document))
  return zipSync(files, { level: 6 })
}

// Turns the changes `ids` of kind `tracked` into `kind`, and wraps their
// paragraph in the move's range. Whether any was found.
function markEnd(
  document: ReturnType<DOMParser['parseFromString']>,
  move: WordMove,
  tracked: 'del' | 'ins',
  kind: 'moveFrom' | 'moveTo',
  ids: ReadonlySet<number>,
  nextId: () => number
): boolean {
  const changes = Array.from(document.getElementsByTagNameNS(W, tracked)).filter((el) => ids.has(Number(el.getAttributeNS(W, 'id'))))
  let paragraph: Element | null = null
  for (const change of changes) {
    const renamed = document.createElementNS(W, `w:${kind}`)
    for (const attr of Array.from(change.attributes)) renamed.setAttributeNS(attr.namespaceURI, attr.name, attr.value)
    while (change.firstChild) renamed.appendChild(change.firstChild)
    change.parentNode?.replaceChild(renamed, change)
    // Moved text is text, not deleted text, at both ends.
    for (const text of Array.from(renamed.getElementsByTagNameNS(W, 'delText'))) {
      const t = document.createElementNS(W, 'w:t')
      for (const attr of Array.from(text.attributes)) t.setAttributeNS(attr.namespaceURI, attr.name, attr.value)
      while (text.firstChild) t.appendChild(text.firstChild)
      text.parentNode?.replaceChild(t, text)
    }
    paragraph ??= paragraphOf(renamed)
  }
  if (!paragraph) return false
  const id = String(nextId())
  const start = document.createElementNS(W, `w:${kind}RangeStart`)
  start.setAttributeNS(W, 'w:id', id)
  start.setAttributeNS(W, 'w:name', move.name)
  start.setAttributeNS(W, 'w:author', move.author)
  start.setAttributeNS(W, 'w:date', move.date)
  const end = document.createElementNS(W, `w:${kind}RangeEnd`)
  end.setAttributeNS(W, 'w:id', id)
  // The range opens after the paragraph's properties and closes at its end.
  const properties = paragraph.firstChild && (paragraph.firstChild as Element).localName === 'pPr' ? paragraph.firstChild : null
  paragraph.insertBefore(start, properties ? properties.nextSibling : paragraph.firstChild)
  paragraph.appendChild(end)
  return true
}

function paragraphOf(node: Element): Element | null {
  for (let at: Element | null = node; at; at = at.parentNode as Element | null) if (at.namespaceURI === W && at.localName === 'p') return at
  return null
}
