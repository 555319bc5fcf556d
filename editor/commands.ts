import { setBlockType, toggleMark, wrapIn, lift, chainCommands, exitCode, baseKeymap } from 'prosemirror-commands'
import { wrapInList, splitListItem, liftListItem, sinkListItem } from 'prosemirror-schema-list'
import { NodeSelection, TextSelection, type Command, type EditorState } from 'prosemirror-state'
import { addColumnAfter, addRowAfter, deleteColumn, deleteRow, goToNextCell, isInTable } from 'prosemirror-tables'
import type { MarkType } from 'prosemirror-model'
import { undoCommand, redoCommand } from 'y-prosemirror'
import { isSafeHref, schema } from '../src'
import { enterNote, openNote } from './footnoteView'

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

/**
 * Inserts a table of `rows` by `columns` (the first row of header cells) after
 * the selection's block, and puts the cursor in its first cell. Refused inside
 * a footnote: a note holds paragraphs only.
 */
export const insertTable =
  (rows = 3, columns = 3): Command =>
  (state, dispatch) => {
    const { $from } = state.selection
    if (inFootnote(state)) return false
    const row = (cell: typeof nodes.table_cell) =>
      nodes.table_row.create(null, Array.from({ length: columns }, () => cell.create(null, nodes.paragraph.create())))
    const table = nodes.table.create(null, [row(nodes.table_header), ...Array.from({ length: rows - 1 }, () => row(nodes.table_cell))])
    // After the innermost block whose parent may hold a table (a cell, a list item, the text).
    let at: number | undefined
    for (let d = $from.depth; d > 0 && at === undefined; d--) {
      const index = $from.indexAfter(d - 1)
      if ($from.node(d - 1).canReplaceWith(index, index, nodes.table)) at = $from.after(d)
    }
    if (at === undefined) return false
    if (!dispatch) return true
    const tr = state.tr.insert(at, table)
    dispatch(tr.setSelection(TextSelection.near(tr.doc.resolve(at + 4))).scrollIntoView())
    return true
  }

// prosemirror-tables' commands already refuse outside a table; this says so to menus at no cost.
const inTable =
  (command: Command): Command =>
  (state, dispatch, view) =>
    isInTable(state) && command(state, dispatch, view)

const inFootnote = (state: EditorState) => {
  const { $from } = state.selection
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type === nodes.footnote) return true
  return false
}

/**
 * Inserts a footnote marker at the cursor, with one empty paragraph for its
 * note, and puts the cursor there to write it. Not inside another note.
 */
export const insertFootnote: Command = (state, dispatch, view) => {
  const { $from } = state.selection
  if (!$from.parent.isTextblock || inFootnote(state) || !$from.parent.type.contentMatch.matchType(nodes.footnote)) return false
  if (!dispatch) return true
  const tr = state.tr.replaceSelectionWith(nodes.footnote.create(null, nodes.paragraph.create()), false)
  const at = tr.selection.from - nodes.footnote.create(null, nodes.paragraph.create()).nodeSize
  dispatch(tr.setSelection(NodeSelection.create(tr.doc, at)).scrollIntoView())
  if (view) openNote(view, at)
  return true
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
  table: insertTable(),
  footnote: insertFootnote,
  addRow: inTable(addRowAfter),
  addColumn: inTable(addColumnAfter),
  deleteRow,
  deleteColumn,
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
  Enter: chainCommands(enterNote, splitListItem(nodes.list_item)),
  'Mod-Alt-t': commands.table,
  'Mod-Alt-f': commands.footnote,
  // In a table, Tab moves from cell to cell (adding no row: Mod-Alt-r does).
  Tab: chainCommands(goToNextCell(1), sinkListItem(nodes.list_item)),
  'Shift-Tab': chainCommands(goToNextCell(-1), liftListItem(nodes.list_item)),
  'Mod-Alt-r': commands.addRow,
  'Mod-Alt-c': commands.addColumn
}

export { baseKeymap }
