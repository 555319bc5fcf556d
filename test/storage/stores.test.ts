import { MemoryStore } from '../../storage'
import { runStoreContract } from './Store.contract'

runStoreContract(
  'MemoryStore',
  async () => {
    const store = new MemoryStore()
    return { open: async () => store, teardown: async () => {} }
  },
  { persistent: false }
)
