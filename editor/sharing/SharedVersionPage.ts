import type { SharedVersion } from '../../src'
import { h } from '../dom'
import { fill, formatInstant, type Language, type Translate } from '../i18n'
import { VersionView } from '../versions/VersionView'
import { sharingApi } from './sharingApi'

/**
 * A version shared with an observer, read-only: the text and nothing around
 * it (no comments, no link to the draft or to other versions), with the
 * downloads of that version alone.
 */
export class SharedVersionPage {
  readonly element: HTMLElement
  /** The read-only text; destroy it when the page goes. */
  readonly view: VersionView

  constructor(shared: SharedVersion, t: Translate, language: Language) {
    const { share, document, version } = shared
    this.view = new VersionView({ name: version.name, createdAt: version.createdAt, content: version.content }, t, language, 'sharedReadOnly')
    this.element = h(
      'article',
      { class: 'shared-version', 'data-share': share.id },
      h('nav', { class: 'document-nav' }, h('a', { href: '#/', class: 'back' }, t('backToShared'))),
      h('h1', { class: 'document-title' }, document.title),
      h(
        'p',
        { class: 'shared-meta' },
        fill(t('sharedWithYouBy'), { name: share.sharedBy.name, date: formatInstant(share.sharedAt, language) }),
        ' · ',
        h('a', { href: sharingApi.exportUrl(share.id, 'docx'), download: '' }, 'Word'),
        ' · ',
        h('a', { href: sharingApi.exportUrl(share.id, 'md'), download: '' }, 'Markdown'),
        ' · ',
        h('a', { href: sharingApi.exportUrl(share.id, 'html'), download: '' }, 'HTML')
      ),
      this.view.element
    )
  }
}
