import { Plugin, type EditorState } from 'prosemirror-state'
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view'
import { meetingFocusPluginKey } from '../pluginKeys'

/**
 * Marks the paragraph the meeting's chair is presenting (class
 * `meeting-focus`) for as long as it is, as a decoration mapped through
 * edits; `tr.setMeta(meetingFocusPluginKey, { blockId })` moves it, `null` clears it.
 */
export function meetingFocusPlugin(): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: meetingFocusPluginKey,
    state: {
      init: () => DecorationSet.empty,
      apply: (tr, marked, _old, state) => {
        const meta = tr.getMeta(meetingFocusPluginKey) as { blockId: string | null } | undefined
        if (!meta) return marked.map(tr.mapping, tr.doc)
        if (meta.blockId === null) return DecorationSet.empty
        const decorations: Decoration[] = []
        state.doc.descendants((node, pos) => {
          if (node.attrs.id === meta.blockId) decorations.push(Decoration.node(pos, pos + node.nodeSize, { class: 'meeting-focus' }))
          return decorations.length === 0 && !node.isTextblock
        })
        return DecorationSet.create(state.doc, decorations)
      }
    },
    props: { decorations: (state) => meetingFocusPluginKey.getState(state) }
  })
}

/** Marks `blockId` as presented (or nothing, with null) and, with `scroll`, brings it to the middle of the view. */
export function showMeetingFocus(view: EditorView, blockId: string | null, scroll: boolean): void {
  view.dispatch(view.state.tr.setMeta(meetingFocusPluginKey, { blockId }))
  if (!scroll || blockId === null) return
  const block = view.dom.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`)
  if (!(block instanceof HTMLElement)) return
  // A jump, not a smooth scroll: the text's blocks are laid out only near the
  // view (content-visibility), so the place aimed at moves as they are; the
  // jump is aimed again once the blocks around it have been laid out.
  block.scrollIntoView({ block: 'center' })
  requestAnimationFrame(() => requestAnimationFrame(() => block.isConnected && block.scrollIntoView({ block: 'center' })))
}

/** The id of the text block the selection starts in (the paragraph "under the cursor"), if it has one. */
export function blockAtSelection(state: EditorState): string | null {
  const { $from } = state.selection
  for (let depth = $from.depth; depth > 0; depth--) {
    const id = $from.node(depth).attrs.id
    if (typeof id === 'string' && id) return id
  }
  return null
}
