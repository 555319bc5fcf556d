/**
 * `npm run restore -- <backup file> [--data-dir DIR]`: installs a backup made
 * by `npm run backup` as the store of a data folder (`--data-dir`, else
 * `DATA_DIR`, else `./data`). Refuses a file that is not a whole Consenso
 * store, and refuses while a server runs on the folder: a running server holds
 * the workspace in memory and would write it over the restored file at its
 * next save. In a data folder with a folder store the backup is converted
 * into `store/`, and the store it replaces is kept as
 * `store.before-restore-<UTC time>/`; otherwise the data file it replaces
 * is kept as `consenso.json.before-restore-<UTC time>`.
 */
import { parseArgs } from 'node:util'
import { defaultConfig } from '../server/config'
import { DataFolderInUseError, InvalidStoreFileError, restoreStore } from '../storage'
import { formatBytes } from './formatBytes'

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { 'data-dir': { type: 'string' } }, allowPositionals: true })
  const [backup, ...extra] = positionals
  if (backup === undefined || extra.length > 0) {
    console.error('usage: npm run restore -- <backup file> [--data-dir DIR]')
    process.exit(2)
  }
  const dataDir = values['data-dir'] ?? (process.env.DATA_DIR || defaultConfig.dataDir)
  const report = await restoreStore(backup, dataDir)
  console.log(`restored: ${report.installed.path}`)
  console.log(`size: ${formatBytes(report.installed.bytes)}, ${report.installed.chunks} stored values`)
  console.log(`sha256: ${report.installed.sha256}`)
  console.log(report.previous ? `the store it replaced is kept as ${report.previous}` : 'there was no store before')
}

main().catch((err: unknown) => {
  if (err instanceof InvalidStoreFileError) console.error(`Restore refused, nothing changed: ${err.message}.`)
  else if (err instanceof DataFolderInUseError)
    console.error(
      `Restore refused, nothing changed: ${err.message}\n` +
        'Stop the server first, then restore, then start it again: a running server holds the workspace in memory ' +
        'and would write it over the restored file at its next save.'
    )
  else console.error(`Restore failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
