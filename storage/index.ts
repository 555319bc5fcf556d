/**
 * Persistence: the narrow {@link Store} the server's services use (records,
 * the audit trail, a log per document, scope locks), opened for a data
 * folder by {@link openWorkspaceStore}; typed views on it (documents,
 * records); the older byte store behind {@link StorageAdapter} (lowdb file
 * or memory) and {@link AdapterStore} over it; the data folder around the
 * file: its lock, backups and restores; and {@link PostgresStore}, the same
 * Store on PostgreSQL for several processes serving one workspace.
 */
export { type StorageAdapter, type StorageKey, type StorageChunk } from './StorageAdapter'
export { MemoryStorageAdapter } from './MemoryStorageAdapter'
export { LowdbStorageAdapter } from './LowdbStorageAdapter'
export { StoreFileCorruptError, type WriteStats } from './DurableJsonFile'
export { DocumentStore, defaultCompactionPolicy, type CompactionPolicy } from './DocumentStore'
export { RecordStore, type DamageReport } from './RecordStore'
export { dataFileIn, lockFileIn, fileStamp } from './DataFolder'
export { DataFolderLock, DataFolderInUseError, type LockHolder, type ProcessIdentity } from './DataFolderLock'
export { backupStore, restoreStore, checkStoreFile, InvalidStoreFileError, type StoreCopy, type RestoreReport } from './StoreBackup'
export { writeFileDurably } from './writeFileDurably'
export {
  AUDIT_GENESIS,
  AuditConflictError,
  DamagedRecordError,
  type AuditHead,
  type AuditStore,
  type DamagedRecord,
  type DocumentHistory,
  type DocumentLog,
  type DocumentTail,
  type LoggedUpdate,
  type Records,
  type RecordScope,
  type RecordWrite,
  type ScopeLocks,
  type Store,
  type StoredAuditEntry,
  type StoredRecord
} from './Store'
export { MemoryStore } from './MemoryStore'
export { AdapterStore } from './AdapterStore'
export { FolderStore, defaultFolderStoreOptions, type FolderStoreOptions } from './folder/FolderStore'
export { AuditTrailCutError } from './folder/AuditSegments'
export { copyStore, inventoryOf, serverKinds, type CopyOptions, type CopyReport, type StoreInventory } from './copyStore'
export { openWorkspaceStore, storeFolderIn, type WorkspaceStoreOpening } from './openWorkspaceStore'
export { SerialQueue } from './SerialQueue'
export { PostgresStore, type PostgresStoreOptions } from './postgres/PostgresStore'
export { POSTGRES_SCHEMA_VERSION, SchemaTooNewError } from './postgres/schema'
