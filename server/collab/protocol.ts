import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { isSafeImageSrc, isUnsafeLinkFormat } from '../../src'

/**
 * The y-websocket message types, unchanged (see PROTOCOL.md). Consenso adds
 * none of its own yet.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3
} as const

/** The sync sub-messages of y-protocols. */
export const SyncStep = {
  step1: syncProtocol.messageYjsSyncStep1,
  step2: syncProtocol.messageYjsSyncStep2,
  update: syncProtocol.messageYjsUpdate
} as const

// The close codes are part of the contract with the browser app, which
// switches on them too: their home is src/wire.ts.
export { CloseCode, type CloseCodeValue } from '../../src'

/** A whole sync message carrying a Yjs update, ready to send. */
export function encodeUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** A whole sync step 2 message carrying `update`: the answer to a sync step 1. */
export function encodeStep2Message(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, SyncStep.step2)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** A whole awareness message carrying an awareness update. */
export function encodeAwarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** One client's entry in an awareness update. */
export interface AwarenessEntry {
  readonly clientId: number
  readonly clock: number
  readonly state: Record<string, unknown> | null
}

/**
 * Reads an awareness update (y-protocols format: count, then per client its
 * id, clock and JSON state). Throws on malformed input, including a state
 * that is neither an object nor null.
 */
export function readAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const state: unknown = JSON.parse(decoding.readVarString(decoder))
    if (state !== null && (typeof state !== 'object' || Array.isArray(state)))
      throw new TypeError(`awareness state of client ${clientId} is not an object`)
    entries.push({ clientId, clock, state: state as Record<string, unknown> | null })
  }
  if (decoding.hasContent(decoder)) throw new TypeError('trailing bytes after the awareness update')
  return entries
}

/**
 * The client ids and clocks of an awareness update, and whether each
 * removes its client's state, without parsing the states: enough to tell
 * whether it would change anything. Throws on malformed input.
 */
export function readAwarenessClocks(update: Uint8Array): { readonly clientId: number; readonly clock: number; readonly removes: boolean }[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  const entries = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    entries.push({ clientId, clock, removes: decoding.readVarString(decoder) === 'null' })
  }
  if (decoding.hasContent(decoder)) throw new TypeError('trailing bytes after the awareness update')
  return entries
}

/** Writes awareness entries in the y-protocols format. */
export function writeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId)
    encoding.writeVarUint(encoder, e.clock)
    encoding.writeVarString(encoder, JSON.stringify(e.state))
  }
  return encoding.toUint8Array(encoder)
}

/**
 * Throws unless every item of a decoded update refers only to what its own
 * client made before it (its left and right origins and its parent, where
 * they are of the same client). A client can only point at what exists when
 * it writes an item, so a valid update always does. Yjs trusts it: an item
 * pointing at a later clock of its own client makes applyUpdate throw midway,
 * after the items before it went in. Checked first, a malformed update changes nothing.
 */
export function checkUpdateReferences(decoded: ReturnType<typeof Y.decodeUpdate>): void {
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    const { client, clock } = struct.id
    const parent = struct.parent instanceof Y.ID ? struct.parent : null
    for (const ref of [struct.origin, struct.rightOrigin, parent])
      if (ref && ref.client === client && ref.clock >= clock)
        throw new TypeError(`item ${client}:${clock} refers to ${ref.client}:${ref.clock}, which its client had not made yet`)
  }
}

/**
 * An update that breaks a rule of the content (see {@link checkUpdateLinks});
 * closes the connection with {@link CloseCode.unsafeContent}, nothing applied.
 */
export class UnsafeContent extends Error {
  override name = 'UnsafeContent'
}

/**
 * Throws {@link UnsafeContent} if a decoded update formats any text as a
 * link that breaks the importers' link rule (`isUnsafeLinkFormat`): an
 * editor's client could otherwise write `href: "javascript:…"` straight into
 * the shared text, to be stored in versions and rendered to everyone.
 */
export function checkUpdateLinks(decoded: ReturnType<typeof Y.decodeUpdate>): void {
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentFormat && isUnsafeLinkFormat(struct.content.key, struct.content.value))
      throw new UnsafeContent('a link may only point to an http(s) or mailto address')
    // The picture rule likewise: `src` is the attribute of the schema's image
    // node alone, and holds a raster data: URL within the size limit.
    if (struct instanceof Y.Item && struct.parentSub === 'src' && struct.content instanceof Y.ContentAny)
      for (const value of struct.content.arr as unknown[])
        if (typeof value !== 'string' || !isSafeImageSrc(value))
          throw new UnsafeContent('a picture must be a PNG, JPEG, GIF or WebP image of at most 1 MiB, kept in the document')
  }
}
