import { COUNTRIES, isCountryCode, isRole, mayGrantRole, ROLES, type AccountEntry, type Role } from '../src'
import { api } from './api'
import { describeError } from './describeError'
import { h } from './dom'
import { countryName, fill, formatInstant, type Language, type MessageKey, type Translate } from './i18n'

export interface AccountsPageOptions {
  readonly t: Translate
  readonly language: Language
  /** The username of the person at the page: their own account cannot be disabled from here. */
  readonly self: string
  /** The role of the person at the page: it offers only the roles it may grant (the server checks again). */
  readonly selfRole: Role
}

/**
 * The workspace's accounts, for the Presidency and the Secretariat: who has
 * access with which role and country, a button per account to disable it
 * (which ends its sessions at once) or enable it again, and a form to create
 * an account. The server's refusals (a name taken, a fifth delegate for a
 * country) are shown as it words them.
 */
export class AccountsPage {
  readonly element: HTMLElement
  private readonly table = h('tbody')
  private readonly message = h('p', { class: 'form-error', role: 'alert' })
  private readonly done = h('p', { class: 'form-ok', role: 'status' })
  // What became of a disable or enable, said above the table it acted on.
  private readonly accessProblem = h('p', { class: 'form-error', role: 'alert' })
  private readonly accessDone = h('p', { class: 'form-ok access-done', role: 'status' })

  constructor(private readonly options: AccountsPageOptions) {
    const { t } = options
    this.element = h(
      'section',
      { class: 'accounts-page' },
      h('h1', {}, t('accounts')),
      this.form(),
      this.accessProblem,
      this.accessDone,
      h(
        'table',
        { class: 'accounts' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[t('username'), t('name'), t('role'), t('country'), t('created'), t('status'), t('accountActions')].map((label) => h('th', {}, label))
          )
        ),
        this.table
      )
    )
  }

  /** Fetches the accounts; rejects with the `ApiError` if the server refuses. */
  async load(): Promise<void> {
    this.show(await api.accounts())
  }

  private show(accounts: readonly AccountEntry[]): void {
    const { t, language } = this.options
    this.table.replaceChildren(
      ...accounts.map((a) =>
        h(
          'tr',
          { 'data-username': a.username, class: a.disabled ? 'disabled' : '' },
          h('td', {}, h('code', {}, a.username)),
          h('td', {}, a.name),
          h('td', {}, t(`role_${a.role}` as MessageKey)),
          h('td', {}, a.country ? h('span', { class: `country-chip country-${a.country}` }, a.country) : '', a.country ? ` ${countryName(a.country, language)}` : ''),
          h('td', {}, formatInstant(a.createdAt, language)),
          h('td', { class: 'account-state' }, a.disabled ? t('accountDisabled') : t('accountActive')),
          h('td', {}, a.username === this.options.self || !mayGrantRole(this.options.selfRole, a.role) ? '' : this.toggle(a))
        )
      )
    )
  }

  // Disables the account, or enables it again; the list is reloaded from the server either way.
  private toggle(account: AccountEntry): HTMLButtonElement {
    const { t } = this.options
    const disable = !account.disabled
    const button = h(
      'button',
      { type: 'button', class: disable ? 'disable-account' : 'enable-account', 'aria-label': `${disable ? t('disableAccount') : t('enableAccount')} ${account.username}` },
      disable ? t('disableAccount') : t('enableAccount')
    )
    // Disabling ends the account's sessions at once: a first press asks, a second one (on the
    // same button, which keeps the focus) acts; Cancel or Escape leaves the account as it was.
    let asking: HTMLElement | null = null
    const stopAsking = () => {
      asking?.remove()
      asking = null
      button.textContent = t('disableAccount')
      button.setAttribute('aria-label', `${t('disableAccount')} ${account.username}`)
      button.removeAttribute('aria-describedby')
    }
    button.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && asking) stopAsking()
    })
    button.addEventListener('click', () => {
      if (disable && !asking) {
        const question = h('span', { class: 'disable-question', id: `disable-question-${account.username}`, role: 'status' }, fill(t('disableAccountAsk'), { username: account.username }))
        const cancel = h('button', { type: 'button', class: 'cancel-disable' }, t('cancelDisableAccount'))
        cancel.addEventListener('click', () => {
          stopAsking()
          button.focus()
        })
        asking = h('span', { class: 'disable-confirm' }, ' ', question, ' ', cancel)
        button.after(asking)
        button.textContent = fill(t('confirmDisableAccount'), { username: account.username })
        button.setAttribute('aria-label', fill(t('confirmDisableAccount'), { username: account.username }))
        button.setAttribute('aria-describedby', question.id)
        return
      }
      asking?.remove()
      asking = null
      button.disabled = true
      this.accessProblem.textContent = ''
      this.accessDone.textContent = ''
      api
        .setAccountDisabled(account.username, disable)
        .then(async (changed) => {
          this.accessDone.textContent = fill(t(changed.disabled ? 'accountDisabledDone' : 'accountEnabledDone'), { username: changed.username })
          await this.load()
        })
        .catch((err: unknown) => {
          this.accessProblem.textContent = describeError(err, t, this.options.language)
          button.disabled = false
        })
    })
    return button
  }

  private form(): HTMLFormElement {
    const { t, language } = this.options
    const username = h('input', { name: 'username', required: true, autocomplete: 'off', pattern: '[a-z0-9][a-z0-9._\\-]{1,39}' })
    const name = h('input', { name: 'name', autocomplete: 'off' })
    const password = h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' })
    const role = h('select', { name: 'role' }, ...ROLES.filter((r) => mayGrantRole(this.options.selfRole, r)).map((r) => h('option', { value: r, selected: r === 'delegate' }, t(`role_${r}` as MessageKey))))
    const country = h(
      'select',
      { name: 'country' },
      h('option', { value: '' }, t('none')),
      ...COUNTRIES.map((c) => h('option', { value: c.code }, `${c.code} — ${countryName(c.code, language)}`))
    )
    const create = h('button', { type: 'submit', class: 'primary' }, t('createAccount'))
    const form = h(
      'form',
      { class: 'account-form' },
      h('h2', {}, t('createAccount')),
      h('label', {}, t('username'), username),
      h('label', {}, t('name'), name),
      h('label', {}, t('password'), password),
      h('label', {}, t('role'), role),
      h('label', {}, t('country'), country),
      h('div', { class: 'form-actions' }, create, this.message, this.done)
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const chosenRole: Role = isRole(role.value) ? role.value : 'delegate'
      create.disabled = true
      this.message.textContent = ''
      this.done.textContent = ''
      api
        .createAccount({
          username: username.value.trim(),
          password: password.value,
          ...(name.value.trim() ? { name: name.value.trim() } : {}),
          role: chosenRole,
          country: isCountryCode(country.value) ? country.value : null
        })
        .then(async (account) => {
          this.done.textContent = fill(t('accountCreated'), { username: account.username })
          username.value = ''
          name.value = ''
          password.value = ''
          await this.load()
        })
        .catch((err: unknown) => {
          this.message.textContent = describeError(err, t, this.options.language)
        })
        .finally(() => (create.disabled = false))
    })
    return form
  }
}
