import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import * as Y from 'yjs'
import { CONTENT_FRAGMENT, type DocumentId, type DocumentMeta, type Username } from '../../src'
import { AdapterStore, DocumentStore, LowdbStorageAdapter, MemoryStore, PostgresStore, type CompactionPolicy, type Store } from '../../storage'
import { postgresDatabase } from '../support'

const ID = 'estrategia' as DocumentId

/** Never compacts on its own: the test decides when. */
const noCompaction: CompactionPolicy = { whenLargerThanSnapshot: false, maxUpdates: Number.POSITIVE_INFINITY }

/** An editing session on a document: every change it makes is collected as an update. */
function editor(initial?: Uint8Array) {
  const doc = new Y.Doc({ gc: false })
  if (initial) Y.applyUpdate(doc, initial)
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const paragraph = (text: string) =>
    doc.transact(() => {
      const element = new Y.XmlElement('paragraph')
      doc.getXmlFragment(CONTENT_FRAGMENT).push([element])
      const content = new Y.XmlText()
      element.push([content])
      content.insert(0, text)
    })
  return { doc, updates, paragraph }
}

const content = (doc: Y.Doc) => doc.getXmlFragment(CONTENT_FRAGMENT).toString()

/** The document as a fresh Y.Doc loads it from `store`. */
async function reload(store: DocumentStore, id = ID): Promise<Y.Doc> {
  const doc = new Y.Doc({ gc: false })
  Y.applyUpdate(doc, await store.loadState(id))
  return doc
}

/** A series of edits: paragraphs added, text typed into one of them and deleted. */
function edit(session: ReturnType<typeof editor>, rounds = 20): void {
  for (let i = 0; i < rounds; i++) session.paragraph(`Párrafo ${i}: la Conferencia acuerda.`)
  const first = session.doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement
  const text = first.get(0) as Y.XmlText
  for (let i = 0; i < rounds; i++) text.insert(0, `${i} `)
  text.delete(0, 5)
}

/** What the document's log holds: `['snapshot']` if it has one, then `['update', seq]` for each update. */
async function keysOf(storage: Store, id = ID): Promise<Array<[string] | [string, number]>> {
  const { snapshot, updates } = await storage.documents.load(id)
  return [...(snapshot ? [['snapshot'] as [string]] : []), ...updates.map((u): [string, number] => ['update', u.seq])]
}

type Backend = { name: string; open: () => Promise<Store> }

const backends: Backend[] = [
  { name: 'in memory', open: async () => new MemoryStore() },
  {
    name: 'in a lowdb file',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'consenso-store-'))
      onTestFinished(() => rm(dir, { recursive: true, force: true }))
      return new AdapterStore(await LowdbStorageAdapter.open(join(dir, 'consenso.json')))
    }
  },
  {
    // Shared by several processes: every update is appended with its number before any compaction.
    name: 'in PostgreSQL',
    open: async () => {
      const store = await PostgresStore.open(await postgresDatabase())
      onTestFinished(() => store.close())
      return store
    }
  }
]

for (const { name, open } of backends) {
  describe(`DocumentStore ${name}`, () => {
    test('appended updates reload to the same document', async () => {
      const storage = await open()
      const session = editor()
      edit(session)
      const store = new DocumentStore(storage, noCompaction)
      for (const update of session.updates) await store.appendUpdate(ID, update)
      expect((await keysOf(storage)).length).toBe(session.updates.length)

      const loaded = await reload(new DocumentStore(storage, noCompaction))
      expect(content(loaded)).toBe(content(session.doc))
      expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(session.doc))
    })

    test('updates are kept in the order they were appended, past ten and past a hundred', async () => {
      const storage = await open()
      const store = new DocumentStore(storage, noCompaction)
      const session = editor()
      for (let i = 0; i < 120; i++) session.paragraph(String(i))
      for (const update of session.updates) await store.appendUpdate(ID, update)
      const keys = await keysOf(storage)
      expect(keys[0]).toEqual(['update', 1])
      expect(keys.at(-1)).toEqual(['update', 120])
      const { updates } = await storage.documents.load(ID)
      expect(updates.map((u) => u.update)).toEqual(session.updates)
    })

    test('compaction keeps the content and leaves one snapshot', async () => {
      const storage = await open()
      const session = editor()
      edit(session)
      const store = new DocumentStore(storage, noCompaction)
      for (const update of session.updates) await store.appendUpdate(ID, update)
      await store.compact(ID)

      expect(await keysOf(storage)).toEqual([['snapshot']])
      const loaded = await reload(new DocumentStore(storage))
      expect(content(loaded)).toBe(content(session.doc))
      expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(session.doc))
    })

    test('compacting twice, with edits in between, keeps everything', async () => {
      const storage = await open()
      const store = new DocumentStore(storage, noCompaction)
      const session = editor()
      edit(session, 5)
      for (const update of session.updates.splice(0)) await store.appendUpdate(ID, update)
      await store.compact(ID)
      edit(session, 5)
      for (const update of session.updates.splice(0)) await store.appendUpdate(ID, update)
      await store.compact(ID)
      await store.compact(ID)
      expect(await keysOf(storage)).toEqual([['snapshot']])
      expect(content(await reload(new DocumentStore(storage)))).toBe(content(session.doc))
    })

    test('with the default policy the log stays short and the content whole', async () => {
      const storage = await open()
      const store = new DocumentStore(storage)
      const session = editor()
      edit(session, 100)
      for (const update of session.updates) await store.appendUpdate(ID, update)
      const keys = await keysOf(storage)
      expect(keys.filter(([kind]) => kind === 'snapshot')).toHaveLength(1)
      expect(keys.length).toBeLessThanOrEqual(64)
      expect(content(await reload(new DocumentStore(storage)))).toBe(content(session.doc))
    })

    test('a crash between saving a snapshot and removing its updates still loads correctly', async () => {
      const storage = await open()
      const session = editor()
      edit(session)
      const before = new DocumentStore(storage, noCompaction)
      for (const update of session.updates) await before.appendUpdate(ID, update)
      // What compact() leaves if the process dies right after saving the
      // snapshot: a snapshot that holds no update by its number, beside them all.
      await storage.documents.compact(ID, Y.mergeUpdates(session.updates), 0)
      expect((await keysOf(storage)).length).toBe(session.updates.length + 1)

      const after = new DocumentStore(storage, noCompaction)
      const loaded = await reload(after)
      expect(content(loaded)).toBe(content(session.doc))
      expect(content(loaded)).toContain('Párrafo 19') // not doubled:
      expect(loaded.getXmlFragment(CONTENT_FRAGMENT).length).toBe(20)

      // Work goes on after the restart: new updates do not overwrite old ones…
      session.updates.length = 0
      session.paragraph('Después del reinicio.')
      for (const update of session.updates) await after.appendUpdate(ID, update)
      expect(content(await reload(new DocumentStore(storage)))).toBe(content(session.doc))
      // …and the next compaction finishes what the crashed one began.
      await after.compact(ID)
      expect(await keysOf(storage)).toEqual([['snapshot']])
      expect(content(await reload(new DocumentStore(storage)))).toBe(content(session.doc))
    })

    test('a crash after an older snapshot was replaced by a partial one still loads everything', async () => {
      const storage = await open()
      const session = editor()
      edit(session)
      const store = new DocumentStore(storage, noCompaction)
      for (const update of session.updates) await store.appendUpdate(ID, update)
      // A snapshot that holds only the first half, beside all the updates.
      await storage.documents.compact(ID, Y.mergeUpdates(session.updates.slice(0, session.updates.length / 2)), 0)
      expect(content(await reload(new DocumentStore(storage)))).toBe(content(session.doc))
    })

    test('a document with no stored text loads as an empty document', async () => {
      const storage = await open()
      const loaded = await reload(new DocumentStore(storage), 'nada' as DocumentId)
      expect(loaded.getXmlFragment(CONTENT_FRAGMENT).length).toBe(0)
    })

    test('metadata is saved, loaded and listed', async () => {
      const storage = await open()
      const store = new DocumentStore(storage)
      const meta = (id: string): DocumentMeta => ({
        id: id as DocumentId,
        title: `Título ${id}`,
        createdAt: '2021-10-01T15:00:00.000Z',
        createdBy: 'ppt' as Username
      })
      await store.saveMeta(meta('b'))
      await store.saveMeta(meta('a'))
      expect(await store.loadMeta('a' as DocumentId)).toEqual(meta('a'))
      expect(await store.loadMeta('c' as DocumentId)).toBeUndefined()
      expect(await store.listDocuments()).toEqual([meta('a'), meta('b')])
    })

    test('removing a document leaves a document whose id starts the same', async () => {
      const storage = await open()
      const store = new DocumentStore(storage)
      const short = 'plan' as DocumentId
      const long = 'plan-b' as DocumentId
      for (const id of [short, long]) {
        const session = editor()
        session.paragraph(`texto de ${id}`)
        await store.saveMeta({ id, title: id, createdAt: '2021-10-01T00:00:00.000Z', createdBy: 'ppt' as Username })
        for (const update of session.updates) await store.appendUpdate(id, update)
      }
      await store.removeDocument(short)
      expect(await store.loadMeta(short)).toBeUndefined()
      expect(await keysOf(storage, short)).toEqual([])
      expect((await store.listDocuments()).map((m) => m.id)).toEqual([long])
      expect(content(await reload(store, long))).toContain('texto de plan-b')
    })

    test('an update appended while a compaction runs survives it', async () => {
      const storage = await open()
      const session = editor()
      edit(session, 5)
      const late = editor()
      late.paragraph('Llegó durante la compactación.')
      // Another writer appends between the compaction's read and its write.
      const racing: Store = {
        ...storage,
        documents: {
          ...storage.documents,
          compact: async (id, snapshot, throughSeq) => {
            for (const update of late.updates) await storage.documents.append(id, update)
            return storage.documents.compact(id, snapshot, throughSeq)
          }
        }
      }
      const store = new DocumentStore(racing, noCompaction)
      for (const update of session.updates) await store.appendUpdate(ID, update)
      await store.compact(ID)
      expect(await keysOf(storage)).toEqual([['snapshot'], ['update', session.updates.length + 1]])
      const loaded = await reload(new DocumentStore(storage))
      expect(content(loaded)).toContain('Llegó durante la compactación.')
      expect(content(loaded)).toContain('Párrafo 4')
    })
  })
}
