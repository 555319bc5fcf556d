import { COUNTRIES, mayDecide, type CountryCode, type MarkupResult, type User } from '../../src'
import { describeError } from '../describeError'
import { h } from '../dom'
import { countryName, fill, type Language, type Translate } from '../i18n'
import { exchangeApi } from './exchangeApi'

/**
 * "Send a marked-up Word copy…": a country's copy of the draft with tracked
 * changes and comments becomes its proposals and comments. The file is
 * first sent as a preview (nothing stored): the person sees how many
 * proposals and comments it makes and what could not be placed, and why,
 * then confirms or cancels. The Presidency and the Secretariat pick the
 * country whose input it is (received by e-mail); a delegate's is its own.
 */
export function markupControl(documentId: string, user: User, t: Translate, language: Language): HTMLElement {
  const input = h('input', { type: 'file', name: 'markup', accept: '.docx', tabindex: '-1', hidden: true })
  const pick = h('button', { type: 'button', class: 'markup-button' }, t('sendMarkup'))
  const country = mayDecide(user.role)
    ? h(
        'select',
        { class: 'markup-country', 'aria-label': t('markupCountry') },
        ...COUNTRIES.map((c) => h('option', { value: c.code }, `${c.code} — ${countryName(c.code, language)}`))
      )
    : null
  const preview = h('div', { class: 'markup-preview', role: 'status', 'aria-live': 'polite' })
  pick.addEventListener('click', () => input.click())
  const fail = (err: unknown) => {
    preview.replaceChildren(h('p', { class: 'error' }, describeError(err, t, language)))
  }
  input.addEventListener('change', () => {
    const file = input.files?.[0]
    input.value = ''
    if (!file) return
    const named = (country?.value ?? null) as CountryCode | null
    preview.replaceChildren(h('p', {}, t('markupReading')))
    exchangeApi.sendMarkup(documentId, file, named, true).then((result) => {
      const confirm = h('button', { type: 'button', class: 'markup-confirm' }, t('markupConfirm'))
      const cancel = h('button', { type: 'button', class: 'markup-cancel' }, t('cancel'))
      cancel.addEventListener('click', () => preview.replaceChildren())
      confirm.addEventListener('click', () => {
        confirm.disabled = true
        exchangeApi.sendMarkup(documentId, file, named, false).then((done) => {
          preview.replaceChildren(h('p', { class: 'markup-done' }, fill(t('markupDone'), counts(done))))
          pick.focus()
        }, fail)
      })
      const nothing = result.created.proposals.length + result.created.comments.length === 0
      preview.replaceChildren(
        h('p', { class: 'markup-summary' }, fill(t('markupSummary'), { file: file.name, ...counts(result) })),
        result.unplaced.length
          ? h('ul', { class: 'markup-unplaced' }, ...result.unplaced.map((u) => h('li', {}, u.quote ? `«${u.quote}»: ${u.reason}` : u.reason)))
          : '',
        nothing ? '' : confirm,
        cancel
      )
      ;(nothing ? cancel : confirm).focus()
    }, fail)
  })
  return h('span', { class: 'markup-upload' }, pick, country ?? '', input, preview)
}

const counts = (result: MarkupResult) => ({
  proposals: String(result.created.proposals.length),
  comments: String(result.created.comments.length),
  unplaced: String(result.unplaced.length)
})
