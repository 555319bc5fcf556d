import { Plugin, type EditorState, type Transaction } from 'prosemirror-state'
import { Decoration, DecorationSet } from 'prosemirror-view'
import { ySyncPluginKey } from 'y-prosemirror'
import type { BracketView } from '../../src'
import { PassageFinder, type Passage } from '../comments/passages'
import { h } from '../dom'
import { bracketPluginKey } from '../pluginKeys'

/** What the text shows of the brackets. */
export interface BracketPluginState {
  readonly brackets: readonly BracketView[]
  /** Where each bracket's passage is now, by bracket id; one whose passage is gone has none. */
  readonly passages: ReadonlyMap<string, Passage>
  readonly decorations: DecorationSet
}

/** How the plugin's state is changed: `tr.setMeta(bracketPluginKey, { brackets })`. */
export interface BracketPluginMeta {
  readonly brackets: readonly BracketView[]
}

function locate(state: EditorState, brackets: readonly BracketView[]): Map<string, Passage> {
  const finder = new PassageFinder(state)
  const passages = new Map<string, Passage>()
  for (const bracket of brackets) {
    const passage = finder.find(bracket.anchor)
    if (passage) passages.set(bracket.id, passage)
  }
  return passages
}

// Through a local edit, passages move with ProseMirror's mapping; one that shrinks to nothing was deleted.
function mapped(passages: ReadonlyMap<string, Passage>, tr: Transaction): Map<string, Passage> {
  const moved = new Map<string, Passage>()
  for (const [id, passage] of passages) {
    const from = tr.mapping.map(passage.from, 1)
    const to = Math.max(from, tr.mapping.map(passage.to, -1))
    if (from < to) moved.set(id, { from, to })
  }
  return moved
}

// "[" before the passage, and "]" after it with its holders' country codes.
// Outer brackets open before and close after inner ones: sides grow with the
// passage's length, so nesting reads right where two brackets share an edge.
function decorationsOf(state: EditorState, brackets: readonly BracketView[], passages: ReadonlyMap<string, Passage>): DecorationSet {
  const decorations: Decoration[] = []
  for (const bracket of brackets) {
    const passage = passages.get(bracket.id)
    if (!passage) continue
    const length = passage.to - passage.from
    const holders = bracket.holders.join(' ')
    decorations.push(
      Decoration.inline(passage.from, passage.to, { class: 'bracket-passage' }, { bracketId: bracket.id }),
      Decoration.widget(passage.from, () => h('span', { class: 'bracket-mark', 'data-bracket-id': bracket.id, 'aria-hidden': 'true' }, '['), {
        side: -1 - length,
        key: `open:${bracket.id}`,
        ignoreSelection: true
      }),
      Decoration.widget(
        passage.to,
        () =>
          h(
            'span',
            { class: 'bracket-mark', 'data-bracket-id': bracket.id, 'aria-hidden': 'true' },
            ']',
            holders ? h('sup', { class: 'bracket-holders' }, holders) : null
          ),
        { side: 1 + length, key: `close:${bracket.id}:${holders}`, ignoreSelection: true }
      )
    )
  }
  return DecorationSet.create(state.doc, decorations)
}

/**
 * Shows each standing bracket in the text as [ ] around its passage, with
 * the country codes of its holders after the closing bracket. Passages move
 * with local edits through the mapping and are found again from their Yjs
 * anchors after others' edits, as comments' passages are.
 */
export function bracketPlugin(): Plugin<BracketPluginState> {
  return new Plugin<BracketPluginState>({
    key: bracketPluginKey,
    state: {
      init: (_config, state) => ({ brackets: [], passages: new Map(), decorations: DecorationSet.create(state.doc, []) }),
      apply(tr, previous, _old, state) {
        const meta = tr.getMeta(bracketPluginKey) as BracketPluginMeta | undefined
        if (!meta && !tr.docChanged) return previous
        const brackets = meta?.brackets ?? previous.brackets
        const fromYjs = tr.docChanged && tr.getMeta(ySyncPluginKey) !== undefined
        const passages = meta || fromYjs ? locate(state, brackets) : mapped(previous.passages, tr)
        return { brackets, passages, decorations: decorationsOf(state, brackets, passages) }
      }
    },
    props: { decorations: (state) => bracketPluginKey.getState(state)?.decorations }
  })
}
