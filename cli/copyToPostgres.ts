/**
 * `npm run copy-to-postgres -- [--data-dir DIR]`, with `DATABASE_URL` set:
 * copies the workspace of a data folder (`--data-dir`, else `DATA_DIR`, else
 * `./data`) into an empty PostgreSQL database, so that servers started with
 * that `DATABASE_URL` serve it: accounts, sessions, comments, periods,
 * versions, shares, settings, every document's text, and the audit trail
 * with its numbers and hashes as they were. The folder is only read, and
 * locked meanwhile: refused while a server runs on it (stop it first, or its
 * latest changes would be missing from the copy). Refused too when the
 * database already holds a workspace (a server started on it seeds the demo).
 */
import { parseArgs } from 'node:util'
import { defaultConfig } from '../server/config'
import { copyStore, DataFolderInUseError, DataFolderLock, openWorkspaceStore, PostgresStore } from '../storage'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } })
  const dataDir = values['data-dir'] ?? (process.env.DATA_DIR || defaultConfig.dataDir)
  const url = process.env.DATABASE_URL
  if (!url) {
    console.error('usage: DATABASE_URL=postgres://… npm run copy-to-postgres -- [--data-dir DIR]')
    process.exit(2)
  }
  const lock = await DataFolderLock.acquire(dataDir)
  try {
    const { store: source } = await openWorkspaceStore(dataDir, { readOnly: true })
    const target = await PostgresStore.open(url)
    try {
      const head = await target.audit.head()
      const [accounts, documents] = await Promise.all([target.records.list({ kind: 'account' }), target.records.list({ kind: 'document' })])
      if (head.seq > 0 || accounts.records.length > 0 || documents.records.length > 0)
        throw new RangeError(
          `the database already holds a workspace (${accounts.records.length} accounts, ${documents.records.length} documents, ${head.seq} audit entries): copy into a new, empty database`
        )
      const report = await copyStore(source, target)
      console.log(`copied into PostgreSQL: ${report.records} records, ${report.documents} documents (${report.updates} updates), ${report.auditEntries} audit entries`)
      for (const d of report.damaged) console.error(`not copied, damaged: ${d.kind}${d.scope === undefined ? '' : `/${d.scope}`}/${d.id}: ${d.reason}`)
    } finally {
      await target.close()
      await source.close()
    }
  } finally {
    await lock.release()
  }
}

main().catch((err: unknown) => {
  if (err instanceof DataFolderInUseError) console.error(`Copy refused, nothing changed: ${err.message}\nStop the server first: the copy must hold its latest changes.`)
  else console.error(`Copy failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
