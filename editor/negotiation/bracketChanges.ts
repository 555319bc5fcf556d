import type { BracketDiffEntry } from '../../src'
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
