import type pg from 'pg'

/**
 * The tables, one migration per version of the schema, applied in order.
 * Strings that are keys (record scopes and ids, document ids) are stored as
 * `bytea` of their UTF-16 code units: PostgreSQL's `text` cannot hold U+0000,
 * and a lone surrogate would not survive UTF-8; what is listed is sorted in
 * JavaScript, so the order is JavaScript's whatever the server's collation.
 * JSON is stored as its text (`JSON.stringify` escapes U+0000, which `jsonb`
 * refuses), so a record reads back exactly as written.
 */
const migrations: readonly (readonly string[])[] = [
  [
    `CREATE TABLE record (
       kind text NOT NULL,
       -- Empty for workspace-wide kinds, else 0x01 and the document id.
       scope bytea NOT NULL,
       id bytea NOT NULL,
       value text NOT NULL,
       PRIMARY KEY (kind, scope, id)
     )`,
    // head_seq: the number of the document's last update ever appended;
    // each append increments it under the row's lock, so numbers follow
    // commit order. snapshot holds every update numbered up to snapshot_seq.
    `CREATE TABLE document_log (
       document bytea PRIMARY KEY,
       head_seq bigint NOT NULL,
       snapshot_seq bigint NOT NULL,
       snapshot bytea
     ) WITH (fillfactor = 50)`,
    `CREATE TABLE document_update (
       document bytea NOT NULL,
       seq bigint NOT NULL,
       update bytea NOT NULL,
       PRIMARY KEY (document, seq)
     )`,
    // One row: the chain's newest entry, locked by each append.
    `CREATE TABLE audit_head (
       one boolean PRIMARY KEY DEFAULT true CHECK (one),
       seq bigint NOT NULL,
       hash text NOT NULL
     )`,
    `INSERT INTO audit_head (seq, hash) VALUES (0, 'consenso-audit-v1')`,
    `CREATE TABLE audit_entry (
       seq bigint PRIMARY KEY,
       hash text NOT NULL,
       json text NOT NULL
     )`
  ]
]

/** The schema version this code writes and reads. */
export const POSTGRES_SCHEMA_VERSION = migrations.length

/** The database was migrated by a newer Consenso: this one would misread it, so it does not start. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number
  ) {
    super(`The database's schema is version ${found}, newer than this Consenso knows (${known}): run the newer version, or restore a backup made for this one`)
    this.name = 'SchemaTooNewError'
  }
}

// The advisory lock key of migrations: every process that opens the database takes it.
const MIGRATION_LOCK = 0x636f6e73656e736fn // "consenso"

/**
 * Brings the database up to {@link POSTGRES_SCHEMA_VERSION}, each version
 * in its own transaction, under an advisory lock so that processes starting
 * together migrate once. Throws {@link SchemaTooNewError} on a newer schema.
 */
export async function migrate(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()])
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())')
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version')
    const current = rows[0]?.version ?? 0
    if (current > POSTGRES_SCHEMA_VERSION) throw new SchemaTooNewError(current, POSTGRES_SCHEMA_VERSION)
    for (let version = current + 1; version <= POSTGRES_SCHEMA_VERSION; version++) {
      await client.query('BEGIN')
      try {
        for (const statement of migrations[version - 1] ?? []) await client.query(statement)
        await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version])
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK')
        throw err
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()])
  }
}
