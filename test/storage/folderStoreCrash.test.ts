/**
 * The folder store under SIGKILL: a writer process (folderStoreWriter.ts)
 * writes records, audit entries with their acts, and document updates, and
 * prints each acknowledgement; it is killed at random moments, several
 * times, and started again on the same folder. After each kill, every
 * acknowledged write is there, the audit trail is whole and chained, each act
 * is there with its entry, and no update is torn. The seed is printed;
 * `CRASH_SEED=<seed>` replays the same kill moments.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import * as prng from 'lib0/prng'
import { expect, onTestFinished, test } from 'vitest'
import { AUDIT_GENESIS, FolderStore } from '../../storage'
import { ROOT } from '../support'
import { readAll } from './Store.contract'

const KILLS = 6

/** Runs a writer on `dir` until `ms` after it is ready, SIGKILLs it; resolves with the lines it printed. */
async function runAndKill(dir: string, writer: string, ms: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/storage/folderStoreWriter.ts', dir, writer], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const started = Date.now()
  while (!out.includes('READY\n')) {
    if (child.exitCode !== null || Date.now() - started > 20_000) throw new Error(`The writer did not start: ${err}`)
    await sleep(10)
  }
  await sleep(ms)
  child.kill('SIGKILL')
  await exited
  if (err.trim() !== '') throw new Error(`The writer failed: ${err}`)
  // A line cut by the kill was not acknowledged as a whole: only whole lines count.
  return out.split('\n').slice(0, -1).filter((line) => line !== 'READY')
}

test('Every write a killed writer had acknowledged is there after each restart, the audit trail whole and chained', async () => {
  const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
  console.log(`folder store crash test seed: ${seed} (CRASH_SEED=${seed} replays it)`)
  const random = prng.create(seed)
  const root = await mkdtemp(join(tmpdir(), 'consenso-folder-crash-'))
  onTestFinished(() => rm(root, { recursive: true, force: true }))
  const dir = join(root, 'store')

  const acknowledged = { records: new Map<string, { scope: string; n: number }>(), audit: new Map<number, { hash: string; id: string }>(), updates: new Map<string, { doc: string; seq: number }>() }
  let totals = { records: 0, audit: 0, updates: 0 }
  for (let run = 0; run < KILLS; run++) {
    const lines = await runAndKill(dir, `w${run}`, prng.int32(random, 150, 900))
    for (const line of lines) {
      const [type, a, b, c] = line.split(' ') as [string, string, string, string]
      if (type === 'R') acknowledged.records.set(b, { scope: a, n: Number(c) })
      else if (type === 'A') acknowledged.audit.set(Number(a), { hash: b, id: c })
      else if (type === 'U') acknowledged.updates.set(c, { doc: a, seq: Number(b) })
    }

    const store = await FolderStore.open(dir)
    try {
      for (const [id, { scope, n }] of acknowledged.records) expect(await store.records.get({ kind: 'comment', scope }, id), `comment ${id}`).toMatchObject({ n })

      const entries = await readAll(store)
      const head = await store.audit.head()
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: head.seq }, (_, i) => i + 1))
      let previous = AUDIT_GENESIS
      for (const entry of entries) {
        expect(createHash('sha256').update(previous).update(entry.json).digest('hex'), `the hash of entry ${entry.seq}`).toBe(entry.hash)
        previous = entry.hash
        // An entry is never there without its act, nor an act without its entry.
        const { id } = JSON.parse(entry.json) as { id: string }
        expect(await store.records.get({ kind: 'act' }, id), `the act of entry ${entry.seq}`).toEqual({ seq: entry.seq })
      }
      expect((await store.records.list({ kind: 'act' })).records).toHaveLength(entries.length)
      for (const [seq, { hash }] of acknowledged.audit) expect(entries[seq - 1]?.hash, `audit entry ${seq}`).toBe(hash)

      for (const doc of ['alfa', 'beta']) {
        const history = await store.documents.load(doc)
        const held = history.snapshot === undefined ? 0 : Number(new TextDecoder().decode(history.snapshot).replace('through ', ''))
        expect(held).toBe(history.snapshotSeq)
        const bySeq = new Map(history.updates.map((u) => [u.seq, new TextDecoder().decode(u.update)]))
        for (const [tag, ack] of acknowledged.updates) {
          if (ack.doc !== doc || ack.seq <= history.snapshotSeq) continue
          const n = Number(tag.split('-')[1])
          expect(bySeq.get(ack.seq), `update ${tag}`).toBe(tag.repeat(1 + (n % 50)))
        }
        const seqs = history.updates.map((u) => u.seq)
        expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y))
      }
      totals = { records: acknowledged.records.size, audit: acknowledged.audit.size, updates: acknowledged.updates.size }
    } finally {
      await store.close()
    }
  }
  console.log(`acknowledged and found after ${KILLS} kills:`, totals)
  expect(totals.audit).toBeGreaterThan(KILLS)
  expect(totals.updates).toBeGreaterThan(KILLS)
}, 180_000)
