import { Plugin } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import { h } from '../dom'
import { commentIcon } from '../icons'
import type { Translate } from '../i18n'
import { commentButtonPluginKey } from '../pluginKeys'
import { commentOnSelection, commentState, type DraftPassage } from './commentPlugin'
import { catchUpSelection, selectedPassage } from './quote'

// Whether the browser's own selection is a non-empty range inside the text: a
// read-only view cannot take focus, so this is how we know the person is
// still selecting there rather than somewhere else on the page.
function domSelectionInside(view: EditorView): boolean {
  const selection = document.getSelection()
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return false
  return view.dom.contains(selection.anchorNode) && view.dom.contains(selection.focusNode)
}

/**
 * A "Comment" button that floats under the selected passage (read-only views
 * included) and opens the comment form on it; for a selection that spans
 * several blocks it says instead that a passage lies within one paragraph.
 */
export function commentButtonPlugin(t: Translate, open: (draft: DraftPassage) => void): Plugin {
  return new Plugin({
    key: commentButtonPluginKey,
    view(view) {
      const command = commentOnSelection(open)
      const button = h('button', { type: 'button', class: 'comment-button', title: t('commentShortcut') }, commentIcon(), ` ${t('comment')}`)
      const hint = h('span', { class: 'comment-hint', role: 'status' }, t('withinOneParagraph'))
      const float = h('div', { class: 'comment-float' }, button, hint)
      float.hidden = true
      // The mouse must not take the selection from the text; the action is on
      // click, which Enter and Space give too (the keyboard reaches the button by Tab).
      button.addEventListener('mousedown', (event) => event.preventDefault())
      button.addEventListener('click', () => {
        catchUpSelection(view)
        command(view.state, view.dispatch, view)
        float.hidden = true
      })
      view.dom.parentElement?.append(float)

      let destroyed = false
      const place = () => {
        if (destroyed) return
        const { state } = view
        const draft = commentState(state)?.draft
        const selection = state.selection
        if (selection.empty || draft || !domSelectionInside(view)) {
          float.hidden = true
          return
        }
        const fits = !('failed' in selectedPassage(state))
        button.hidden = !fits
        hint.hidden = fits
        const parent = view.dom.parentElement
        if (!parent) return
        const box = parent.getBoundingClientRect()
        const end = view.coordsAtPos(selection.to)
        float.hidden = false
        float.style.top = `${end.bottom - box.top + 6}px`
        float.style.left = `${Math.max(8, Math.min(end.left - box.left - 20, box.width - float.offsetWidth - 8))}px`
      }
      // A read-only view hears of selection changes only through the document.
      const onSelectionChange = () => requestAnimationFrame(place)
      document.addEventListener('selectionchange', onSelectionChange)
      return {
        update: place,
        destroy: () => {
          destroyed = true
          document.removeEventListener('selectionchange', onSelectionChange)
          float.remove()
        }
      }
    }
  })
}
