import { Node as ProseMirrorNode } from 'prosemirror-model'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { schema, type VersionDetail } from '../../src'
import { h } from '../dom'
import { formatInstant, type Language, type MessageKey, type Translate } from '../i18n'

/**
 * What the read-only view needs of a version. Who published it and its length
 * are shown where the reader is given them (an observer reading a shared
 * version gets only the name, the date and the text).
 */
export type VersionText = Pick<VersionDetail, 'name' | 'createdAt' | 'content'> & Partial<Pick<VersionDetail, 'author' | 'words'>>

/**
 * A published version, read-only: its text as the editor shows a draft, with
 * who published it and when. No connection to the live document: a version
 * never changes. `banner` says to the reader why the text cannot be changed.
 */
export class VersionView {
  readonly element: HTMLElement
  private readonly view: EditorView

  constructor(version: VersionText, t: Translate, language: Language, banner: MessageKey = 'versionReadOnly') {
    const surface = h('div', { class: 'document-surface version-surface' })
    this.element = h(
      'section',
      { class: 'version-view' },
      h(
        'p',
        { class: 'version-meta' },
        h('strong', {}, version.name),
        ` — ${version.author ? `${t('publishedBy')} ${version.author.name},` : t('publishedOn')} ${formatInstant(version.createdAt, language)}`,
        version.words === undefined ? '' : ` · ${version.words.toLocaleString(language)} ${t('words')}`
      ),
      h('p', { class: 'read-only-banner' }, t(banner)),
      surface
    )
    this.view = new EditorView(surface, {
      state: EditorState.create({ doc: ProseMirrorNode.fromJSON(schema, version.content) }),
      editable: () => false,
      attributes: { class: 'document-text', lang: 'es' }
    })
  }

  destroy(): void {
    this.view.destroy()
  }
}
