/**
 * The persistence row: one client typing 100 updates a second into one
 * document for 30 s, with the server's default persistence (debounce and
 * maximum wait). Counts what the storage wrote: bytes, file writes, fsyncs.
 */
import { defaultPersistence } from '../server'
import { folderBytes } from './folderBytes'
import { makeDataDir, removeDataDir, startConsenso, startLoadProcess, stopLoadProcess } from './processes'
import { call } from './rpc'
import { now } from './stats'

export interface PersistenceResult {
  readonly rate: number
  readonly seconds: number
  readonly debounceMs: number
  readonly maxWaitMs: number
  readonly updates: number
  readonly writes: number
  readonly fsyncs: number
  readonly bytes: number
  /**
   * The data at the end: the files of the data folder without backup copies
   * (read from the file system, whatever the store: the lowdb file, or the
   * folder store's files).
   */
  readonly fileBytes: number
  readonly bytesPerSecond: number
  readonly fsyncsPerSecond: number
  /** The bounds the design promises (see README): at most 2 file writes per flush, a flush per maximum wait. */
  readonly maxFsyncsPerSecond: number
  readonly maxBytesPerSecond: number
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

export async function persistenceRow(opts: { rate: number; seconds: number }): Promise<PersistenceResult> {
  const dataDir = await makeDataDir()
  const { debounceMs, maxWaitMs } = defaultPersistence
  try {
    const server = await startConsenso(dataDir)
    const load = await startLoadProcess()
    try {
      const [room] = await server.createDocuments(['Persistencia'], '# Borrador\n\nUn párrafo.\n')
      const token = await server.login('ppt')
      await call(load, 'connect', { specs: [{ serverUrl: server.collabUrl, room, params: { token }, writer: 0 }] })
      // What creating the document and signing in wrote is checkpointed now,
      // not in the background during the typing (the store's idle checkpoint).
      await server.settle()
      await sleep(debounceMs + 500)
      const before = (await server.stats()).storage
      const sent = await call<Record<number, number>>(load, 'write', { startAt: now() + 100, durationMs: opts.seconds * 1000, rate: opts.rate })
      // The last changes are stored once the typing has paused for the debounce.
      await sleep(debounceMs + 1000)
      const after = (await server.stats()).storage
      await call(load, 'disconnect')
      const fileBytes = (await folderBytes(dataDir)).data
      const writes = after.writes - before.writes
      const fsyncs = after.fsyncs - before.fsyncs
      const bytes = after.bytes - before.bytes
      // A flush each maximum wait while typing goes on, and one after it stops;
      // each write at most the whole data (what lowdb rewrote; the folder
      // store appends the update, or rewrites the document's own files).
      const flushes = Math.ceil((opts.seconds * 1000) / maxWaitMs) + 1
      const maxWrites = 2 * flushes
      return {
        rate: opts.rate,
        seconds: opts.seconds,
        debounceMs,
        maxWaitMs,
        updates: sent[0] ?? 0,
        writes,
        fsyncs,
        bytes,
        fileBytes,
        bytesPerSecond: bytes / opts.seconds,
        fsyncsPerSecond: fsyncs / opts.seconds,
        maxFsyncsPerSecond: (2 * maxWrites) / opts.seconds,
        maxBytesPerSecond: (maxWrites * fileBytes) / opts.seconds
      }
    } finally {
      await stopLoadProcess(load)
      await server.stop()
    }
  } finally {
    await removeDataDir(dataDir)
  }
}
