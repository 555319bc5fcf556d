import { Plugin } from 'prosemirror-state'
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view'
import { h } from './dom'
import { citedBlockPluginKey } from './pluginKeys'
import type { Translate } from './i18n'

/** The address that opens `documentId` at the block `blockId`. */
export const citationHash = (documentId: string, blockId: string) => `#/doc/${documentId}/${blockId}`

/**
 * A "¶" button in the margin of the block under the pointer: clicking it
 * copies a link to that block (blocks keep their id across edits, so the link
 * keeps pointing at the same paragraph). Lives outside ProseMirror's DOM so
 * it never takes part in editing.
 */
export function attachCitationButton(surface: HTMLElement, documentId: string, t: Translate): () => void {
  const button = h('button', { type: 'button', class: 'cite', title: t('copyCitation'), 'aria-label': t('copyCitation') }, '¶')
  button.hidden = true
  surface.append(button)
  let blockId: string | null = null

  const onMove = (event: MouseEvent) => {
    const target = event.target instanceof Element ? event.target : null
    if (target === button) return
    const block = target?.closest('.document-text > [data-block-id]') as HTMLElement | null
    if (!block) return
    blockId = block.dataset.blockId ?? null
    button.hidden = blockId === null
    button.style.top = `${block.offsetTop}px`
  }
  button.addEventListener('click', () => {
    if (!blockId) return
    const url = `${location.origin}${location.pathname}${citationHash(documentId, blockId)}`
    void navigator.clipboard?.writeText(url).catch(() => {})
    history.replaceState(null, '', citationHash(documentId, blockId))
    button.title = t('citationCopied')
  })
  surface.addEventListener('mousemove', onMove)
  return () => {
    surface.removeEventListener('mousemove', onMove)
    button.remove()
  }
}

/**
 * Marks the cited block for a moment, as a decoration: a class set on
 * ProseMirror's own DOM would be undone by its next redraw. The decoration is
 * found once, when the block is cited, and mapped through edits after that.
 */
export function citedBlockPlugin(): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: citedBlockPluginKey,
    state: {
      init: () => DecorationSet.empty,
      apply: (tr, marked, _old, state) => {
        const meta = tr.getMeta(citedBlockPluginKey) as { cited: string | null } | undefined
        if (!meta) return marked.map(tr.mapping, tr.doc)
        if (meta.cited === null) return DecorationSet.empty
        const decorations: Decoration[] = []
        state.doc.descendants((node, pos) => {
          if (node.attrs.id === meta.cited) decorations.push(Decoration.node(pos, pos + node.nodeSize, { class: 'cited' }))
          return decorations.length === 0 && !node.isTextblock
        })
        return DecorationSet.create(state.doc, decorations)
      }
    },
    props: { decorations: (state) => citedBlockPluginKey.getState(state) }
  })
}

/** Scrolls to the block and marks it briefly; false if the document has no such block (yet). Needs {@link citedBlockPlugin}. */
export function revealBlock(view: EditorView, blockId: string): boolean {
  const block = view.dom.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`)
  if (!(block instanceof HTMLElement)) return false
  block.scrollIntoView({ block: 'center' })
  view.dispatch(view.state.tr.setMeta(citedBlockPluginKey, { cited: blockId }))
  setTimeout(() => {
    if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(citedBlockPluginKey, { cited: null }))
  }, 2500)
  return true
}
