import { describe, expect, test } from 'vitest'
import { FrameError, readFrame, writeFrame, type Frame } from '../../server'
import type { DocumentId } from '../../src'

const instance = Uint8Array.from({ length: 16 }, (_, i) => i)
const instanceHex = Buffer.from(instance).toString('hex')

describe('Relay frames', () => {
  test.each<[string, Frame['body']]>([
    ['an update with its number', { kind: 'update', seq: 300, update: Uint8Array.of(1, 2, 3) }],
    ['an awareness message', { kind: 'awareness', update: Uint8Array.of(9, 0, 9) }],
    ['an awareness query', { kind: 'awarenessQuery' }],
    ['a document event', { kind: 'workspace', message: { kind: 'documentEvent', documentId: 'estrategia' as DocumentId, event: { type: 'comment', data: { id: 'c1' } } } }],
    ['ended sessions', { kind: 'workspace', message: { kind: 'sessionsEnded', ids: ['s1', 's2'], username: 'gt', reason: 'account disabled' } }]
  ])('%s reads back as written, with the sender', (_name, body) => {
    expect(readFrame(writeFrame(instance, body))).toEqual({ instance: instanceHex, body })
  })

  test.each<[string, Uint8Array, RegExp]>([
    ['too short', Uint8Array.of(1, 0), /too short/],
    ['of another version', Uint8Array.of(1 + 1, 0, ...instance, 1, 7), /version 2/],
    ['of an unknown kind', Uint8Array.of(1, 42, ...instance, 0), /unknown frame kind 42/],
    ['an update without its number', Uint8Array.of(1, 0, ...instance, 0, 7), /without its number/],
    ['ended sessions with a reason clients do not know', writeFrame(instance, { kind: 'workspace', message: { kind: 'sessionsEnded', ids: [], reason: 'because' } as never }), /unknown workspace message sessionsEnded/],
    ['an unknown workspace message', writeFrame(instance, { kind: 'workspace', message: { kind: 'settingsChanged' } as never }), /unknown workspace message settingsChanged/]
  ])('a frame %s is refused with a FrameError', (_name, bytes, message) => {
    expect(() => readFrame(bytes)).toThrow(FrameError)
    expect(() => readFrame(bytes)).toThrow(message)
  })

  test('an instance id of another length is misuse', () => {
    expect(() => writeFrame(Uint8Array.of(1, 2), { kind: 'awarenessQuery' })).toThrow(RangeError)
  })
})
