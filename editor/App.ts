import { COUNTRIES, mayManageAccounts } from '../src'
import { AccountsPage } from './AccountsPage'
import { api, ApiError, type User } from './api'
import { VersionsPage } from './versions/VersionsPage'
import { VersionView } from './versions/VersionView'
import { versionsApi } from './versions/versionsApi'
import { DocumentEditor, type ClosedReason } from './DocumentEditor'
import { importForm } from './exchange/importForm'
import { replaceContentControl } from './exchange/replaceContentControl'
import { h } from './dom'
import { formatDate, initialLanguage, saveLanguage, translator, type Language, type MessageKey, type Translate } from './i18n'

/**
 * The browser app: sign in, pick a document, edit and comment on it with
 * others. Routes by the URL hash (`#/` the list, `#/doc/<id>` a document,
 * `#/accounts` the accounts) so that a reload or a shared link opens the
 * same place.
 */
export class App {
  private language: Language = initialLanguage()
  private t: Translate = translator(this.language)
  private user: User | null = null
  private editor: DocumentEditor | null = null
  private versionView: VersionView | null = null
  private notice: { key: MessageKey; detail?: string } | null = null

  constructor(private readonly root: HTMLElement) {
    window.addEventListener('hashchange', () => void this.render())
  }

  async start(): Promise<void> {
    try {
      this.user = await api.me()
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) this.notice = { key: 'networkError' }
    }
    await this.render()
  }

  private setLanguage(language: Language): void {
    this.language = language
    this.t = translator(language)
    saveLanguage(language)
    document.documentElement.lang = language
    void this.render()
  }

  private async render(): Promise<void> {
    this.editor?.destroy()
    this.editor = null
    this.versionView?.destroy()
    this.versionView = null
    document.documentElement.lang = this.language
    const main = h('main', { class: 'page' })
    this.root.replaceChildren(this.header(), main)
    if (this.notice) {
      main.append(h('p', { class: 'notice', role: 'alert' }, this.t(this.notice.key), this.notice.detail ? ` (${this.notice.detail})` : ''))
      this.notice = null
    }
    if (!this.user) return main.append(this.loginForm())
    const version = /^#\/doc\/([a-z0-9-]+)\/version\/([a-z0-9-]+)$/.exec(location.hash)
    if (version) return this.version(main, version[1] as string, version[2] as string)
    const versions = /^#\/doc\/([a-z0-9-]+)\/versions(?:\/([a-z0-9-]+)\/([a-z0-9-]+))?$/.exec(location.hash)
    if (versions) return this.versions(main, versions[1] as string, versions[2], versions[3])
    const route = /^#\/doc\/([a-z0-9-]+)(?:\/([a-z0-9]+))?$/.exec(location.hash)
    if (route) {
      // The text and its comments side by side need the width.
      main.classList.add('wide')
      return this.openDocument(main, route[1] as string, route[2])
    }
    if (location.hash === '#/accounts') return this.accounts(main)
    await this.documentList(main)
  }

  private header(): HTMLElement {
    const t = this.t
    const languageSelect = h(
      'select',
      { 'aria-label': t('language'), class: 'language' },
      h('option', { value: 'es', selected: this.language === 'es' }, 'Español'),
      h('option', { value: 'en', selected: this.language === 'en' }, 'English')
    )
    languageSelect.addEventListener('change', () => this.setLanguage(languageSelect.value === 'en' ? 'en' : 'es'))
    const user = this.user
    return h(
      'header',
      { class: 'app-header' },
      h('a', { href: '#/', class: 'brand' }, t('appName')),
      h('span', { class: 'tagline' }, t('tagline')),
      h(
        'div',
        { class: 'header-right' },
        user &&
          h(
            'span',
            { class: 'who', 'data-role': user.role },
            `${user.name} — ${t(`role_${user.role}` as MessageKey)}`,
            user.country ? ` (${COUNTRIES.find((c) => c.code === user.country)?.name[this.language] ?? user.country})` : ''
          ),
        user && mayManageAccounts(user.role) && h('a', { href: '#/accounts', class: 'accounts-link' }, t('accounts')),
        languageSelect,
        user && h('button', { type: 'button', class: 'sign-out', onclick: () => void this.signOut() }, t('signOut'))
      )
    )
  }

  private loginForm(): HTMLElement {
    const t = this.t
    const error = h('p', { class: 'error', role: 'alert' })
    const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true })
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })
    const form = h(
      'form',
      { class: 'login' },
      h('h1', {}, t('signIn')),
      h('label', {}, t('username'), username),
      h('label', {}, t('password'), password),
      error,
      h('button', { type: 'submit' }, t('signIn'))
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      api.login(username.value.trim(), password.value).then(
        (user) => {
          this.user = user
          void this.render()
        },
        (err: unknown) => {
          error.textContent = err instanceof ApiError && err.status === 401 ? t('wrongCredentials') : t('networkError')
        }
      )
    })
    return form
  }

  private async documentList(main: HTMLElement): Promise<void> {
    const t = this.t
    main.append(h('h1', {}, t('documents')))
    const documents = await api.documents().catch((err: unknown) => this.handleApiError(err))
    if (!documents) return
    const list = h(
      'ul',
      { class: 'document-list' },
      ...documents.map((d) =>
        h(
          'li',
          {},
          h('a', { href: `#/doc/${d.id}`, class: 'document-link' }, d.title),
          h('span', { class: `tag ${d.mayEdit ? 'edit' : 'read'}` }, d.mayEdit ? t('canEdit') : t('readOnlyTag')),
          h('span', { class: 'meta' }, `${t('createdOn')} ${formatDate(d.createdAt, this.language)}`)
        )
      )
    )
    main.append(documents.length === 0 ? h('p', {}, t('noDocuments')) : list)
    if (this.user?.mayEdit) main.append(importForm(t, (created) => this.go(`#/doc/${created.id}`)))
  }

  private async openDocument(main: HTMLElement, id: string, blockId: string | undefined): Promise<void> {
    const meta = await api.document(id).catch((err: unknown) => this.handleApiError(err))
    if (!meta || !this.user) return
    main.append(
      h(
        'nav',
        { class: 'document-nav' },
        h('a', { href: '#/', class: 'back' }, this.t('back')),
        h('a', { href: `#/doc/${id}/versions`, class: 'versions-link' }, this.t('versionsLink')),
        this.user.mayEdit && replaceContentControl(id, this.t)
      ),
      h('h1', { class: 'document-title' }, meta.title)
    )
    this.editor = new DocumentEditor({
      documentId: id,
      user: this.user,
      t: this.t,
      language: this.language,
      blockId,
      onClosed: (reason, detail) => this.onClosed(reason, detail)
    })
    main.append(this.editor.element)
  }

  private async version(main: HTMLElement, id: string, versionId: string): Promise<void> {
    const meta = await api.document(id).catch((err: unknown) => this.handleApiError(err))
    const detail = meta && (await versionsApi.get(id, versionId).catch((err: unknown) => this.handleApiError(err)))
    if (!meta || !detail) return
    this.versionView = new VersionView(detail, this.t, this.language)
    main.append(
      h('nav', { class: 'document-nav' }, h('a', { href: `#/doc/${id}/versions`, class: 'back' }, `← ${this.t('versions')}`)),
      h('h1', { class: 'document-title' }, meta.title),
      this.versionView.element
    )
  }

  private async versions(main: HTMLElement, id: string, from: string | undefined, to: string | undefined): Promise<void> {
    const meta = await api.document(id).catch((err: unknown) => this.handleApiError(err))
    if (!meta || !this.user) return
    const page = new VersionsPage({
      documentId: id,
      user: this.user,
      t: this.t,
      language: this.language,
      from,
      to,
      // Keeps the address in step without reloading the page.
      onCompare: (f, t) => history.replaceState(null, '', `#/doc/${id}/versions/${f}/${t}`)
    })
    main.append(
      h('nav', { class: 'document-nav' }, h('a', { href: `#/doc/${id}`, class: 'back' }, `← ${meta.title}`)),
      h('h1', { class: 'document-title' }, meta.title),
      page.element
    )
  }

  private async accounts(main: HTMLElement): Promise<void> {
    const page = new AccountsPage({ t: this.t, language: this.language })
    try {
      await page.load()
    } catch (err) {
      this.handleApiError(err)
      return
    }
    main.append(h('nav', {}, h('a', { href: '#/', class: 'back' }, this.t('back'))), page.element)
  }

  private onClosed(reason: ClosedReason, detail: string): void {
    if (reason === 'session') {
      this.user = null
      this.notice = { key: 'sessionEnded' }
    } else {
      this.notice = { key: reason === 'forbidden' ? 'forbidden' : reason === 'missing' ? 'notFound' : 'closedByServer', detail }
    }
    this.go('#/')
  }

  // Renders `hash`: through hashchange when it changes the URL, directly otherwise.
  private go(hash: string): void {
    if (location.hash === hash || (hash === '#/' && location.hash === '')) void this.render()
    else location.hash = hash
  }

  private handleApiError(err: unknown): undefined {
    if (err instanceof ApiError && err.status === 401) {
      this.user = null
      this.notice = { key: 'sessionEnded' }
    } else if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
      this.notice = { key: err.status === 403 ? 'forbidden' : 'notFound' }
    } else this.notice = { key: 'networkError' }
    this.go('#/')
    return undefined
  }

  private async signOut(): Promise<void> {
    await api.logout().catch(() => {})
    this.user = null
    this.go('#/')
  }
}
