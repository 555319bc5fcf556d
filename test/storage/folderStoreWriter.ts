/**
 * The writer the folder store's crash test kills: `node --import tsx
 * test/storage/folderStoreWriter.ts <store folder> <writer id>` opens a
 * FolderStore and writes records, audit entries with their acts, and
 * document updates, as fast as it can, forever. It prints one line per write
 * once the store acknowledged it (the promise resolved), which is all the
 * test may expect to find after a SIGKILL:
 *   `R <scope> <id> <n>` a record write, `A <seq> <hash> <id>` an audit entry
 *   with the record `act/<id>` it was written with, `U <doc> <seq> <tag>` an update.
 * Small journal and idle thresholds make checkpoints run all the time, so the
 * kills also land inside them.
 */
import { createHash } from 'node:crypto'
import { FolderStore, type AuditHead } from '../../storage'

const [dir, writer] = process.argv.slice(2) as [string, string]
const store = await FolderStore.open(dir, { journalBytes: 16 * 1024, idleMs: 20 })
const print = (line: string) => process.stdout.write(`${line}\n`)
print('READY')

async function records(): Promise<void> {
  for (let n = 0; ; n++) {
    const scope = `doc${n % 3}`
    const id = `${writer}-${n}`
    await store.records.write([
      { kind: 'comment', scope, id, value: { n, body: `Comentario ${n} `.repeat(1 + (n % 40)) } },
      { kind: 'document', id: scope, value: { last: id } }
    ])
    print(`R ${scope} ${id} ${n}`)
  }
}

async function audit(): Promise<void> {
  let head: AuditHead = await store.audit.head()
  for (let n = 0; ; n++) {
    const seq = head.seq + 1
    const id = `${writer}-${n}`
    const json = JSON.stringify({ seq, action: 'act', id })
    const hash = createHash('sha256').update(head.hash).update(json).digest('hex')
    await store.audit.append(head, { seq, hash, json }, [{ kind: 'act', id, value: { seq } }])
    head = { seq, hash }
    print(`A ${seq} ${hash} ${id}`)
  }
}

async function updates(doc: string): Promise<void> {
  for (let n = 0; ; n++) {
    const tag = `${writer}-${n}`
    const seq = await store.documents.append(doc, new TextEncoder().encode(tag.repeat(1 + (n % 50))))
    print(`U ${doc} ${seq} ${tag}`)
    if (n % 25 === 24) {
      const { updates } = await store.documents.load(doc)
      const through = updates.at(-3)?.seq
      // A stand-in snapshot that names what it holds, so the test can check the compaction kept the rest.
      if (through !== undefined) await store.documents.compact(doc, new TextEncoder().encode(`through ${through}`), through)
    }
  }
}

await Promise.all([records(), audit(), updates('alfa'), updates('beta'), updates('alfa')])
