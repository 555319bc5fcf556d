import { open, readFile, rename, unlink, link, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Adapter } from 'lowdb'
import { syncFolder } from './writeFileDurably'

/** The store's data file could not be read as JSON: the server must not overwrite it. */
export class StoreFileCorruptError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(
      `The data file ${path} is damaged (${cause instanceof Error ? cause.message : String(cause)}). ` +
        `Consenso will not start over it. The previous good copy is ${path}.bak: ` +
        `stop the server, move the damaged file aside and copy the .bak file in its place.`
    )
    this.name = 'StoreFileCorruptError'
  }
}

/** What a {@link DurableJsonFile} has written since it was opened. */
export interface WriteStats {
  writes: number
  fsyncs: number
  bytes: number
}

/**
 * A lowdb adapter that writes a JSON file so that a crash or a power cut at
 * any moment leaves either the old or the new file, whole: it writes a
 * temporary file, fsyncs it, renames it over the old one and fsyncs the
 * folder. (lowdb's own JSONFile renames too but never fsyncs.) The file it
 * replaces is kept as `<path>.bak`, the last good copy.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly stats: WriteStats = { writes: 0, fsyncs: 0, bytes: 0 }

  constructor(readonly path: string) {}

  async read(): Promise<T | null> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    let data: T | null
    try {
      data = JSON.parse(text) as T | null
    } catch (err) {
      throw new StoreFileCorruptError(this.path, err)
    }
    // null is how read() says "no file yet": a file that holds null is damaged, not empty.
    if (data === null) throw new StoreFileCorruptError(this.path, new Error('the file holds null'))
    return data
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(data)
    const tmp = `${this.path}.tmp`
    await mkdir(dirname(this.path), { recursive: true })
    // 'w' truncates: a temporary file left by a crash in the middle of a write
    // (never read: read() only reads `path`) is simply written over. One
    // writer per data folder (DataFolderLock) makes the fixed name safe.
    const file = await open(tmp, 'w')
    try {
      await file.writeFile(text, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    // Keep the file being replaced as the last good copy: a hard link costs no copy.
    await unlink(`${this.path}.bak`).catch(() => {})
    await link(this.path, `${this.path}.bak`).catch(() => {})
    await rename(tmp, this.path)
    await syncFolder(dirname(this.path))
    this.stats.writes++
    this.stats.fsyncs += 2
    this.stats.bytes += Buffer.byteLength(text)
  }
}
