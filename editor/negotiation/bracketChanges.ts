import type { BlockStanding, BlockStatusChange, BracketDiffEntry, CreditedChange } from '../../src'
import { h } from '../dom'
import { fill, type Translate } from '../i18n'

/**
 * The changes to brackets between two versions, one line each ("corchete
 * levantado por MX: «…»"); empty when there are none or the comparison
 * could not tell (a version published before brackets were kept).
 */
export function bracketChanges(entries: readonly BracketDiffEntry[] | undefined, t: Translate): HTMLElement | null {
  if (!entries || entries.length === 0) return null
  const line = (entry: BracketDiffEntry) => {
    const countries = (entry.countries ?? []).join(', ')
    const what =
      entry.change === 'added'
        ? countries ? fill(t('bracketChangeAddedBy'), { countries }) : t('bracketChangeAdded')
        : entry.change === 'removed'
          ? t('bracketChangeRemoved')
          : entry.change === 'held'
            ? fill(t('bracketChangeHeld'), { countries })
            : entry.change === 'lifted'
              ? fill(t('bracketChangeLifted'), { countries })
              : entry.change === 'option-added'
                ? fill(t('bracketChangeOptionAdded'), { option: entry.option ?? '' })
                : fill(t('bracketChangeOptionChosen'), { option: entry.option ?? '' })
    return h('li', { class: `bracket-change ${entry.change}` }, `${what}: `, h('q', {}, entry.quote))
  }
  return h('section', { class: 'bracket-changes' }, h('h3', {}, t('bracketChangesTitle')), h('ul', {}, ...entries.map(line)))
}

/** A paragraph's standing in words, open included ("Acordado ad referéndum · pendiente de confirmación de GT"). */
function standingWords(standing: BlockStanding, t: Translate): string {
  const status = t(`blockStatus_${standing.status}`)
  return standing.pending.length > 0 ? `${status} · ${fill(t('blockStatusPending'), { countries: standing.pending.join(', ') })}` : status
}

/**
 * The paragraphs whose status changed between two versions, one line each
 * ("Abierto → Acordado: «La Conferencia…»"), the paragraph named by its
 * opening words as either side has it; empty when none changed.
 */
export function statusChanges(changes: readonly BlockStatusChange[] | undefined, blocks: readonly CreditedChange[], t: Translate): HTMLElement | null {
  if (!changes || changes.length === 0) return null
  const line = (change: BlockStatusChange) => {
    const block = blocks.find((b) => b.blockId === change.blockId)
    const text = block ? block.newText || block.oldText : ''
    const start = text.length > 80 ? `${text.slice(0, 80)}…` : text
    return h('li', { class: 'status-change' }, `${standingWords(change.from, t)} → ${standingWords(change.to, t)}`, ...(start ? [': ', h('q', {}, start)] : []))
  }
  return h('section', { class: 'status-changes' }, h('h3', {}, t('statusChangesTitle')), h('ul', {}, ...changes.map(line)))
}
