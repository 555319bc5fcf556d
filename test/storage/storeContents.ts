/**
 * What a store holds, in a form tests compare, whatever its layout: a folder
 * store (`store/`, read without changing a byte) or a single store file (a
 * data file of the layout before issue 12, or a backup).
 */
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { gunzipSync } from 'node:zlib'
import { onTestFinished } from 'vitest'
import { join } from 'node:path'
import * as Y from 'yjs'
import { CONTENT_FRAGMENT } from '../../src'
import { AdapterStore, dataFileIn, FolderStore, inventoryOf, LowdbStorageAdapter, storeFolderIn, type RecordScope, type Store } from '../../storage'
import { readAll } from './Store.contract'

/** Records by scope, the audit trail, and each document's merged Yjs state and text. */
export async function contentsOf(store: Store) {
  const inventory = await inventoryOf(store)
  const records: Record<string, unknown> = {}
  for (const kind of inventory.workspaceKinds) {
    const { records: list } = await store.records.list({ kind })
    if (list.length > 0) records[kind] = list
  }
  for (const kind of inventory.scopedKinds) for (const scope of await store.records.scopes(kind)) records[`${kind}/${scope}`] = (await store.records.list({ kind, scope })).records
  const documents: Record<string, { state: string; text: string }> = {}
  for (const id of inventory.documents) {
    const history = await store.documents.load(id)
    if (history.snapshot === undefined && history.updates.length === 0) continue
    const doc = new Y.Doc({ gc: false })
    if (history.snapshot) Y.applyUpdate(doc, history.snapshot)
    for (const { update } of history.updates) Y.applyUpdate(doc, update)
    documents[id] = { state: Buffer.from(Y.encodeStateVector(doc)).toString('base64'), text: doc.getXmlFragment(CONTENT_FRAGMENT).toString() }
  }
  return { records, audit: await readAll(store), documents }
}

/** The contents of the store at `path`: a folder store's folder, or a single store file. */
export async function contentsAt(path: string): Promise<Awaited<ReturnType<typeof contentsOf>>> {
  const store = (await stat(path)).isDirectory() ? await FolderStore.open(path, { readOnly: true }) : new AdapterStore(await LowdbStorageAdapter.open(path))
  try {
    return await contentsOf(store)
  } finally {
    await store.close()
  }
}

/** Where the store of `dataDir` is: its folder store, or else its data file of the layout before issue 12. */
export async function storeIn(dataDir: string): Promise<string> {
  const folder = storeFolderIn(dataDir)
  return (await stat(folder).then(() => true, () => false)) ? folder : dataFileIn(dataDir)
}

/**
 * Damages the store of `dataDir` as a disk or a hand might: a data file cut
 * short, or a folder store's audit trail cut at its end.
 */
export async function damageStore(dataDir: string): Promise<void> {
  const path = await storeIn(dataDir)
  if (path === dataFileIn(dataDir)) {
    await writeFile(path, '{"format":"consenso-store","version":1,"chunks":')
    return
  }
  const audit = join(path, 'audit')
  const last = (await readdir(audit)).filter((n) => n.endsWith('.jsonl')).sort().at(-1) as string
  const text = await readFile(join(audit, last), 'utf8')
  await truncate(join(audit, last), Buffer.byteLength(text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1)))
}

/**
 * Replaces the stored text of one record with `text` (torn JSON, say), as
 * a disk or a hand might, whatever the layout of `dataDir`. The store must
 * be closed (a closed folder store has its records in its files).
 */
export async function tearRecord(dataDir: string, where: RecordScope, id: string, text: string): Promise<void> {
  const path = await storeIn(dataDir)
  if (path === dataFileIn(dataDir)) {
    // The key layout of AdapterStore, the single file's.
    const key = where.kind === 'document' ? ['meta', id] : where.scope === undefined ? [where.kind, id] : [where.kind, where.scope, id]
    const storage = await LowdbStorageAdapter.open(path)
    try {
      if ((await storage.load(key)) === undefined) throw new Error(`No record under ${key.join('/')}`)
      await storage.save(key, new TextEncoder().encode(text))
    } finally {
      await storage.close()
    }
    return
  }
  // Names in the folder are the ids percent-encoded: found by decoding, not by encoding again here.
  const named = async (folder: string, name: string, suffix = '.json') => {
    const found = (await readdir(folder)).find((n) => n.endsWith(suffix) && decodeURIComponent(n.slice(0, -suffix.length)) === name)
    if (found === undefined) throw new Error(`No ${name}${suffix} in ${folder}`)
    return join(folder, found)
  }
  const records = join(path, 'records')
  if (where.scope === undefined) {
    const file = await named(records, where.kind)
    const texts = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>
    if (texts[id] === undefined) throw new Error(`No record ${id} in ${file}`)
    await writeFile(file, JSON.stringify({ ...texts, [id]: text }))
    return
  }
  const kindFolder = join(records, (await readdir(records)).find((n) => decodeURIComponent(n) === where.kind) ?? where.kind)
  if (where.kind === 'version') {
    const scopeFolder = join(kindFolder, (await readdir(kindFolder)).find((n) => decodeURIComponent(n) === where.scope) ?? (where.scope as string))
    await writeFile(await named(scopeFolder, id), text)
    return
  }
  const file = await named(kindFolder, where.scope)
  const texts = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>
  if (texts[id] === undefined) throw new Error(`No record ${id} in ${file}`)
  await writeFile(file, JSON.stringify({ ...texts, [id]: text }))
}

/** The demo workspace as the version before issue 12 stored it (`fixtures/`, gzipped). */
export const LEGACY_DEMO = join(import.meta.dirname, 'fixtures', 'consenso-demo-before-issue-12.json.gz')

/**
 * A fresh data folder in the layout before issue 12: the demo workspace's
 * `consenso.json` as that version wrote it (accounts with the tests'
 * `DEMO_PASSWORD`). Removed when the test ends.
 */
export async function legacyDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'consenso-legacy-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  await writeFile(dataFileIn(dir), gunzipSync(await readFile(LEGACY_DEMO)))
  return dir
}

/**
 * Changes the stored JSON of audit entry `seq` with `alter`, keeping its
 * hash, as someone with access to the disk might, whatever the layout of
 * `dataDir`. The store must be closed.
 */
export async function alterAuditEntry(dataDir: string, seq: number, alter: (entry: Record<string, unknown>) => void): Promise<void> {
  const path = await storeIn(dataDir)
  if (path === dataFileIn(dataDir)) {
    const key = ['audit', String(seq).padStart(12, '0')]
    const storage = await LowdbStorageAdapter.open(path)
    try {
      const entry = JSON.parse(new TextDecoder().decode(await storage.load(key))) as Record<string, unknown>
      alter(entry)
      await storage.save(key, new TextEncoder().encode(JSON.stringify(entry)))
    } finally {
      await storage.close()
    }
    return
  }
  // Segments of 10,000 entries, one JSON line `{ seq, hash, json }` each.
  const segment = join(path, 'audit', `${String(Math.floor((seq - 1) / 10_000) + 1).padStart(6, '0')}.jsonl`)
  const lines = (await readFile(segment, 'utf8')).split('\n')
  const index = lines.findIndex((line) => line !== '' && (JSON.parse(line) as { seq: number }).seq === seq)
  if (index < 0) throw new Error(`No audit entry ${seq} in ${segment}`)
  const line = JSON.parse(lines[index] as string) as { seq: number; hash: string; json: string }
  const entry = JSON.parse(line.json) as Record<string, unknown>
  alter(entry)
  lines[index] = JSON.stringify({ ...line, json: JSON.stringify(entry) })
  await writeFile(segment, lines.join('\n'))
}
