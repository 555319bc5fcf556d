import { DOMParser } from '@xmldom/xmldom'
import { strFromU8 } from 'fflate'
import { ImportError } from './ImportError'
import { defaultImportLimits, type ImportLimits } from './ImportLimits'
import { unpackArchive } from './unpackArchive'

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'

/** How much of the text around a change or comment is kept to find it again. */
const CONTEXT_LENGTH = 32

/** The passage of the file's base text a change or comment is on, with the text around it in its paragraph. */
export interface MarkupPlace {
  /** The base text of the passage (for an insertion, the word before or after the point). */
  readonly quote: string
  readonly prefix: string
  readonly suffix: string
}

/** A tracked change of a marked-up Word file: insertion, deletion or replacement. */
export interface MarkupChange extends MarkupPlace {
  /** What the passage reads after the change ("" for a deletion). */
  readonly text: string
  /** Who made it in Word (w:author), as the file says: a note, never an identity. */
  readonly authors: readonly string[]
}

/** A Word comment with its replies, as the file holds them. */
export interface MarkupComment extends MarkupPlace {
  readonly body: string
  readonly author: string
  readonly replies: ReadonlyArray<{ readonly body: string; readonly author: string }>
}

/** What a country marked up in its copy of the draft. */
export interface Markup {
  readonly changes: readonly MarkupChange[]
  readonly comments: readonly MarkupComment[]
}

type Segment = { readonly kind: 'equal' | 'ins' | 'del'; readonly text: string; readonly author: string }

/**
 * The tracked changes (w:ins, w:del, a deletion next to an insertion read as
 * one replacement) and the comments (comments.xml, each with the passage its
 * w:commentRangeStart/End mark; replies joined to their comment through
 * commentsExtended.xml's paraIdParent) of a .docx file, in the body (table
 * cells included) and in its footnotes. Each is placed on the file's base
 * text, the text before its changes, with the words around it in its
 * paragraph, so that it can be found again in the current draft the way a
 * comment's passage is. Throws {@link ImportError} as `importDocx` does for a
 * file that is not a Word document or is over the limits.
 */
export async function readMarkup(bytes: Uint8Array, limits: ImportLimits = defaultImportLimits): Promise<Markup> {
  if (bytes.byteLength > limits.maxFileBytes)
    throw new ImportError('too_large', `the file is ${bytes.byteLength} bytes long; the limit is ${limits.maxFileBytes}`)
  const entries = await unpackArchive(bytes, limits)
  const part = (name: string) => {
    const data = entries.get(name)
    return data ? new DOMParser().parseFromString(strFromU8(data), 'text/xml') : undefined
  }
  const body = part('word/document.xml')
  if (!body) throw new ImportError('malformed', 'the archive is not a Word document: it has no word/document.xml')
  const changes: MarkupChange[] = []
  const ranges = new Map<string, MarkupPlace>()
  const notes = part('word/footnotes.xml')
  for (const doc of [body, notes]) {
    if (!doc) continue
    for (const paragraph of Array.from(doc.getElementsByTagNameNS(W, 'p'))) {
      // A separator "note" is Word's line above the notes, no text of the draft.
      const note = ancestor(paragraph, 'footnote')
      if (note && note.getAttributeNS(W, 'type')) continue
      readParagraph(paragraph, changes, ranges)
    }
  }
  return { changes, comments: readComments(part('word/comments.xml'), part('word/commentsExtended.xml'), ranges) }
}

function ancestor(node: Element, localName: string): Element | null {
  for (let p = node.parentNode; p; p = p.parentNode) if (p.nodeType === 1 && (p as Element).localName === localName) return p as Element
  return null
}

// The paragraph's runs as segments of equal, inserted and deleted text, in
// order; comment ranges as offsets into its base text (equal and deleted).
function readParagraph(paragraph: Element, changes: MarkupChange[], ranges: Map<string, MarkupPlace>): void {
  const segments: Segment[] = []
  const starts = new Map<string, number>()
  const ends = new Map<string, number>()
  let base = 0
  const push = (kind: Segment['kind'], text: string, author: string) => {
    segments.push({ kind, text, author })
    if (kind !== 'ins') base += text.length
  }
  const visit = (node: Element, change: { kind: 'ins' | 'del'; author: string } | null) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType !== 1) continue
      const element = child as Element
      const name = element.localName
      // Properties (a paragraph mark's own w:ins among them) and nested paragraphs (text boxes) are not this text.
      if (name === 'pPr' || name === 'rPr' || name === 'p') continue
      if (name === 'ins' || name === 'del') visit(element, { kind: name, author: element.getAttributeNS(W, 'author') ?? '' })
      else if (name === 't' || name === 'delText') push(change?.kind ?? 'equal', element.textContent ?? '', change?.author ?? '')
      else if (name === 'br' || name === 'cr') push(change?.kind ?? 'equal', '\n', change?.author ?? '')
      else if (name === 'tab') push(change?.kind ?? 'equal', ' ', change?.author ?? '')
      else if (name === 'commentRangeStart') starts.set(element.getAttributeNS(W, 'id') ?? '', base)
      else if (name === 'commentRangeEnd') ends.set(element.getAttributeNS(W, 'id') ?? '', base)
      else visit(element, change)
    }
  }
  visit(paragraph, null)
  const baseText = segments.filter((s) => s.kind !== 'ins').map((s) => s.text).join('')
  const around = (from: number, to: number) => ({
    prefix: baseText.slice(Math.max(0, from - CONTEXT_LENGTH), from),
    suffix: baseText.slice(to, to + CONTEXT_LENGTH)
  })
  // Neighbouring insertions and deletions are one change: a replacement.
  let at = 0
  let group: Segment[] = []
  const close = () => {
    if (group.length === 0) return
    const quote = group.filter((s) => s.kind === 'del').map((s) => s.text).join('')
    const text = group.filter((s) => s.kind === 'ins').map((s) => s.text).join('')
    const authors = [...new Set(group.map((s) => s.author))]
    if (quote !== '') {
      if (quote !== text) changes.push({ quote, text, ...around(at - quote.length, at), authors })
    } else if (text !== '') {
      // An insertion point is found by the word before it (or after it, at
      // the start of a paragraph): a point alone matches every block's edge.
      const word = /\S+\s*$/.exec(baseText.slice(0, at))?.[0] ?? ''
      const next = word ? '' : (/^\s*\S+/.exec(baseText.slice(at))?.[0] ?? '')
      const from = at - word.length
      const to = at + next.length
      changes.push({ quote: word + next, text: word + text + next, ...around(from, to), authors })
    }
    group = []
  }
  for (const segment of segments) {
    if (segment.text === '') continue
    if (segment.kind === 'equal') {
      close()
      at += segment.text.length
    } else {
      group.push(segment)
      if (segment.kind === 'del') at += segment.text.length
    }
  }
  close()
  // A comment's passage ends where its range does, or at the end of the paragraph it starts in.
  for (const [id, from] of starts) {
    const to = Math.max(from, ends.get(id) ?? baseText.length)
    ranges.set(id, { quote: baseText.slice(from, to), ...around(from, to) })
  }
}

function readComments(comments: Document | undefined, extended: Document | undefined, ranges: Map<string, MarkupPlace>): MarkupComment[] {
  if (!comments) return []
  const W14 = 'http://schemas.microsoft.com/office/word/2010/wordml'
  const W15 = 'http://schemas.microsoft.com/office/word/2012/wordml'
  const byParaId = new Map<string, string>()
  const read = Array.from(comments.getElementsByTagNameNS(W, 'comment')).map((element) => {
    const id = element.getAttributeNS(W, 'id') ?? ''
    const paragraphs = Array.from(element.getElementsByTagNameNS(W, 'p'))
    for (const p of paragraphs) {
      const paraId = p.getAttributeNS(W14, 'paraId')
      if (paraId) byParaId.set(paraId, id)
    }
    const body = paragraphs
      .map((p) => Array.from(p.getElementsByTagNameNS(W, 't')).map((t) => t.textContent ?? '').join(''))
      .join('\n')
      .trim()
    return { id, author: element.getAttributeNS(W, 'author') ?? '', body }
  })
  const parentOf = new Map<string, string>()
  for (const ex of extended ? Array.from(extended.getElementsByTagNameNS(W15, 'commentEx')) : []) {
    const self = byParaId.get(ex.getAttributeNS(W15, 'paraId') ?? '')
    const parent = byParaId.get(ex.getAttributeNS(W15, 'paraIdParent') ?? '')
    if (self && parent && self !== parent) parentOf.set(self, parent)
  }
  // A reply's thread is its first ancestor's: Word nests none deeper, a file might.
  const rootOf = (id: string) => {
    const seen = new Set<string>()
    let root = id
    while (parentOf.has(root) && !seen.has(root)) {
      seen.add(root)
      root = parentOf.get(root)!
    }
    return root
  }
  const threads = new Map<string, MarkupComment>()
  for (const comment of read) {
    if (parentOf.has(comment.id)) continue
    const place = ranges.get(comment.id) ?? { quote: '', prefix: '', suffix: '' }
    threads.set(comment.id, { ...place, body: comment.body, author: comment.author, replies: [] })
  }
  for (const comment of read) {
    if (!parentOf.has(comment.id)) continue
    const thread = threads.get(rootOf(comment.id))
    if (thread) threads.set(rootOf(comment.id), { ...thread, replies: [...thread.replies, { body: comment.body, author: comment.author }] })
  }
  return [...threads.values()]
}
