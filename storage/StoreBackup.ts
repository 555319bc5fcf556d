import { createHash } from 'node:crypto'
import { link, readdir, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { AdapterStore } from './AdapterStore'
import { copyStore } from './copyStore'
import type { DamagedRecord } from './Store'
import { dataFileIn, fileStamp } from './DataFolder'
import { DataFolderLock } from './DataFolderLock'
import { AuditTrailCutError } from './folder/AuditSegments'
import { FolderStore } from './folder/FolderStore'
import { IndexedSnapshotAdapter } from './IndexedSnapshotAdapter'
import { LowdbStorageAdapter } from './LowdbStorageAdapter'
import { MemoryStorageAdapter } from './MemoryStorageAdapter'
import { storeFolderIn } from './openWorkspaceStore'
import { syncFolder, writeFileDurably } from './writeFileDurably'
import { pathExists } from './pathExists'

/** A file that was to hold a whole Consenso store does not: damaged, cut short, or something else. */
export class InvalidStoreFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string
  ) {
    super(`${path} is not a whole Consenso store: ${reason}`)
    this.name = 'InvalidStoreFileError'
  }
}

/** A copy of a store that was written, or installed. */
export interface StoreCopy {
  /** Absolute path of the file. */
  readonly path: string
  readonly bytes: number
  /** SHA-256 of the file, hex: compare it with `sha256sum` after moving the file. */
  readonly sha256: string
  /** How many stored values (chunks) it holds. */
  readonly chunks: number
  /** Records of the store that could not be read, so are not in the copy (named for a person to look at). */
  readonly damaged?: readonly DamagedRecord[]
}

/**
 * Checks that `bytes` are a whole store as `LowdbStorageAdapter` writes it:
 * JSON of `{ format: 'consenso-store', version: 1, chunks }` where every key is
 * a JSON array of non-empty strings and every value base64. Returns the
 * number of chunks; throws {@link InvalidStoreFileError} (naming `path`) if not.
 */
export function checkStoreFile(path: string, bytes: Uint8Array): number {
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw new InvalidStoreFileError(path, `not JSON (${err instanceof Error ? err.message : String(err)})`)
  }
  const store = data as { format?: unknown; version?: unknown; chunks?: unknown } | null
  if (typeof store !== 'object' || store === null || store.format !== 'consenso-store')
    throw new InvalidStoreFileError(path, 'JSON of another kind (no "format": "consenso-store")')
  if (store.version !== 1) throw new InvalidStoreFileError(path, `a store of version ${String(store.version)}, this Consenso reads version 1`)
  if (typeof store.chunks !== 'object' || store.chunks === null || Array.isArray(store.chunks))
    throw new InvalidStoreFileError(path, '"chunks" is not an object')
  let count = 0
  for (const [key, value] of Object.entries(store.chunks)) {
    if (!isKey(key)) throw new InvalidStoreFileError(path, `a chunk has the malformed key ${key.slice(0, 80)}`)
    if (typeof value !== 'string' || !BASE64.test(value)) throw new InvalidStoreFileError(path, `the chunk ${key.slice(0, 80)} is not base64`)
    count++
  }
  return count
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function isKey(text: string): boolean {
  try {
    const key = JSON.parse(text) as unknown
    return Array.isArray(key) && key.length > 0 && key.every((part) => typeof part === 'string' && part !== '')
  } catch {
    return false
  }
}

const describe = (path: string, bytes: Uint8Array, chunks: number): StoreCopy => ({
  path,
  bytes: bytes.byteLength,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  chunks
})

/**
 * Copies the store of `dataDir`, while a server may be writing it, into a new
 * file: `to.file` if given, else `consenso-backup-<UTC time>.json` in
 * `to.folder` (default: the current folder). A backup is always one file in
 * the single-file format (`LowdbStorageAdapter`'s, in `AdapterStore`'s key
 * layout), whatever the data folder's layout:
 * - a folder store (`store/`) is read without changing a byte (read-only,
 *   see {@link FolderStore}) and copied; if the server checkpointed its
 *   journal meanwhile, the copy is made again, so that it is of one moment
 *   for records and audit trail (an act is in it with its audit entry or not
 *   at all), and each document's log is read whole. It holds everything
 *   stored before the backup began.
 * - a data file of the single-file layout is copied as it is: the server
 *   replaces it by renaming a whole new one over it, so one read sees one
 *   whole version.
 * The copy is checked before it is written and written durably; an existing
 * file is never overwritten. Throws {@link InvalidStoreFileError} if the data
 * file is not a whole store (or a folder store's audit trail was cut), and an
 * `ENOENT` error if there is no store.
 */
export async function backupStore(dataDir: string, to: { file?: string; folder?: string } = {}, now = new Date()): Promise<StoreCopy> {
  const folder = storeFolderIn(dataDir)
  const source = (await pathExists(folder)) ? folder : dataFileIn(dataDir)
  const { bytes, damaged } = source === folder ? await singleFileOf(folder) : { bytes: await readFile(source), damaged: [] }
  const chunks = checkStoreFile(source, bytes)
  if (to.file !== undefined) {
    const path = resolve(to.file)
    await writeFileDurably(path, bytes, { replace: false })
    return { ...describe(path, bytes, chunks), damaged }
  }
  const into = resolve(to.folder ?? '.')
  const path = await createUnique(join(into, `consenso-backup-${fileStamp(now)}`), '.json', (candidate) =>
    writeFileDurably(candidate, bytes, { replace: false })
  )
  return { ...describe(path, bytes, chunks), damaged }
}

/** How many times a backup is made again when the server checkpointed during it. */
const BACKUP_ATTEMPTS = 5

/** The folder store at `folder`, as the bytes of a single store file, and the records it could not read. */
async function singleFileOf(folder: string): Promise<{ bytes: Uint8Array; damaged: readonly DamagedRecord[] }> {
  for (let attempt = 1; ; attempt++) {
    const before = await journalsIn(folder)
    const source = await FolderStore.open(folder, { readOnly: true })
    const copy = new MemoryStorageAdapter()
    let damaged: readonly DamagedRecord[]
    try {
      ;({ damaged } = await copyStore(source, new AdapterStore(copy)))
    } catch (err) {
      // A trail that was cut must not be copied as if whole: the backup is refused, as over a damaged data file.
      if (err instanceof AuditTrailCutError) throw new InvalidStoreFileError(folder, err.message)
      throw err
    } finally {
      await source.close()
    }
    const after = new Set(await journalsIn(folder))
    // A journal gone means a checkpoint moved writes made after the copy began into the files it read.
    if (before.every((name) => after.has(name)) || attempt >= BACKUP_ATTEMPTS) {
      if (!before.every((name) => after.has(name))) throw new Error(`The store ${folder} changed during each of ${attempt} attempts to copy it: try again`)
      const chunks: Record<string, string> = {}
      for (const { key, data } of await copy.loadRange([])) chunks[JSON.stringify(key)] = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')
      return { bytes: Buffer.from(JSON.stringify({ format: 'consenso-store', version: 1, chunks })), damaged }
    }
  }
}

async function journalsIn(folder: string): Promise<string[]> {
  return (await readdir(join(folder, 'journal'))).filter((n) => n.endsWith('.log'))
}

/** What a restore did. */
export interface RestoreReport {
  /**
   * What is now in place: the data file, a copy of the backup; or, in a data
   * folder with a folder store, the store folder converted from it (`bytes`,
   * `sha256` and `chunks` then describe the backup it holds).
   */
  readonly installed: StoreCopy
  /** Where the data file (or store folder) it replaced was kept, if there was one. */
  readonly previous: string | undefined
}

/**
 * Installs the backup `backupFile` as the store of `dataDir`. Checks the
 * backup first (throws {@link InvalidStoreFileError}); takes the folder's lock
 * for the time of the restore, so it refuses while a server runs on the
 * folder (throws `DataFolderInUseError`) and no server starts meanwhile.
 * - A data folder with a folder store (`store/`): the backup is converted
 *   into `store.restoring/`, which replaces `store/` by one rename once
 *   complete; the store it replaces is kept as `store.before-restore-<UTC time>/`.
 * - Otherwise (single-file layout, or nothing yet): the current data file is
 *   kept as `consenso.json.before-restore-<UTC time>`; the backup is written
 *   durably in its place (and upgraded at the server's next start).
 */
export async function restoreStore(backupFile: string, dataDir: string, now = new Date()): Promise<RestoreReport> {
  const backup = resolve(backupFile)
  const bytes = await readFile(backup)
  const chunks = checkStoreFile(backup, bytes)
  const lock = await DataFolderLock.acquire(dataDir)
  try {
    const folder = storeFolderIn(dataDir)
    if (await pathExists(folder)) {
      const restoring = `${folder}.restoring`
      await rm(restoring, { recursive: true, force: true })
      const file = await LowdbStorageAdapter.open(backup)
      const source = new AdapterStore(await IndexedSnapshotAdapter.of(file))
      await file.close()
      const target = await FolderStore.open(restoring)
      try {
        await copyStore(source, target)
      } finally {
        await target.close()
        await source.close()
      }
      const previous = await createUnique(`${folder}.before-restore-${fileStamp(now)}`, '', async (candidate) => {
        if (await pathExists(candidate)) throw Object.assign(new Error(`${candidate} exists`), { code: 'EEXIST' })
        await rename(folder, candidate)
      })
      await rename(restoring, folder)
      await syncFolder(dirname(folder))
      return { installed: { ...describe(backup, bytes, chunks), path: folder }, previous }
    }
    const target = dataFileIn(dataDir)
    let previous: string | undefined
    if (await pathExists(target)) {
      // A hard link keeps the current file, whole, under a second name: the
      // rename below then replaces only the first name.
      previous = await createUnique(`${target}.before-restore-${fileStamp(now)}`, '', (candidate) => link(target, candidate))
    }
    await writeFileDurably(target, bytes, { replace: true })
    return { installed: describe(target, bytes, chunks), previous }
  } finally {
    await lock.release()
  }
}

// Creates `<base><ext>`, or `<base>-2<ext>`, `-3`… if taken; returns the path created.
async function createUnique(base: string, ext: string, create: (path: string) => Promise<void>): Promise<string> {
  for (let n = 1; ; n++) {
    const path = n === 1 ? `${base}${ext}` : `${base}-${n}${ext}`
    try {
      await create(path)
      return path
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw err
    }
  }
}
