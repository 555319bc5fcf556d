import { join, resolve } from 'node:path'

/**
 * The files of a data folder: the store, the folder `store/` (see
 * `FolderStore` and `openWorkspaceStore`), and `consenso.lock` (the process
 * that holds the folder, see {@link DataFolderLock}). Before issue 12 the
 * store was the one file `consenso.json` (with `consenso.json.bak`, the copy
 * it replaced, and `consenso.json.tmp`, a write under way, see
 * {@link DurableJsonFile}); such a file is upgraded into `store/` at the
 * first start, and it is still the format of backups.
 */

/** The data file of the store in `dataDir`. */
export const dataFileIn = (dataDir: string): string => join(resolve(dataDir), 'consenso.json')

/** The lock file that says which process holds `dataDir`. */
export const lockFileIn = (dataDir: string): string => join(resolve(dataDir), 'consenso.lock')

/**
 * A moment as it goes into file names: ISO 8601 in UTC to the second, with
 * `-` for `:` (which Windows and some sync tools refuse), e.g. `2026-11-25T20-15-00Z`.
 */
export const fileStamp = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-')
