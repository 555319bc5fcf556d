/**
 * `npm run backup -- [--data-dir DIR] [--out FILE|FOLDER]`: copies the store of
 * a data folder into a backup file, also while the server runs, and prints its
 * path, size and SHA-256. The data folder is `--data-dir`, else `DATA_DIR`, else
 * `./data` (as for the server). Without `--out` the file is
 * `consenso-backup-<UTC time>.json` in the current folder; `--out` names the
 * file, or a folder (existing, or ending in `/`) to put it in. An existing file
 * is never overwritten. The backup is one file in the single-file format,
 * whatever the folder's layout (a folder store `store/`, or the data file of
 * the layout before it). See `backupStore` for what the copy holds.
 */
import { stat } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { defaultConfig } from '../server/config'
import { backupStore, InvalidStoreFileError } from '../storage'
import { formatBytes } from './formatBytes'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, out: { type: 'string' } } })
  const dataDir = values['data-dir'] ?? (process.env.DATA_DIR || defaultConfig.dataDir)
  const out = values.out
  const intoFolder = out !== undefined && (/[\\/]$/.test(out) || (await stat(out).then((s) => s.isDirectory(), () => false)))
  const copy = await backupStore(dataDir, out === undefined ? {} : intoFolder ? { folder: out } : { file: out })
  console.log(`backup written: ${copy.path}`)
  console.log(`size: ${formatBytes(copy.bytes)}, ${copy.chunks} stored values`)
  console.log(`sha256: ${copy.sha256}`)
  for (const record of copy.damaged ?? [])
    console.warn(`not in the backup, damaged in the store: ${record.kind}${record.scope === undefined ? '' : `/${record.scope}`}/${record.id} (${record.reason})`)
}

main().catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code
  if (err instanceof InvalidStoreFileError) console.error(`No backup written: ${err.message}. The server refuses such a file too; see the README on .bak copies.`)
  else if (code === 'ENOENT') console.error(`No backup written: there is no store (${(err as Error).message}). Is --data-dir (or DATA_DIR) the server's data folder?`)
  else if (code === 'EEXIST') console.error(`No backup written: ${(err as Error).message}. A backup never overwrites a file: choose another --out.`)
  else console.error(`No backup written: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
