import { ImageRun, type ParagraphChild } from 'docx'
import { isSafeImageSrc } from '../../src'

/** Widest a picture is shown on the page, in pixels (about 16 cm, the text's width on A4). */
const MAX_WIDTH = 600

const TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif' } as const

/**
 * A picture of the document (a raster data: URL, see `isSafeImageSrc`) as a
 * Word picture at its own size, narrowed to the page's width; `null` for
 * what Word does not show (WebP) or a picture whose size cannot be read.
 */
export function wordPicture(src: string, alt: string | null): ParagraphChild | null {
  if (!isSafeImageSrc(src)) return null
  const [, mime = '', base64 = ''] = /^data:([^;]+);base64,(.*)$/.exec(src) ?? []
  const type = TYPES[mime as keyof typeof TYPES]
  if (!type) return null
  const data = Buffer.from(base64, 'base64')
  const size = pictureSize(data, type)
  if (!size) return null
  const scale = Math.min(1, MAX_WIDTH / size.width)
  return new ImageRun({
    type,
    data,
    transformation: { width: Math.round(size.width * scale), height: Math.round(size.height * scale) },
    ...(alt ? { altText: { name: alt, description: alt, title: alt } } : {})
  })
}

// The pixel size a picture's header declares.
function pictureSize(data: Buffer, type: 'png' | 'jpg' | 'gif'): { width: number; height: number } | null {
  if (type === 'png' && data.length >= 24) return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) }
  if (type === 'gif' && data.length >= 10) return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) }
  if (type === 'jpg') {
    // The first start-of-frame segment (SOF0–SOF15 but DHT, JPG and DAC) holds the size.
    for (let at = 2; at + 9 < data.length; ) {
      if (data[at] !== 0xff) return null
      const marker = data[at + 1] as number
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
        return { height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) }
      at += 2 + data.readUInt16BE(at + 2)
    }
  }
  return null
}
