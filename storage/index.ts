/**
 * Persistence: a small byte store behind {@link StorageAdapter} (lowdb file or
 * memory), and the stores that give its bytes meaning (documents, records).
 */
export { type StorageAdapter, type StorageKey, type StorageChunk } from './StorageAdapter'
export { MemoryStorageAdapter } from './MemoryStorageAdapter'
export { LowdbStorageAdapter } from './LowdbStorageAdapter'
export { StoreFileCorruptError, type WriteStats } from './DurableJsonFile'
export { DocumentStore, defaultCompactionPolicy, type CompactionPolicy } from './DocumentStore'
export { RecordStore } from './RecordStore'
