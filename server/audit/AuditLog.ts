import { createHash } from 'node:crypto'
import { z } from 'zod'
import { isCountryCode, isRole, type Account, type CountryCode, type Role } from '../../src'
import { RecordStore, type StorageAdapter } from '../../storage'

/** Every kind of act the audit trail records. */
export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'login.throttled',
  'logout',
  'logout.everywhere',
  'account.created',
  'account.disabled',
  'account.enabled',
  'settings.changed',
  'period.opened',
  'period.changed',
  'comment.created',
  'proposal.created',
  'comment.replied',
  'comment.status',
  'comment.withdrawn',
  'proposal.accepted',
  'proposal.rejected',
  'version.published',
  'version.restored',
  'document.created',
  'document.replaced',
  'export.version',
  'export.diff',
  'export.comments',
  'export.audit',
  'share.created',
  'share.withdrawn'
] as const

export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export const isAuditAction = (value: unknown): value is AuditAction =>
  typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value)

/** Who acted: the account as the server knew it then (a failed login names only the username tried). */
export interface AuditActor {
  readonly username: string
  readonly role: Role | null
  readonly country: CountryCode | null
}

/** What an act was done to; every field optional, the ones that apply are set. */
export interface AuditTarget {
  readonly document?: string
  readonly comment?: string
  readonly version?: string
  readonly period?: string
  readonly account?: string
  readonly share?: string
}

/** An act to record, as the code that performed it describes it. */
export interface AuditRecord {
  readonly action: AuditAction
  readonly actor: AuditActor
  readonly target?: AuditTarget
  /** Short facts worth keeping (a version's name, a deadline, a format); no document text. */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>
  /** The network address the request came from, where there was one. */
  readonly address?: string
}

/**
 * One entry of the trail. `seq` counts from 1 without gaps; `hash` chains each
 * entry to the one before (SHA-256 of the previous hash and this entry), so an
 * entry changed or removed in the data file shows in {@link AuditLog.verify}.
 */
export interface AuditEntry extends AuditRecord {
  readonly seq: number
  readonly at: string
  readonly hash: string
}

/** What a reader may narrow the trail to; dates are inclusive ISO dates or instants. */
export interface AuditFilter {
  readonly country?: CountryCode
  readonly action?: AuditAction
  readonly actor?: string
  readonly document?: string
  /** From this instant (or the start of this UTC day, for `YYYY-MM-DD`); must be a valid date. */
  readonly from?: string
  /** Up to this instant (or the end of this UTC day, for `YYYY-MM-DD`). */
  readonly to?: string
}

/** The actor of an act done by a signed-in account. */
export const actorOf = (account: Account): AuditActor => ({ username: account.username, role: account.role, country: account.country })

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const entrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  action: z.string().refine(isAuditAction),
  actor: z.object({
    username: z.string(),
    role: z.string().refine(isRole).nullable(),
    country: z.string().refine(isCountryCode).nullable()
  }),
  target: z.record(z.string(), z.string()).optional(),
  details: z.record(z.string(), scalar).optional(),
  address: z.string().optional(),
  hash: z.string()
})

const entryFromJSON = (json: unknown): AuditEntry => entrySchema.parse(json) as AuditEntry

// Keys sort as strings: a fixed width keeps them in seq order.
const keyOf = (seq: number) => String(seq).padStart(12, '0')

const GENESIS = 'consenso-audit-v1'

function hashOf(previous: string, entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, action, actor, target, details, address } = entry
  return createHash('sha256')
    .update(previous)
    .update(JSON.stringify({ seq, at, action, actor, target, details, address }))
    .digest('hex')
}

// An instant as toISOString writes it, so that entries compare as strings.
const instantOf = (value: string, end: boolean) =>
  new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : value).toISOString()

/**
 * The append-only audit trail: who did what, to what, and when. There is no
 * call to change or remove an entry; appends are serialised so that `seq` has
 * no gaps and each entry's hash chains to the previous one. An append resolves
 * once the entry is durable, so an act is answered only after it is recorded.
 */
export class AuditLog {
  private readonly records: RecordStore<AuditEntry>
  private tail: Promise<{ seq: number; hash: string }> | undefined
  private appending: Promise<unknown> = Promise.resolve()

  constructor(
    storage: StorageAdapter,
    private readonly now: () => Date = () => new Date()
  ) {
    this.records = new RecordStore(storage, ['audit'], entryFromJSON)
  }

  /** Appends `record`, stamped with the time and the next number. */
  record(record: AuditRecord): Promise<AuditEntry> {
    const appended = this.appending.then(async () => {
      let previous = await (this.tail ??= this.lastEntry())
      // Another log on the same storage (the demo's replay has one) may have appended since.
      if (await this.records.get(keyOf(previous.seq + 1))) previous = await (this.tail = this.lastEntry())
      const unhashed = { ...record, seq: previous.seq + 1, at: this.now().toISOString() }
      const entry: AuditEntry = { ...unhashed, hash: hashOf(previous.hash, unhashed) }
      await this.records.put(keyOf(entry.seq), entry)
      this.tail = Promise.resolve({ seq: entry.seq, hash: entry.hash })
      return entry
    })
    // A failed write must not block the appends after it; its caller sees the error.
    this.appending = appended.catch(() => {
      this.tail = undefined
    })
    return appended
  }

  private async lastEntry(): Promise<{ seq: number; hash: string }> {
    const last = (await this.records.list()).at(-1)
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS }
  }

  /** The entries that match `filter`, oldest first. */
  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const from = filter.from && instantOf(filter.from, false)
    const to = filter.to && instantOf(filter.to, true)
    return (await this.records.list()).filter(
      (e) =>
        (!filter.country || e.actor.country === filter.country) &&
        (!filter.action || e.action === filter.action) &&
        (!filter.actor || e.actor.username === filter.actor) &&
        (!filter.document || e.target?.document === filter.document) &&
        (!from || e.at >= from) &&
        (!to || e.at <= to)
    )
  }

  /** Checks the chain: `{ ok: true }`, or the first entry that is missing or was altered. */
  async verify(): Promise<{ ok: true; entries: number } | { ok: false; seq: number }> {
    let previous = GENESIS
    const all = await this.records.list()
    for (const [i, entry] of all.entries()) {
      const { hash, ...unhashed } = entry
      if (entry.seq !== i + 1 || hashOf(previous, unhashed) !== hash) return { ok: false, seq: i + 1 }
      previous = hash
    }
    return { ok: true, entries: all.length }
  }
}
