import { link, rename, rm, unlink } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { AdapterStore } from './AdapterStore'
import { copyStore, type CopyReport } from './copyStore'
import { dataFileIn, fileStamp } from './DataFolder'
import { FolderStore, type FolderStoreOptions } from './folder/FolderStore'
import { IndexedSnapshotAdapter } from './IndexedSnapshotAdapter'
import { LowdbStorageAdapter } from './LowdbStorageAdapter'
import { pathExists } from './pathExists'
import type { Store } from './Store'
import { syncFolder } from './writeFileDurably'

/** The folder of the embedded store in `dataDir`. */
export const storeFolderIn = (dataDir: string): string => join(resolve(dataDir), 'store')

/** What {@link openWorkspaceStore} found and did. */
export interface WorkspaceStoreOpening {
  /** The folder store; or, opened `readOnly` over a data folder not yet upgraded, its data file seen through `AdapterStore`. */
  readonly store: Store
  /** Set when a data file of the single-file layout was converted: where it was kept, and what was copied. */
  readonly upgraded?: { readonly keptAs: string; readonly copied: CopyReport }
}

/**
 * Opens the workspace's store in `dataDir`: the folder store `store/`. A
 * data folder written before it (the single file `consenso.json`, no
 * `store/`) is upgraded in place first: the file is kept, whole and
 * unchanged, as `consenso.json.before-upgrade-<UTC time>`; its content is
 * copied into `store.upgrading/`, which becomes `store/` by one rename once
 * complete and durable; then `consenso.json` goes. A crash at any moment
 * leaves either the old layout (the upgrade starts over at the next start)
 * or the new one. The caller holds the data folder's lock.
 *
 * With `options.readOnly` (to read beside a running server) nothing is
 * upgraded nor written: see {@link FolderStoreOptions.readOnly}. Without it,
 * the folder store refuses to open while another writer has it open
 * (`DataFolderInUseError`).
 */
export async function openWorkspaceStore(dataDir: string, options: FolderStoreOptions = {}, now = new Date()): Promise<WorkspaceStoreOpening> {
  const folder = storeFolderIn(dataDir)
  const legacy = dataFileIn(dataDir)
  if ((await pathExists(folder)) || !(await pathExists(legacy))) return { store: await FolderStore.open(folder, options) }
  // Reading beside a server (a tool, a test): what the data file holds, changing nothing.
  if (options.readOnly) return { store: new AdapterStore(await LowdbStorageAdapter.open(legacy)) }

  // Read (and checked) first: a damaged file stops the start with
  // StoreFileCorruptError, naming its .bak copy, and nothing changes.
  const file = await LowdbStorageAdapter.open(legacy)
  const source = new AdapterStore(await IndexedSnapshotAdapter.of(file))
  await file.close()
  const keptAs = `${legacy}.before-upgrade-${fileStamp(now)}`
  // A hard link: the old file, whole, under a name of its own, before anything else changes.
  if (!(await pathExists(keptAs))) await link(legacy, keptAs)
  const upgrading = `${folder}.upgrading`
  // Left by an upgrade cut short: start it over.
  await rm(upgrading, { recursive: true, force: true })
  const target = await FolderStore.open(upgrading, options)
  let copied: CopyReport
  try {
    copied = await copyStore(source, target)
  } finally {
    await target.close()
    await source.close()
  }
  await rename(upgrading, folder)
  await syncFolder(dirname(folder))
  await unlink(legacy)
  await unlink(`${legacy}.bak`).catch(() => {})
  // A write of the old layout cut short by a crash: never read, and nothing will replace it now.
  await unlink(`${legacy}.tmp`).catch(() => {})
  await syncFolder(dirname(folder))
  return { store: await FolderStore.open(folder, options), upgraded: { keptAs, copied } }
}
