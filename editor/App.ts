import { mayComment, mayManageAccounts, mayReadAuditTrail, isSessionEndReason, receivesShares, SessionEndReason, type SessionEndReasonText, type SessionView, type User } from '../src'
import { AccountsPage } from './AccountsPage'
import { AuditPage } from './audit/AuditPage'
import { api, ApiError, whenSessionEnds } from './api'
import { VersionsPage } from './versions/VersionsPage'
import { sharedList } from './sharing/SharedList'
import { SharedVersionPage } from './sharing/SharedVersionPage'
import { sharingApi } from './sharing/sharingApi'
import { VersionView } from './versions/VersionView'
import { versionsApi } from './versions/versionsApi'
import { DocumentEditor, type ClosedReason } from './DocumentEditor'
import { importForm } from './exchange/importForm'
import { markupControl } from './exchange/markupControl'
import { replaceContentControl } from './exchange/replaceContentControl'
import { h } from './dom'
import { countryName, fill, formatInstant, initialLanguage, LANGUAGES, saveLanguage, showTimesIn, translator, type Language, type MessageKey, type Translate } from './i18n'

// What the server's reason for closing a socket (CloseCode 4401) means to the person.
const SESSION_END_NOTICES: Readonly<Record<SessionEndReasonText, MessageKey>> = {
  [SessionEndReason.accountDisabled]: 'accountWasDisabled',
  [SessionEndReason.loggedOutEverywhere]: 'signedOutEverywhere',
  [SessionEndReason.loggedOut]: 'signedOutElsewhere',
  [SessionEndReason.expired]: 'sessionExpired'
}

/**
 * The browser app: sign in, pick a document, edit and comment on it with
 * others. Routes by the URL hash (`#/` the list, `#/doc/<id>` a document,
 * `#/accounts` the accounts, `#/audit` the audit trail, `#/shared/<shareId>` a version shared with an
 * observer) so that a reload or a shared link opens the same place.
 * Observers' home lists the versions shared with them instead of documents.
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
    whenSessionEnds(() => this.sessionEnded('sessionEnded'))
  }

  async start(): Promise<void> {
    try {
      const session = await api.session()
      if (session.user) this.signedIn(session)
    } catch {
      this.notice = { key: 'networkError' }
    }
    await this.render()
  }

  private signedIn(session: SessionView): void {
    this.user = session.user
    showTimesIn(session.timeZone)
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
    // Until the page says what it shows: a tab that names a page left behind would mislead.
    this.setTitle(main)
    if (this.notice) {
      main.append(h('p', { class: 'notice', role: 'alert' }, this.t(this.notice.key), this.notice.detail ? ` (${this.notice.detail})` : ''))
      this.notice = null
    }
    if (!this.user) {
      this.setTitle(main, this.t('signIn'))
      return main.append(this.loginForm())
    }
    const shared = /^#\/shared\/([a-z0-9-]+)$/.exec(location.hash)
    if (shared) return this.sharedVersion(main, shared[1] as string)
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
    if (location.hash === '#/audit') return this.audit(main)
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
        user && this.who(user),
        user && mayManageAccounts(user.role) && h('a', { href: '#/accounts', class: 'accounts-link' }, t('accounts')),
        user && mayReadAuditTrail(user.role) && h('a', { href: '#/audit', class: 'audit-link' }, t('auditTrail')),
        languageSelect,
        user && h('button', { type: 'button', class: 'sign-out', onclick: () => void this.signOut(false) }, t('signOut')),
        user && h('button', { type: 'button', class: 'sign-out-everywhere', onclick: () => void this.signOut(true) }, t('signOutEverywhere'))
      )
    )
  }

  // The signed-in person: their name, and their role and country unless the
  // name already says them ("Delegación de Guatemala" needs no "Delegación
  // (Guatemala)"), in either language: a name is written in one.
  private who(user: User): HTMLElement {
    const role = this.t(`role_${user.role}` as MessageKey)
    const country = user.country ? countryName(user.country, this.language) : ''
    const name = user.name.toLocaleLowerCase()
    const said = (inLanguage: (language: Language) => string) => LANGUAGES.some((l) => name.includes(inLanguage(l).toLocaleLowerCase()))
    const roleSaid = said((l) => translator(l)(`role_${user.role}` as MessageKey))
    const countrySaid = user.country !== null && said((l) => countryName(user.country ?? '', l))
    const extra = [roleSaid ? '' : role, country && !countrySaid ? country : ''].filter(Boolean)
    const full = `${user.name} — ${role}${country ? ` (${country})` : ''}`
    return h('span', { class: 'who', 'data-role': user.role, title: full }, extra.length ? `${user.name} — ${extra.join(', ')}` : user.name)
  }

  // The tab's title: what the page shows, most particular first, then the
  // app's name; unless `main` was replaced meanwhile (the person went elsewhere).
  private setTitle(main: HTMLElement, ...parts: string[]): void {
    if (this.root.contains(main)) document.title = [...parts, this.t('appName')].join(' — ')
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
        (session) => {
          this.signedIn(session)
          void this.render()
        },
        (err: unknown) => {
          error.textContent =
            err instanceof ApiError && err.status === 401
              ? t('wrongCredentials')
              : err instanceof ApiError && err.status === 429
                ? fill(t('tooManyLogins'), { minutes: Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60)) })
                : t('networkError')
        }
      )
    })
    return form
  }

  private async documentList(main: HTMLElement): Promise<void> {
    const t = this.t
    if (this.user && receivesShares(this.user.role)) return this.sharedVersions(main)
    this.setTitle(main, t('documents'))
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
          h('span', { class: 'meta' }, `${t('createdOn')} ${formatInstant(d.createdAt, this.language)}`)
        )
      )
    )
    main.append(documents.length === 0 ? h('p', {}, t('noDocuments')) : list)
    if (this.user?.mayEdit) main.append(importForm(t, this.language, (created) => this.go(`#/doc/${created.id}`)))
  }

  private async openDocument(main: HTMLElement, id: string, blockId: string | undefined): Promise<void> {
    const meta = await api.document(id).catch((err: unknown) => this.handleApiError(err))
    if (!meta || !this.user) return
    this.setTitle(main, meta.title)
    main.append(
      h(
        'nav',
        { class: 'document-nav' },
        h('a', { href: '#/', class: 'back' }, this.t('back')),
        h('a', { href: `#/doc/${id}/versions`, class: 'versions-link' }, this.t('versionsLink')),
        this.user.mayEdit && replaceContentControl(id, this.t, this.language),
        mayComment(this.user.role) && markupControl(id, this.user, this.t, this.language)
      ),
      h('h1', { class: 'document-title' }, meta.title)
    )
    this.editor = new DocumentEditor({
      documentId: id,
      title: meta.title,
      user: this.user,
      t: this.t,
      language: this.language,
      blockId,
      onClosed: (reason, detail) => this.onClosed(reason, detail)
    })
    main.append(this.editor.element)
    this.root.prepend(this.editor.skipLinks())
  }

  private async version(main: HTMLElement, id: string, versionId: string): Promise<void> {
    const meta = await api.document(id).catch((err: unknown) => this.handleApiError(err))
    const detail = meta && (await versionsApi.get(id, versionId).catch((err: unknown) => this.handleApiError(err)))
    if (!meta || !detail) return
    this.setTitle(main, detail.name, meta.title)
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
    this.setTitle(main, this.t('versions'), meta.title)
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

  private async sharedVersions(main: HTMLElement): Promise<void> {
    let shares
    try {
      shares = await sharingApi.sharedWithMe()
    } catch (err) {
      // Said in place: sending the home page back to itself would ask again, and again.
      if (err instanceof ApiError && err.status === 401) return void this.handleApiError(err)
      return void main.append(h('p', { class: 'notice', role: 'alert' }, this.t('networkError')))
    }
    this.setTitle(main, this.t('sharedWithYou'))
    main.append(sharedList(shares, this.t, this.language))
  }

  private async sharedVersion(main: HTMLElement, shareId: string): Promise<void> {
    const shared = await sharingApi.open(shareId).catch((err: unknown) => {
      // Withdrawn, or never shared with this account: the server does not say which.
      if (!(err instanceof ApiError && err.status === 404)) return this.handleApiError(err)
      this.notice = { key: 'sharedNotFound' }
      this.go('#/')
      return undefined
    })
    if (!shared) return
    this.setTitle(main, shared.version.name)
    const page = new SharedVersionPage(shared, this.t, this.language)
    this.versionView = page.view
    main.append(page.element)
  }

  private async accounts(main: HTMLElement): Promise<void> {
    const page = new AccountsPage({ t: this.t, language: this.language, self: this.user?.username ?? '', selfRole: this.user?.role ?? 'observer' })
    try {
      await page.load()
    } catch (err) {
      this.handleApiError(err)
      return
    }
    this.setTitle(main, this.t('accounts'))
    main.append(h('nav', {}, h('a', { href: '#/', class: 'back' }, this.t('back'))), page.element)
  }

  private async audit(main: HTMLElement): Promise<void> {
    this.setTitle(main, this.t('auditTrail'))
    const back = h('nav', {}, h('a', { href: '#/', class: 'back' }, this.t('back')))
    // Said in place, not by going home: the address stays what was asked for.
    const refusal = () => main.append(back, h('p', { class: 'notice audit-refusal', role: 'alert' }, this.t('auditForbidden')))
    if (!this.user || !mayReadAuditTrail(this.user.role)) return void refusal()
    const page = new AuditPage({ t: this.t, language: this.language })
    try {
      await page.load()
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) return void refusal()
      this.handleApiError(err)
      return
    }
    main.classList.add('wide')
    main.append(back, page.element)
  }

  private onClosed(reason: ClosedReason, detail: string): void {
    if (reason === 'session') {
      this.sessionEnded(isSessionEndReason(detail) ? SESSION_END_NOTICES[detail] : 'sessionEnded')
      return
    } else {
      const key: MessageKey =
        reason === 'forbidden' ? 'forbidden' : reason === 'missing' ? 'notFound' : reason === 'tooLarge' ? 'documentTooLarge' : reason === 'unsafeLink' ? 'unsafeLink' : reason === 'flood' ? 'tooManyChanges' : 'closedByServer'
      this.notice = { key, detail: key === 'closedByServer' ? detail : undefined }
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
      this.sessionEnded('sessionEnded')
      return undefined
    } else if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
      this.notice = { key: err.status === 403 ? 'forbidden' : 'notFound' }
    } else this.notice = { key: 'networkError' }
    // On the home page itself going home would ask again and fail again, in a
    // loop: the notice is shown in place instead.
    if (location.hash === '#/' || location.hash === '') {
      const notice = this.notice
      this.notice = null
      this.root.querySelector('main')?.append(h('p', { class: 'notice', role: 'alert' }, this.t(notice.key)))
    } else this.go('#/')
    return undefined
  }

  // Back to the sign-in screen, saying why; only the first word of an ending
  // counts (the socket's close and a refused request may both report it).
  private sessionEnded(key: MessageKey): void {
    if (!this.user) return
    this.user = null
    this.notice = { key }
    this.go('#/')
  }

  private async signOut(everywhere: boolean): Promise<void> {
    // Signed out before the server answers: the closing of this page's own
    // socket, which the server does first, is then no news to report.
    this.user = null
    const ended = await (everywhere ? api.logoutEverywhere() : api.logout()).then(
      () => true,
      () => false
    )
    if (everywhere) this.notice = { key: ended ? 'signedOutEverywhere' : 'networkError' }
    this.go('#/')
  }
}
