import { Plugin, type Command, type EditorState, type Transaction } from 'prosemirror-state'
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view'
import { ySyncPluginKey } from 'y-prosemirror'
import { h } from '../dom'
import type { Translate } from '../i18n'
import { commentPluginKey } from '../pluginKeys'
import type { CommentView } from '../../src'
import { anchorPassage, locatePassages, PassageFinder, type Passage, type PassageAnchor } from './passages'
import { selectedPassage } from './quote'

/** The passage a comment is being written about, while its form is open. */
export interface DraftPassage {
  readonly passage: Passage
  /** Where it is in Yjs terms, so that it survives others' edits; absent before the document is bound. */
  readonly anchor: PassageAnchor | undefined
}

/** What the text shows of the comments. */
export interface CommentPluginState {
  /** The comments marked in the text (the sidebar's filter decides which). */
  readonly comments: readonly CommentView[]
  /** Where each of them is now, by comment id; a comment whose passage is gone has none. */
  readonly passages: ReadonlyMap<string, Passage>
  /** The comment selected in the sidebar, whose passage stands out. */
  readonly active: string | null
  readonly draft: DraftPassage | null
  readonly decorations: DecorationSet
}

/** How the plugin's state is changed: `tr.setMeta(commentPluginKey, meta)` with any of these. */
export interface CommentPluginMeta {
  readonly comments?: readonly CommentView[]
  readonly active?: string | null
  readonly draft?: DraftPassage | null
}

export interface CommentPluginOptions {
  readonly t: Translate
  /** Whether this person may accept or reject proposals (the widgets then carry buttons). */
  readonly mayDecide: boolean
  readonly onDecide: (commentId: string, outcome: 'accept' | 'reject') => void
  /** A passage or proposal in the text was clicked. */
  readonly onSelect: (commentId: string) => void
  /** The pointer entered (a comment id) or left (null) a passage or proposal. */
  readonly onHover: (commentId: string | null) => void
}

/** Whether a comment's proposed wording still waits for the Presidency's decision. */
export const isOpenProposal = (comment: CommentView): boolean =>
  comment.suggestion !== null && comment.suggestion.decision === null && comment.status === 'open'

const countryClass = (comment: CommentView) => `country-${comment.country ?? 'none'}`

// The proposed wording as a tracked insertion after the passage: its country,
// its text (or a note that it proposes deleting the passage) and, for the
// Presidency, the buttons that decide it.
function proposalWidget(comment: CommentView, options: CommentPluginOptions, active: boolean): HTMLElement {
  const { t } = options
  const text = comment.suggestion?.text ?? ''
  const label = comment.country ?? t('presidencyShort')
  const widget = h(
    'span',
    {
      class: `proposal ${countryClass(comment)}${active ? ' active' : ''}`,
      'data-comment-id': comment.id,
      title: `${t('proposalBy')} ${label}`
    },
    h('span', { class: 'proposal-country' }, label),
    text === '' ? h('span', { class: 'proposal-deletion' }, t('proposesDeletion')) : h('ins', { class: 'proposal-text' }, text)
  )
  // ProseMirror leaves events inside widgets alone (stopEvent), so the widget listens itself.
  widget.addEventListener('click', () => options.onSelect(comment.id))
  widget.addEventListener('mouseenter', () => options.onHover(comment.id))
  widget.addEventListener('mouseleave', () => options.onHover(null))
  if (options.mayDecide) {
    const button = (outcome: 'accept' | 'reject', symbol: string, title: string) =>
      h('button', {
        type: 'button',
        class: `proposal-${outcome}`,
        title,
        'aria-label': `${title} (${label})`,
        onclick: (event) => {
          event.preventDefault()
          event.stopPropagation()
          options.onDecide(comment.id, outcome)
        }
      }, symbol)
    widget.append(button('accept', '✓', t('accept')), button('reject', '✗', t('reject')))
  }
  return widget
}

function buildDecorations(state: EditorState, plugin: Omit<CommentPluginState, 'decorations'>, options: CommentPluginOptions): DecorationSet {
  const decorations: Decoration[] = []
  plugin.comments.forEach((comment, index) => {
    const passage = plugin.passages.get(comment.id)
    if (!passage || comment.status === 'withdrawn') return
    const active = plugin.active === comment.id
    const proposal = isOpenProposal(comment)
    const classes = ['comment-passage', countryClass(comment)]
    if (active) classes.push('active')
    if (proposal) classes.push('proposal-original')
    if (passage.from < passage.to)
      decorations.push(Decoration.inline(passage.from, passage.to, { class: classes.join(' ') }, { commentId: comment.id }))
    // side > 0 keeps a widget after the passage; growing sides keep several proposals in order of creation.
    if (proposal) {
      const key = `proposal:${comment.id}:${comment.suggestion?.text ?? ''}:${active}:${options.mayDecide}`
      const render = () => proposalWidget(comment, options, active)
      decorations.push(Decoration.widget(passage.to, render, { side: 1 + index, key, stopEvent: () => true, ignoreSelection: true }))
    } else if (passage.from === passage.to) {
      const key = `point:${comment.id}:${active}`
      const render = () =>
        h('span', { class: `comment-point ${countryClass(comment)}${active ? ' active' : ''}`, 'data-comment-id': comment.id }, '▾')
      decorations.push(Decoration.widget(passage.to, render, { side: 1 + index, key, ignoreSelection: true }))
    }
  })
  if (plugin.draft && plugin.draft.passage.from < plugin.draft.passage.to)
    decorations.push(Decoration.inline(plugin.draft.passage.from, plugin.draft.passage.to, { class: 'comment-draft' }))
  return DecorationSet.create(state.doc, decorations)
}

// After a local edit, passages move with ProseMirror's mapping; a non-empty passage
// that shrinks to nothing was deleted.
function mapPassage(passage: Passage, tr: Transaction, quote: string): Passage | undefined {
  const from = tr.mapping.map(passage.from, 1)
  const to = Math.max(from, tr.mapping.map(passage.to, -1))
  return from === to && quote !== '' ? undefined : { from, to }
}

// The part of the old document a change from Yjs replaced, if it is one range:
// narrowRemoteChange makes it the blocks that changed, not the whole text.
function replacedRange(tr: Transaction): Passage | undefined {
  if (tr.steps.length !== 1) return undefined
  let range: Passage | undefined
  tr.mapping.maps[0]?.forEach((from, to) => (range = { from, to }))
  return range
}

// After a change from Yjs: a passage outside the blocks it replaced is mapped
// through it; one inside them, or not found before, is found again from its
// anchor (others' edits may have moved it in ways mapping cannot follow).
// Finding a passage walks the text up to it, so a change to one paragraph
// no longer costs a walk per comment over the whole text.
function relocatePassages(
  previous: ReadonlyMap<string, Passage>,
  comments: readonly CommentView[],
  tr: Transaction,
  state: EditorState
): Map<string, Passage> {
  const range = replacedRange(tr)
  const finder = new PassageFinder(state)
  const passages = new Map<string, Passage>()
  for (const comment of comments) {
    const old = previous.get(comment.id)
    const untouched = old !== undefined && range !== undefined && (old.to < range.from || old.from > range.to)
    const passage = untouched ? mapPassage(old, tr, comment.anchor.quote) : finder.find(comment.anchor)
    if (passage) passages.set(comment.id, passage)
  }
  return passages
}

// The comment (of those marked) at a point of the text: the shortest passage holding it.
function commentAt(state: CommentPluginState, pos: number): string | null {
  let best: { id: string; length: number } | null = null
  for (const comment of state.comments) {
    const passage = state.passages.get(comment.id)
    if (!passage || comment.status === 'withdrawn' || pos < passage.from || pos > passage.to) continue
    const length = passage.to - passage.from
    if (!best || length < best.length) best = { id: comment.id, length }
  }
  return best?.id ?? null
}

// The comment whose passage or proposal is under the pointer.
function commentUnder(view: EditorView, event: MouseEvent): string | null {
  const target = event.target instanceof Element ? event.target : null
  const widget = target?.closest('[data-comment-id]')
  if (widget) return widget.getAttribute('data-comment-id')
  if (!target?.closest('.comment-passage')) return null
  const pos = view.posAtCoords({ left: event.clientX, top: event.clientY })
  const state = commentPluginKey.getState(view.state)
  return pos && state ? commentAt(state, pos.pos) : null
}

/**
 * Marks the comments' passages in the text, in their country's colour, and
 * shows open proposals as tracked changes: the passage struck through, the
 * proposed wording after it as an insertion (several countries' proposals
 * side by side). Passages are mapped through local edits and through
 * others' edits outside them, and found from their Yjs anchors again when
 * others' edits touch their block (see {@link narrowRemoteChange}).
 */
export function commentPlugin(given: CommentPluginOptions): Plugin<CommentPluginState> {
  let hovered: string | null = null
  const hover = (id: string | null) => {
    if (id === hovered) return
    hovered = id
    given.onHover(id)
  }
  // Passages and widgets report the pointer through one place, so that leaving one for the other is one change.
  const options: CommentPluginOptions = { ...given, onHover: hover }
  return new Plugin<CommentPluginState>({
    key: commentPluginKey,
    state: {
      init: (_config, state) => {
        const plugin = { comments: [], passages: new Map(), active: null, draft: null }
        return { ...plugin, decorations: buildDecorations(state, plugin, options) }
      },
      apply(tr, previous, _oldState, newState) {
        const meta = tr.getMeta(commentPluginKey) as CommentPluginMeta | undefined
        const fromYjs = tr.docChanged && tr.getMeta(ySyncPluginKey) !== undefined
        if (!meta && !tr.docChanged) return previous
        const comments = meta?.comments ?? previous.comments
        const active = meta?.active !== undefined ? meta.active : previous.active
        let draft = meta?.draft !== undefined ? meta.draft : previous.draft
        let passages: ReadonlyMap<string, Passage>
        if (meta?.comments) passages = locatePassages(newState, comments)
        else if (fromYjs) passages = relocatePassages(previous.passages, comments, tr, newState)
        else if (tr.docChanged) {
          const quotes = new Map<string, string>(comments.map((c) => [c.id, c.anchor.quote]))
          const mapped = new Map<string, Passage>()
          for (const [id, passage] of previous.passages) {
            const moved = mapPassage(passage, tr, quotes.get(id) ?? '')
            if (moved) mapped.set(id, moved)
          }
          passages = mapped
        } else passages = previous.passages
        if (draft && meta?.draft === undefined && tr.docChanged) {
          const found = fromYjs && draft.anchor ? new PassageFinder(newState).find(draft.anchor) : mapPassage(draft.passage, tr, '')
          draft = found ? { ...draft, passage: found } : null
        }
        const next = { comments, passages, active, draft }
        return { ...next, decorations: buildDecorations(newState, next, options) }
      }
    },
    props: {
      decorations: (state) => commentPluginKey.getState(state)?.decorations,
      handleDOMEvents: {
        mouseover: (view, event) => {
          hover(commentUnder(view, event))
          return false
        },
        mouseleave: () => {
          hover(null)
          return false
        },
        click: (view, event) => {
          const id = commentUnder(view, event)
          if (id) options.onSelect(id)
          return false
        }
      }
    }
  })
}

/**
 * Marks the selected passage as the one a comment is being written about,
 * and hands it to `open` (which shows the form). Applies when the selection
 * lies within one text block; an empty selection is an insertion point.
 */
export const commentOnSelection =
  (open: (draft: DraftPassage) => void): Command =>
  (state, dispatch) => {
    const selected = selectedPassage(state)
    if ('failed' in selected) return false
    if (dispatch) {
      const draft: DraftPassage = { passage: selected.passage, anchor: anchorPassage(state, selected.passage) }
      dispatch(state.tr.setMeta(commentPluginKey, { draft } satisfies CommentPluginMeta))
      open(draft)
    }
    return true
  }

/** The comments' current passages, the draft's, and which is active. */
export const commentState = (state: EditorState): CommentPluginState | undefined => commentPluginKey.getState(state)
