import { randomBytes } from 'node:crypto'
import { link, mkdir, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { WriteStats } from './DurableJsonFile'

/**
 * Writes `bytes` to `path` so that a crash or a power cut at any moment leaves
 * either no file (or the old one) or the whole new one: a temporary file in
 * the same folder, fsynced, then put in place and the folder fsynced.
 * With `replace: false` an existing `path` is never touched: the call fails
 * with `EEXIST` instead (the file is put in place with a hard link, which
 * refuses to overwrite, where a rename would not).
 * With `stats`, counts one write of `bytes` and two fsyncs (file and folder) in it.
 */
export async function writeFileDurably(path: string, bytes: Uint8Array, opts: { replace: boolean; stats?: WriteStats }): Promise<void> {
  const folder = dirname(path)
  await mkdir(folder, { recursive: true })
  // A name of its own: two writers into one folder never share a temporary file.
  const tmp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const file = await open(tmp, 'wx')
  try {
    try {
      await file.writeFile(bytes)
      await file.sync()
    } finally {
      await file.close()
    }
    if (opts.replace) await rename(tmp, path)
    else await link(tmp, path)
  } finally {
    await unlink(tmp).catch(() => {})
  }
  await syncFolder(folder, opts.stats)
  if (opts.stats) {
    opts.stats.writes++
    opts.stats.fsyncs++ // the file's; syncFolder counted the folder's
    opts.stats.bytes += bytes.byteLength
  }
}

/** Fsyncs a folder, so that the names just created or renamed in it survive a power cut; counts the fsync in `stats`. */
export async function syncFolder(folder: string, stats?: WriteStats): Promise<void> {
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
  if (stats) stats.fsyncs++
}
