import { diffArrays } from 'diff'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { countWords } from './content'
import { proseMirrorBlocks, walkTextBlocks } from './walkTextBlocks'

/**
 * The table cell or footnote a block is in, so that a change can be told as
 * "a changed cell", "an added row", "a changed note". Counted from 1 in
 * reading order: tables of the document, rows and cells of the table (a
 * merged cell counts once), footnote markers of the document.
 */
export type BlockContainer =
  | { readonly kind: 'cell'; readonly table: number; readonly row: number; readonly column: number; readonly header: boolean }
  | { readonly kind: 'note'; readonly note: number }

/** A text block as the diff sees it: its id (stable across versions), text and section. */
export interface DiffBlock {
  readonly id: string | null
  readonly type: string
  readonly text: string
  readonly section: string
  /** The table cell or footnote it is in; absent in the running text. */
  readonly container?: BlockContainer
}

/**
 * The text blocks of a document in reading order (the same blocks, and the
 * same text, as `plainText`), each with the heading (level 1 or 2) of its section.
 */
export function blocksOf(doc: ProseMirrorNode): DiffBlock[] {
  const containers = containersOf(doc)
  return walkTextBlocks(doc.children, proseMirrorBlocks).map(({ node, text, section }, i) => {
    const container = containers[i]
    return { id: (node.attrs.id as string | null) ?? null, type: node.type.name, text, section, ...(container ? { container } : {}) }
  })
}

// The container of each text block, in the order walkTextBlocks meets them:
// a depth-first walk meets a note's paragraphs right after the block that
// holds the marker, and cells row by row, as it does.
function containersOf(doc: ProseMirrorNode): Array<BlockContainer | null> {
  const containers: Array<BlockContainer | null> = []
  const tables = new Map<number, number>()
  let notes = 0
  const noteNumbers = new Map<number, number>()
  doc.descendants((node, pos) => {
    if (node.type.name === 'table') tables.set(pos, tables.size + 1)
    if (node.type.name === 'footnote') noteNumbers.set(pos, ++notes)
    if (!node.isTextblock) return true
    const $pos = doc.resolve(pos)
    let container: BlockContainer | null = null
    for (let d = $pos.depth; d > 0 && !container; d--) {
      const ancestor = $pos.node(d)
      if (ancestor.type.name === 'footnote') container = { kind: 'note', note: noteNumbers.get($pos.before(d)) ?? 0 }
      else if (ancestor.type.spec.tableRole === 'cell' || ancestor.type.spec.tableRole === 'header_cell')
        container = {
          kind: 'cell',
          table: tables.get($pos.before(d - 2)) ?? 0,
          row: $pos.index(d - 2) + 1,
          column: $pos.index(d - 1) + 1,
          header: ancestor.type.spec.tableRole === 'header_cell'
        }
    }
    containers.push(container)
    return true
  })
  return containers
}

/** A piece of a changed block's text. */
export interface Run {
  readonly op: 'equal' | 'insert' | 'delete'
  readonly text: string
}

/** What happened to one block between two versions. */
export interface BlockChange {
  readonly op: 'equal' | 'changed' | 'inserted' | 'deleted' | 'moved'
  /** The section the block is in (in the old version, for a deleted block). */
  readonly section: string
  /** For a moved block: the section it came from. */
  readonly oldSection?: string
  readonly oldText: string
  readonly newText: string
  /** Word-level changes, for changed blocks and for moved blocks whose text changed. */
  readonly runs?: readonly Run[]
  /**
   * True when the word diff was over its budget (see {@link DiffBudget}):
   * `runs` then say the whole old text was deleted and the whole new text
   * inserted, a coarser answer than the words that really changed.
   */
  readonly coarse?: true
  /** The block's id in the new version (the old one for a deleted block). */
  readonly blockId: string | null
  /** The table cell or footnote the block is in (in the new version; the old one for a deleted block). */
  readonly container?: BlockContainer
  /** Its position among the old version's blocks (null if inserted) and the new one's (null if deleted). */
  readonly oldIndex: number | null
  readonly newIndex: number | null
}

export interface ChangeCounts {
  wordsAdded: number
  wordsRemoved: number
  blocksChanged: number
  blocksInserted: number
  blocksDeleted: number
  blocksMoved: number
}

export interface DiffStats extends ChangeCounts {
  /** The same counts, per section. */
  readonly sections: Record<string, ChangeCounts>
}

export interface DocumentDiff {
  /** In the new version's order, deleted blocks where they stood. */
  readonly blocks: readonly BlockChange[]
  readonly stats: DiffStats
  /** True when some block's word diff was over budget and is shown replaced whole (see {@link BlockChange.coarse}). */
  readonly coarse?: true
}

/**
 * How much work one comparison may do, so that no pair of texts, however
 * made, occupies the server: a Myers word diff costs (length × edit
 * distance) and pairing by similarity (blocks × blocks) when nothing bounds them.
 */
export interface DiffBudget {
  /**
   * Largest edit distance, in tokens, a block's word diff looks for
   * (jsdiff's `maxEditLength`); a block whose texts differ more is shown
   * replaced whole, marked `coarse`. Default 2,000: a paragraph of 300 words
   * rewritten from end to end is about 1,200.
   */
  readonly maxEditLength: number
  /**
   * Token comparisons all word diffs of one comparison may make together;
   * the blocks left when it is spent are shown replaced whole. Default
   * 5,000,000 (about 0.1 s): far above a real revision of a long text.
   */
  readonly maxComparisons: number
  /**
   * How many old blocks, at most, are tried for each new block when pairing
   * by similarity. Default 50: a paragraph rewritten in place is paired with
   * one a few steps away, and the pairing stays linear in the blocks.
   */
  readonly similarityWindow: number
}

export const defaultDiffBudget: DiffBudget = { maxEditLength: 2_000, maxComparisons: 5_000_000, similarityWindow: 50 }

/**
 * A count of the work a comparison did (token comparisons and block
 * similarity checks), for tests and benchmarks that bound work rather than time.
 */
export interface DiffWork {
  comparisons: number
}

/**
 * Splits text into tokens for a word diff: words (letters with their accents
 * and ñ, kept whole even when written with combining marks), numbers with
 * their separators ("1.500", "2,5", "10/2021"), runs of white space, and each
 * other character on its own (« » ¿ ¡ , .). Joining the tokens gives the text back.
 */
export function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{M}\p{N}]+(?:[.,'’/-][\p{L}\p{M}\p{N}]+)*|\s+|[^\s\p{L}\p{M}\p{N}]/gu) ?? []
}

/**
 * The word-level changes from `oldText` to `newText`. A rewritten phrase
 * reads as one deletion and one insertion: an unchanged stretch of at most
 * one word between two changes is folded into them, as a reader would.
 */
export function diffWords(oldText: string, newText: string): Run[] {
  return diffText(oldText, newText, defaultDiffBudget.maxEditLength, { comparisons: 0 }, defaultDiffBudget.maxComparisons).runs
}

// Thrown by the comparator when a comparison's budget is spent, to stop jsdiff mid-way.
const overBudget = Symbol('over budget')

// The tokens' diff, or undefined when it needs more than `maxEditLength`
// edits or more than `allowed` comparisons (counted into `work`).
function boundedDiff(oldTokens: string[], newTokens: string[], maxEditLength: number, work: DiffWork, allowed: number) {
  const limit = work.comparisons + allowed
  try {
    return diffArrays(oldTokens, newTokens, {
      maxEditLength,
      comparator: (a, b) => {
        if (++work.comparisons > limit) throw overBudget
        return a === b
      }
    })
  } catch (e) {
    if (e === overBudget) return undefined
    throw e
  }
}

type WordDiff = { runs: Run[]; wordsAdded: number; wordsRemoved: number; coarse?: true }

// The runs, and the words really added and removed (counted before folding);
// the whole old text deleted and the new one inserted when over budget.
function diffText(oldText: string, newText: string, maxEditLength: number, work: DiffWork, allowed: number): WordDiff {
  const changes = allowed > 0 ? boundedDiff(tokenize(oldText), tokenize(newText), maxEditLength, work, allowed) : undefined
  if (!changes) {
    const runs: Run[] = []
    if (oldText !== '') runs.push({ op: 'delete', text: oldText })
    if (newText !== '') runs.push({ op: 'insert', text: newText })
    return { runs, wordsAdded: countWords(newText), wordsRemoved: countWords(oldText), coarse: true }
  }
  let wordsAdded = 0
  let wordsRemoved = 0
  // Equal stretches and change clusters (what was deleted, what was inserted), alternating.
  type Piece = { equal: string } | { del: string; ins: string }
  const pieces: Piece[] = []
  for (const change of changes) {
    const text = change.value.join('')
    if (change.added) wordsAdded += countWords(text)
    if (change.removed) wordsRemoved += countWords(text)
    const last = pieces.at(-1)
    if (!change.added && !change.removed) pieces.push({ equal: text })
    else if (last && 'del' in last) {
      if (change.added) last.ins += text
      else last.del += text
    }
    else pieces.push(change.added ? { del: '', ins: text } : { del: text, ins: '' })
  }
  const merged: Piece[] = []
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as Piece
    const before = merged.at(-1)
    const after = pieces[i + 1]
    if ('equal' in piece && before && 'del' in before && after && 'del' in after && countWords(piece.equal) <= 1) {
      before.del += piece.equal + after.del
      before.ins += piece.equal + after.ins
      i++
    } else merged.push(piece)
  }
  const runs: Run[] = []
  for (const piece of merged) {
    if ('equal' in piece) {
      if (piece.equal !== '') runs.push({ op: 'equal', text: piece.equal })
      continue
    }
    if (piece.del !== '') runs.push({ op: 'delete', text: piece.del })
    if (piece.ins !== '') runs.push({ op: 'insert', text: piece.ins })
  }
  return { runs, wordsAdded, wordsRemoved }
}

// Positions of the increasing subsequence of `values` with the greatest total
// weight: the blocks that stay in place. O(n log n), with a
// Fenwick tree of prefix maxima over the values (0 ≤ value < size).
function heaviestIncreasing(values: readonly number[], weights: readonly number[], size: number): Set<number> {
  const tree: Array<{ weight: number; at: number }> = Array.from({ length: size + 1 }, () => ({ weight: 0, at: -1 }))
  const best = new Array<number>(values.length).fill(0)
  const previous = new Array<number>(values.length).fill(-1)
  for (let k = 0; k < values.length; k++) {
    let top = { weight: 0, at: -1 }
    for (let i = values[k] as number; i > 0; i -= i & -i) if ((tree[i] as { weight: number }).weight > top.weight) top = tree[i] as typeof top
    best[k] = top.weight + (weights[k] as number)
    previous[k] = top.at
    for (let i = (values[k] as number) + 1; i <= size; i += i & -i)
      if ((best[k] as number) > (tree[i] as { weight: number }).weight) tree[i] = { weight: best[k] as number, at: k }
  }
  let end = -1
  for (let k = 0; k < values.length; k++) if (end === -1 || (best[k] as number) > (best[end] as number)) end = k
  const kept = new Set<number>()
  for (let k = end; k !== -1; k = previous[k] as number) kept.add(k)
  return kept
}

// The set of words of a text, for similarity.
const wordSet = (text: string): ReadonlySet<string> => new Set(text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [])

// How alike two texts are: Dice coefficient of their word sets (each looked-up word counted as work).
function similarity(wa: ReadonlySet<string>, wb: ReadonlySet<string>, work: DiffWork): number {
  if (wa.size === 0 && wb.size === 0) return 1
  const [small, large] = wa.size <= wb.size ? [wa, wb] : [wb, wa]
  let common = 0
  for (const w of small) if (large.has(w)) common++
  work.comparisons += small.size + 1
  return (2 * common) / (wa.size + wb.size)
}

/** Pairs of blocks judged "the same block" at least this alike, when their ids do not say so. */
const SIMILAR_ENOUGH = 0.5

const emptyCounts = (): ChangeCounts => ({ wordsAdded: 0, wordsRemoved: 0, blocksChanged: 0, blocksInserted: 0, blocksDeleted: 0, blocksMoved: 0 })

const containerOf = (b: DiffBlock) => (b.container ? { container: b.container } : {})

/**
 * Compares two versions block by block, then word by word. Blocks are first
 * paired by id (ids survive edits), then by identical text, then, between
 * blocks that kept their order, by similarity (each new block tried against
 * at most `budget.similarityWindow` old ones). Pairs out of order are moves.
 * O(n log n) in the number of blocks but for the word diffs of changed
 * blocks, which `budget` bounds; a block over it is marked `coarse`.
 * `work`, when given, counts what was done.
 */
export function diffBlocks(
  oldBlocks: readonly DiffBlock[],
  newBlocks: readonly DiffBlock[],
  budget: DiffBudget = defaultDiffBudget,
  work: DiffWork = { comparisons: 0 }
): DocumentDiff {
  const startWork = work.comparisons
  const oldOf: Array<number | undefined> = new Array(newBlocks.length).fill(undefined)
  const taken = new Set<number>()
  const pair = (n: number, o: number) => {
    oldOf[n] = o
    taken.add(o)
  }

  // 1. By id, where an id is unique in the old version.
  const idCount = new Map<string, number>()
  for (const b of oldBlocks) if (b.id) idCount.set(b.id, (idCount.get(b.id) ?? 0) + 1)
  const byId = new Map<string, number>()
  oldBlocks.forEach((b, i) => b.id && idCount.get(b.id) === 1 && byId.set(b.id, i))
  newBlocks.forEach((b, n) => {
    const o = b.id ? byId.get(b.id) : undefined
    if (o !== undefined && !taken.has(o)) pair(n, o)
  })
  // 2. By identical text, for blocks whose ids did not match (imports, pasted text).
  const byText = new Map<string, number[]>()
  oldBlocks.forEach((b, i) => {
    if (!taken.has(i) && b.text.trim() !== '') byText.set(b.text, [...(byText.get(b.text) ?? []), i])
  })
  newBlocks.forEach((b, n) => {
    if (oldOf[n] !== undefined) return
    const o = byText.get(b.text)?.shift()
    if (o !== undefined) pair(n, o)
  })
  // 3. Pairs in order form the skeleton; the others moved.
  const paired = newBlocks.map((_, n) => n).filter((n) => oldOf[n] !== undefined)
  const inOrder = heaviestIncreasing(
    paired.map((n) => oldOf[n] as number),
    // As many blocks as possible stay in place; headings weigh a little more,
    // so that the structure holds still and the paragraphs are what moved.
    paired.map((n) => ((newBlocks[n] as DiffBlock).type === 'heading' ? 1.25 : 1)),
    oldBlocks.length
  )
  const anchors = new Set(paired.filter((_, k) => inOrder.has(k)))
  // 4. Between consecutive anchors, pair what is left by similarity, in order,
  // each new block against the next `similarityWindow` unpaired old ones.
  const oldWords = new Map<number, ReadonlySet<string>>()
  const wordsOfOld = (o: number) => oldWords.get(o) ?? (oldWords.set(o, wordSet((oldBlocks[o] as DiffBlock).text)).get(o) as ReadonlySet<string>)
  const anchorList = [...anchors].sort((a, b) => a - b)
  let prevNew = -1
  let prevOld = -1
  for (const boundary of [...anchorList, newBlocks.length]) {
    const oldEnd = boundary === newBlocks.length ? oldBlocks.length : (oldOf[boundary] as number)
    let o = prevOld + 1
    for (let n = prevNew + 1; n < boundary; n++) {
      if (oldOf[n] !== undefined) continue
      const newWords = wordSet((newBlocks[n] as DiffBlock).text)
      let tried = 0
      for (let candidate = o; candidate < oldEnd && tried < budget.similarityWindow; candidate++) {
        if (taken.has(candidate)) continue
        tried++
        if (similarity(wordsOfOld(candidate), newWords, work) >= SIMILAR_ENOUGH) {
          pair(n, candidate)
          anchors.add(n)
          o = candidate + 1
          break
        }
      }
    }
    prevNew = boundary
    prevOld = oldEnd
  }

  // 5. The result in the new order, each deleted block just before the first later kept one.
  const blocks: BlockChange[] = []
  const stats: DiffStats = { ...emptyCounts(), sections: {} }
  let coarse = false
  const count = (section: string, change: (c: ChangeCounts) => void) => {
    change(stats)
    change((stats.sections[section] ??= emptyCounts()))
  }
  let nextDeleted = 0
  const flushDeleted = (before: number) => {
    for (; nextDeleted < before; nextDeleted++) {
      if (taken.has(nextDeleted)) continue
      const b = oldBlocks[nextDeleted] as DiffBlock
      blocks.push({ op: 'deleted', section: b.section, oldText: b.text, newText: '', blockId: b.id, ...containerOf(b), oldIndex: nextDeleted, newIndex: null })
      count(b.section, (c) => {
        c.blocksDeleted++
        c.wordsRemoved += countWords(b.text)
      })
    }
  }
  // The old position of the next block that stayed in place, after each new position.
  const nextAnchorOld = new Array<number>(newBlocks.length + 1).fill(oldBlocks.length)
  for (let n = newBlocks.length - 1; n >= 0; n--) nextAnchorOld[n] = anchors.has(n) ? (oldOf[n] as number) : (nextAnchorOld[n + 1] as number)
  newBlocks.forEach((b, n) => {
    const o = oldOf[n]
    if (o === undefined) {
      // A deletion in the same stretch is shown before the insertion that replaces it.
      flushDeleted(nextAnchorOld[n] as number)
      blocks.push({ op: 'inserted', section: b.section, oldText: '', newText: b.text, blockId: b.id, ...containerOf(b), oldIndex: null, newIndex: n })
      count(b.section, (c) => {
        c.blocksInserted++
        c.wordsAdded += countWords(b.text)
      })
      return
    }
    const old = oldBlocks[o] as DiffBlock
    const moved = !anchors.has(n)
    if (!moved) flushDeleted(o)
    const same = old.text === b.text
    const words = same ? undefined : diffText(old.text, b.text, budget.maxEditLength, work, budget.maxComparisons - (work.comparisons - startWork))
    if (words?.coarse) coarse = true
    const runs = words?.runs
    const op = moved ? 'moved' : same ? 'equal' : 'changed'
    blocks.push({
      op,
      section: b.section,
      ...(moved && old.section !== b.section ? { oldSection: old.section } : {}),
      oldText: old.text,
      newText: b.text,
      ...(runs ? { runs } : {}),
      ...(words?.coarse ? { coarse: true as const } : {}),
      blockId: b.id,
      ...containerOf(b),
      oldIndex: o,
      newIndex: n
    })
    // Sections appear in the counts only where something changed.
    if (op === 'equal') return
    count(b.section, (c) => {
      if (moved) c.blocksMoved++
      else if (!same) c.blocksChanged++
      c.wordsAdded += words?.wordsAdded ?? 0
      c.wordsRemoved += words?.wordsRemoved ?? 0
    })
  })
  flushDeleted(oldBlocks.length)
  return coarse ? { blocks, stats, coarse: true } : { blocks, stats }
}

/**
 * Where a comparison shows a block: `'new'` where the block stands now
 * (a deleted block where it stood), `'old'` where a moved block stood before.
 */
export interface DiffPlace<C extends BlockChange = BlockChange> {
  readonly change: C
  readonly at: 'new' | 'old'
}

/**
 * The places of a comparison in reading order: the blocks of the diff (in
 * the new version's order, deleted ones where they stood), and each moved
 * block once more where it was, right after the last block before it in the
 * old version that did not move (first if none did), so that a reader sees
 * where it went from where it left.
 */
export function readingOrder<C extends BlockChange>(blocks: readonly C[]): Array<DiffPlace<C>> {
  const places: Array<DiffPlace<C>> = []
  const movedAway = blocks.filter((c) => c.op === 'moved').sort((a, b) => (a.oldIndex ?? 0) - (b.oldIndex ?? 0))
  const stayed = (c: BlockChange) => c.op !== 'moved' && c.op !== 'inserted' && c.oldIndex !== null
  // The blocks that stayed, in increasing old order (as diffBlocks lists them).
  const stayedAt: number[] = []
  blocks.forEach((c, i) => stayed(c) && stayedAt.push(i))
  const oldOf = (k: number) => (blocks[stayedAt[k] as number] as C).oldIndex as number
  // For each moved block, the index in `blocks` after which it was: the last
  // block that stayed and stood before it, found by bisection (not a scan per
  // moved block, which thousands of moves would make quadratic).
  const leftAfterIndex = new Map<number, C[]>()
  for (const moved of movedAway) {
    let low = 0
    let high = stayedAt.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (oldOf(mid) < (moved.oldIndex as number)) low = mid + 1
      else high = mid
    }
    const at = low === 0 ? -1 : (stayedAt[low - 1] as number)
    const list = leftAfterIndex.get(at)
    if (list) list.push(moved)
    else leftAfterIndex.set(at, [moved])
  }
  const leftAfter = (i: number) => {
    for (const moved of leftAfterIndex.get(i) ?? []) places.push({ change: moved, at: 'old' })
  }
  leftAfter(-1)
  blocks.forEach((change, i) => {
    places.push({ change, at: 'new' })
    leftAfter(i)
  })
  return places
}

/** A block's place in one version: its paragraph number (§ 1 first, counting every text block, as the comment matrix does) and its section. */
export interface BlockPlace {
  readonly paragraph: number
  readonly section: string
}

/** Where a moved block stood in the old version. */
export const movedFrom = (change: BlockChange): BlockPlace => ({ paragraph: (change.oldIndex ?? 0) + 1, section: change.oldSection ?? change.section })

/** Where a moved block stands in the new version. */
export const movedTo = (change: BlockChange): BlockPlace => ({ paragraph: (change.newIndex ?? 0) + 1, section: change.section })

/** Compares two documents; see {@link diffBlocks}. */
export const diffDocuments = (oldDoc: ProseMirrorNode, newDoc: ProseMirrorNode, budget: DiffBudget = defaultDiffBudget, work?: DiffWork): DocumentDiff =>
  diffBlocks(blocksOf(oldDoc), blocksOf(newDoc), budget, work)

/**
 * `incoming` with the ids of `current`'s text blocks carried over to the
 * blocks the diff pairs them with (same, changed or moved), so that an
 * uploaded new draft keeps the citations, comments and history of the
 * paragraphs it still has. Blocks with no counterpart keep their own ids.
 */
export function adoptBlockIds(current: ProseMirrorNode, incoming: ProseMirrorNode): ProseMirrorNode {
  const oldBlocks = blocksOf(current)
  // Only the pairing is needed here, not the words that changed: no word diff at all.
  const { blocks } = diffBlocks(oldBlocks, blocksOf(incoming), { ...defaultDiffBudget, maxComparisons: 0 })
  const idAt = new Map<number, string>()
  for (const b of blocks) {
    const id = b.oldIndex === null ? null : oldBlocks[b.oldIndex]?.id
    if (b.newIndex !== null && id) idAt.set(b.newIndex, id)
  }
  const taken = new Set(idAt.values())
  let index = 0
  const rebuild = (node: ProseMirrorNode): ProseMirrorNode => {
    if (node.isTextblock) {
      const id = idAt.get(index++)
      return id ? node.type.create({ ...node.attrs, id }, node.content, node.marks) : node
    }
    if (node.isLeaf) return node
    const children: ProseMirrorNode[] = []
    node.forEach((child) => children.push(rebuild(child)))
    // A container whose own id collides with a carried-over one gets a fresh id later (withBlockIds).
    const attrs = node.attrs.id && taken.has(node.attrs.id as string) ? { ...node.attrs, id: null } : node.attrs
    return node.type.create(attrs, children, node.marks)
  }
  return rebuild(incoming)
}
