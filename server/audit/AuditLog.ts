import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { endOfDayIn, isAuditAction, isCountryCode, isIsoDate, isRole, startOfDayIn, type Account, type AuditAction, type AuditActor, type AuditEntry, type AuditPage, type AuditRecord, type AuditVerification, type CountryCode } from '../../src'
import { AUDIT_GENESIS, AuditConflictError, AuditTrailCutError, type AuditHead, type AuditStore, type RecordWrite, type Store } from '../../storage'

/**
 * What a reader may narrow the trail to. `from` and `to` are inclusive: an
 * ISO instant (`2021-10-01T15:00:00Z`, `…-06:00`), or a date `YYYY-MM-DD`
 * meaning that whole day in `timeZone`. A value that is neither throws a
 * `RangeError`: callers validate what people type first.
 */
export interface AuditFilter {
  readonly country?: CountryCode
  readonly action?: AuditAction
  /** The acting account's username. */
  readonly actor?: string
  /** The id of the document the act was done to. */
  readonly document?: string
  readonly from?: string
  readonly to?: string
  /** IANA time zone in which the dates of `from` and `to` are days. Default UTC. */
  readonly timeZone?: string
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

// How many times an append numbers its entry again when another writer appended first.
const MAX_RENUMBERINGS = 20
// …on a store shared by several processes, where each renumbering is a race
// another process may win again: 100 lost races in a row do not happen.
const MAX_SHARED_RENUMBERINGS = 100

const parseEntry = (json: string): AuditEntry | undefined => {
  try {
    return entryFromJSON(JSON.parse(json))
  } catch {
    return undefined
  }
}

function hashOf(previous: string, entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, action, actor, target, details, address } = entry
  return createHash('sha256')
    .update(previous)
    .update(JSON.stringify({ seq, at, action, actor, target, details, address }))
    .digest('hex')
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

// An instant as toISOString writes it, so that entries compare as strings.
function instantOf(value: string, end: boolean, timeZone: string): string {
  if (DATE.test(value)) {
    if (!isIsoDate(value)) throw new RangeError(`Not a date: ${JSON.stringify(value)}`)
    return (end ? endOfDayIn(value, timeZone) : startOfDayIn(value, timeZone)).toISOString()
  }
  const instant = Date.parse(value)
  if (Number.isNaN(instant)) throw new RangeError(`Not a date or an instant: ${JSON.stringify(value)}`)
  return new Date(instant).toISOString()
}

/**
 * The first and the last instant that `filter` lets through, as
 * `toISOString` writes them (a date stands for its whole day in the filter's
 * time zone). Throws a `RangeError` for a value that is not a date nor an instant.
 */
export function boundsOf(filter: Pick<AuditFilter, 'from' | 'to' | 'timeZone'>): { from?: string; to?: string } {
  const timeZone = filter.timeZone ?? 'UTC'
  return {
    ...(filter.from ? { from: instantOf(filter.from, false, timeZone) } : {}),
    ...(filter.to ? { to: instantOf(filter.to, true, timeZone) } : {})
  }
}

/**
 * The append-only audit trail: who did what, to what, and when. There is no
 * call to change or remove an entry; appends are serialised so that `seq` has
 * no gaps and each entry's hash chains to the previous one. An append resolves
 * once the entry is durable, so an act is answered only after it is recorded.
 */
export class AuditLog {
  private readonly trail: AuditStore
  private tail: Promise<AuditHead> | undefined
  private appending: Promise<unknown> = Promise.resolve()
  private readonly context = new AsyncLocalStorage<{ readonly address?: string }>()

  // Other processes append too: see record().
  private readonly shared: boolean

  constructor(
    store: Pick<Store, 'audit' | 'shared'>,
    private readonly now: () => Date = () => new Date()
  ) {
    this.trail = store.audit
    this.shared = store.shared === true
  }

  /**
   * Runs `work` on behalf of a request from `address`: every record made
   * while it runs, across its awaits, that names no address of its own gets
   * this one. So the services that act record where a request came from
   * without taking an HTTP parameter, and no route can forget to pass it.
   */
  withAddress<T>(address: string | undefined, work: () => T): T {
    return this.context.run(address === undefined ? {} : { address }, work)
  }

  /**
   * Appends `record`, stamped with the time and the next number; resolves
   * with the entry once it is durable. `storing` is what the act itself
   * changed (a comment, a period…): stored in the same write as the entry
   * ({@link StorageAdapter.saveAll}), so that a crash leaves both or neither,
   * never an act without its record. Numbering and chaining are done one
   * append at a time, but an append does not wait for the one before it to
   * reach the disk: the store gathers appends made meanwhile into its next
   * write, so that acts on different documents do not queue behind each
   * other's writes.
   */
  record(record: AuditRecord, storing: readonly RecordWrite[] = [], renumberings = 0): Promise<AuditEntry> {
    const address = record.address ?? this.context.getStore()?.address
    const numbered = this.appending.then(async () => {
      const previous = await (this.tail ??= this.trail.head())
      // Built field by field, in the order a stored entry is read back in, so
      // that the hash taken now is the one verify takes later.
      const { username, role, country } = record.actor
      const unhashed: Omit<AuditEntry, 'hash'> = {
        seq: previous.seq + 1,
        at: this.now().toISOString(),
        action: record.action,
        actor: { username, role, country },
        ...(record.target === undefined ? {} : { target: record.target }),
        ...(record.details === undefined ? {} : { details: record.details }),
        ...(address === undefined ? {} : { address })
      }
      const entry: AuditEntry = { ...unhashed, hash: hashOf(previous.hash, unhashed) }
      const stored = this.trail.append(previous, { seq: entry.seq, hash: entry.hash, json: JSON.stringify(entry) }, storing)
      this.tail = Promise.resolve({ seq: entry.seq, hash: entry.hash })
      // On a shared store the next act is numbered only once this one is
      // stored: numbered ahead, a whole queue of acts would conflict each
      // time another process appends first. A conflict says what the head is now.
      if (this.shared)
        await stored.catch((err: unknown) => {
          this.tail = err instanceof AuditConflictError ? Promise.resolve(err.actual) : undefined
        })
      return { entry, stored }
    })
    // A failed append must not block the ones after it; its caller sees the error.
    this.appending = numbered.catch(() => {
      this.tail = undefined
    })
    return numbered.then(async ({ entry, stored }) => {
      try {
        await stored
      } catch (err) {
        // What the store holds now decides the next number and hash (a shared store's tail is set already).
        if (!this.shared) this.tail = undefined
        // Another log on the same store (the demo's replay has one, a second
        // server on a shared store) appended first: number the act again.
        if (err instanceof AuditConflictError && renumberings < (this.shared ? MAX_SHARED_RENUMBERINGS : MAX_RENUMBERINGS))
          return this.record({ ...record, ...(address === undefined ? {} : { address }) }, storing, renumberings + 1)
        throw err
      }
      return entry
    })
  }

  /** The entry numbered `seq`, if there is one. */
  async get(seq: number): Promise<AuditEntry | undefined> {
    if (!Number.isInteger(seq) || seq < 1) return undefined
    for await (const stored of this.trail.read(seq, seq)) return parseEntry(stored.json)
    return undefined
  }

  // Every readable entry that matches `filter`, oldest first, read from the store a few at a time.
  private async *matching(filter: AuditFilter): AsyncGenerator<AuditEntry> {
    const { from, to } = boundsOf(filter)
    for await (const stored of this.trail.read(1)) {
      const e = parseEntry(stored.json)
      if (
        e &&
        (!filter.country || e.actor.country === filter.country) &&
        (!filter.action || e.action === filter.action) &&
        (!filter.actor || e.actor.username === filter.actor) &&
        (!filter.document || e.target?.document === filter.document) &&
        (!from || e.at >= from) &&
        (!to || e.at <= to)
      )
        yield e
    }
  }

  /** The entries that match `filter`, oldest first (in the order they were appended). */
  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = []
    for await (const entry of this.matching(filter)) entries.push(entry)
    return entries
  }

  /**
   * Up to `limit` entries that match `filter`, newest first, numbered below
   * `before` when it is given: pass a page's `next` as `before` for the page
   * after it. Holds at most `limit + 1` entries at a time, however long the trail.
   */
  async page(filter: AuditFilter, { limit, before }: { readonly limit: number; readonly before?: number }): Promise<AuditPage> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A page holds at least one entry, asked for ${limit}`)
    let total = 0
    let older = 0
    const newest: AuditEntry[] = []
    for await (const entry of this.matching(filter)) {
      total++
      if (before !== undefined && entry.seq >= before) continue
      older++
      newest.push(entry)
      if (newest.length > limit) newest.shift()
    }
    const entries = newest.reverse()
    return { entries, total, next: older > limit ? (entries.at(-1)?.seq ?? null) : null }
  }

  /**
   * Checks the chain from the first entry: `{ ok: true }`, or the number of
   * the first entry that is missing, altered or no longer readable. Reads
   * the stored text itself, so that an entry mangled in the store is
   * reported rather than thrown.
   */
  async verify(): Promise<AuditVerification> {
    let previous = AUDIT_GENESIS
    let expected = 1
    try {
      for await (const stored of this.trail.read(1)) {
        const entry = parseEntry(stored.json)
        if (!entry || stored.seq !== expected || entry.seq !== expected) return { ok: false, seq: expected }
        const { hash, ...unhashed } = entry
        if (hashOf(previous, unhashed) !== hash) return { ok: false, seq: expected }
        previous = hash
        expected++
      }
    } catch (err) {
      // The store knows the trail reached further than what it holds now
      // (its head was anchored): every entry before `expected` checked out,
      // so that is the first one missing.
      if (err instanceof AuditTrailCutError) return { ok: false, seq: expected }
      throw err
    }
    return { ok: true, entries: expected - 1 }
  }
}
