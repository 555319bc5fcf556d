import { Plugin, type Transaction } from 'prosemirror-state'
import { ySyncPluginKey } from 'y-prosemirror'
import { readOnlyPluginKey } from './pluginKeys'

/**
 * Makes the text read-only while keeping it a text a person can move
 * through: a caret, arrow keys, Shift+arrows to select a passage, as in a
 * word processor's "commenting" mode. A non-editable ProseMirror view
 * cannot take focus, which left keyboard users no way to pick a passage to
 * comment on. So the view stays editable to the browser, and this plugin
 * refuses every local change to the document: typing, deleting, pasting and
 * dropping are cancelled before the browser acts (beforeinput), and any
 * change that still gets through (an IME composition cannot be cancelled) is
 * filtered out, after which ProseMirror redraws the text it left dirty.
 * Changes from others arrive through y-prosemirror and pass (`fromOthers`
 * tells them apart; a footnote's own small editor passes those that come
 * from the text around it). The server refuses a read-only person's updates
 * whatever this plugin does.
 */
export function readOnlyPlugin(fromOthers: (tr: Transaction) => boolean = (tr) => tr.getMeta(ySyncPluginKey) !== undefined): Plugin {
  return new Plugin({
    key: readOnlyPluginKey,
    filterTransaction: (tr) => !tr.docChanged || fromOthers(tr),
    props: {
      attributes: { 'aria-readonly': 'true' },
      handlePaste: () => true,
      handleDrop: () => true,
      handleDOMEvents: {
        beforeinput: (_view, event) => {
          event.preventDefault()
          return true
        }
      }
    }
  })
}
