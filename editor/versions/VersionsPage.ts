import { countryOf, maySeeShares, movedFrom, movedTo, partyName, readingOrder, sameVersionName, type CreditedChange, type DiffPlace, type User, type VersionDiff, type VersionSummary } from '../../src'
import { describeError } from '../describeError'
import { h } from '../dom'
import { RequestKey } from '../RequestKey'
import { fill, formatInstant, type Language, type Translate } from '../i18n'
import { SharesPanel } from '../sharing/SharesPanel'
import { bracketChanges, statusChanges } from '../negotiation/bracketChanges'
import { versionsApi } from './versionsApi'
import { SilencePanel } from './SilencePanel'

/** The id that stands for the live draft in comparisons. */
const DRAFT = 'draft'

export interface VersionsPageOptions {
  readonly documentId: string
  readonly user: User
  readonly t: Translate
  readonly language: Language
  /** Versions to compare at once, from the address. */
  readonly from?: string
  readonly to?: string
  /** Called with the address of the comparison shown, so that a reload or a link shows it again. */
  readonly onCompare: (from: string, to: string) => void
}

// The section a place of the comparison is read in: a moved block's old place is in the section it left.
const sectionOf = ({ change, at }: DiffPlace<CreditedChange>) => (at === 'old' ? movedFrom(change).section : change.section)

// What the comparison shows: every change, and each moved block at both ends.
const changedPlaces = (diff: VersionDiff) => readingOrder(diff.blocks).filter(({ change }) => change.op !== 'equal')

/**
 * The versions of a document and the comparison of any two (or of a version
 * and the live draft): an inline redline or the two texts side by side,
 * section by section, with a jump from change to change, a filter by
 * section, and the countries whose accepted proposals brought each change.
 */
export class VersionsPage {
  readonly element: HTMLElement
  private versions: VersionSummary[] = []
  private diff: VersionDiff | null = null
  private mode: 'inline' | 'side' = 'inline'
  private section = ''
  private current = -1
  // Counts comparisons asked for: only the answer to the latest one is shown.
  private comparisons = 0
  private readonly fromSelect: HTMLSelectElement
  private readonly toSelect: HTMLSelectElement
  private readonly sectionSelect: HTMLSelectElement
  private readonly sectionHint: HTMLElement
  private readonly position: HTMLElement
  private readonly summary: HTMLElement
  /** What changed in the brackets between the two sides. */
  private readonly bracketSummary: HTMLElement
  private readonly changes: HTMLElement
  private readonly downloads: HTMLElement
  private readonly list: HTMLElement
  private readonly error: HTMLElement
  // What was shared with observers: for the Presidency and the Secretariat only.
  private readonly shares: SharesPanel | null
  // Each version's silence procedure, and the forms that act on it.
  private readonly silence: SilencePanel

  constructor(private readonly options: VersionsPageOptions) {
    const { t } = options
    this.fromSelect = h('select', { 'aria-label': t('compareFrom'), class: 'compare-from' })
    this.toSelect = h('select', { 'aria-label': t('compareTo'), class: 'compare-to' })
    // Nothing to choose until a comparison is shown: disabled, with a hint that says when it will be.
    this.sectionHint = h('span', { class: 'section-hint', id: 'compare-section-hint' }, `(${t('sectionsAfterCompare')})`)
    this.sectionSelect = h('select', { 'aria-label': t('filterSection'), class: 'compare-section', disabled: true, 'aria-describedby': 'compare-section-hint' })
    this.position = h('span', { class: 'change-position', 'aria-live': 'polite' })
    this.summary = h('p', { class: 'compare-summary' })
    this.bracketSummary = h('div', { class: 'compare-brackets' })
    this.changes = h('div', { class: 'compare-changes' })
    this.downloads = h('span', { class: 'downloads' })
    this.list = h('ul', { class: 'version-list' })
    this.error = h('p', { class: 'error', role: 'alert' })
    this.shares = maySeeShares(options.user.role) ? new SharesPanel(options) : null
    this.silence = new SilencePanel(options)
    const modeButtons = (['inline', 'side'] as const).map((mode) =>
      h('button', { type: 'button', class: `mode ${mode === this.mode ? 'active' : ''}`, 'data-mode': mode }, t(mode === 'inline' ? 'inlineView' : 'sideBySide'))
    )
    for (const button of modeButtons)
      button.addEventListener('click', () => {
        this.mode = button.dataset.mode === 'side' ? 'side' : 'inline'
        for (const b of modeButtons) b.classList.toggle('active', b === button)
        this.renderChanges()
      })
    const compareButton = h('button', { type: 'button', class: 'compare-button' }, t('compare'))
    compareButton.addEventListener('click', () => void this.compare())
    this.sectionSelect.addEventListener('change', () => {
      this.section = this.sectionSelect.value
      this.renderChanges()
    })
    const prev = h('button', { type: 'button', class: 'prev-change', title: t('previousChange'), 'aria-label': t('previousChange') }, '◀')
    const next = h('button', { type: 'button', class: 'next-change', title: t('nextChange'), 'aria-label': t('nextChange') }, '▶')
    prev.addEventListener('click', () => this.jump(-1))
    next.addEventListener('click', () => this.jump(1))

    this.element = h(
      'section',
      { class: 'versions-page' },
      h('h2', {}, t('versions')),
      this.list,
      options.user.mayEdit ? this.publishForm() : null,
      this.shares?.element ?? null,
      h('h2', {}, t('compareVersions')),
      h(
        'div',
        { class: 'compare-bar' },
        h('label', {}, t('compareFrom'), ' ', this.fromSelect),
        h('label', {}, t('compareTo'), ' ', this.toSelect),
        compareButton,
        h('span', { class: 'modes' }, ...modeButtons),
        h('label', {}, t('filterSection'), ' ', this.sectionSelect, ' ', this.sectionHint),
        h('span', { class: 'jump' }, prev, this.position, next),
        this.downloads
      ),
      this.error,
      this.summary,
      this.bracketSummary,
      this.changes
    )
    this.element.addEventListener('keydown', (event) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return
      if (event.key === 'n' || event.key === 'j') this.jump(1)
      if (event.key === 'p' || event.key === 'k') this.jump(-1)
    })
    void this.load()
  }

  private publishForm(): HTMLElement {
    const { t } = this.options
    const name = h('input', { name: 'version-name', placeholder: t('versionNamePlaceholder'), required: true })
    const message = h('span', { class: 'form-message', role: 'status' })
    const send = h('button', { type: 'submit' }, t('publish'))
    const form = h('form', { class: 'publish-form' }, h('label', {}, t('publishVersion'), ' ', name), send, message)
    // Kept while a publishing's outcome is unknown: publishing the same name
    // again after a network failure cannot make two versions.
    const requestKey = new RequestKey()
    const taken = (text: string) => fill(t('versionNameTaken'), { name: text.trim() })
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      message.textContent = ''
      if (this.versions.some((v) => sameVersionName(v.name, name.value))) return void (message.textContent = taken(name.value))
      send.disabled = true
      requestKey.send(name.value.trim(), (key) => versionsApi.publish(this.options.documentId, name.value, key)).then(
        (version) => {
          send.disabled = false
          message.textContent = `${t('published')}: ${version.name}`
          name.value = ''
          void this.load()
        },
        (err: unknown) => {
          send.disabled = false
          // version_name_taken: one of that name was published meanwhile (the key follows the name, so it is never reused).
          message.textContent = describeError(err, t, this.options.language)
        }
      )
    })
    return form
  }

  // Starting a new draft from a version edits the live text into it: said
  // plainly before, since everyone editing sees the text change.
  private startDraftButton(version: VersionSummary): HTMLElement {
    const { t, documentId } = this.options
    const button = h('button', { type: 'button', class: 'start-draft' }, t('startDraftFrom'))
    button.addEventListener('click', () => {
      if (!window.confirm(t('confirmStartDraft').replace('{name}', version.name))) return
      versionsApi.startDraftFrom(documentId, version.id).then(
        () => {
          location.hash = `#/doc/${documentId}`
        },
        (err: unknown) => {
          this.error.textContent = describeError(err, t, this.options.language)
        }
      )
    })
    return button
  }

  private async load(): Promise<void> {
    const { t, documentId, language } = this.options
    try {
      ;[this.versions] = await Promise.all([versionsApi.list(documentId), this.silence.load()])
    } catch (err) {
      this.error.textContent = describeError(err, t, this.options.language)
      return
    }
    this.list.replaceChildren(
      ...this.versions.map((v) =>
        h(
          'li',
          {},
          h('strong', {}, v.name),
          ` — ${formatInstant(v.createdAt, language)}, ${v.author.name}, ${v.words.toLocaleString(language)} ${t('words')} `,
          h('a', { href: `#/doc/${documentId}/version/${v.id}`, class: 'open-version' }, t('openVersion')),
          ' · ',
          h('a', { href: versionsApi.exportUrl(documentId, v.id, 'docx'), download: '' }, 'Word'),
          ' · ',
          h('a', { href: versionsApi.exportUrl(documentId, v.id, 'md'), download: '' }, 'Markdown'),
          ' · ',
          h('a', { href: versionsApi.exportUrl(documentId, v.id, 'html'), download: '' }, 'HTML'),
          this.options.user.mayEdit ? this.startDraftButton(v) : null,
          this.shares?.shareControl(v) ?? null,
          this.silence.partOf(v, v === this.versions.at(-1))
        )
      )
    )
    if (this.versions.length === 0) this.list.append(h('li', {}, t('noVersions')))
    const option = (value: string, label: string) => h('option', { value }, label)
    this.fromSelect.replaceChildren(...this.versions.map((v) => option(v.id, v.name)))
    this.toSelect.replaceChildren(...this.versions.map((v) => option(v.id, v.name)), option(DRAFT, t('liveDraft')))
    const last = this.versions.at(-1)
    const beforeLast = this.versions.at(-2)
    this.fromSelect.value = this.options.from ?? beforeLast?.id ?? last?.id ?? ''
    this.toSelect.value = this.options.to ?? (beforeLast ? (last?.id ?? DRAFT) : DRAFT)
    if (this.versions.length > 0) await this.compare()
  }

  private async compare(): Promise<void> {
    const { documentId, t } = this.options
    const from = this.fromSelect.value
    const to = this.toSelect.value
    this.error.textContent = ''
    const asked = ++this.comparisons
    let diff: VersionDiff
    try {
      diff = await versionsApi.diff(documentId, from, to)
    } catch (err) {
      if (asked === this.comparisons) this.error.textContent = describeError(err, t, this.options.language)
      return
    }
    // A later comparison was asked for meanwhile (the first one on loading, then a click): this answer is stale.
    if (asked !== this.comparisons) return
    this.diff = diff
    this.options.onCompare(from, to)
    this.downloads.replaceChildren(
      h('a', { href: versionsApi.diffUrl(documentId, from, to, 'html'), target: '_blank', rel: 'noopener' }, t('redlinePage')),
      ' · ',
      h('a', { href: versionsApi.diffUrl(documentId, from, to, 'docx'), download: '' }, t('wordTrackChanges'))
    )
    const sections = [...new Set(changedPlaces(diff).map(sectionOf))]
    this.sectionSelect.replaceChildren(h('option', { value: '' }, t('allSections')), ...sections.map((s) => h('option', { value: s }, s || t('preamble'))))
    this.sectionSelect.disabled = false
    this.sectionSelect.removeAttribute('aria-describedby')
    this.sectionHint.hidden = true
    this.section = ''
    const s = this.diff.stats
    this.summary.textContent = t('diffSummary')
      .replace('{added}', String(s.wordsAdded))
      .replace('{removed}', String(s.wordsRemoved))
      .replace('{changed}', String(s.blocksChanged))
      .replace('{inserted}', String(s.blocksInserted))
      .replace('{deleted}', String(s.blocksDeleted))
      .replace('{moved}', String(s.blocksMoved))
    this.bracketSummary.replaceChildren(bracketChanges(diff.brackets, t) ?? '', statusChanges(diff.statusChanges, diff.blocks, t) ?? '')
    this.renderChanges()
  }

  private renderChanges(): void {
    const diff = this.diff
    if (!diff) return
    const { t } = this.options
    const shown = changedPlaces(diff).filter((place) => this.section === '' || sectionOf(place) === this.section)
    const groups: Array<{ section: string; places: Array<DiffPlace<CreditedChange>> }> = []
    for (const place of shown) {
      const last = groups.at(-1)
      if (last && last.section === sectionOf(place)) last.places.push(place)
      else groups.push({ section: sectionOf(place), places: [place] })
    }
    this.changes.className = `compare-changes ${this.mode}`
    this.changes.replaceChildren(
      ...groups.map((g) =>
        h('section', { class: 'change-section' }, h('h3', {}, g.section || t('preamble')), ...g.places.map((p) => (p.at === 'old' ? this.movedAway(p.change) : this.change(p.change))))
      ),
      ...(shown.length === 0 ? [h('p', {}, t('noDifferences'))] : [])
    )
    this.current = -1
    this.position.textContent = shown.length ? `${shown.length} ${t('changesCount')}` : ''
  }

  // "§ 12, «2. Justificación»": a paragraph's number and section in one version.
  private placeName({ paragraph, section }: { paragraph: number; section: string }): Record<string, string | number> {
    return { paragraph, section: section || this.options.t('preamble') }
  }

  // Where a moved block stood: a marked stub saying where it went, its text struck.
  private movedAway(block: CreditedChange): HTMLElement {
    const { t } = this.options
    const text = h('del', { class: 'moved-text' }, block.oldText)
    const body =
      this.mode === 'inline'
        ? h('p', {}, text)
        : h('div', { class: 'side-by-side' }, h('div', { class: 'old' }, h('p', {}, text)), h('div', { class: 'new' }, h('p', {})))
    return h(
      'article',
      { class: 'change moved-away', tabindex: '-1' },
      h('div', { class: 'change-label' }, fill(t('opMovedTo'), this.placeName(movedTo(block)))),
      body
    )
  }

  private change(block: CreditedChange): HTMLElement {
    const { t, language } = this.options
    const label = {
      changed: t('opChanged'),
      inserted: t('opInserted'),
      deleted: t('opDeleted'),
      moved: fill(t('opMovedFrom'), this.placeName(movedFrom(block)))
    }[block.op as 'changed' | 'inserted' | 'deleted' | 'moved']
    const credits = (block.proposals ?? []).map((p) => {
      const chip = h('span', { class: 'credit', title: p.text }, `${t('proposalOf')} ${partyName(p, language)}`)
      if (p.country) chip.style.borderColor = countryOf(p.country).color
      return chip
    })
    const runs = (keep: 'insert' | 'delete' | null) => {
      const p = h('p', {})
      if (block.runs)
        for (const run of block.runs) {
          if (run.op === 'equal') p.append(run.text)
          else if (keep === null || run.op === keep) p.append(h(run.op === 'insert' ? 'ins' : 'del', {}, run.text))
        }
      else if (block.op === 'inserted') p.append(keep === 'delete' ? '' : h('ins', {}, block.newText))
      else if (block.op === 'deleted') p.append(keep === 'insert' ? '' : h('del', {}, block.oldText))
      else p.append(keep === 'delete' ? block.oldText : block.newText)
      return p
    }
    const body =
      this.mode === 'inline'
        ? runs(null)
        : h('div', { class: 'side-by-side' }, h('div', { class: 'old' }, runs('delete')), h('div', { class: 'new' }, runs('insert')))
    const coarse = block.coarse ? [' ', h('span', { class: 'coarse' }, t('coarseChange'))] : []
    // "Tabla 1, fila 2, columna 3" or "Nota 1": a changed cell, an added row, a changed note told as such.
    const where = block.container
      ? h(
          'span',
          { class: 'change-container' },
          block.container.kind === 'note'
            ? fill(t('inNote'), { note: block.container.note })
            : fill(t('inCell'), { table: block.container.table, row: block.container.row, column: block.container.column })
        )
      : ''
    return h('article', { class: `change ${block.op}`, tabindex: '-1' }, h('div', { class: 'change-label' }, label, ' ', where, ...coarse, ' ', ...credits), body)
  }

  private jump(step: 1 | -1): void {
    const items = [...this.changes.querySelectorAll<HTMLElement>('article.change')]
    if (items.length === 0) return
    // Before any jump (current = -1), "previous" goes to the last change, not the one before it.
    this.current = this.current === -1 && step === -1 ? items.length - 1 : (this.current + step + items.length) % items.length
    items.forEach((item, i) => item.classList.toggle('focused', i === this.current))
    const item = items[this.current] as HTMLElement
    item.scrollIntoView({ block: 'center' })
    item.focus()
    this.position.textContent = `${this.current + 1} / ${items.length}`
  }
}
