import { AdapterStore } from './AdapterStore'
import { dataFileIn } from './DataFolder'
import { LowdbStorageAdapter } from './LowdbStorageAdapter'
import type { Store } from './Store'

/**
 * Opens the store of the data folder `dataDir` (the caller holds its
 * {@link DataFolderLock}): the one place that decides what a data folder
 * holds, so that the server, the tools and the tests open it alike. For now
 * the single lowdb data file, seen through {@link AdapterStore}.
 */
export async function openWorkspaceStore(dataDir: string): Promise<Store> {
  return new AdapterStore(await LowdbStorageAdapter.open(dataFileIn(dataDir)))
}
