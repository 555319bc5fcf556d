/**
 * The cold-open row: a document whose history is 250,000 single-character
 * edits is stored the way the server stores it, the server is restarted, and
 * the first client (the PPT, a fresh process) syncs. Compared with a bare
 * process that applies the same stored state with `Y.applyUpdate`.
 */
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import * as Y from 'yjs'
import type { DocumentId, Username } from '../src'
import { DocumentStore, openWorkspaceStore } from '../storage'
import { generateHistory } from './history'
import { makeDataDir, removeDataDir, ROOT, startConsenso, startLoadProcess, stopLoadProcess } from './processes'
import type { SyncTimes } from './protocol'
import { call } from './rpc'
import { median } from './stats'

const run = promisify(execFile)

/** The document of the row. */
const DOCUMENT_ID = 'historia-larga' as DocumentId

export interface ColdOpenResult {
  readonly edits: number
  readonly seed: number
  /** Medians over the rounds, ms. */
  readonly syncMs: number
  readonly rawApplyMs: number
  readonly syncRounds: number[]
  readonly rawRounds: number[]
  /** Bytes the store holds for the document (snapshot and updates), and how many updates besides the snapshot. */
  readonly storedBytes: number
  readonly storedUpdates: number
  /** Bytes of `Y.encodeStateAsUpdate` of the same document. */
  readonly encodedBytes: number
  /** Time to generate the history and store it, ms. */
  readonly generateMs: number
  readonly storeMs: number
}

export async function coldOpen(opts: { edits: number; seed: number; rounds: number; log: (line: string) => void }): Promise<ColdOpenResult> {
  const dataDir = await makeDataDir()
  try {
    // A first start creates the workspace (accounts, sessions) the document joins.
    await (await startConsenso(dataDir)).stop()

    let start = performance.now()
    const history = generateHistory(opts.seed, opts.edits)
    const generateMs = performance.now() - start
    opts.log(`  generated ${history.edits} edits in ${Math.round(generateMs)} ms (${history.flushes.length} flushes)`)

    start = performance.now()
    const { store: workspaceStore } = await openWorkspaceStore(dataDir)
    const store = new DocumentStore(workspaceStore)
    await store.saveMeta({ id: DOCUMENT_ID, title: 'Historia larga', createdAt: new Date(0).toISOString(), createdBy: 'ppt' as Username })
    for (const update of history.flushes) await store.appendUpdate(DOCUMENT_ID, update)
    const stored = await workspaceStore.documents.load(DOCUMENT_ID)
    const chunks = [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates.map((u) => u.update)]
    const state = await store.loadState(DOCUMENT_ID)
    await workspaceStore.close()
    const storeMs = performance.now() - start
    const stateFile = join(dataDir, 'stored-state.bin')
    await writeFile(stateFile, state)
    const storedBytes = chunks.reduce((sum, c) => sum + c.byteLength, 0)
    const encodedBytes = Y.encodeStateAsUpdate(history.doc).byteLength
    history.doc.destroy()
    opts.log(`  stored in ${Math.round(storeMs)} ms: ${storedBytes} bytes in ${chunks.length} chunks`)

    const syncRounds: number[] = []
    const rawRounds: number[] = []
    for (let round = 0; round < opts.rounds; round++) {
      const server = await startConsenso(dataDir)
      const token = await server.login('ppt')
      const client = await startLoadProcess()
      try {
        syncRounds.push(
          (await call<SyncTimes>(client, 'timeSync', { spec: { serverUrl: server.collabUrl, room: DOCUMENT_ID, params: { token }, writer: null } })).syncMs
        )
      } finally {
        await stopLoadProcess(client)
        await server.stop()
      }
      const { stdout } = await run(process.execPath, [join(ROOT, 'bench/rawApply.mjs'), stateFile], { cwd: ROOT })
      rawRounds.push((JSON.parse(stdout) as { applyMs: number }).applyMs)
      opts.log(`  round ${round + 1}: synced in ${syncRounds.at(-1)?.toFixed(0)} ms; raw apply ${rawRounds.at(-1)?.toFixed(0)} ms`)
    }
    return {
      edits: history.edits,
      seed: opts.seed,
      syncMs: median(syncRounds),
      rawApplyMs: median(rawRounds),
      syncRounds,
      rawRounds,
      storedBytes,
      storedUpdates: stored.updates.length,
      encodedBytes,
      generateMs,
      storeMs
    }
  } finally {
    await removeDataDir(dataDir)
  }
}
