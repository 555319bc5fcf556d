/**
 * The real-trace row (issue 12): the automerge-paper editing trace (259,778
 * single-character inserts and deletes, see bench/traces/README.md) replayed
 * through a stock y-websocket client into a document of a Consenso server
 * process, then:
 *
 * - size: what the data folder grew by while the trace was typed and stored
 *   (read from the file system, backup copies not counted: see
 *   folderBytes.ts), against the Yjs update of the same document
 *   (`Y.encodeStateAsUpdate` of the writing client's final state);
 * - cold open: the server restarted, the time until a first client (a fresh
 *   process) has the server's answer with the whole state (the server's
 *   open: connecting, the session, reading the store, answering), against
 *   a bare process applying the same update with `Y.applyUpdate`
 *   (bench/rawApply.mjs). Reported beside it: the time until that stock
 *   client is synced (its own apply, and the encoding its `update` listener
 *   makes Yjs do, added: client work the store cannot change), and the
 *   server's own start (fork to listening).
 *
 * The document is made by an HTTP import, and its reader and writer sign in,
 * before the folder is first measured: the growth is the trace's alone.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { folderBytes } from './folderBytes'
import { importMarkdown } from './httpApi'
import { makeDataDir, removeDataDir, ROOT, startConsenso, startLoadProcess, stopLoadProcess } from './processes'
import type { SyncTimes } from './protocol'
import { call } from './rpc'
import { median } from './stats'

const run = promisify(execFile)

/** The trace the row replays. */
export const TRACE_FILE = join(ROOT, 'bench/traces/automerge-paper.json.gz')

export interface TraceResult {
  readonly trace: string
  readonly edits: number
  readonly characters: number
  readonly messages: number
  /** From the first edit sent until the reading client held the whole text, ms. */
  readonly replayMs: number
  /** Growth of the data folder, without and with backup copies. */
  readonly storedBytes: number
  readonly storedBytesWithBackups: number
  readonly updateBytes: number
  readonly sizeRatio: number
  /** Medians over the rounds, ms. */
  readonly stateMs: number
  readonly syncMs: number
  readonly rawApplyMs: number
  readonly serverStartMs: number
  /** The server's cold open against the bare apply: the row's target. */
  readonly timeRatio: number
  /** The stock client synced, against the bare apply. */
  readonly syncRatio: number
  readonly rounds: { stateMs: number; syncMs: number; rawApplyMs: number; serverStartMs: number }[]
}

export async function traceRow(opts: { rounds: number; editsPerMessage: number; messagesPerSecond: number; log: (line: string) => void }): Promise<TraceResult> {
  const dataDir = await makeDataDir()
  const stateFile = join(dataDir, '..', `${dataDir.split('/').at(-1)}-trace-state.bin`)
  try {
    let server = await startConsenso(dataDir)
    const [writerToken, readerToken] = await Promise.all([server.login('ppt'), server.login('se')])
    const { id } = await importMarkdown(server.httpUrl, writerToken, 'Traza de edición', '# Traza de edición\n\nEl texto del artículo se escribe en el texto compartido «trace».\n')
    await server.stop()
    const before = await folderBytes(dataDir)

    server = await startConsenso(dataDir)
    const load = await startLoadProcess()
    let replayed: { edits: number; messages: number; receivedMs: number; updateBytes: number; characters: number }
    try {
      replayed = await call(load, 'replayTrace', {
        writer: { serverUrl: server.collabUrl, room: id, params: { token: writerToken }, writer: 0 },
        reader: { serverUrl: server.collabUrl, room: id, params: { token: readerToken }, writer: null },
        traceFile: TRACE_FILE,
        stateFile,
        editsPerMessage: opts.editsPerMessage,
        messagesPerSecond: opts.messagesPerSecond
      })
      await call(load, 'disconnect')
    } finally {
      await stopLoadProcess(load)
      // Stopping stores whatever is pending.
      await server.stop()
    }
    const after = await folderBytes(dataDir)
    const storedBytes = after.data - before.data
    opts.log(
      `  replayed ${replayed.edits.toLocaleString('en')} edits in ${replayed.messages} messages in ${(replayed.receivedMs / 1000).toFixed(1)} s; ` +
        `stored ${kib(storedBytes)} KiB (${kib(after.total - before.total)} KiB with backups) against a ${kib(replayed.updateBytes)} KiB Yjs update`
    )

    const rounds: TraceResult['rounds'] = []
    for (let r = 0; r < opts.rounds; r++) {
      const started = performance.now()
      const restarted = await startConsenso(dataDir)
      const serverStartMs = performance.now() - started
      const client = await startLoadProcess()
      let times: SyncTimes
      try {
        times = await call<SyncTimes>(client, 'timeSync', { spec: { serverUrl: restarted.collabUrl, room: id, params: { token: readerToken }, writer: null } })
      } finally {
        await stopLoadProcess(client)
        await restarted.stop()
      }
      const { stdout } = await run(process.execPath, [join(ROOT, 'bench/rawApply.mjs'), stateFile], { cwd: ROOT })
      const rawApplyMs = (JSON.parse(stdout) as { applyMs: number }).applyMs
      rounds.push({ ...times, rawApplyMs, serverStartMs })
      opts.log(
        `  round ${r + 1}: server started in ${serverStartMs.toFixed(0)} ms; first client had the state in ${times.stateMs.toFixed(0)} ms, ` +
          `synced in ${times.syncMs.toFixed(0)} ms; raw apply ${rawApplyMs.toFixed(0)} ms`
      )
    }
    const stateMs = median(rounds.map((r) => r.stateMs))
    const syncMs = median(rounds.map((r) => r.syncMs))
    const rawApplyMs = median(rounds.map((r) => r.rawApplyMs))
    return {
      trace: 'automerge-paper',
      edits: replayed.edits,
      characters: replayed.characters,
      messages: replayed.messages,
      replayMs: replayed.receivedMs,
      storedBytes,
      storedBytesWithBackups: after.total - before.total,
      updateBytes: replayed.updateBytes,
      sizeRatio: storedBytes / replayed.updateBytes,
      stateMs,
      syncMs,
      rawApplyMs,
      serverStartMs: median(rounds.map((r) => r.serverStartMs)),
      timeRatio: stateMs / rawApplyMs,
      syncRatio: syncMs / rawApplyMs,
      rounds
    }
  } finally {
    await removeDataDir(dataDir)
    await removeDataDir(stateFile)
  }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(0)
