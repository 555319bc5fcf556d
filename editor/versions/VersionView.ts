import { Node as ProseMirrorNode } from 'prosemirror-model'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { schema } from '../../src'
import { h } from '../dom'
import { formatDate, type Language, type Translate } from '../i18n'
import type { VersionDetail } from './versionsApi'

/**
 * A published version, read-only: its text as the editor shows a draft, with
 * who published it and when. No connection to the live document: a version
 * never changes.
 */
export class VersionView {
  readonly element: HTMLElement
  private readonly view: EditorView

  constructor(version: VersionDetail, t: Translate, language: Language) {
    const surface = h('div', { class: 'document-surface version-surface' })
    this.element = h(
      'section',
      { class: 'version-view' },
      h(
        'p',
        { class: 'version-meta' },
        h('strong', {}, version.name),
        ` — ${t('publishedBy')} ${version.author.name}, ${formatDate(version.createdAt, language)} · ${version.words.toLocaleString(language)} ${t('words')}`
      ),
      h('p', { class: 'read-only-banner' }, t('versionReadOnly')),
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
