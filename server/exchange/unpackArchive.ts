import { fromBufferPromise, type Entry, type ZipFile } from 'yauzl'
import { ImportError } from './ImportError'
import type { ImportLimits } from './ImportLimits'

const ZIP_SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04], // a local file header: an archive with entries
  [0x50, 0x4b, 0x05, 0x06] // an end of central directory record: an empty archive
]

/**
 * The entries of a zip archive by name, unpacked within `limits`: at most
 * `maxEntries` entries, whose sizes as the central directory declares them
 * add up to at most `maxUnpackedBytes`. Both are checked before anything is
 * inflated; then each entry is inflated by yauzl, which fails at the first
 * byte past the entry's declared size (and on a short one), so an archive
 * that lies about its sizes is refused too, having cost no more than the
 * limit. Throws {@link ImportError}: `malformed` for bytes that are not a zip
 * archive (or an encrypted, truncated or inconsistent one, or one with a
 * path such as ../x or /x), `too_large` over the limits.
 */
export async function unpackArchive(bytes: Uint8Array, limits: ImportLimits): Promise<Map<string, Uint8Array>> {
  if (!ZIP_SIGNATURES.some((signature) => signature.every((byte, i) => bytes[i] === byte)))
    throw new ImportError('malformed', 'the file is not a zip archive, as a .docx file is')
  let zip: ZipFile
  try {
    zip = await fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      lazyEntries: true,
      // The entries are read after the whole central directory is checked.
      autoClose: false,
      validateEntrySizes: true
    })
  } catch (error) {
    throw malformed(error)
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close()
    throw new ImportError('too_large', `the archive has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`)
  }
  const entries: Entry[] = []
  let declared = 0
  try {
    for await (const entry of zip.eachEntry()) {
      declared += entry.uncompressedSize
      if (declared > limits.maxUnpackedBytes) throw tooLarge(declared, limits)
      if (entry.isEncrypted()) throw new ImportError('malformed', `the archive entry ${entry.fileName} is encrypted`)
      entries.push(entry)
    }
    const unpacked = new Map<string, Uint8Array>()
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue
      unpacked.set(entry.fileName, await inflate(zip, entry))
    }
    return unpacked
  } catch (error) {
    throw error instanceof ImportError ? error : malformed(error)
  } finally {
    zip.close()
  }
}

// Reads one entry whole: validateEntrySizes bounds it by its declared size,
// and the declared sizes were added up and checked already.
async function inflate(zip: ZipFile, entry: Entry): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

const tooLarge = (declared: number, limits: ImportLimits) =>
  new ImportError('too_large', `the archive unpacks to at least ${declared} bytes; the limit is ${limits.maxUnpackedBytes}`)

const malformed = (error: unknown) =>
  new ImportError('malformed', `the file is not a readable zip archive: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error
  })
