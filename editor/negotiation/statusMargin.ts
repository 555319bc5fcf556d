import { Plugin, type EditorState } from 'prosemirror-state'
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view'
import { ySyncPluginKey } from 'y-prosemirror'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import {
  agreementCount,
  BLOCK_STATUSES,
  COUNTRIES,
  isBlockStatus,
  maySetBlockStatus,
  OPEN_STANDING,
  type BlockStanding,
  type BlockStatus,
  type BlockView,
  type CountryCode,
  type NewBlockStatus,
  type User
} from '../../src'
import { request } from '../api'
import { describeError } from '../describeError'
import type { DocumentStream } from '../DocumentStream'
import { h } from '../dom'
import { fill, type Language, type Translate } from '../i18n'
import { statusMarginPluginKey } from '../pluginKeys'

const documentPath = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`

/** The paragraph routes of the API for one document. */
export const blocksApi = (documentId: string) => ({
  list: () => request<{ blocks: BlockView[] }>('GET', `${documentPath(documentId)}/blocks`).then((r) => r.blocks),
  setStatus: (blockId: string, input: NewBlockStatus) =>
    request<{ block: BlockView }>('PUT', `${documentPath(documentId)}/blocks/${encodeURIComponent(blockId)}/status`, input).then((r) => r.block)
})

/** What the margin plugin holds: each known paragraph's standing, whether only the unagreed show, and the marks. */
export interface StatusMarginState {
  readonly blocks: ReadonlyMap<string, BlockView>
  readonly onlyOpen: boolean
  readonly decorations: DecorationSet
}

/** How a transaction changes the margin (`tr.setMeta(statusMarginPluginKey, …)`). */
export type StatusMarginMeta = { readonly blocks: ReadonlyMap<string, BlockView> } | { readonly onlyOpen: boolean }

// The paragraphs of the text with words, as the server lists them, with their positions.
function paragraphsOf(doc: ProseMirrorNode): Array<{ id: string; pos: number; node: ProseMirrorNode }> {
  const found: Array<{ id: string; pos: number; node: ProseMirrorNode }> = []
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true
    const id = node.attrs.id as string | null | undefined
    if (id && node.textContent.trim() !== '') found.push({ id, pos, node })
    return false
  })
  return found
}

/**
 * The words in the margin of a paragraph: its status (with the capitals
 * pending) and its provenance; "" for an open paragraph no proposal shaped.
 */
export function marginLabel(block: BlockStanding & { readonly provenance?: readonly CountryCode[] }, t: Translate): string {
  const parts: string[] = []
  if (block.status !== 'open') parts.push(t(`blockStatus_${block.status}`))
  if (block.pending.length > 0) parts.push(fill(t('blockStatusPending'), { countries: block.pending.join(', ') }))
  if (block.provenance && block.provenance.length > 0) parts.push(fill(t('blockProvenance'), { countries: block.provenance.join(', ') }))
  return parts.join(' · ')
}

// How many of the text's paragraphs are agreed, as the counter says.
const countOf = (doc: ProseMirrorNode, blocks: ReadonlyMap<string, BlockView>) =>
  agreementCount(paragraphsOf(doc).map(({ id }): BlockStanding => blocks.get(id) ?? OPEN_STANDING))

function build(doc: ProseMirrorNode, blocks: ReadonlyMap<string, BlockView>, t: Translate): DecorationSet {
  const decorations: Decoration[] = []
  for (const { id, pos, node } of paragraphsOf(doc)) {
    const block = blocks.get(id)
    if (!block) continue
    const settled = block.status === 'agreed' ? ' block-settled' : ''
    if (block.status !== 'open') decorations.push(Decoration.node(pos, pos + node.nodeSize, { class: `block-status block-status-${block.status}${settled}` }))
    const label = marginLabel(block, t)
    if (label === '') continue
    decorations.push(
      Decoration.widget(
        pos,
        () => h('div', { class: `status-margin status-margin-${block.status}${settled}`, contenteditable: 'false', 'data-margin-of': id }, label),
        { side: -1, key: `${id}:${block.status}:${label}`, ignoreSelection: true }
      )
    )
  }
  return DecorationSet.create(doc, decorations)
}

/**
 * The standing of the negotiation in an open document: each paragraph's
 * status and provenance in the margin of the text, a counter of the
 * paragraphs agreed, a filter that leaves only what is not yet agreed, and
 * for the Presidency and the Secretariat a form that sets the status of the
 * paragraph the caret is in. Kept current by {@link receive} (the document's
 * `block` events) and {@link refetch} (at each (re)connection of the stream,
 * and when a proposal is accepted).
 */
export class StatusMargin {
  readonly element: HTMLElement
  private view: EditorView | null = null
  private blocks = new Map<string, BlockView>()
  private readonly api: ReturnType<typeof blocksApi>
  private readonly counter = h('span', { class: 'agreement-counter', role: 'status' })
  private readonly form: HTMLFormElement | null = null
  private readonly formLabel = h('span', { class: 'block-status-target' })
  private readonly statusSelect: HTMLSelectElement
  private readonly pendingBox = h('fieldset', { class: 'block-pending' })
  private readonly error = h('p', { class: 'block-status-error', role: 'alert' })
  private target: string | null = null
  private destroyed = false
  private countTimer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly options: { readonly documentId: string; readonly user: User; readonly t: Translate; readonly language: Language },
    stream: DocumentStream
  ) {
    const { t, user } = options
    this.api = blocksApi(options.documentId)
    stream.on('block', (block) => this.receive(block))
    stream.on('open', () => void this.refetch())
    // A proposal newly accepted may change its paragraph's provenance.
    stream.on('comment', (comment) => {
      if (comment.suggestion?.decision?.outcome !== 'accepted' || this.accepted.has(comment.id)) return
      this.accepted.add(comment.id)
      void this.refetch()
    })
    const onlyOpen = h('input', { type: 'checkbox', name: 'only-open' })
    onlyOpen.addEventListener('change', () => this.dispatch({ onlyOpen: onlyOpen.checked }))
    this.statusSelect = h('select', { name: 'block-status', 'aria-label': t('blockStatusLabel') }, ...BLOCK_STATUSES.map((s) => h('option', { value: s }, t(`blockStatus_${s}`))))
    this.pendingBox.append(
      h('legend', {}, t('blockPendingLabel')),
      ...COUNTRIES.map((c) => h('label', { class: 'pending-country', title: c.name[options.language] }, h('input', { type: 'checkbox', name: 'pending', value: c.code }), ` ${c.code}`))
    )
    this.statusSelect.addEventListener('change', () => this.showPending())
    if (maySetBlockStatus(user.role)) {
      const apply = h('button', { type: 'submit' }, t('blockStatusApply'))
      this.form = h('form', { class: 'block-status-form', 'aria-label': t('blockStatusLabel') }, this.formLabel, this.statusSelect, this.pendingBox, apply)
      this.form.addEventListener('submit', (event) => {
        event.preventDefault()
        void this.submit(apply)
      })
    }
    this.element = h(
      'div',
      { class: 'negotiation-bar' },
      this.counter,
      h('label', { class: 'only-open' }, onlyOpen, ` ${t('onlyOpenBlocks')}`),
      this.form,
      this.error
    )
    this.showPending()
  }

  /** The plugin that draws the margin; goes into the editor state. */
  plugin(): Plugin<StatusMarginState> {
    const { t } = this.options
    return new Plugin<StatusMarginState>({
      key: statusMarginPluginKey,
      state: {
        init: () => ({ blocks: new Map(), onlyOpen: false, decorations: DecorationSet.empty }),
        apply: (tr, value, _old, state) => {
          const meta = tr.getMeta(statusMarginPluginKey) as StatusMarginMeta | undefined
          if (meta && 'onlyOpen' in meta) return { ...value, onlyOpen: meta.onlyOpen }
          if (meta && 'blocks' in meta) return { ...value, blocks: meta.blocks, decorations: build(state.doc, meta.blocks, t) }
          if (!tr.docChanged) return value
          // Changes from the server (the text's first arrival among them) may
          // bring paragraphs the marks know: drawn again. One's own typing moves
          // the marks with their paragraphs, with no walk over the text per keystroke.
          if ((tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin)
            return { ...value, decorations: build(state.doc, value.blocks, t) }
          return { ...value, decorations: value.decorations.map(tr.mapping, tr.doc) }
        }
      },
      props: {
        decorations: (state) => statusMarginPluginKey.getState(state)?.decorations,
        attributes: (state): Record<string, string> => (statusMarginPluginKey.getState(state)?.onlyOpen ? { class: 'only-open' } : {})
      },
      view: () => ({
        update: (view, previous) => {
          if (view.state.doc !== previous.doc) this.scheduleCount()
          this.update(view.state)
        }
      })
    })
  }

  /** Binds the view (created with {@link plugin}). */
  attach(view: EditorView): void {
    this.view = view
    this.update(view.state)
    this.scheduleCount()
  }

  /** One paragraph's standing as the server now has it. */
  receive(block: BlockView): void {
    this.blocks.set(block.blockId, block)
    this.dispatch({ blocks: new Map(this.blocks) })
  }

  /** Fetches every paragraph's standing again (at each connection of the event stream, and when provenance may have changed). */
  async refetch(): Promise<void> {
    try {
      const list = await this.api.list()
      if (this.destroyed) return
      this.blocks = new Map(list.map((b) => [b.blockId, b]))
      this.dispatch({ blocks: new Map(this.blocks) })
    } catch {
      // Offline or refused: the next connection fetches again.
    }
  }

  // The proposals seen accepted since the page opened.
  private readonly accepted = new Set<string>()

  destroy(): void {
    clearTimeout(this.countTimer)
    this.destroyed = true
    this.view = null
  }

  private dispatch(meta: StatusMarginMeta): void {
    const view = this.view
    if (!view) return
    view.dispatch(view.state.tr.setMeta(statusMarginPluginKey, meta))
    if ('blocks' in meta) this.count()
  }

  // At most one count per 300 ms while the text changes, as the word count does.
  private scheduleCount(): void {
    if (this.countTimer !== undefined) return
    this.countTimer = setTimeout(() => {
      this.countTimer = undefined
      this.count()
    }, 300)
  }

  private count(): void {
    const view = this.view
    const margin = view ? statusMarginPluginKey.getState(view.state) : undefined
    if (!view || !margin) return
    const { agreed, total } = countOf(view.state.doc, margin.blocks)
    const text = fill(this.options.t('agreementCounter'), { agreed, total })
    if (this.counter.textContent !== text) this.counter.textContent = text
  }

  private update(state: EditorState): void {
    const { t } = this.options
    if (!this.form) return
    // The paragraph the caret is in is the one the form sets.
    const { $from } = state.selection
    const node = $from.parent
    const id = node.isTextblock ? ((node.attrs.id as string | null | undefined) ?? null) : null
    if (id === this.target) return
    this.target = id
    const start = node.textContent.slice(0, 40)
    this.formLabel.textContent = id ? fill(t('blockStatusOf'), { start: node.textContent.length > 40 ? `${start}…` : start }) : ''
    const standing = (id && this.blocks.get(id)) || OPEN_STANDING
    this.statusSelect.value = standing.status
    for (const box of this.pendingBox.querySelectorAll<HTMLInputElement>('input')) box.checked = standing.pending.includes(box.value as CountryCode)
    this.showPending()
  }

  private showPending(): void {
    this.pendingBox.hidden = this.statusSelect.value !== 'ad-ref'
  }

  private async submit(button: HTMLButtonElement): Promise<void> {
    const { t, language } = this.options
    const blockId = this.target
    if (!blockId || !isBlockStatus(this.statusSelect.value)) return
    const status: BlockStatus = this.statusSelect.value
    const pending = status === 'ad-ref' ? [...this.pendingBox.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value as CountryCode) : []
    button.disabled = true
    this.error.textContent = ''
    try {
      this.receive(await this.api.setStatus(blockId, status === 'ad-ref' ? { status, pending } : { status }))
    } catch (err) {
      this.error.textContent = fill(t('blockStatusFailed'), { reason: describeError(err, t, language) })
    } finally {
      button.disabled = false
    }
  }
}
