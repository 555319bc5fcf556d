import { type BulkResult, COMMENT_STATUSES, type CommentView, type CountryCode, isCommentStatus, isCountryCode, mayDecide, type User } from '../../src'
import { h, scrollBehavior } from '../dom'
import { countryName, fill, type Language, type Translate } from '../i18n'
import { describeError } from '../describeError'
import { CommentCard, statusLabel, type CommentActions } from './CommentCard'
import { ANY, countComments, COUNTRY_KEYS, filterComments, NO_COUNTRY, supportersOf, type CommentFilter } from './commentFilter'
import { isOpenProposal } from './commentPlugin'

/** Where the text has a comment's passage now, and what it reads there. */
export interface LivePassage {
  readonly from: number
  readonly text: string
}

export interface CommentSidebarOptions {
  readonly t: Translate
  readonly language: Language
  readonly user: User
  readonly actions: CommentActions & {
    readonly decideAll: (country: CountryCode, outcome: 'accept' | 'reject') => Promise<readonly BulkResult[]>
  }
  /** The live passage of a comment among those last handed to `onShown`. */
  readonly locate: (commentId: string) => LivePassage | undefined
  /** The comments that pass the filter changed: they are the ones to mark in the text. */
  readonly onShown: (comments: readonly CommentView[]) => void
  /** The "Comment" button was pressed: false if there is no passage to comment on. */
  readonly commentOnSelection: () => boolean
  /** Where the comment matrix downloads in a format, in the interface's language. */
  readonly matrixUrl: (format: 'csv' | 'docx' | 'xlsx') => string
}

interface Group {
  readonly title: string
  readonly detached: boolean
  readonly comments: CommentView[]
}

/**
 * The comments beside the text: counts per country and per status, filters
 * by both, the bulk decisions of the Presidency for one country, and the
 * cards grouped by the section their passage is in (in reading order, the
 * detached ones last). Cards are kept across updates, so a reply being
 * typed survives others' changes.
 */
export class CommentSidebar {
  readonly element: HTMLElement
  private comments: readonly CommentView[] = []
  private filter: CommentFilter = ANY
  private readonly cards = new Map<string, CommentCard>()
  private active: string | null = null
  private hoveredId: string | null = null
  private layout = ''
  // Focusable by script only: the skip link lands here.
  private readonly heading = h('h2', { class: 'sidebar-title', tabindex: '-1' })
  private readonly formSlot = h('div', { class: 'form-slot' })
  private readonly hint = h('p', { class: 'sidebar-hint', role: 'status' })
  private readonly countrySelect: HTMLSelectElement
  private readonly statusSelect: HTMLSelectElement
  private readonly counts = h('div', { class: 'comment-counts' })
  private readonly bulk = h('div', { class: 'bulk-actions' })
  private readonly bulkMessage = h('p', { class: 'bulk-message', role: 'status' })
  private readonly shown = h('p', { class: 'shown-count' })
  private readonly list = h('div', { class: 'comment-groups' })
  // The Presidency's way from one open proposal to the next, in reading order.
  private readonly proposalNav = h('div', { class: 'proposal-nav', role: 'group' })
  private readonly proposalPosition = h('span', { class: 'proposal-position', role: 'status' })
  // The cards as they are listed (reading order), for moving between them.
  private ordered: readonly CommentView[] = []
  private writable = true
  // The Presidency's order of the cards: by section in reading order, or by how many countries support them.
  private order: 'text' | 'support' = 'text'

  constructor(private readonly options: CommentSidebarOptions) {
    const { t, user } = options
    this.countrySelect = h('select', { name: 'country', 'aria-label': t('country') })
    this.statusSelect = h('select', { name: 'status', 'aria-label': t('status') })
    this.countrySelect.addEventListener('change', () => this.setFilter({ ...this.filter, country: this.countryValue(this.countrySelect.value) }))
    this.statusSelect.addEventListener('change', () => {
      const status = this.statusSelect.value
      this.setFilter({ ...this.filter, status: isCommentStatus(status) ? status : '' })
    })
    const commentButton = h('button', { type: 'button', class: 'primary new-comment', title: t('commentShortcut') }, t('comment'))
    // The mouse must not take the focus (and an editor's caret) from the text;
    // the action itself is on click, which Enter and Space give too.
    commentButton.addEventListener('mousedown', (event) => event.preventDefault())
    commentButton.addEventListener('click', () => {
      this.hint.textContent = options.commentOnSelection() ? '' : t('selectPassageFirst')
    })
    if (mayDecide(user.role)) {
      const previous = h('button', { type: 'button', class: 'previous-proposal', title: t('previousProposal') }, t('previous'))
      const next = h('button', { type: 'button', class: 'next-proposal', title: t('nextProposal') }, t('next'))
      previous.addEventListener('click', () => this.moveToProposal(-1))
      next.addEventListener('click', () => this.moveToProposal(1))
      const label = h('span', { class: 'count-label', id: 'proposal-nav-label' }, t('openProposals'))
      this.proposalNav.setAttribute('aria-labelledby', 'proposal-nav-label')
      this.proposalNav.append(label, previous, next, this.proposalPosition)
    }
    this.element = h(
      'aside',
      { class: 'comment-sidebar', 'aria-label': t('comments') },
      h(
        'div',
        { class: 'sidebar-head' },
        this.heading,
        user.role === 'reviewer' || user.role === 'observer' ? null : commentButton,
        h(
          'nav',
          { class: 'matrix-links', 'aria-label': t('matrixDownload') },
          h('a', { href: options.matrixUrl('csv'), download: '', class: 'matrix-csv', title: t('matrixDownload') }, t('matrixCsv')),
          h('a', { href: options.matrixUrl('docx'), download: '', class: 'matrix-docx', title: t('matrixDownload') }, t('matrixWord')),
          h('a', { href: options.matrixUrl('xlsx'), download: '', class: 'matrix-xlsx', title: t('matrixDownload') }, t('matrixExcel'))
        )
      ),
      this.hint,
      this.formSlot,
      h('div', { class: 'comment-filters' }, this.countrySelect, this.statusSelect, ...(mayDecide(user.role) ? this.supportControls() : [])),
      this.counts,
      this.bulk,
      this.bulkMessage,
      this.proposalNav,
      this.shown,
      this.list
    )
    this.render()
  }

  // The Presidency weighs proposals by who supports them: sort by it, or see only those with support.
  private supportControls(): HTMLElement[] {
    const { t } = this.options
    const order = h(
      'select',
      { name: 'order', 'aria-label': t('commentOrder') },
      h('option', { value: 'text' }, t('orderByText')),
      h('option', { value: 'support' }, t('orderBySupport'))
    )
    order.addEventListener('change', () => {
      this.order = order.value === 'support' ? 'support' : 'text'
      this.render()
    })
    const supported = h('input', { type: 'checkbox', name: 'supported' })
    supported.addEventListener('change', () => this.setFilter({ ...this.filter, supported: supported.checked }))
    return [order, h('label', { class: 'only-supported' }, supported, ` ${t('onlySupported')}`)]
  }

  private countryValue(value: string): CommentFilter['country'] {
    return value === NO_COUNTRY ? NO_COUNTRY : isCountryCode(value) ? value : ''
  }

  /** Every comment of the document, as the server has them now. */
  setComments(comments: readonly CommentView[]): void {
    this.comments = comments
    this.render()
  }

  /** Puts the keyboard at the top of the comments. */
  focus(): void {
    this.heading.focus()
  }

  /** Whether this person may write now: a delegate's reply forms go while no comment period is open. */
  setWritable(writable: boolean): void {
    this.writable = writable
    for (const card of this.cards.values()) card.writable = writable
  }

  /**
   * After a decision taken on a card, the keyboard goes on to the next open
   * proposal's card (or stays on this card when none is left), not to the page.
   */
  afterDecision(commentId: string): void {
    const card = this.cards.get(commentId)
    const focus = document.activeElement
    // Only where the focus was on that card, or lost with the button it pressed.
    if (focus && focus !== document.body && !card?.element.contains(focus)) return
    const next = this.proposalAfter(commentId, 1)
    if (next) this.goToProposal(next)
    else card?.focus()
  }

  // The open proposal `step` places away from `commentId` in reading order, going round.
  private proposalAfter(commentId: string | null, step: 1 | -1): CommentView | undefined {
    const open = this.ordered.filter((c) => this.cards.get(c.id)?.decidable)
    if (open.length === 0) return undefined
    const at = this.ordered.findIndex((c) => c.id === commentId)
    if (at < 0) return step === 1 ? open[0] : open[open.length - 1]
    const ahead = step === 1 ? this.ordered.slice(at + 1) : this.ordered.slice(0, at).reverse()
    const found = ahead.find((c) => open.includes(c))
    return found ?? (step === 1 ? open[0] : open[open.length - 1])
  }

  private moveToProposal(step: 1 | -1): void {
    const next = this.proposalAfter(this.active, step)
    if (!next) {
      this.proposalPosition.textContent = this.options.t('noOpenProposals')
      return
    }
    this.goToProposal(next)
  }

  private goToProposal(comment: CommentView): void {
    const { t } = this.options
    const open = this.ordered.filter((c) => this.cards.get(c.id)?.decidable)
    this.options.actions.select(comment.id)
    this.cards.get(comment.id)?.focus()
    this.proposalPosition.textContent = fill(t('proposalPosition'), { n: open.indexOf(comment) + 1, total: open.length })
  }

  setFilter(filter: CommentFilter): void {
    this.filter = filter
    this.bulkMessage.textContent = ''
    this.render()
  }

  /** The text changed: passages moved or now read differently. */
  refresh(): void {
    this.renderList(filterComments(this.comments, this.filter))
  }

  /** Shows a form (the new comment's) at the top; null removes it. */
  showForm(form: HTMLElement | null): void {
    this.hint.textContent = ''
    this.formSlot.replaceChildren(...(form ? [form] : []))
    if (form) form.scrollIntoView({ block: 'nearest' })
  }

  /** Marks a comment's card as the selected one; `reveal` scrolls the sidebar to it. */
  setActive(commentId: string | null, reveal: boolean): void {
    if (this.active) {
      const previous = this.cards.get(this.active)
      if (previous) previous.active = false
    }
    this.active = commentId
    const card = commentId ? this.cards.get(commentId) : undefined
    if (!card) return
    card.active = true
    if (reveal) card.element.scrollIntoView({ block: 'nearest', behavior: scrollBehavior() })
  }

  /** Marks the card of the passage under the pointer in the text. */
  setHovered(commentId: string | null): void {
    if (this.hoveredId) this.cards.get(this.hoveredId)?.element.classList.remove('hovered')
    this.hoveredId = commentId
    if (commentId) this.cards.get(commentId)?.element.classList.add('hovered')
  }

  private render(): void {
    const { t, language } = this.options
    const shown = filterComments(this.comments, this.filter)
    this.heading.textContent = `${t('comments')} (${this.comments.length})`
    const counts = countComments(this.comments, this.filter)

    const countryLabel = (key: string) => (key === NO_COUNTRY ? t('presidencyNotes') : countryName(key, language))
    this.countrySelect.replaceChildren(
      h('option', { value: '' }, t('allCountries')),
      ...COUNTRY_KEYS.map((key) =>
        h('option', { value: key, selected: this.filter.country === key }, `${countryLabel(key)} (${counts.byCountry.get(key) ?? 0})`)
      )
    )
    this.statusSelect.replaceChildren(
      h('option', { value: '' }, t('allStatuses')),
      ...COMMENT_STATUSES.map((s) =>
        h('option', { value: s, selected: this.filter.status === s }, `${statusLabel(t, s)} (${counts.byStatus.get(s) ?? 0})`)
      )
    )

    // The counts, as chips that also filter.
    const countryChips = COUNTRY_KEYS.filter((key) => (counts.byCountry.get(key) ?? 0) > 0).map((key) => {
      const chip = h(
        'button',
        {
          type: 'button',
          class: `count-chip country-${key}${this.filter.country === key ? ' selected' : ''}`,
          'data-country': key,
          title: countryLabel(key),
          'aria-pressed': this.filter.country === key ? 'true' : 'false'
        },
        h('span', { class: 'code' }, key === NO_COUNTRY ? t('presidencyShort') : key),
        h('span', { class: 'count' }, String(counts.byCountry.get(key) ?? 0))
      )
      chip.addEventListener('click', () => this.setFilter({ ...this.filter, country: this.filter.country === key ? '' : this.countryValue(key) }))
      return chip
    })
    const statusChips = COMMENT_STATUSES.filter((s) => (counts.byStatus.get(s) ?? 0) > 0).map((s) => {
      const chip = h(
        'button',
        {
          type: 'button',
          class: `count-chip status-${s}${this.filter.status === s ? ' selected' : ''}`,
          'data-status': s,
          'aria-pressed': this.filter.status === s ? 'true' : 'false'
        },
        h('span', { class: 'code' }, statusLabel(t, s)),
        h('span', { class: 'count' }, String(counts.byStatus.get(s) ?? 0))
      )
      chip.addEventListener('click', () => this.setFilter({ ...this.filter, status: this.filter.status === s ? '' : s }))
      return chip
    })
    this.counts.replaceChildren(
      h('div', { class: 'count-row by-country' }, h('span', { class: 'count-label' }, t('byCountry')), ...countryChips),
      h('div', { class: 'count-row by-status' }, h('span', { class: 'count-label' }, t('byStatus')), ...statusChips)
    )
    this.renderBulk()
    this.shown.textContent = fill(t('shownOf'), { shown: shown.length, total: this.comments.length })
    this.options.onShown(shown)
    this.renderList(shown)
  }

  // The Presidency's "accept all / reject all" for the country chosen in the filter.
  private renderBulk(): void {
    const { t, language, user } = this.options
    const country = this.filter.country
    if (!mayDecide(user.role) || country === '' || country === NO_COUNTRY) return void this.bulk.replaceChildren()
    const open = this.comments.filter((c) => c.country === country && isOpenProposal(c)).length
    if (open === 0) return void this.bulk.replaceChildren()
    const button = (outcome: 'accept' | 'reject') => {
      const b = h('button', { type: 'button', class: outcome }, fill(t(outcome === 'accept' ? 'acceptAll' : 'rejectAll'), { n: open }))
      b.addEventListener('click', () => {
        const question = fill(t(outcome === 'accept' ? 'confirmAcceptAll' : 'confirmRejectAll'), { n: open, country: countryName(country, language) })
        if (!window.confirm(question)) return
        b.disabled = true
        this.options.actions.decideAll(country, outcome).then(
          (results) => {
            const errors = results.flatMap((r) => ('error' in r ? [r.error] : []))
            this.bulkMessage.textContent =
              errors.length === 0 ? '' : fill(t('bulkResult'), { done: results.length - errors.length, failed: errors.length, errors: errors.join('; ') })
            b.disabled = false
          },
          (err: unknown) => {
            this.bulkMessage.textContent = describeError(err, t, language)
            b.disabled = false
          }
        )
      })
      return b
    }
    this.bulk.replaceChildren(button('accept'), button('reject'))
  }

  private groups(shown: readonly CommentView[]): Group[] {
    const { t } = this.options
    const placed = shown.map((comment, order) => ({ comment, order, passage: this.options.locate(comment.id) }))
    // Reading order; comments the text cannot place (yet) keep the server's order, after the placed ones.
    placed.sort((a, b) => (a.passage?.from ?? Infinity) - (b.passage?.from ?? Infinity) || a.order - b.order)
    if (this.order === 'support') {
      // One list, the most supported first; equals stay in reading order.
      const comments = placed.map((p) => p.comment).sort((a, b) => supportersOf(b).length - supportersOf(a).length)
      return comments.length === 0 ? [] : [{ title: t('orderBySupport'), detached: false, comments }]
    }
    const groups = new Map<string, Group>()
    const detached: Group = { title: t('detachedGroup'), detached: true, comments: [] }
    for (const { comment, passage } of placed) {
      if (comment.anchor.detached && !passage) {
        detached.comments.push(comment)
        continue
      }
      // Only an anchor the server still placed has a section.
      const title = (!comment.anchor.detached && comment.anchor.section) || t('noSection')
      const group = groups.get(title) ?? { title, detached: false, comments: [] }
      group.comments.push(comment)
      groups.set(title, group)
    }
    return [...groups.values(), ...(detached.comments.length > 0 ? [detached] : [])]
  }

  private renderList(shown: readonly CommentView[]): void {
    const { t } = this.options
    const groups = this.groups(shown)
    this.ordered = groups.flatMap((g) => g.comments)
    this.proposalNav.hidden = !this.ordered.some(isOpenProposal)
    const keep = new Set<string>()
    for (const comment of shown) {
      keep.add(comment.id)
      const text = this.options.locate(comment.id)?.text ?? null
      const card = this.cards.get(comment.id)
      if (card) card.update(comment, text)
      else {
        const created = new CommentCard(comment, text, { t, language: this.options.language, user: this.options.user, actions: this.options.actions })
        created.active = comment.id === this.active
        created.writable = this.writable
        this.cards.set(comment.id, created)
      }
    }
    // Cards of comments no longer shown go (a later filter builds them again).
    for (const id of this.cards.keys()) if (!keep.has(id)) this.cards.delete(id)
    // Moving cards in the DOM would take the focus from a reply being typed:
    // the list is rebuilt only when its arrangement changed.
    const layout = groups.map((g) => `${g.title}\u0000${g.comments.map((c) => c.id).join(',')}`).join('\u0001')
    if (layout === this.layout && this.list.childElementCount > 0) return
    this.layout = layout
    if (groups.length === 0) {
      this.list.replaceChildren(h('p', { class: 'empty' }, this.comments.length === 0 ? t('noComments') : t('noMatch')))
      return
    }
    this.list.replaceChildren(
      ...groups.map((group) =>
        h(
          'section',
          { class: `comment-group${group.detached ? ' detached' : ''}` },
          h('h3', { class: 'group-title' }, group.title, h('span', { class: 'group-count' }, String(group.comments.length))),
          ...group.comments.map((c) => (this.cards.get(c.id) as CommentCard).element)
        )
      )
    )
  }
}
