import * as Y from 'yjs'
import type { BlockId } from './blockId'
import { CONTENT_FRAGMENT } from './document'
import { walkTextBlocks, type BlockTree } from './walkTextBlocks'
import type { RefusalCode } from './wire'

/**
 * Where a comment sits in a document: a passage inside one text block
 * (paragraph or heading), kept as two Yjs relative positions so that it
 * follows the passage through everyone's concurrent edits. A passage of
 * length 0 is an insertion point.
 */
export interface Anchor {
  /** The block the passage was in when the comment was made. */
  readonly blockId: BlockId
  /** `Y.relativePositionToJSON` of the passage's start (sticks to its first character). */
  readonly start: unknown
  /** …and of its end (sticks to its last character). */
  readonly end: unknown
  /** The passage's text when the comment was made. */
  readonly quote: string
}

/** An anchor as it stands in the document now. */
export type ResolvedAnchor =
  | {
      readonly detached: false
      readonly blockId: BlockId
      /** Offsets of the passage in the block's text (hard breaks count as one "\n"). */
      readonly from: number
      readonly to: number
      /** The passage's current text. */
      readonly text: string
      /** Heading of the section the passage is in ("" before the first heading). */
      readonly section: string
    }
  | {
      /** The passage was deleted; the comment keeps what it quoted. */
      readonly detached: true
      readonly quote: string
    }

/** A W3C Web Annotation TextQuoteSelector, optionally narrowed to one block. */
export interface TextQuoteSelector {
  readonly type: 'TextQuoteSelector'
  readonly exact: string
  readonly prefix?: string
  readonly suffix?: string
  /** Consenso's narrowing: look only in this block. */
  readonly blockId?: string
}

type Run = { readonly text: Y.XmlText; readonly length: number } | { readonly text: null; readonly length: 0 | 1 }

const isTextblock = (el: Y.XmlElement) => el.nodeName === 'paragraph' || el.nodeName === 'heading'

// The inline content of a text block: text runs, hard breaks ("\n"), and
// footnote markers and pictures, which have no text (a note's paragraphs are
// blocks of their own), as in the text the diff and plain text read.
function runsOf(block: Y.XmlElement): Run[] {
  return block
    .toArray()
    .map((child) =>
      child instanceof Y.XmlText ? { text: child, length: child.length } : { text: null, length: hasNoText(child) ? 0 : 1 }
    )
}

const isFootnote = (child: unknown) => child instanceof Y.XmlElement && child.nodeName === 'footnote'

// Inline nodes with no text of their own: footnote markers and pictures (a hard break is "\n").
const hasNoText = (child: unknown) => child instanceof Y.XmlElement && child.nodeName !== 'hard_break'

function textOfRun(run: Run): string {
  if (!run.text) return run.length === 0 ? '' : '\n'
  let text = ''
  for (const op of run.text.toDelta() as Array<{ insert: unknown }>) if (typeof op.insert === 'string') text += op.insert
  return text
}

/** The text of a text block, hard breaks as "\n". */
export const blockText = (block: Y.XmlElement): string => runsOf(block).map(textOfRun).join('')

/** A text block of the document, with the heading of its section. */
export interface TextBlock {
  readonly element: Y.XmlElement
  readonly id: BlockId | undefined
  readonly text: string
  readonly section: string
}

/**
 * Every text block of the document in reading order, each with the heading
 * (level 1 or 2) of the section it belongs to.
 */
export function textBlocks(doc: Y.Doc): TextBlock[] {
  return walkTextBlocks(elementsOf(doc.getXmlFragment(CONTENT_FRAGMENT)), yjsBlocks).map(({ node, text, section }) => ({
    element: node,
    id: node.getAttribute('id') as BlockId | undefined,
    text,
    section
  }))
}

const elementsOf = (parent: Y.XmlFragment | Y.XmlElement): Y.XmlElement[] =>
  parent.toArray().filter((child): child is Y.XmlElement => child instanceof Y.XmlElement)

// walkTextBlocks over the live Y.Doc, whose XML mirrors the ProseMirror nodes.
const yjsBlocks: BlockTree<Y.XmlElement> = {
  isTextblock,
  children: elementsOf,
  text: blockText,
  type: (el) => el.nodeName,
  level: (el) => el.getAttribute('level' as never),
  notes: (el) => elementsOf(el).filter(isFootnote)
}

// A place in a text block: an index in one of its text runs or, where no text
// run reaches it (a hard break first in the block or after another break), an
// index among the block's children.
type Place = { readonly type: Y.XmlText; readonly index: number } | { readonly type: Y.XmlElement; readonly index: number }

// The place of a block-text offset; at a run's edge, the text run just before wins.
function locate(block: Y.XmlElement, runs: Run[], offset: number): Place | undefined {
  let acc = 0
  // The end of the run just before, if it is text.
  let before: Place | undefined
  for (const [i, run] of runs.entries()) {
    if (offset === acc && before) return before
    if (run.text) {
      if (offset <= acc + run.length) return { type: run.text, index: offset - acc }
      before = { type: run.text, index: run.length }
    } else {
      // Just before a hard break with no text before it: the break itself.
      if (offset === acc) return { type: block, index: i }
      before = undefined
    }
    acc += run.length
  }
  return offset === acc ? (before ?? { type: block, index: runs.length }) : undefined
}

/**
 * Anchors the passage `[from, to)` of a text block, or explains why not
 * (no such block, offsets outside it, nothing to anchor to).
 */
export function anchorInBlock(block: Y.XmlElement, from: number, to: number): { anchor: Anchor } | { failed: string } {
  const id = block.getAttribute('id') as BlockId | undefined
  if (!id) return { failed: 'the block has no id' }
  const text = blockText(block)
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > text.length)
    return { failed: `the passage ${from}–${to} is outside the block (length ${text.length})` }
  const runs = runsOf(block)
  const start = locate(block, runs, from)
  const end = locate(block, runs, to)
  if (!start || !end) return { failed: 'the block has no text to anchor to' }
  return {
    anchor: {
      blockId: id,
      start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(start.type, start.index, 0)),
      end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(end.type, end.index, -1)),
      quote: text.slice(from, to)
    }
  }
}

/**
 * Finds the one passage a TextQuoteSelector names and anchors it. Fails with
 * the reason when the quote is not found (with the code `quote_not_found`,
 * since text edited meanwhile makes it a common refusal), is found in several
 * places (add a prefix or a suffix), or spans blocks.
 */
export function anchorFromQuote(
  doc: Y.Doc,
  selector: TextQuoteSelector
): { anchor: Anchor } | { failed: string; code?: Extract<RefusalCode, 'quote_not_found'> } {
  const { exact, prefix = '', suffix = '' } = selector
  if (exact === '' && prefix === '' && suffix === '') return { failed: 'an insertion point needs a prefix or a suffix' }
  const matches: Array<{ block: TextBlock; at: number }> = []
  for (const block of textBlocks(doc)) {
    if (selector.blockId !== undefined && block.id !== selector.blockId) continue
    const { text } = block
    for (const at of occurrences(text, exact)) {
      const before = text.slice(0, at)
      const after = text.slice(at + exact.length)
      // Prefix and suffix may reach into the neighbouring blocks: only the part inside this block is compared.
      const prefixOk = before.length >= prefix.length ? before.endsWith(prefix) : prefix.endsWith(before)
      const suffixOk = after.length >= suffix.length ? after.startsWith(suffix) : suffix.startsWith(after)
      if (prefixOk && suffixOk) matches.push({ block, at })
    }
  }
  if (matches.length === 0)
    return exact.includes('\n\n')
      ? { failed: 'a passage must lie within one paragraph' }
      : { failed: 'the quoted text is not in the document', code: 'quote_not_found' }
  if (matches.length > 1)
    return { failed: `the quoted text appears in ${matches.length} places: add a prefix or a suffix to say which` }
  const { block, at } = matches[0] as { block: TextBlock; at: number }
  return anchorInBlock(block.element, at, at + exact.length)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Yjs type
type AnyType = Y.AbstractType<any>

// Every offset where `exact` starts in `text` (every offset, for an insertion point).
function* occurrences(text: string, exact: string): Generator<number> {
  if (exact === '') {
    for (let at = 0; at <= text.length; at++) yield at
    return
  }
  for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) yield at
}

function isDeleted(type: AnyType): boolean {
  for (let t: AnyType | null = type; t; t = t.parent)
    if (t._item?.deleted) return true
  return false
}

// A relative position as (block element, offset in the block's text), if it still stands.
function resolvePosition(doc: Y.Doc, json: unknown): { block: Y.XmlElement; offset: number } | undefined {
  let absolute: Y.AbsolutePosition | null
  try {
    absolute = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc)
  } catch {
    return undefined
  }
  if (!absolute || isDeleted(absolute.type)) return undefined
  const { type, index } = absolute
  // A place next to a hard break is held by the block itself (see `locate`).
  const block = type instanceof Y.XmlText ? type.parent : type
  if (!(block instanceof Y.XmlElement) || !isTextblock(block)) return undefined
  const children = block.toArray()
  const before = type === block ? index : children.indexOf(type as Y.XmlText)
  if (before < 0) return undefined
  let offset = type === block ? 0 : index
  for (const child of children.slice(0, before)) offset += child instanceof Y.XmlText ? child.length : hasNoText(child) ? 0 : 1
  return { block, offset }
}

/** Where the anchor's passage is now, or that it was deleted. */
export function resolveAnchor(doc: Y.Doc, anchor: Anchor, blocks: readonly TextBlock[] = textBlocks(doc)): ResolvedAnchor {
  const detached = { detached: true, quote: anchor.quote } as const
  const start = resolvePosition(doc, anchor.start)
  const end = resolvePosition(doc, anchor.end)
  if (!start || !end || start.block !== end.block) return detached
  const block = blocks.find((b) => b.element === start.block)
  if (!block || !block.id) return detached
  const from = start.offset
  const to = Math.max(from, end.offset)
  // All of a non-empty passage deleted: nothing left to point at.
  if (from === to && anchor.quote !== '') return detached
  return { detached: false, blockId: block.id, from, to, text: block.text.slice(from, to), section: block.section }
}

/**
 * Replaces the anchor's passage with `text` (inheriting the formatting where
 * it starts), in one transaction with `origin`, and anchors the new text (an
 * insertion point where `text` is empty). Fails if the passage is gone.
 */
export function replacePassage(doc: Y.Doc, anchor: Anchor, text: string, origin: unknown): { anchor: Anchor } | { failed: string } {
  const resolved = resolveAnchor(doc, anchor)
  if (resolved.detached) return { failed: 'the passage no longer exists in the document' }
  const block = textBlocks(doc).find((b) => b.id === resolved.blockId)
  if (!block) return { failed: 'the passage no longer exists in the document' }
  // The formatting of the passage's first character, which the new text takes.
  const first = locate(block.element, runsOf(block.element), resolved.from)
  const format = resolved.to > resolved.from && first?.type instanceof Y.XmlText ? formatAt(first.type, first.index) : undefined
  doc.transact(() => {
    // Delete run by run, from the end, so earlier offsets stay valid.
    const runs = runsOf(block.element)
    let acc = runs.reduce((sum, r) => sum + r.length, 0)
    for (let i = runs.length - 1; i >= 0; i--) {
      const run = runs[i] as Run
      acc -= run.length
      const from = Math.max(resolved.from, acc)
      const to = Math.min(resolved.to, acc + run.length)
      if (from >= to) continue
      if (run.text) run.text.delete(from - acc, to - from)
      else block.element.delete(i, 1)
    }
    if (text === '') return
    const at = locate(block.element, runsOf(block.element), resolved.from)
    if (at?.type instanceof Y.XmlText) at.type.insert(at.index, text, format)
    else if (at) {
      const run = new Y.XmlText()
      at.type.insert(at.index, [run])
      run.insert(0, text, format)
    }
  }, origin)
  const reanchored = anchorInBlock(block.element, resolved.from, resolved.from + text.length)
  // A block left with no text has nowhere to anchor: the old anchor stays (detached).
  return { anchor: 'anchor' in reanchored ? reanchored.anchor : anchor }
}

// The formatting attributes of the character at `index` of a text run, if there is one.
function formatAt(text: Y.XmlText, index: number): Record<string, unknown> | undefined {
  let acc = 0
  for (const op of text.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
    const length = typeof op.insert === 'string' ? op.insert.length : 1
    if (index < acc + length) return op.attributes ?? {}
    acc += length
  }
  return undefined
}
