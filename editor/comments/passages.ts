import * as Y from 'yjs'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import type { EditorState } from 'prosemirror-state'
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey, type ProsemirrorBinding } from 'y-prosemirror'
import type { CommentView } from '../../src'

/** Where a comment's passage is in the editor's document: ProseMirror positions inside one text block. */
export interface Passage {
  readonly from: number
  readonly to: number
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Yjs type
type AnyType = Y.AbstractType<any>

function isDeleted(type: AnyType): boolean {
  for (let t: AnyType | null = type; t; t = t.parent) if (t._item?.deleted) return true
  return false
}

// The ProseMirror position of a Yjs relative position: a number, 'gone' when
// it points into deleted content, undefined when this client cannot tell
// (the position's items have not arrived yet, or the binding is not rendered).
function positionOf(binding: ProsemirrorBinding, json: unknown): number | 'gone' | undefined {
  try {
    const relative = Y.createRelativePositionFromJSON(json)
    const absolute = Y.createAbsolutePositionFromRelativePosition(relative, binding.doc)
    if (!absolute) return undefined
    if (isDeleted(absolute.type)) return 'gone'
    return relativePositionToAbsolutePosition(binding.doc, binding.type, relative, binding.mapping) ?? undefined
  } catch {
    // The mapping lags behind the Y.Doc for a moment after local edits.
    return undefined
  }
}

// Both ends inside the same text block.
function withinOneTextblock(doc: ProseMirrorNode, from: number, to: number): boolean {
  if (from < 0 || to > doc.content.size || from > to) return false
  const $from = doc.resolve(from)
  return $from.parent.isTextblock && $from.sameParent(doc.resolve(to))
}

/** What a passage is anchored by: Yjs relative positions (JSON), the text they held, and the server's last reading. */
export interface PassageAnchor {
  readonly start: unknown
  readonly end: unknown
  readonly quote: string
  readonly blockId?: string
  readonly from?: number
  readonly to?: number
  readonly detached?: boolean
}

/**
 * Finds passages in the editor's document. The anchor's Yjs relative
 * positions are the truth (they follow the passage through every edit);
 * where this client cannot resolve them yet, the block id and the offsets
 * the server last computed stand in. A passage that was deleted (or that the
 * server reports detached) is not found.
 */
export class PassageFinder {
  private readonly binding: ProsemirrorBinding | undefined
  private blocks: Map<string, number> | undefined

  constructor(private readonly state: EditorState) {
    const binding = (ySyncPluginKey.getState(state) as { binding?: ProsemirrorBinding } | undefined)?.binding
    this.binding = binding && binding.mapping.size > 0 ? binding : undefined
  }

  find(anchor: PassageAnchor): Passage | undefined {
    if (anchor.detached) return undefined
    const { doc } = this.state
    const start = this.binding ? positionOf(this.binding, anchor.start) : undefined
    const end = this.binding ? positionOf(this.binding, anchor.end) : undefined
    if (start === 'gone' || end === 'gone') return undefined
    if (start !== undefined && end !== undefined) {
      const to = Math.max(start, end)
      // All of a non-empty passage deleted: nothing left to mark.
      if (start === to && anchor.quote !== '') return undefined
      if (withinOneTextblock(doc, start, to)) return { from: start, to }
    }
    if (anchor.blockId === undefined || anchor.from === undefined || anchor.to === undefined) return undefined
    const base = this.blockStart(anchor.blockId)
    if (base === undefined) return undefined
    const passage = { from: base + anchor.from, to: base + anchor.to }
    return withinOneTextblock(doc, passage.from, passage.to) ? passage : undefined
  }

  // Position of the content of the text block with this id.
  private blockStart(blockId: string): number | undefined {
    if (!this.blocks) {
      const found = new Map<string, number>()
      this.state.doc.descendants((node, pos) => {
        if (node.isTextblock && typeof node.attrs.id === 'string') found.set(node.attrs.id, pos + 1)
        return !node.isTextblock
      })
      this.blocks = found
    }
    return this.blocks.get(blockId)
  }
}

/** Each comment's passage in the editor's document, by comment id; comments whose passage is gone are left out. */
export function locatePassages(state: EditorState, comments: readonly CommentView[]): Map<string, Passage> {
  const finder = new PassageFinder(state)
  const passages = new Map<string, Passage>()
  for (const comment of comments) {
    const passage = finder.find(comment.anchor)
    if (passage) passages.set(comment.id, passage)
  }
  return passages
}

/**
 * Anchors a passage of the editor's document with Yjs relative positions,
 * so that it can be found again after others' edits; undefined before the
 * document is bound.
 */
export function anchorPassage(state: EditorState, passage: Passage): PassageAnchor | undefined {
  const binding = (ySyncPluginKey.getState(state) as { binding?: ProsemirrorBinding } | undefined)?.binding
  if (!binding || binding.mapping.size === 0) return undefined
  try {
    const start = absolutePositionToRelativePosition(passage.from, binding.type, binding.mapping)
    const end = absolutePositionToRelativePosition(passage.to, binding.type, binding.mapping)
    return { start: Y.relativePositionToJSON(start), end: Y.relativePositionToJSON(end), quote: state.doc.textBetween(passage.from, passage.to) }
  } catch {
    return undefined
  }
}
