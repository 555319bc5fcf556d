import type { SharedEntry } from '../../src'
import { h } from '../dom'
import { fill, formatInstant, type Language, type Translate } from '../i18n'

/**
 * An observer's home page: the versions shared with them, each a link to
 * read it. Observers read nothing else, so there is no document list.
 */
export function sharedList(shares: readonly SharedEntry[], t: Translate, language: Language): HTMLElement {
  const list = h(
    'ul',
    { class: 'shared-list' },
    ...shares.map((s) =>
      h(
        'li',
        {},
        h('a', { href: `#/shared/${s.share.id}`, class: 'shared-link' }, `${s.document.title} — ${s.version.name}`),
        h(
          'span',
          { class: 'meta' },
          fill(t('sharedMeta'), {
            published: formatInstant(s.version.createdAt, language),
            name: s.share.sharedBy.name,
            date: formatInstant(s.share.sharedAt, language)
          })
        )
      )
    )
  )
  return h(
    'section',
    { class: 'shared-versions' },
    h('h1', {}, t('sharedWithYou')),
    h('p', { class: 'observer-note' }, t('observerNote')),
    shares.length === 0 ? h('p', { class: 'no-shared' }, t('noSharedVersions')) : list
  )
}
