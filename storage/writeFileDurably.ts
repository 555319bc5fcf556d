import { randomBytes } from 'node:crypto'
import { link, mkdir, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Writes `bytes` to `path` so that a crash or a power cut at any moment leaves
 * either no file (or the old one) or the whole new one: a temporary file in
 * the same folder, fsynced, then put in place and the folder fsynced.
 * With `replace: false` an existing `path` is never touched: the call fails
 * with `EEXIST` instead (the file is put in place with a hard link, which
 * refuses to overwrite, where a rename would not).
 */
export async function writeFileDurably(path: string, bytes: Uint8Array, opts: { replace: boolean }): Promise<void> {
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
  await syncFolder(folder)
}

/** Fsyncs a folder, so that the names just created or renamed in it survive a power cut. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
