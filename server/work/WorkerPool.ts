import { Worker } from 'node:worker_threads'
import type { WorkConfig } from '../config'
import { ImportError, type ImportFailure } from '../exchange/ImportError'
import type { Logger } from '../Logger'
import { defaultDiffBudget, type DiffBudget, type DocumentDiff } from '../../src'
import { ok, refuse, type Outcome, type Refusal } from '../Outcome'
import type { JobInput, JobKind, JobOutput } from './jobs'

/** A job as sent to a worker thread. */
export interface JobRequest {
  readonly id: number
  readonly kind: JobKind
  readonly input: unknown
}

/** A worker's answer: ready to work, or a job's output or error. */
export type JobReply =
  | { readonly ready: true }
  | { readonly id: number; readonly ok: unknown }
  | { readonly id: number; readonly error: { readonly message: string; readonly importFailure?: ImportFailure } }

/**
 * Why the pool did not run a job: `rate`, the account asked for more work
 * than its rate allows; `busy`, the queue is full; `timeout`, the job ran
 * longer than its time budget and its worker was stopped. The message says
 * so in words for the client; `retryAfterSeconds` when trying later helps.
 */
export interface WorkRefused {
  readonly refused: 'rate' | 'busy' | 'timeout'
  readonly message: string
  readonly retryAfterSeconds?: number
}

interface Pending {
  readonly request: JobRequest
  readonly resolve: (answer: { ok: unknown } | WorkRefused) => void
  readonly reject: (err: Error) => void
  timer?: ReturnType<typeof setTimeout>
}

/**
 * A pool of worker threads (node:worker_threads) for the work that would
 * otherwise hold the server's one event loop: imports, comparisons and Word
 * exports (see `Jobs`). Each job has a time budget: a worker that runs over
 * it is terminated (and replaced when next needed), and the job answered
 * `timeout`. Jobs wait in a bounded queue (`busy` beyond it), and each
 * account has a rate of jobs (`rate` beyond it), so that no one person, and
 * no crowd, can fill the pool for everyone else. Workers start on first use
 * and stay until {@link close}.
 */
export class WorkerPool {
  private readonly workers = new Set<Worker>()
  private readonly idle: Worker[] = []
  private readonly running = new Map<Worker, Pending>()
  private readonly queue: Pending[] = []
  // Job tokens of each account: a bucket refilled at the account's rate.
  private readonly tokens = new Map<string, { tokens: number; at: number }>()
  private nextId = 1
  private answeredJobs = 0
  private closed = false

  constructor(
    private readonly config: WorkConfig,
    private readonly logger: Logger,
    private readonly clock: () => number = () => performance.now()
  ) {
    if (!(config.workers >= 1) || !(config.maxQueued >= 0) || !(config.jobTimeoutMs > 0))
      throw new RangeError(`a worker pool needs at least one worker, a queue and a time budget, got ${JSON.stringify(config)}`)
  }

  /**
   * Runs a job of `kind` for `account` in a worker thread: its output, or why
   * it was not run. Rejects with the job's own error (an `ImportError` as such).
   */
  async run<K extends JobKind>(account: string, kind: K, input: JobInput<K>, options: { readonly admitted?: boolean } = {}): Promise<{ ok: JobOutput<K> } | WorkRefused> {
    if (this.closed) return { refused: 'busy', message: 'the server is shutting down', retryAfterSeconds: 5 }
    if (!options.admitted) {
      const refused = this.admit(account)
      if (refused) return refused
    }
    // Full when every worker there may be is taken and `maxQueued` jobs wait already.
    const freeWorker = this.idle.length > 0 || this.workers.size < this.config.workers
    if (!freeWorker && this.queue.length >= this.config.maxQueued) {
      if (!options.admitted) this.refund(account)
      return { refused: 'busy', message: 'the server is busy with other imports, comparisons or exports: try again shortly', retryAfterSeconds: Math.ceil(this.config.jobTimeoutMs / 1000) }
    }
    const answer = await new Promise<{ ok: unknown } | WorkRefused>((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, kind, input }, resolve, reject })
      this.pump()
    })
    return answer as { ok: JobOutput<K> } | WorkRefused
  }

  /**
   * Spends one of `account`'s jobs: undefined, or the `rate` refusal. For
   * requests that may be answered without a job (a comparison kept in
   * memory) but must count against the rate all the same, lest a cheap
   * answer be asked for without end; such a request then runs its job, if
   * any, with `admitted`.
   */
  admit(account: string): WorkRefused | undefined {
    const wait = this.take(account)
    if (wait <= 0) return undefined
    const { jobsPerMinute } = this.config.perAccount
    return { refused: 'rate', message: `too many imports, comparisons or exports from this account: at most ${jobsPerMinute} a minute`, retryAfterSeconds: Math.ceil(wait / 1000) }
  }

  /** How many jobs wait for a worker. */
  get queued(): number {
    return this.queue.length
  }

  /** How many jobs workers have answered since the pool started (for tests and benchmarks). */
  get answered(): number {
    return this.answeredJobs
  }

  /** Stops every worker; jobs not yet answered are refused as `busy`. */
  async close(): Promise<void> {
    this.closed = true
    for (const pending of [...this.queue.splice(0), ...this.running.values()]) {
      clearTimeout(pending.timer)
      pending.resolve({ refused: 'busy', message: 'the server is shutting down', retryAfterSeconds: 5 })
    }
    this.running.clear()
    const workers = [...this.workers]
    this.workers.clear()
    this.idle.length = 0
    await Promise.all(workers.map((w) => w.terminate()))
  }

  // Takes one job token of `account`; answers 0, or the ms until one is there.
  private take(account: string): number {
    const { jobsPerMinute, burst } = this.config.perAccount
    const now = this.clock()
    const bucket = this.tokens.get(account) ?? { tokens: burst, at: now }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * jobsPerMinute) / 60_000)
    bucket.at = now
    this.tokens.set(account, bucket)
    if (bucket.tokens < 1) return ((1 - bucket.tokens) * 60_000) / jobsPerMinute
    bucket.tokens -= 1
    return 0
  }

  private refund(account: string): void {
    const bucket = this.tokens.get(account)
    if (bucket) bucket.tokens = Math.min(this.config.perAccount.burst, bucket.tokens + 1)
  }

  // Hands queued jobs to idle workers, starting workers up to the pool's size.
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const worker = this.idle.pop()
      if (!worker) {
        if (this.workers.size < this.config.workers) this.spawn()
        return
      }
      this.start(worker, this.queue.shift() as Pending)
    }
  }

  private start(worker: Worker, pending: Pending): void {
    this.running.set(worker, pending)
    // The budget counts from when a worker takes the job, not from the queue.
    pending.timer = setTimeout(() => {
      this.logger.info('stopping a job over its time budget', { kind: pending.request.kind, budgetMs: this.config.jobTimeoutMs })
      this.running.delete(worker)
      this.retire(worker)
      pending.resolve({ refused: 'timeout', message: `the work took longer than its budget of ${this.config.jobTimeoutMs / 1000} s` })
      this.pump()
    }, this.config.jobTimeoutMs)
    worker.postMessage(pending.request)
  }

  private spawn(): void {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url))
    // A pool left open must not keep the process alive.
    worker.unref()
    this.workers.add(worker)
    let ready = false
    worker.on('message', (reply: JobReply) => {
      if ('ready' in reply) {
        ready = true
        this.idle.push(worker)
        return this.pump()
      }
      const pending = this.running.get(worker)
      if (!pending || pending.request.id !== reply.id) return
      clearTimeout(pending.timer)
      this.running.delete(worker)
      this.idle.push(worker)
      this.answeredJobs++
      if ('ok' in reply) pending.resolve({ ok: reply.ok })
      else
        pending.reject(reply.error.importFailure ? new ImportError(reply.error.importFailure, reply.error.message) : new Error(reply.error.message))
      this.pump()
    })
    const lost = (err: unknown) => {
      if (!this.workers.has(worker)) return
      this.logger.error('a worker thread stopped', { error: String(err) })
      this.retire(worker)
      const pending = this.running.get(worker)
      this.running.delete(worker)
      if (pending) {
        clearTimeout(pending.timer)
        pending.reject(new Error(`the worker stopped: ${String(err)}`))
      }
      // A worker that could not even start would fail again: the waiting
      // jobs fail now (a 500, logged) rather than wait for ever on restarts.
      if (!ready) {
        for (const waiting of this.queue.splice(0)) waiting.reject(new Error(`no worker thread could start: ${String(err)}`))
        return
      }
      this.pump()
    }
    worker.on('error', lost)
    worker.on('exit', (code) => lost(`exit code ${code}`))
  }

  private retire(worker: Worker): void {
    this.workers.delete(worker)
    const at = this.idle.indexOf(worker)
    if (at >= 0) this.idle.splice(at, 1)
    void worker.terminate()
  }
}

/**
 * A refusal of the pool as the answer of a request: 429 (`rate`) and 503
 * (`busy`) with Retry-After; a job over its time budget answers
 * `timeoutStatus` (413 for an import, whose file is too large to read within
 * it; 422 for a comparison or an export, too costly to make).
 */
export function refusalOf(refused: WorkRefused, timeoutStatus: 413 | 422): { failed: Refusal } {
  if (refused.refused === 'timeout') return refuse(timeoutStatus, refused.message)
  const failed = refuse(refused.refused === 'rate' ? 429 : 503, refused.message)
  return { failed: { ...failed.failed, ...(refused.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: refused.retryAfterSeconds }) } }
}

/** Compares two documents given as ProseMirror JSON: the diff, or why it was not made (see `Versions.compare`). */
export type Differ = (from: unknown, to: unknown) => Promise<Outcome<DocumentDiff>>

/**
 * A {@link Differ} that compares in `pool`'s workers, within `budget`, as
 * work of `account`: a comparison over its time budget answers 422.
 */
export const pooledDiffer =
  (pool: Pick<WorkerPool, 'run'>, account: string, options: { readonly admitted?: boolean; readonly budget?: DiffBudget } = {}): Differ =>
  async (from, to) => {
    const answer = await pool.run(account, 'diff', { from, to, budget: options.budget ?? defaultDiffBudget }, { admitted: options.admitted ?? false })
    return 'refused' in answer ? refusalOf(answer, 422) : ok(answer.ok)
  }
