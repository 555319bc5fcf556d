import { describeError } from '../describeError'
import { h } from '../dom'
import { fill, type Language, type Translate } from '../i18n'
import { exchangeApi, IMPORT_ACCEPT } from './exchangeApi'

/**
 * "Replace the text with a file…": picks a Markdown, HTML or Word file and,
 * once the person confirms, sends it as the document's new text. The server
 * records it as an edit (published versions stay intact) and the open editor
 * receives the new text like any other edit. Shows the server's refusal, in
 * the reader's language when the app knows it.
 */
export function replaceContentControl(documentId: string, t: Translate, language: Language): HTMLElement {
  const input = h('input', { type: 'file', name: 'replacement', accept: IMPORT_ACCEPT, class: 'visually-hidden' })
  const message = h('span', { class: 'replace-message', role: 'status' })
  input.addEventListener('change', () => {
    const file = input.files?.[0]
    // The same file can be picked again after a refusal.
    input.value = ''
    if (!file || !window.confirm(fill(t('confirmReplaceContent'), { file: file.name }))) return
    message.textContent = t('replacing')
    message.className = 'replace-message'
    exchangeApi.replaceContent(documentId, file).then(
      () => {
        message.textContent = fill(t('contentReplaced'), { file: file.name })
      },
      (err: unknown) => {
        message.textContent = describeError(err, t, language)
        message.className = 'replace-message error'
      }
    )
  })
  return h('span', { class: 'replace-content' }, h('label', { class: 'replace-label' }, t('replaceContent'), input), message)
}
