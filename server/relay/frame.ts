import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { isDocumentId, isSessionEndReason } from '../../src'
import type { DocumentFrame, WorkspaceMessage } from './Relay'

/** Version of the frame layout; a frame of another version is dropped (and logged) by its reader. */
export const FRAME_VERSION = 1

/** What a frame carries. */
export const FrameKind = {
  update: 0,
  awareness: 1,
  workspace: 2,
  awarenessQuery: 3
} as const

/** Bytes of a process's id in a frame. */
export const INSTANCE_ID_BYTES = 16

/** A frame as read: who sent it and what it says. */
export interface Frame {
  /** The sending process's id, as hex. */
  readonly instance: string
  readonly body: DocumentFrame | { readonly kind: 'workspace'; readonly message: WorkspaceMessage }
}

/** A frame that is not one this version writes. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FrameError'
  }
}

/**
 * A frame as sent over the relay: `[version u8][kind u8][instance 16 B][seq
 * varuint][payload]`, the payload a Yjs or awareness update as is, or a
 * workspace message as JSON. `seq` is 0 where there is none.
 */
export function writeFrame(instance: Uint8Array, body: Frame['body']): Uint8Array {
  if (instance.byteLength !== INSTANCE_ID_BYTES) throw new RangeError(`an instance id has ${INSTANCE_ID_BYTES} bytes, not ${instance.byteLength}`)
  const encoder = encoding.createEncoder()
  encoding.writeUint8(encoder, FRAME_VERSION)
  encoding.writeUint8(encoder, FrameKind[body.kind])
  encoding.writeUint8Array(encoder, instance)
  encoding.writeVarUint(encoder, body.kind === 'update' ? body.seq : 0)
  if (body.kind === 'workspace') encoding.writeUint8Array(encoder, new TextEncoder().encode(JSON.stringify(body.message)))
  else if (body.kind !== 'awarenessQuery') encoding.writeUint8Array(encoder, body.update)
  return encoding.toUint8Array(encoder)
}

/** Reads a frame written by {@link writeFrame}; throws {@link FrameError} on anything else. */
export function readFrame(bytes: Uint8Array): Frame {
  if (bytes.byteLength < 2 + INSTANCE_ID_BYTES + 1) throw new FrameError(`a frame of ${bytes.byteLength} bytes is too short`)
  const decoder = decoding.createDecoder(bytes)
  const version = decoding.readUint8(decoder)
  if (version !== FRAME_VERSION) throw new FrameError(`frame version ${version}, this process reads ${FRAME_VERSION}`)
  const kind = decoding.readUint8(decoder)
  const instance = Buffer.from(decoding.readUint8Array(decoder, INSTANCE_ID_BYTES)).toString('hex')
  const seq = decoding.readVarUint(decoder)
  const payload = decoding.readTailAsUint8Array(decoder)
  switch (kind) {
    case FrameKind.update:
      if (seq < 1) throw new FrameError('an update frame without its number')
      return { instance, body: { kind: 'update', seq, update: payload } }
    case FrameKind.awareness:
      return { instance, body: { kind: 'awareness', update: payload } }
    case FrameKind.awarenessQuery:
      return { instance, body: { kind: 'awarenessQuery' } }
    case FrameKind.workspace:
      return { instance, body: { kind: 'workspace', message: workspaceMessageFromJSON(JSON.parse(new TextDecoder().decode(payload))) } }
    default:
      throw new FrameError(`unknown frame kind ${kind}`)
  }
}

// The message as sent by another process of this version; checked for its shape, since it came over the network.
function workspaceMessageFromJSON(json: unknown): WorkspaceMessage {
  const message = json as Partial<Record<string, unknown>> | null
  if (typeof message !== 'object' || message === null) throw new FrameError('a workspace message is not an object')
  if (message.kind === 'documentEvent' && typeof message.documentId === 'string' && isDocumentId(message.documentId) && typeof message.event === 'object' && message.event !== null)
    return message as unknown as WorkspaceMessage
  if (
    message.kind === 'sessionsEnded' &&
    Array.isArray(message.ids) &&
    message.ids.every((id) => typeof id === 'string') &&
    (message.username === undefined || typeof message.username === 'string') &&
    typeof message.reason === 'string' &&
    // It becomes the close reason clients are shown: only the ones they know.
    isSessionEndReason(message.reason)
  )
    return message as unknown as WorkspaceMessage
  throw new FrameError(`unknown workspace message ${String(message.kind)}`)
}
