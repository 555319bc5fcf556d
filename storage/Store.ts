/**
 * What Consenso stores, shaped around what the server does with it rather
 * than as one key-value bag: a log of Yjs updates per document, the audit
 * trail, JSON records, and a lock per scope. Each part is narrow enough for
 * an embedded folder of files and for PostgreSQL to implement alike, and each
 * has one contract suite that every implementation passes
 * (`test/storage/Store.contract.ts`).
 *
 * An act that changes records and records itself in the audit trail is one
 * call ({@link AuditStore.append} with its writes): after a crash the store
 * holds both or neither.
 */

/**
 * Where records of one kind live: the kind (`account`, `session`,
 * `settings`, `document`, `comment`, `period`, `version`, `share`) and, for a
 * document's own records, the document's id. Records of different scopes
 * are stored apart, so that an act on one document never rewrites another's.
 */
export interface RecordScope {
  readonly kind: string
  /** The document the records belong to; absent for workspace-wide kinds. */
  readonly scope?: string
}

/** One record to store (`value`, any JSON) or to remove (`value: null`). */
export interface RecordWrite extends RecordScope {
  readonly id: string
  readonly value: unknown
}

/** A stored record as read back: its id and its JSON, which the caller validates. */
export interface StoredRecord {
  readonly id: string
  readonly value: unknown
}

/**
 * A record that is no longer readable (not JSON, a torn file). Reported by
 * name instead of thrown, so that one damaged record does not take its
 * neighbours down with it.
 */
export interface DamagedRecord extends RecordScope {
  readonly id: string
  readonly reason: string
}

export interface Records {
  /** The record's JSON, or `undefined` if there is none. Throws {@link DamagedRecordError} if it cannot be read. */
  get(where: RecordScope, id: string): Promise<unknown>
  /** Every readable record of the scope, in id order, and the damaged ones by name. */
  list(where: RecordScope): Promise<{ readonly records: readonly StoredRecord[]; readonly damaged: readonly DamagedRecord[] }>
  /** The document scopes that hold records of `kind` (e.g. every document with comments). */
  scopes(kind: string): Promise<string[]>
  /** Stores every write in one durable change: after a crash all of them or none. */
  write(writes: readonly RecordWrite[]): Promise<void>
}

/** The newest entry of the audit trail: `seq` 0 and the chain's genesis hash when it is empty. */
export interface AuditHead {
  readonly seq: number
  readonly hash: string
}

/** An audit entry as stored: its number, its hash, and the rest as JSON the caller validates. */
export interface StoredAuditEntry {
  readonly seq: number
  readonly hash: string
  /** The whole entry as JSON text, exactly as it was appended (verify hashes what is stored). */
  readonly json: string
}

export interface AuditStore {
  /** The newest entry's number and hash. */
  head(): Promise<AuditHead>
  /**
   * Appends `entry` (numbered `previous.seq + 1`) together with the act's
   * record writes, as one durable change. Rejects with
   * {@link AuditConflictError}, storing nothing, when the trail's head is no
   * longer `previous` (another writer appended first): the caller numbers
   * and hashes again.
   */
  append(previous: AuditHead, entry: StoredAuditEntry, writes?: readonly RecordWrite[]): Promise<void>
  /** The entries numbered `from` to `to` (inclusive; default: to the head), oldest first. */
  read(from: number, to?: number): AsyncIterable<StoredAuditEntry>
}

/** One appended Yjs update and the number the log gave it. */
export interface LoggedUpdate {
  readonly seq: number
  readonly update: Uint8Array
}

/** What a document's log holds: its snapshot (if compacted once) and the updates after it. */
export interface DocumentHistory {
  readonly snapshot: Uint8Array | undefined
  /** The number of the last update folded into the snapshot (0 if none). */
  readonly snapshotSeq: number
  readonly updates: readonly LoggedUpdate[]
}

/**
 * What follows a number in a document's log, read together: the updates
 * above it and the number the snapshot holds through. A reader
 * holding every update up to `seq` lacks some that only the snapshot still
 * has exactly when `seq < snapshotSeq`, whether or not any update follows.
 */
export interface DocumentTail {
  /**
   * The number of the last update folded into the snapshot (0 if none),
   * read no earlier than `updates`: a compaction that dropped updates from
   * them shows here.
   */
  readonly snapshotSeq: number
  /** The updates numbered above the number asked for, oldest first. */
  readonly updates: readonly LoggedUpdate[]
}

export interface DocumentLog {
  /**
   * Appends a Yjs update; resolves with its number once it is durable.
   * Numbers only grow; in PostgreSQL they are also gap-free per document
   * and follow commit order, across processes.
   */
  append(document: string, update: Uint8Array): Promise<number>
  load(document: string): Promise<DocumentHistory>
  /**
   * The updates numbered above `seq`, oldest first. Those a compaction
   * folded into the snapshot are gone: a reader behind the snapshot needs
   * {@link load}, which {@link loadTail} tells even when nothing follows.
   */
  loadSince(document: string, seq: number): Promise<LoggedUpdate[]>
  /**
   * {@link loadSince} and the snapshot's number, read so that no compaction
   * can drop updates from the answer unseen (one statement in PostgreSQL;
   * the folder store reads the updates before the snapshot's header, whose
   * number only grows): how a reader learns cheaply whether it needs
   * {@link load}. PostgreSQL and the folder store do not read the snapshot
   * itself, so the cost follows what was appended after `seq`.
   */
  loadTail(document: string, seq: number): Promise<DocumentTail>
  /**
   * Replaces the snapshot with `snapshot`, which holds every update numbered
   * up to `throughSeq`, and drops those updates; updates appended meanwhile
   * (numbered above it) are kept.
   */
  compact(document: string, snapshot: Uint8Array, throughSeq: number): Promise<void>
  /** Removes the document's snapshot and updates. */
  remove(document: string): Promise<void>
}

/**
 * Runs work that must not overlap with the same work elsewhere (compaction
 * of one document, demo seeding, migrations), in this process or, for stores
 * shared by several processes, in any of them.
 */
export interface ScopeLocks {
  run<T>(scope: string, work: () => Promise<T>): Promise<T>
}

/** Everything a workspace stores. */
export interface Store {
  readonly records: Records
  readonly audit: AuditStore
  readonly documents: DocumentLog
  readonly locks: ScopeLocks
  /**
   * True when other processes may write this store at the same time
   * (PostgreSQL): what a process keeps in memory of stored state may then be
   * stale, and is read again rather than trusted. Absent or false for a store
   * only this process writes (memory, a data folder), whose callers may cache.
   */
  readonly shared?: boolean
  /** Finishes pending writes and releases files or connections. */
  close(): Promise<void>
}

/** The audit trail's head moved since the caller read it. */
export class AuditConflictError extends Error {
  constructor(
    readonly expected: AuditHead,
    readonly actual: AuditHead
  ) {
    super(`The audit trail's head is ${actual.seq}, not ${expected.seq}`)
    this.name = 'AuditConflictError'
  }
}

/** A stored record that cannot be read back. */
export class DamagedRecordError extends Error {
  constructor(readonly record: DamagedRecord) {
    super(`Damaged record ${record.kind}${record.scope === undefined ? '' : `/${record.scope}`}/${record.id}: ${record.reason}`)
    this.name = 'DamagedRecordError'
  }
}

/** The hash before the first entry of every audit trail. */
export const AUDIT_GENESIS = 'consenso-audit-v1'
