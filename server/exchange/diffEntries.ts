import { readingOrder, type BlockChange, type DocumentDiff } from '../../src'

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
 * The paragraphs of a comparison in reading order (see `readingOrder`): the
 * diff's blocks, each moved block as an insertion where it is now and a
 * deletion where it was (which the Word file then marks as the two ends of a move).
 */
export function diffEntries(diff: DocumentDiff): DiffEntry[] {
  return readingOrder(diff.blocks).map(({ change, at }) => {
    if (at === 'old') return { change, source: 'old', kind: 'deleted' }
    const kind = change.op === 'moved' ? 'inserted' : change.op
    return { change, source: kind === 'deleted' ? 'old' : 'new', kind }
  })
}
