import type { DocumentMeta } from '../../src'
import { describeError } from '../describeError'
import { h } from '../dom'
import type { Language, Translate } from '../i18n'
import { exchangeApi, IMPORT_ACCEPT } from './exchangeApi'

/**
 * The Presidency's and the Secretariat's form for a new document from a
 * Markdown, HTML or Word file. Shows the server's refusal (it says what to
 * fix in the file), in the reader's language when the app knows it; `onCreated` gets the new document.
 */
export function importForm(t: Translate, language: Language, onCreated: (document: DocumentMeta) => void): HTMLFormElement {
  const title = h('input', { name: 'title', type: 'text', required: true, maxlength: '200', autocomplete: 'off' })
  const file = h('input', { name: 'file', type: 'file', accept: IMPORT_ACCEPT, required: true })
  const error = h('p', { class: 'form-error', role: 'alert' })
  const submit = h('button', { type: 'submit', class: 'primary' }, t('importSubmit'))
  const form = h(
    'form',
    { class: 'import-form' },
    h('h2', {}, t('importDocument')),
    h('label', {}, t('importTitle'), title),
    h('label', {}, t('importFile'), file),
    submit,
    error
  )
  // A title from the file's name, until someone types one.
  file.addEventListener('change', () => {
    const picked = file.files?.[0]
    if (picked && !title.value.trim()) title.value = picked.name.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ').trim()
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const picked = file.files?.[0]
    if (!picked) return
    error.textContent = ''
    submit.disabled = true
    submit.textContent = t('importing')
    exchangeApi.createDocument(title.value.trim(), picked).then(onCreated, (err: unknown) => {
      error.textContent = describeError(err, t, language)
      submit.disabled = false
      submit.textContent = t('importSubmit')
    })
  })
  return form
}
