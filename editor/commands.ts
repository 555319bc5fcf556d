import { setBlockType, toggleMark, wrapIn, lift, chainCommands, exitCode, baseKeymap } from 'prosemirror-commands'
import { wrapInList, splitListItem, liftListItem, sinkListItem } from 'prosemirror-schema-list'
import type { Command, EditorState } from 'prosemirror-state'
import type { MarkType } from 'prosemirror-model'
import { undoCommand, redoCommand } from 'y-prosemirror'
import { isSafeHref, schema } from '../src'

const { nodes, marks } = schema

/** Whether the mark is on the whole selection (or stored for the next typing). */
export function markActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection
  if (empty) return !!type.isInSet(state.storedMarks || $from.marks())
  return state.doc.rangeHasMark(from, to, type)
}

/** Whether the selection's block is of this type (and level, for headings). */
export function blockActive(state: EditorState, type: string, attrs: Record<string, unknown> = {}): boolean {
  const { $from, to } = state.selection
  if (to > $from.end()) return false
  const parent = $from.parent
  return parent.type.name === type && Object.entries(attrs).every(([k, v]) => parent.attrs[k] === v)
}

/** Adds a link to the selection, or removes the one there. `askHref` asks the person. */
export const toggleLink =
  (askHref: () => string | null): Command =>
  (state, dispatch) => {
    if (state.selection.empty) return false
    if (markActive(state, marks.link)) return toggleMark(marks.link)(state, dispatch)
    if (!dispatch) return true
    const href = askHref()
    if (!href || !isSafeHref(href)) return false
    return toggleMark(marks.link, { href: href.trim() })(state, dispatch)
  }

/** The editor's commands, each `(state, dispatch?) => boolean` so menus can ask whether it applies. */
export const commands = {
  bold: toggleMark(marks.strong),
  italic: toggleMark(marks.em),
  paragraph: setBlockType(nodes.paragraph),
  heading: (level: 1 | 2 | 3) => setBlockType(nodes.heading, { level }),
  bulletList: wrapInList(nodes.bullet_list),
  orderedList: wrapInList(nodes.ordered_list),
  blockquote: wrapIn(nodes.blockquote),
  lift,
  undo: undoCommand,
  redo: redoCommand
} satisfies Record<string, Command | ((...args: never[]) => Command)>

const insertHardBreak: Command = chainCommands(exitCode, (state, dispatch) => {
  dispatch?.(state.tr.replaceSelectionWith(nodes.hard_break.create()).scrollIntoView())
  return true
})

/** Key bindings, on top of ProseMirror's base keymap. */
export const keyBindings: Record<string, Command> = {
  'Mod-b': commands.bold,
  'Mod-i': commands.italic,
  'Mod-z': commands.undo,
  'Mod-y': commands.redo,
  'Mod-Shift-z': commands.redo,
  'Shift-Enter': insertHardBreak,
  'Mod-Alt-0': commands.paragraph,
  'Mod-Alt-1': commands.heading(1),
  'Mod-Alt-2': commands.heading(2),
  'Mod-Alt-3': commands.heading(3),
  Enter: splitListItem(nodes.list_item),
  Tab: sinkListItem(nodes.list_item),
  'Shift-Tab': liftListItem(nodes.list_item)
}

export { baseKeymap }
