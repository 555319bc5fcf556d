import { join, resolve } from 'node:path'

/**
 * The files of a data folder. The store is the one file `consenso.json`;
 * next to it live `consenso.json.bak` (the copy it replaced, see
 * {@link DurableJsonFile}), `consenso.json.tmp` (a write under way, or one cut
 * short by a crash: ignored, and replaced by the next write) and
 * `consenso.lock` (the process that holds the folder, see {@link DataFolderLock}).
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
