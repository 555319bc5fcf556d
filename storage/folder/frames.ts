import { crc32 } from 'node:zlib'

/** Bytes before a frame's payload: its length and its CRC-32, both u32 little-endian. */
export const FRAME_HEADER = 8

/**
 * One frame of an append-only file: the payload's length, its CRC-32, then
 * the payload. A frame cut short by a crash, or with bytes that changed,
 * fails its check when read back, so the reader knows where the good part of
 * the file ends.
 */
export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.byteLength)
  frame.writeUInt32LE(payload.byteLength, 0)
  frame.writeUInt32LE(crc32(payload), 4)
  frame.set(payload, FRAME_HEADER)
  return frame
}

/**
 * The whole frames at the start of `bytes`, and where they end: every byte
 * from `goodLength` on belongs to a torn or damaged frame (and whatever
 * follows it), which the caller cuts off.
 */
export function decodeFrames(bytes: Buffer): { payloads: Buffer[]; goodLength: number } {
  const payloads: Buffer[] = []
  let offset = 0
  while (offset + FRAME_HEADER <= bytes.byteLength) {
    const length = bytes.readUInt32LE(offset)
    const end = offset + FRAME_HEADER + length
    if (end > bytes.byteLength) break
    const payload = bytes.subarray(offset + FRAME_HEADER, end)
    if (crc32(payload) !== bytes.readUInt32LE(offset + 4)) break
    payloads.push(payload)
    offset = end
  }
  return { payloads, goodLength: offset }
}
