import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { messageYjsUpdate } from 'y-protocols/sync'
import { messageSync, type WebsocketProvider } from 'y-websocket'

// A frame is not drawn while the page is hidden: others' changes still arrive within this.
const LATEST_MS = 100

/**
 * Applies the updates others send (y-websocket sync messages of type
 * update) once per animation frame, together in one Yjs transaction, instead
 * of one by one as they arrive. Each transaction becomes one ProseMirror
 * transaction through y-prosemirror, which walks every top-level block; ten
 * people typing send some fifty a second, and a slow frame lets dozens queue.
 * Sync steps (the exchange when connecting) are handled at once, as before:
 * updates commute, so applying them a frame later changes no result.
 * Returns a function that applies what is pending and stops batching.
 */
export function batchRemoteUpdates(provider: WebsocketProvider): () => void {
  const stock = provider.messageHandlers[messageSync]
  if (!stock) throw new RangeError('the y-websocket provider has no handler of sync messages to batch')
  let pending: Uint8Array[] = []
  let frame = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    cancelAnimationFrame(frame)
    clearTimeout(timer)
    frame = 0
    timer = undefined
    const updates = pending
    pending = []
    if (updates.length === 0) return
    // The provider as origin, as y-websocket applies them: y-prosemirror and the undo manager tell them from local edits by it.
    provider.doc.transact(() => {
      for (const update of updates) Y.applyUpdate(provider.doc, update, provider)
    }, provider)
  }
  provider.messageHandlers[messageSync] = (encoder, decoder, ...rest) => {
    if (decoding.readVarUint(decoding.clone(decoder)) !== messageYjsUpdate) return stock(encoder, decoder, ...rest)
    decoding.readVarUint(decoder)
    pending.push(decoding.readVarUint8Array(decoder))
    if (frame === 0) {
      frame = requestAnimationFrame(flush)
      timer = setTimeout(flush, LATEST_MS)
    }
  }
  return () => {
    flush()
    provider.messageHandlers[messageSync] = stock
  }
}
