/**
 * Workspaces of a given size for the rows of issue 12, seeded ONLY through
 * the server's public services: a real server is started in this process
 * with `startServer` over the folder, and documents are imported, versions
 * published, comments made and audit entries recorded through
 * `running.workspace`, then the server is closed. So the seeded folder is in
 * whatever layout the store of the day writes, and this is the one module
 * that calls Workspace services (the place to adapt if they change).
 *
 * A seeded folder is made once per size in a run and copied for each use
 * (rows change what they use), under a temporary folder removed at the end.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseMarkdown, type Account, type CountryCode, type DocumentId, type IsoDate } from '../src'
import { silentLogger, startServer, type RunningServer } from '../server'
import { folderBytes } from './folderBytes'
import { BENCH_PASSWORD } from './protocol'
import { annexQuote, spanishMarkdown, STRATEGY_QUOTE, strategyMarkdown } from './spanishMarkdown'

const MB = 1024 * 1024

/** Audit entries of a 100 MB workspace (the "year of negotiations"); smaller workspaces get their share. */
const AUDIT_ENTRIES_PER_100_MB = 100_000
/** Markdown bytes of each other document: a long draft, as negotiated texts are. */
const FILLER_MARKDOWN_BYTES = 1 * MB
/**
 * About what today's store keeps per byte of imported Markdown (the document,
 * its version, its comments): the last document is made smaller by this
 * much so that a workspace ends near its size, whatever the store. A guess
 * that only steers the last step: the folder's size decides when to stop.
 */
const STORED_PER_MARKDOWN_BYTE = 3.5
const SMALLEST_FILLER_BYTES = 64 * 1024
/** Comments made on each other document. */
const FILLER_COMMENTS = 5
/** Audit entries recorded at once: the store may gather them into one write. */
const AUDIT_BATCH = 5_000

/** A seeded data folder and what it holds. */
export interface SeededWorkspace {
  readonly dir: string
  /** The size asked for, in MiB (0: the demo and the sweep document only). */
  readonly targetMb: number
  /** Bytes on disk once seeded (see {@link folderBytes}): data, and total with backups. */
  readonly dataBytes: number
  readonly totalBytes: number
  /** The document the sweep comments on and edits, with a comment period open for delegates. */
  readonly sweepDocument: DocumentId
  /** A passage of the sweep document that a comment can quote. */
  readonly sweepQuote: string
  /** What was added besides the demo and the sweep document. */
  readonly documents: number
  readonly versions: number
  readonly comments: number
  readonly auditEntries: number
  readonly seedMs: number
}

/** Delegates of the demo workspace, one per country, who take turns commenting. */
export const DELEGATES: readonly string[] = ['bz', 'ca', 'cr', 'sv', 'us', 'gt', 'hn', 'mx', 'ni', 'pa', 'do']

/** The seeded folders of one run, by size; {@link close} removes them. */
export class SeededWorkspaces {
  private readonly seeded = new Map<number, Promise<SeededWorkspace>>()
  private root: Promise<string> | undefined

  constructor(private readonly log: (line: string) => void) {}

  /** The folder of `targetMb` MiB, seeded on first call (do not change it: take a {@link copy}). */
  workspace(targetMb: number): Promise<SeededWorkspace> {
    let made = this.seeded.get(targetMb)
    if (!made) {
      made = (async () => {
        const dir = await mkdtemp(join(await this.rootDir(), `${targetMb}mb-`))
        return seedWorkspace(dir, targetMb, this.log)
      })()
      this.seeded.set(targetMb, made)
    }
    return made
  }

  /** A fresh copy of the folder of `targetMb` MiB, for one use; the caller removes it. */
  async copy(targetMb: number): Promise<SeededWorkspace> {
    const source = await this.workspace(targetMb)
    const dir = await mkdtemp(join(tmpdir(), `consenso-bench-${targetMb}mb-`))
    await cp(source.dir, dir, { recursive: true })
    return { ...source, dir }
  }

  /** Removes every seeded folder. */
  async close(): Promise<void> {
    const root = await this.root
    if (root) await rm(root, { recursive: true, force: true })
  }

  private rootDir(): Promise<string> {
    return (this.root ??= mkdtemp(join(tmpdir(), 'consenso-bench-seeds-')))
  }
}

/**
 * Seeds `dir` (empty) up to `targetMb` MiB of data: the demo, the sweep
 * document with an open comment period, then `targetMb`% of 100,000 audit
 * entries (logins of the delegations), then other documents of about 1 MB of
 * Markdown each, with a published version and a few comments, until the
 * folder holds `targetMb` MiB.
 */
export async function seedWorkspace(dir: string, targetMb: number, log: (line: string) => void): Promise<SeededWorkspace> {
  const started = performance.now()
  const running = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir, demoPassword: BENCH_PASSWORD }, { logger: silentLogger })
  try {
    const { workspace } = running
    const ppt = await accountOf(running, 'ppt')
    const sweep = must('import the sweep document', await workspace.createDocument(ppt, 'Barrido de comentarios', parseMarkdown(await strategyMarkdown()), source))
    // Open from yesterday for 60 business days: delegates may comment whatever the hour and the time zone.
    const start = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) as IsoDate
    must('open the sweep period', await workspace.periods.open(ppt, sweep.id, start, { businessDays: 60 }))

    const targetBytes = targetMb * MB
    const auditEntries = Math.round((AUDIT_ENTRIES_PER_100_MB * targetMb) / 100)
    const delegates = await Promise.all(DELEGATES.map((username) => accountOf(running, username)))
    for (let done = 0; done < auditEntries; ) {
      const batch = Math.min(AUDIT_BATCH, auditEntries - done)
      await Promise.all(
        Array.from({ length: batch }, (_, i) => {
          const delegate = delegates[(done + i) % delegates.length] as Account
          return workspace.audit.record({ action: 'login', actor: { username: delegate.username, role: delegate.role, country: delegate.country }, address: `10.0.${(done + i) % 250}.${(done + i) % 199}` })
        })
      )
      done += batch
    }
    if (auditEntries > 0) log(`  seeding ${targetMb} MB: ${auditEntries.toLocaleString('en')} audit entries, ${mb((await folderBytes(dir)).data)} MB`)

    let documents = 0
    let comments = 0
    // What the folder holds once settled: a store that journals first (the
    // folder store) counts an act twice until its next checkpoint.
    const settledBytes = async () => {
      await (workspace.store as { checkpoint?: () => Promise<void> }).checkpoint?.()
      return (await folderBytes(dir)).data
    }
    for (let bytes = await settledBytes(); bytes < targetBytes; bytes = await settledBytes()) {
      documents++
      const size = Math.max(SMALLEST_FILLER_BYTES, Math.min(FILLER_MARKDOWN_BYTES, (targetBytes - bytes) / STORED_PER_MARKDOWN_BYTE))
      const markdown = await spanishMarkdown(`Documento de trabajo ${documents}`, size, 1000 + documents)
      const made = must(`import document ${documents}`, await workspace.createDocument(ppt, `Documento de trabajo ${documents}`, parseMarkdown(markdown), source))
      must(`publish a version of document ${documents}`, await workspace.versions.publish(ppt, made.id, 'Borrador de trabajo'))
      for (let c = 0; c < FILLER_COMMENTS; c++) {
        const delegate = delegates[(documents + c) % delegates.length] as Account
        must(
          `comment on document ${documents}`,
          await workspace.comments.create(ppt, made.id, {
            body: `Observación ${c + 1} de la delegación de ${delegate.country as CountryCode} sobre el primer anexo.`,
            anchor: { type: 'TextQuoteSelector', exact: annexQuote(1) }
          })
        )
        comments++
      }
    }
    if (documents > 0) log(`  seeding ${targetMb} MB: ${documents} documents of up to ${mb(FILLER_MARKDOWN_BYTES)} MB of Markdown, each with a version and ${FILLER_COMMENTS} comments`)
    await running.close()
    const bytes = await folderBytes(dir)
    const seedMs = performance.now() - started
    log(`  seeded ${targetMb} MB workspace: ${mb(bytes.data)} MB of data (${mb(bytes.total)} MB with backups) in ${(seedMs / 1000).toFixed(0)} s`)
    return {
      dir,
      targetMb,
      dataBytes: bytes.data,
      totalBytes: bytes.total,
      sweepDocument: sweep.id,
      sweepQuote: STRATEGY_QUOTE,
      documents,
      versions: documents,
      comments,
      auditEntries,
      seedMs
    }
  } finally {
    await running.close()
  }
}

const source = { file: 'benchmark.md', format: 'markdown' } as const

const mb = (bytes: number) => (bytes / MB).toFixed(1)

async function accountOf(running: RunningServer, username: string): Promise<Account> {
  const account = await running.workspace.accounts.get(username)
  if (!account) throw new RangeError(`no ${username} account in the workspace`)
  return account
}

function must<T>(what: string, outcome: { ok: T } | { failed: { message: string } }): T {
  if ('failed' in outcome) throw new Error(`seeding: ${what}: ${outcome.failed.message}`)
  return outcome.ok
}
