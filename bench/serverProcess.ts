/**
 * The Consenso server as the benchmark runs it: its own process (forked by
 * the benchmark with tsx and `--expose-gc`), `startServer` on 127.0.0.1, a
 * free port, the data folder and persistence timings from the environment.
 * Announces `{ type: 'listening', port }` over IPC, then answers calls for
 * documents, memory and the storage's write counts.
 *
 * Environment: BENCH_DATA_DIR (required), BENCH_DEBOUNCE_MS, BENCH_MAX_WAIT_MS;
 * BENCH_DATABASE_URL and BENCH_REDIS_URL for the scale-out rows (the workspace
 * in PostgreSQL, live traffic over Redis, as `DATABASE_URL` and `REDIS_URL`
 * set them for `npm start`).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseMarkdown, type DocumentId } from '../src'
import { defaultPersistence, defaultWork, startServer, type Logger } from '../server'
import { AdapterStore, FolderStore, LowdbStorageAdapter, PostgresStore, type WriteStats } from '../storage'
import { BENCH_PASSWORD, type ServerStats } from './protocol'
import { serve } from './rpc'

const unlimited = { messagesPerSecond: 1e9, messageBurst: 1e9, bytesPerSecond: 1e12, byteBurst: 1e12 }
const unlimitedAccountBudget = { updates: unlimited, awareness: unlimited }

// Errors are worth seeing; the info lines of every connection are not.
const errorLogger: Logger = { info: () => {}, error: (message, context) => console.error(`[consenso] ${message}`, context ?? '') }

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATA_DIR
  if (!dataDir) throw new RangeError('BENCH_DATA_DIR must name the data folder')
  const persistence = {
    debounceMs: Number(process.env.BENCH_DEBOUNCE_MS ?? defaultPersistence.debounceMs),
    maxWaitMs: Number(process.env.BENCH_MAX_WAIT_MS ?? defaultPersistence.maxWaitMs)
  }
  const running = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      demoPassword: BENCH_PASSWORD,
      persistence,
      databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
      redisUrl: process.env.BENCH_REDIS_URL || undefined,
      // One prefix per database: a shared REDIS_URL must not mix the runs' channels.
      ...(process.env.BENCH_DATABASE_URL ? { redisPrefix: `bench-${new URL(process.env.BENCH_DATABASE_URL).pathname.slice(1)}` } : {}),
      // The benchmark's clients all come from this machine and share a few
      // accounts (every writer is the PPT or the Secretariat): limits meant
      // for one person would refuse them, so they are lifted unless
      // BENCH_REAL_LIMITS=1 (the `loop` row's attacks meet the real ones).
      // The `import` row's 3 MB draft has 13,251 paragraphs and may take more
      // than 10 s on a loaded machine: over issue 14's import limits, lifted too.
      ...(process.env.BENCH_REAL_LIMITS === '1'
        ? {}
        : {
            connectionLimits: { perAccount: 100_000, perAddress: 100_000 },
            accountBudget: unlimitedAccountBudget,
            work: { ...defaultWork, maxImportBlocks: 100_000, jobTimeoutMs: 120_000, perAccount: { jobsPerMinute: 1e6, burst: 1e6 } }
          })
    },
    { logger: errorLogger }
  )
  const { workspace } = running
  // The write counts of the store's files: the folder store's own, or the lowdb file's under an AdapterStore.
  const writeStats = (): WriteStats => {
    const store = workspace.store
    if (store instanceof FolderStore) return store.stats
    if (store instanceof AdapterStore && store.adapter instanceof LowdbStorageAdapter) return { ...store.adapter.stats }
    // PostgreSQL's writes are read from the database itself (the writeCost row, pg_stat_database and the WAL position).
    if (store instanceof PostgresStore) return { writes: 0, fsyncs: 0, bytes: 0 }
    throw new RangeError('The server stores in neither a FolderStore nor a lowdb file: no write counts to read')
  }
  const gc = (globalThis as { gc?: () => void }).gc
  // The documents made through createDocuments, still stored.
  const created = new Set<DocumentId>()
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  loopDelay.enable()

  serve({
    /** Creates documents from Markdown as the PPT; answers their ids. */
    createDocuments: async ({ titles, markdown }: { titles: string[]; markdown: string }) => {
      const ppt = await workspace.accounts.get('ppt')
      if (!ppt) throw new RangeError('no ppt account in the workspace')
      const ids: string[] = []
      for (const title of titles) {
        const made = await workspace.createDocument(ppt, title, parseMarkdown(markdown), { file: 'benchmark.md', format: 'markdown' })
        if ('failed' in made) throw new Error(made.failed.message)
        ids.push(made.ok.id)
        created.add(made.ok.id)
      }
      return ids
    },
    /** Removes documents made by createDocuments (none may be open). */
    removeDocuments: async ({ ids }: { ids: string[] }) => {
      for (const id of ids) {
        if (!created.delete(id as DocumentId)) throw new RangeError(`${id} was not made by createDocuments`)
        await workspace.documents.removeDocument(id as DocumentId)
      }
    },
    /** Memory (after a full collection when `gc` is set), CPU and storage writes. */
    stats: ({ collect }: { collect?: boolean } = {}): ServerStats => {
      if (collect && gc) {
        gc()
        gc()
      }
      const memory = process.memoryUsage()
      const cpu = process.cpuUsage()
      const loadedDocuments = [...created].filter((id) => workspace.collaboration.loadedDocument(id)).length
      return {
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        external: memory.external,
        arrayBuffers: memory.arrayBuffers,
        cpuMs: (cpu.user + cpu.system) / 1000,
        storage: writeStats(),
        loopDelayMaxMs: loopDelay.max / 1e6,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loadedDocuments
      }
    },
    /** Starts measuring the event loop's delays afresh. */
    resetLoopDelay: () => loopDelay.reset(),
    /** Stores every pending change now. */
    flush: () => workspace.collaboration.flushAll(),
    /** Stores every pending change, then checkpoints a folder store (its journal applied to its files). */
    settle: async () => {
      await workspace.collaboration.flushAll()
      if (workspace.store instanceof FolderStore) await workspace.store.checkpoint()
    },
    /** Stops the server (storing everything) and ends the process. */
    close: async () => {
      await running.close()
      setImmediate(() => process.exit(0))
    }
  })
  process.send?.({ type: 'listening', port: running.port })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
