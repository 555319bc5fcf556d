/**
 * Remote writers for the editor row: stock y-websocket clients (Node) that
 * each insert one character every `intervalMs` at a random place of the
 * document's text, as people typing elsewhere in the text do.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { CONTENT_FRAGMENT } from '../../src'
import { Random } from '../random'

export interface RemoteWriters {
  /** Characters inserted so far, by all writers. */
  inserted(): number
  stop(): void
}

// Every text node of the document, in order.
function textsOf(fragment: Y.XmlFragment): Y.XmlText[] {
  const texts: Y.XmlText[] = []
  const walk = (node: Y.XmlFragment | Y.XmlElement) => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) texts.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(fragment)
  return texts
}

// The letters a writer types.
const LETTERS = 'aeiosnrlcdtumpbgvyqhfzjñxk'

/** Starts `count` writers on document `room` (tokens used in turn); resolves once every one is synced. */
export async function startRemoteWriters(opts: {
  collabUrl: string
  room: string
  tokens: readonly string[]
  count: number
  intervalMs: number
  seed: number
}): Promise<RemoteWriters> {
  let inserted = 0
  // Every provider listens for the process's exit (to say goodbye to awareness).
  process.setMaxListeners(Math.max(process.getMaxListeners(), opts.count + 10))
  const writers = await Promise.all(
    Array.from({ length: opts.count }, async (_, i) => {
      const doc = new Y.Doc()
      const provider = new WebsocketProvider(opts.collabUrl, opts.room, doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        params: { token: opts.tokens[i % opts.tokens.length] as string },
        disableBc: true
      })
      await new Promise<void>((done) => (provider.synced ? done() : provider.once('sync', () => done())))
      return { doc, provider, random: new Random(opts.seed + i) }
    })
  )
  const timers = writers.map((w, i) => {
    const fragment = w.doc.getXmlFragment(CONTENT_FRAGMENT)
    let texts = textsOf(fragment)
    const tick = () => {
      // Others' edits may have removed a text node: look again when one is gone.
      let text = w.random.pick(texts)
      if (!text || text._item?.deleted) texts = textsOf(fragment)
      text = w.random.pick(texts)
      if (!text) return
      text.insert(w.random.int(0, text.length), w.random.pick([...LETTERS]))
      inserted++
    }
    // Spread over the interval, so that the writers do not all write at once.
    let interval: ReturnType<typeof setInterval> | undefined
    const start = setTimeout(() => {
      interval = setInterval(tick, opts.intervalMs)
    }, (i * opts.intervalMs) / opts.count)
    return () => {
      clearTimeout(start)
      clearInterval(interval)
    }
  })
  return {
    inserted: () => inserted,
    stop: () => {
      for (const stop of timers) stop()
      for (const w of writers) {
        w.provider.destroy()
        w.doc.destroy()
      }
    }
  }
}
