import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AdapterStore, FolderStore, LowdbStorageAdapter, MemoryStorageAdapter, MemoryStore } from '../../storage'
import { runStoreContract } from './Store.contract'

runStoreContract(
  'MemoryStore',
  async () => {
    const store = new MemoryStore()
    return { open: async () => store, teardown: async () => {} }
  },
  { persistent: false }
)

runStoreContract(
  'FolderStore',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'consenso-folder-store-'))
    return { open: () => FolderStore.open(join(dir, 'store')), teardown: () => rm(dir, { recursive: true, force: true }) }
  },
  { persistent: true }
)

// The same contract while every write is still in the journal, and while every write is checkpointed at once with no cache.
runStoreContract(
  'FolderStore checkpointing after every write',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'consenso-folder-store-'))
    return { open: () => FolderStore.open(join(dir, 'store'), { journalBytes: 1, cacheBytes: 0 }), teardown: () => rm(dir, { recursive: true, force: true }) }
  },
  { persistent: true }
)

runStoreContract(
  'AdapterStore over memory',
  async () => {
    const store = new AdapterStore(new MemoryStorageAdapter())
    return { open: async () => store, teardown: async () => {} }
  },
  { persistent: false }
)

runStoreContract(
  'AdapterStore over a lowdb file',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'consenso-adapter-store-'))
    return {
      open: async () => new AdapterStore(await LowdbStorageAdapter.open(join(dir, 'consenso.json'))),
      teardown: () => rm(dir, { recursive: true, force: true })
    }
  },
  { persistent: true }
)
