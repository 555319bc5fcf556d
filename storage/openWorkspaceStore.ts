import { AdapterStore } from './AdapterStore'
import { dataFileIn } from './DataFolder'
import { LowdbStorageAdapter } from './LowdbStorageAdapter'
import type { Store } from './Store'

/** What {@link openWorkspaceStore} found and did. */
export interface WorkspaceStoreOpening {
  readonly store: Store
  /** Set when the data folder was converted from an older layout: where the old data was kept. */
  readonly upgraded?: { readonly keptAs: string }
}

/**
 * Opens the store of the data folder `dataDir` (the caller holds its
 * {@link DataFolderLock}): the one place that decides what a data folder
 * holds, so that the server, the tools and the tests open it alike. For now
 * the single lowdb data file, seen through {@link AdapterStore}; nothing to
 * upgrade.
 */
export async function openWorkspaceStore(dataDir: string): Promise<WorkspaceStoreOpening> {
  return { store: new AdapterStore(await LowdbStorageAdapter.open(dataFileIn(dataDir))) }
}
