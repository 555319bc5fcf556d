/**
 * Upgrade in place, backup and restore on the folder layout, at the storage
 * level: a data folder written by the version before issue 12 (the demo
 * workspace's `consenso.json`, kept in `fixtures/`, gzipped) becomes a folder
 * store holding the same; a folder store is backed up into the single-file
 * format while it is written, and restored from it.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { CONTENT_FRAGMENT } from '../../src'
import {
  AdapterStore,
  AUDIT_GENESIS,
  backupStore,
  checkStoreFile,
  dataFileIn,
  FolderStore,
  LowdbStorageAdapter,
  openWorkspaceStore,
  restoreStore,
  storeFolderIn,
  StoreFileCorruptError,
  type Store,
  type StoredAuditEntry
} from '../../storage'
import { entryAfter, readAll } from './Store.contract'
import { alterAuditEntry, contentsAt, contentsOf, LEGACY_DEMO, tearRecord } from './storeContents'


let dataDir: string
const opened: Store[] = []
const track = <S extends Store>(store: S): S => {
  opened.push(store)
  return store
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'consenso-upgrade-'))
  opened.length = 0
})

afterEach(async () => {
  for (const store of opened) await store.close().catch(() => undefined)
  await rm(dataDir, { recursive: true, force: true })
})

// The chain as the server's AuditLog hashes it: the previous hash, then the entry's fields in this order.
function expectServerChain(entries: readonly StoredAuditEntry[]): void {
  let previous = AUDIT_GENESIS
  entries.forEach((entry, i) => {
    expect(entry.seq).toBe(i + 1)
    const { seq, at, action, actor, target, details, address } = JSON.parse(entry.json) as Record<string, unknown>
    const hash = createHash('sha256').update(previous).update(JSON.stringify({ seq, at, action, actor, target, details, address })).digest('hex')
    expect(hash, `entry ${entry.seq}`).toBe(entry.hash)
    previous = entry.hash
  })
}

/** Every file under `folder` with the SHA-256 of its bytes. */
async function filesOf(folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) files[join(entry.parentPath, entry.name)] = createHash('sha256').update(await readFile(join(entry.parentPath, entry.name))).digest('hex')
  return files
}

async function writeLegacyDataFolder(): Promise<Buffer> {
  const bytes = gunzipSync(await readFile(LEGACY_DEMO))
  await writeFile(dataFileIn(dataDir), bytes)
  return bytes
}

describe('Upgrade in place', () => {
  test('a data folder written by the version before issue 12 is converted at first open, its file kept whole, and holds the same', async () => {
    const bytes = await writeLegacyDataFolder()
    // What the file holds, read as the version before issue 12 laid it out.
    const comparison = join(await mkdtemp(join(tmpdir(), 'consenso-legacy-')), 'consenso.json')
    await writeFile(comparison, bytes)
    const legacy = new AdapterStore(await LowdbStorageAdapter.open(comparison))
    const expected = await contentsOf(legacy)
    await legacy.close()
    await rm(join(comparison, '..'), { recursive: true })
    // The fixture is a real demo workspace: accounts, comments, periods, versions, an audit trail, a document with a snapshot and updates.
    expect(Object.keys(expected.records)).toEqual(expect.arrayContaining(['account', 'document', 'settings']))
    expect(Object.keys(expected.records).some((k) => k.startsWith('comment/'))).toBe(true)
    expect(Object.keys(expected.records).some((k) => k.startsWith('version/'))).toBe(true)
    expect(expected.audit.length).toBeGreaterThan(10)
    expect(Object.keys(expected.documents).length).toBeGreaterThan(0)

    const at = new Date('2026-12-07T20:30:00Z')
    const { store, upgraded } = await openWorkspaceStore(dataDir, {}, at)
    track(store)
    expect(upgraded?.keptAs).toBe(join(dataDir, 'consenso.json.before-upgrade-2026-12-07T20-30-00Z'))
    expect(await readFile(upgraded?.keptAs as string)).toEqual(bytes)
    expect(upgraded?.copied.damaged).toEqual([])
    expect((await readdir(dataDir)).sort()).toEqual(['consenso.json.before-upgrade-2026-12-07T20-30-00Z', 'store'])
    const found = await contentsOf(store)
    expect(found).toEqual(expected)
    expectServerChain(found.audit)

    // The trail goes on from its head, and a second open finds the folder store and upgrades nothing.
    const head = await store.audit.head()
    await store.audit.append(head, entryAfter(head))
    await store.close()
    const again = await openWorkspaceStore(dataDir)
    track(again.store)
    expect(again.upgraded).toBeUndefined()
    expect((await readAll(again.store)).length).toBe(expected.audit.length + 1)
  })

  test('a damaged data file is not upgraded: the open refuses, naming its .bak copy, and changes nothing', async () => {
    const bytes = await writeLegacyDataFolder()
    await writeFile(dataFileIn(dataDir), bytes.subarray(0, bytes.length / 2))
    await writeFile(`${dataFileIn(dataDir)}.bak`, bytes)
    const error = await openWorkspaceStore(dataDir).then(() => undefined, (err: unknown) => err)
    expect(error).toBeInstanceOf(StoreFileCorruptError)
    expect((error as Error).message).toContain('consenso.json.bak')
    expect((await readdir(dataDir)).sort()).toEqual(['consenso.json', 'consenso.json.bak'])
  })

  test('a record torn in the data file is named by the upgrade (kept in the old file, not copied); one torn in the folder store is reported by list', async () => {
    await writeLegacyDataFolder()
    const legacy = await contentsAt(dataFileIn(dataDir))
    const [scope, list] = Object.entries(legacy.records).find(([k, l]) => k.startsWith('comment/') && (l as unknown[]).length > 1) as [string, { id: string }[]]
    const where = { kind: 'comment', scope: scope.slice('comment/'.length) }
    const [torn, kept] = list as [{ id: string }, { id: string }]
    await tearRecord(dataDir, where, torn.id, '{"id": "to')
    const { store, upgraded } = await openWorkspaceStore(dataDir)
    track(store)
    expect(upgraded?.copied.damaged).toMatchObject([{ ...where, id: torn.id }])
    const listed = await store.records.list(where)
    expect(listed.records.map((r) => r.id)).toContain(kept.id)
    expect(listed.records.map((r) => r.id)).not.toContain(torn.id)
    await store.close()
    await tearRecord(dataDir, where, kept.id, 'no es JSON')
    const reopened = track(await FolderStore.open(storeFolderIn(dataDir)))
    const after = await reopened.records.list(where)
    expect(after.damaged.map((d) => d.id)).toEqual([kept.id])
    expect(after.records.length).toBe(list.length - 2)
  })

  test('an audit entry altered on disk, in either layout, reads back altered with its old hash', async () => {
    await writeLegacyDataFolder()
    await alterAuditEntry(dataDir, 3, (entry) => (entry.actor = { username: 'gt', role: 'delegate', country: 'GT' }))
    const { store } = await openWorkspaceStore(dataDir)
    track(store)
    await store.close()
    await alterAuditEntry(dataDir, 5, (entry) => (entry.action = 'changed'))
    const reopened = track(await FolderStore.open(storeFolderIn(dataDir)))
    const entries = await readAll(reopened)
    for (const [seq, changed] of [[3, { actor: { username: 'gt', role: 'delegate', country: 'GT' } }], [5, { action: 'changed' }]] as const) {
      const entry = entries[seq - 1] as StoredAuditEntry
      expect(JSON.parse(entry.json)).toMatchObject(changed)
      // The hash still says what the entry was: verify names it.
      expect(JSON.parse(entry.json).hash).toBe(entry.hash)
    }
    expect(() => expectServerChain(entries)).toThrow(/entry 3/)
  })

  test('an upgrade cut short by a crash is started over at the next open', async () => {
    await writeLegacyDataFolder()
    // What a crash in the middle of the copy leaves: a partial store.upgrading/.
    await mkdir(join(dataDir, 'store.upgrading', 'journal'), { recursive: true })
    await writeFile(join(dataDir, 'store.upgrading', 'journal', '000001.log'), 'half a frame')
    const { store } = await openWorkspaceStore(dataDir)
    track(store)
    expect((await readAll(store)).length).toBeGreaterThan(10)
    expect(await readdir(dataDir)).not.toContain('store.upgrading')
  })
})

describe('Backup and restore on the folder layout', () => {
  test('a backup of a folder store is a single store file; restoring it gives back the same store, the one replaced kept aside', async () => {
    await writeLegacyDataFolder()
    const { store } = await openWorkspaceStore(dataDir)
    await store.records.write([{ kind: 'comment', scope: 'estrategia', id: 'nueva', value: { body: 'Escrita en el almacén de carpetas' } }])
    await store.documents.append('estrategia', Y.encodeStateAsUpdate(new Y.Doc()))
    const expected = await contentsOf(store)
    await store.close()

    const backups = await mkdtemp(join(tmpdir(), 'consenso-backups-'))
    try {
      const copy = await backupStore(dataDir, { folder: backups }, new Date('2026-12-07T21:00:00Z'))
      expect(copy.path).toBe(join(backups, 'consenso-backup-2026-12-07T21-00-00Z.json'))
      const bytes = await readFile(copy.path)
      expect(checkStoreFile(copy.path, bytes)).toBe(copy.chunks)
      expect(copy.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
      expect(await contentsOf(track(new AdapterStore(await LowdbStorageAdapter.open(copy.path))))).toEqual(expected)

      // Later changes, which the restore takes back.
      const later = track(await FolderStore.open(storeFolderIn(dataDir)))
      await later.records.write([{ kind: 'comment', scope: 'estrategia', id: 'posterior', value: { body: 'después de la copia' } }])
      await later.close()

      const report = await restoreStore(copy.path, dataDir, new Date('2026-12-07T21:05:00Z'))
      expect(report.installed.path).toBe(storeFolderIn(dataDir))
      expect(report.previous).toBe(join(dataDir, 'store.before-restore-2026-12-07T21-05-00Z'))
      const restored = track(await FolderStore.open(storeFolderIn(dataDir)))
      expect(await contentsOf(restored)).toEqual(expected)
      const kept = track(await FolderStore.open(report.previous as string))
      expect(await kept.records.get({ kind: 'comment', scope: 'estrategia' }, 'posterior')).toEqual({ body: 'después de la copia' })
    } finally {
      await rm(backups, { recursive: true, force: true })
    }
  })

  test('a backup changes no byte of the store it copies, not even a torn tail a running server is writing', async () => {
    const store = track(await FolderStore.open(storeFolderIn(dataDir), { idleMs: 60_000 }))
    await store.records.write([{ kind: 'account', id: 'ppt', value: { name: 'Ana' } }])
    await store.audit.append(await store.audit.head(), entryAfter(await store.audit.head()), [{ kind: 'comment', scope: 'd', id: 'c', value: 1 }])
    const doc = new Y.Doc()
    doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [new Y.XmlText('Texto')])
    await store.documents.append('d', Y.encodeStateAsUpdate(doc))
    // Half frames, as a server caught in the middle of an append leaves them for a moment.
    const journal = join(storeFolderIn(dataDir), 'journal', (await readdir(join(storeFolderIn(dataDir), 'journal')))[0] as string)
    await writeFile(journal, Buffer.concat([await readFile(journal), Buffer.from([99, 0, 0, 0, 1])]))
    const updates = join(storeFolderIn(dataDir), 'documents', 'd', 'updates')
    await writeFile(updates, Buffer.concat([await readFile(updates), Buffer.from([99, 0, 0, 0, 1])]))
    const before = await filesOf(storeFolderIn(dataDir))

    const backups = await mkdtemp(join(tmpdir(), 'consenso-backups-'))
    try {
      const copy = await backupStore(dataDir, { folder: backups })
      const backup = await contentsOf(track(new AdapterStore(await LowdbStorageAdapter.open(copy.path))))
      expect(backup.records).toMatchObject({ account: [{ id: 'ppt', value: { name: 'Ana' } }], 'comment/d': [{ id: 'c', value: 1 }] })
      expect(backup.audit).toHaveLength(1)
      expect(backup.documents.d?.text).toContain('Texto')
    } finally {
      await rm(backups, { recursive: true, force: true })
    }
    expect(await filesOf(storeFolderIn(dataDir))).toEqual(before)
  })

  test('a backup made while the store is written holds everything acknowledged before it began, each act with its audit entry', async () => {
    const store = track(await FolderStore.open(storeFolderIn(dataDir), { journalBytes: 8 * 1024, idleMs: 5 }))
    let head = await store.audit.head()
    const act = async (n: number) => {
      const entry = entryAfter(head, { n })
      const previous = head
      head = { seq: entry.seq, hash: entry.hash }
      await store.audit.append(previous, entry, [{ kind: 'comment', scope: `doc${n % 4}`, id: `c${n}`, value: { n, seq: entry.seq } }])
    }
    for (let n = 0; n < 200; n++) await act(n)
    const acknowledged = head.seq
    let writing = true
    const writer = (async () => {
      for (let n = 200; writing; n++) await act(n)
    })()
    const backups = await mkdtemp(join(tmpdir(), 'consenso-backups-'))
    try {
      const copy = await backupStore(dataDir, { folder: backups })
      writing = false
      await writer
      const backup = await contentsOf(track(new AdapterStore(await LowdbStorageAdapter.open(copy.path))))
      expect(backup.audit.length).toBeGreaterThanOrEqual(acknowledged)
      const comments = Object.entries(backup.records).filter(([k]) => k.startsWith('comment/')).flatMap(([, list]) => list as { value: { seq: number } }[])
      // Each act with its entry, no act without its entry, no entry without its act.
      expect(comments.map((c) => c.value.seq).sort((a, b) => a - b)).toEqual(backup.audit.map((e) => e.seq))
    } finally {
      writing = false
      await writer
      await rm(backups, { recursive: true, force: true })
    }
  })
})
