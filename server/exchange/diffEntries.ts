import type { BlockChange, DocumentDiff } from '../../src'

/**
 * One paragraph of a comparison's Word file: a block of the new version
 * (`source: 'new'`), or one of the old version shown deleted (`'old'`).
 */
export interface DiffEntry {
  readonly change: BlockChange
  readonly source: 'old' | 'new'
  readonly kind: 'equal' | 'changed' | 'inserted' | 'deleted'
}

/**
 * The paragraphs of a comparison in reading order: the diff's blocks (in the
 * new version's order, deleted ones where they stood), each moved block as an
 * insertion where it is now, and its deletion where it was: right after the
 * last block before it in the old version that did not move.
 */
export function diffEntries(diff: DocumentDiff): DiffEntry[] {
  const entries: DiffEntry[] = []
  const movedAway = diff.blocks.filter((c) => c.op === 'moved').sort((a, b) => (a.oldIndex ?? 0) - (b.oldIndex ?? 0))
  const stayed = (c: BlockChange) => c.op !== 'moved' && c.op !== 'inserted' && c.oldIndex !== null
  // For each moved block, the index in diff.blocks after which it was.
  const after = new Map<BlockChange, number>()
  for (const moved of movedAway) {
    let at = -1
    diff.blocks.forEach((c, i) => {
      if (stayed(c) && (c.oldIndex as number) < (moved.oldIndex as number)) at = i
    })
    after.set(moved, at)
  }
  const deletionsAfter = (i: number) => {
    for (const moved of movedAway) if (after.get(moved) === i) entries.push({ change: moved, source: 'old', kind: 'deleted' })
  }
  deletionsAfter(-1)
  diff.blocks.forEach((change, i) => {
    const kind = change.op === 'moved' ? 'inserted' : change.op
    entries.push({ change, source: kind === 'deleted' ? 'old' : 'new', kind })
    deletionsAfter(i)
  })
  return entries
}
