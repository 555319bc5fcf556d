/**
 * What a store holds, in a form tests compare, whatever its layout: a folder
 * store (`store/`, read without changing a byte) or a single store file (a
 * data file of the layout before issue 12, or a backup).
 */
import { stat, truncate, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as Y from 'yjs'
import { CONTENT_FRAGMENT } from '../../src'
import { AdapterStore, dataFileIn, FolderStore, inventoryOf, LowdbStorageAdapter, storeFolderIn, type Store } from '../../storage'
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
