import { mayShareVersions, type AccountEntry, type Share, type User } from '../../src'
import { api } from '../api'
import { describeError } from '../describeError'
import { h } from '../dom'
import { fill, formatInstant, type Language, type Translate } from '../i18n'
import { sharingApi } from './sharingApi'

export interface SharesPanelOptions {
  readonly documentId: string
  readonly user: User
  readonly t: Translate
  readonly language: Language
}

/**
 * The versions of a document shared with observers, for the Presidency and
 * the Secretariat: each share with its audience, who shared it and when, and
 * whether it stands or who withdrew it. The Presidency also gets a "Share
 * with observers" control for each published version ({@link shareControl})
 * and a "Withdraw" button on each share that stands.
 */
export class SharesPanel {
  readonly element: HTMLElement
  private readonly list: HTMLElement
  private readonly message: HTMLElement
  private readonly mayShare: boolean
  // Asked for once, when the first share form opens.
  private observers: Promise<AccountEntry[]> | undefined

  constructor(private readonly options: SharesPanelOptions) {
    const { t } = options
    this.mayShare = mayShareVersions(options.user.role)
    this.list = h('ul', { class: 'share-list' })
    this.message = h('p', { class: 'share-message', role: 'status' })
    this.element = h('section', { class: 'shares-panel' }, h('h2', {}, t('sharesHeading')), this.message, this.list)
    void this.load()
  }

  /** Lists the document's shares again, as the server has them. */
  async load(): Promise<void> {
    const { t, documentId } = this.options
    let shares: Share[]
    try {
      shares = await sharingApi.list(documentId)
    } catch (err) {
      this.message.textContent = describeError(err, t, this.options.language)
      return
    }
    this.list.replaceChildren(...shares.map((s) => this.item(s)))
    if (shares.length === 0) this.list.append(h('li', { class: 'no-shares' }, t('noShares')))
  }

  /**
   * The "Share with observers" control of one published version: a button
   * that opens a small form to choose the audience. `null` for a role that
   * may not share, so the version list can append it as it is.
   */
  shareControl(version: { readonly id: string; readonly name: string }): HTMLElement | null {
    if (!this.mayShare) return null
    const { t } = this.options
    const control = h('span', { class: 'share-control' })
    const button = h('button', { type: 'button', class: 'share-version' }, t('shareWithObservers'))
    button.addEventListener('click', () => {
      const open = control.querySelector('form.share-form')
      if (open) return open.remove()
      // Disabled while the observer accounts load, so that a second click opens no second form.
      button.disabled = true
      void this.shareForm(version).then((form) => {
        control.append(form)
        button.disabled = false
      })
    })
    control.append(button)
    return control
  }

  private async shareForm(version: { readonly id: string; readonly name: string }): Promise<HTMLElement> {
    const { t, documentId } = this.options
    const message = h('span', { class: 'form-message', role: 'status' })
    const everyone = h('input', { type: 'radio', name: `audience-${version.id}`, value: 'all', checked: true })
    const chosen = h('input', { type: 'radio', name: `audience-${version.id}`, value: 'chosen' })
    const choices = h('span', { class: 'observer-choices' })
    try {
      const observers = await this.observerAccounts()
      for (const o of observers) {
        const box = h('input', { type: 'checkbox', name: 'observer', value: o.username })
        // Naming an observer means sharing with the chosen ones only.
        box.addEventListener('change', () => {
          if (box.checked) chosen.checked = true
        })
        choices.append(h('label', {}, box, `${o.name} (${o.username})`))
      }
      if (observers.length === 0) choices.append(t('noObserverAccounts'))
    } catch (err) {
      message.textContent = describeError(err, t, this.options.language)
    }
    const cancel = h('button', { type: 'button' }, t('cancel'))
    const form = h(
      'form',
      { class: 'share-form' },
      h('p', { class: 'share-note' }, t('shareNote')),
      h('label', {}, everyone, t('shareAllObservers')),
      h('label', {}, chosen, t('shareChosenObservers')),
      choices,
      h('span', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('shareSubmit')), cancel),
      message
    )
    cancel.addEventListener('click', () => form.remove())
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const names = [...choices.querySelectorAll<HTMLInputElement>('input[name=observer]:checked')].map((box) => box.value)
      if (chosen.checked && names.length === 0) {
        message.textContent = t('chooseObservers')
        return
      }
      sharingApi.share(documentId, version.id, chosen.checked ? names : undefined).then(
        (share) => {
          form.remove()
          this.message.textContent = fill(t('versionShared'), { name: share.versionName })
          void this.load()
        },
        (err: unknown) => {
          message.textContent = describeError(err, t, this.options.language)
        }
      )
    })
    return form
  }

  private observerAccounts(): Promise<AccountEntry[]> {
    const asked = (this.observers ??= api.accounts().then((accounts) => accounts.filter((a) => a.role === 'observer' && !a.disabled)))
    // A failed answer is not kept: the next form asks again.
    asked.catch(() => {
      if (this.observers === asked) this.observers = undefined
    })
    return asked
  }

  private item(share: Share): HTMLElement {
    const { t, language } = this.options
    const audience = share.observers === null ? t('shareAudienceAll') : fill(t('shareAudienceNamed'), { names: share.observers.join(', ') })
    const state = share.withdrawn
      ? h('span', { class: 'tag withdrawn' }, fill(t('shareWithdrawnByOn'), { name: share.withdrawn.by.name, date: formatInstant(share.withdrawn.at, language) }))
      : h('span', { class: 'tag active' }, t('shareActive'))
    return h(
      'li',
      { class: 'share', 'data-share': share.id, 'data-state': share.withdrawn ? 'withdrawn' : 'active' },
      h('strong', {}, share.versionName),
      ` — ${audience} · ${fill(t('sharedByOn'), { name: share.sharedBy.name, date: formatInstant(share.sharedAt, language) })} `,
      state,
      this.mayShare && !share.withdrawn ? this.withdrawButton(share) : null
    )
  }

  private withdrawButton(share: Share): HTMLElement {
    const { t, documentId } = this.options
    const button = h('button', { type: 'button', class: 'withdraw-share' }, t('withdrawShare'))
    button.addEventListener('click', () => {
      if (!window.confirm(fill(t('confirmWithdrawShare'), { name: share.versionName }))) return
      button.disabled = true
      sharingApi.withdraw(documentId, share.id).then(
        () => {
          this.message.textContent = fill(t('shareWithdrawn'), { name: share.versionName })
          void this.load()
        },
        (err: unknown) => {
          button.disabled = false
          this.message.textContent = describeError(err, t, this.options.language)
        }
      )
    })
    return button
  }
}
