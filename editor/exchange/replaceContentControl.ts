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
  // The file picker is opened by a real button: a hidden input made an invisible tab stop.
  const input = h('input', { type: 'file', name: 'replacement', accept: IMPORT_ACCEPT, tabindex: '-1', hidden: true })
  const pick = h('button', { type: 'button', class: 'replace-button' }, t('replaceContent'))
  pick.addEventListener('click', () => input.click())
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
  return h('span', { class: 'replace-content' }, pick, input, message)
}
