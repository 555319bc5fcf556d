import { keymap } from 'prosemirror-keymap'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { EditorState, NodeSelection, Plugin, Selection, TextSelection, type Command, type Transaction } from 'prosemirror-state'
import { StepMap } from 'prosemirror-transform'
import { EditorView, type NodeView } from 'prosemirror-view'
import { baseKeymap } from 'prosemirror-commands'
import { readOnlyPluginKey } from './pluginKeys'
import { readOnlyPlugin } from './readOnlyPlugin'

/**
 * A footnote in the text: its marker (numbered by the page's CSS counter, in
 * reading order) followed by its note, edited in a small editor of its own
 * inside the text, as in ProseMirror's footnote example. A note's paragraphs
 * sit inside a line of the outer text, where the browser cannot keep a caret
 * in them; the inner editor can. Its changes go to the outer editor as steps
 * shifted to where the note is, so that y-prosemirror shares them, undo
 * undoes them and the read-only filter refuses them like any other; changes
 * from others come back through {@link update}.
 *
 * Keyboard: arrow onto the marker selects it; Enter (or typing) moves into the
 * note; Escape, or arrowing out of its ends, comes back to the text.
 */
export class FootnoteView implements NodeView {
  readonly dom: HTMLElement
  private readonly inner: EditorView

  constructor(
    private node: ProseMirrorNode,
    private readonly outer: EditorView,
    private readonly getPos: () => number | undefined
  ) {
    this.dom = document.createElement('span')
    this.dom.className = 'footnote'
    this.dom.setAttribute('data-footnote', '')
    const note = document.createElement('span')
    note.className = 'footnote-text'
    this.dom.append(note)
    views.set(this.dom, this)
    // A read-only reader's note is read-only too: it takes a caret and a
    // selection, and refuses every change but those that come from the text.
    const readOnly = readOnlyPluginKey.get(outer.state) ? [readOnlyPlugin((tr) => tr.getMeta(FROM_OUTSIDE) === true)] : []
    this.inner = new EditorView(note, {
      state: EditorState.create({ doc: node, plugins: [...readOnly, keymap({ Escape: () => this.leave(1), ...this.exits() }), keymap(baseKeymap)] }),
      attributes: { role: 'textbox', 'aria-label': 'nota al pie', 'aria-multiline': 'true' },
      dispatchTransaction: (tr) => this.dispatchInner(tr),
      handleDOMEvents: {
        // The outer editor must not read the inner one's typing as its own.
        mousedown: () => {
          if (this.outer.hasFocus()) this.inner.focus()
          return false
        }
      }
    })
  }

  /** Arrowing past the note's first or last character returns to the text. */
  private exits() {
    const atEdge = (dir: -1 | 1) => () => {
      const { selection, doc } = this.inner.state
      const edge = dir < 0 ? Selection.atStart(doc).from : Selection.atEnd(doc).to
      return selection.empty && selection.from === edge ? this.leave(dir) : false
    }
    return { ArrowLeft: atEdge(-1), ArrowUp: atEdge(-1), ArrowRight: atEdge(1), ArrowDown: atEdge(1) }
  }

  private leave(dir: -1 | 1): boolean {
    const pos = this.getPos()
    if (pos === undefined) return false
    const at = dir < 0 ? pos : pos + this.node.nodeSize
    this.outer.dispatch(this.outer.state.tr.setSelection(TextSelection.create(this.outer.state.doc, at)))
    this.outer.focus()
    return true
  }

  selectNode(): void {
    this.dom.classList.add('ProseMirror-selectednode')
  }

  deselectNode(): void {
    this.dom.classList.remove('ProseMirror-selectednode')
  }

  private dispatchInner(tr: Transaction): void {
    const { state, transactions } = this.inner.state.applyTransaction(tr)
    this.inner.updateState(state)
    if (tr.getMeta(FROM_OUTSIDE)) return
    const pos = this.getPos()
    if (pos === undefined) return
    const outerTr = this.outer.state.tr
    const offset = StepMap.offset(pos + 1)
    for (const t of transactions) for (const step of t.steps) {
      const mapped = step.map(offset)
      if (mapped) outerTr.step(mapped)
    }
    if (outerTr.docChanged) this.outer.dispatch(outerTr)
  }

  update(node: ProseMirrorNode): boolean {
    if (!node.sameMarkup(this.node)) return false
    this.node = node
    const state = this.inner.state
    const start = node.content.findDiffStart(state.doc.content)
    if (start !== null) {
      const ends = node.content.findDiffEnd(state.doc.content)
      let endA = ends?.a ?? node.content.size
      let endB = ends?.b ?? state.doc.content.size
      const overlap = start - Math.min(endA, endB)
      if (overlap > 0) {
        endA += overlap
        endB += overlap
      }
      this.inner.dispatch(state.tr.replace(start, endB, node.slice(start, endA)).setMeta(FROM_OUTSIDE, true))
    }
    return true
  }

  // Enter on the selected marker (or a click in the note) moves into the note.
  stopEvent(event: Event): boolean {
    return this.inner.dom.contains(event.target as Node)
  }

  ignoreMutation(): boolean {
    return true
  }

  /** Puts the caret at the end of the note. */
  focusNote(): void {
    this.inner.focus()
    this.inner.dispatch(this.inner.state.tr.setSelection(Selection.atEnd(this.inner.state.doc)))
  }

  destroy(): void {
    this.inner.destroy()
  }
}

// Marks the inner editor's transactions that bring the outer text's changes in.
const FROM_OUTSIDE = 'consenso-footnote-from-outside'

// The view of each footnote's element, for commands that open a note.
const views = new WeakMap<Node, FootnoteView>()

/** Moves the caret into the note of the footnote at `pos`, if `view` shows one there. */
export function openNote(view: EditorView, pos: number): boolean {
  const dom = view.nodeDOM(pos)
  const footnote = dom ? views.get(dom) : undefined
  footnote?.focusNote()
  return !!footnote
}

/** Enter on a selected footnote marker moves into its note. */
export const enterNote: Command = (state, _dispatch, view) => {
  const { selection } = state
  if (!(selection instanceof NodeSelection) || selection.node.type.name !== 'footnote') return false
  return view ? openNote(view, selection.from) : true
}

/** Shows footnotes with {@link FootnoteView}. */
export function footnotePlugin(): Plugin {
  return new Plugin({
    props: {
      nodeViews: { footnote: (node, view, getPos) => new FootnoteView(node, view, getPos) }
    }
  })
}
