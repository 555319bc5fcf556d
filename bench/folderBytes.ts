/**
 * What a data folder holds on disk, read from the file system alone, so that
 * the rows measure any store the same way, whatever files it keeps.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** Bytes of the files under `dir`, with and without backup copies. */
export interface FolderBytes {
  /** Every file, backups included: what the disk holds. */
  readonly total: number
  /**
   * Without the store's own backup copies (files ending in `.bak`): the data
   * the workspace holds. Workspace sizes and a document's stored bytes are
   * read from this, so that a store is not charged twice for keeping its
   * last good copy (the total is reported beside it).
   */
  readonly data: number
}

/** Sums the sizes of the files under `dir`, recursively (each hard link once per name, as `du --apparent-size -l`). */
export async function folderBytes(dir: string): Promise<FolderBytes> {
  let total = 0
  let data = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    // A temporary file may be renamed away between the listing and its stat.
    const size = (await stat(join(entry.parentPath, entry.name)).catch(() => undefined))?.size ?? 0
    total += size
    if (!entry.name.endsWith('.bak')) data += size
  }
  return { total, data }
}
