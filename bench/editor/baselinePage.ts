/**
 * The editor row's baseline: the same document in a bare ProseMirror view
 * bound by y-prosemirror (sync, remote cursors, undo, the base keymap), none
 * of Consenso's plugins (comments, proposals, block ids, word count, menu,
 * citation). Built by the benchmark with esbuild and served at the Consenso
 * server's origin, so that it meets the same server the same way.
 */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { keymap } from 'prosemirror-keymap'
import { baseKeymap } from 'prosemirror-commands'
import { ySyncPlugin, yCursorPlugin, yUndoPlugin } from 'y-prosemirror'
import { CONTENT_FRAGMENT, schema } from '../../src'

declare global {
  interface Window {
    /** Opens document `room` with session `token`; the benchmark calls it, so that opening is timed from the call as in the app. */
    openBaseline: (room: string, token: string) => void
  }
}

window.openBaseline = (room, token) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`ws://${location.host}/collab`, room, doc, { params: { token }, disableBc: true })
  const status = document.createElement('span')
  status.className = 'connection'
  status.dataset.state = 'connecting'
  provider.on('status', ({ status: s }) => (status.dataset.state = s))
  const surface = document.createElement('div')
  document.body.append(status, surface)
  new EditorView(surface, {
    state: EditorState.create({
      schema,
      plugins: [ySyncPlugin(doc.getXmlFragment(CONTENT_FRAGMENT)), yCursorPlugin(provider.awareness), yUndoPlugin(), keymap(baseKeymap)]
    }),
    attributes: { class: 'document-text' }
  })
}
