import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import {
  authorOf,
  isCountryCode,
  isDocumentId,
  isRole,
  isSilenceOpen,
  isUsername,
  mayBreakSilence,
  mayOpenSilence,
  outcomeAtDeadline,
  silenceDeadlineOf,
  SILENCE_OUTCOMES,
  type Account,
  type AuditActor,
  type DocumentId,
  type SilenceDeadlineRule,
  type SilenceObjection,
  type SilenceProcedure
} from '../../src'
import { RecordStore, type DamageReport, type Store } from '../../storage'
import { actorOf, type AuditLog } from '../audit'
import type { Clock } from '../Clock'
import type { DocumentEvents } from '../DocumentEvents'
import type { Logger } from '../Logger'
import { ok, refuse, type Outcome } from '../Outcome'
import type { Settings } from '../settings'
import type { Versions } from '../versions/Versions'

const author = z.object({
  username: z.string().refine(isUsername),
  name: z.string(),
  role: z.string().refine(isRole),
  country: z.string().refine(isCountryCode).nullable()
})

const procedureRecord = z.object({
  documentId: z.string().refine(isDocumentId),
  versionId: z.string(),
  versionName: z.string(),
  deadline: z.string(),
  businessDays: z.number().int().nullable(),
  openedAt: z.string(),
  openedBy: author,
  objections: z.array(
    z.object({
      id: z.string(),
      country: z.string().refine(isCountryCode),
      author,
      at: z.string(),
      reason: z.string(),
      amendment: z.string().nullable()
    })
  ),
  outcome: z.enum(SILENCE_OUTCOMES),
  settledAt: z.string().nullable()
})

const procedureFromJSON = (json: unknown): SilenceProcedure => procedureRecord.parse(json) as SilenceProcedure

/**
 * Who settles a procedure at its deadline: the server itself, on its clock,
 * not a person. Its name has parentheses, which no username may hold
 * (`isUsername`), so that no account can pass for it in the audit trail.
 */
export const SERVER_ACTOR: AuditActor = { username: '(consenso)', role: null, country: null }

// setTimeout's longest delay is about 24.8 days; a farther deadline is looked at again sooner.
const LONGEST_WAIT_MS = 60 * 60 * 1000

/**
 * Silence procedures on published versions, kept under `['silence',
 * documentId, versionId]` (one per version). The Presidency opens one with
 * a deadline; delegations break the silence for their own country before
 * it; at the deadline the server settles it (adopted without objection, not
 * adopted with), on its own clock even if nobody is connected: a timer armed
 * for the nearest pending deadline ({@link start}), and on any read after it.
 * Settling runs under the document's turn and reads the stored record first,
 * and the settled record is written in the same write as its audit entry, so
 * an outcome is recorded exactly once, across restarts too. Every act is in
 * the audit trail before it is answered, and told to the document's viewers.
 */
export class SilenceProcedures {
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  // The settling under way, if any: stop() waits for it before the store closes.
  private settling: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly store: Store,
    private readonly deps: {
      readonly versions: Pick<Versions, 'list'>
      readonly settings: Settings
      readonly events: DocumentEvents
      readonly audit: AuditLog
      readonly logger: Logger
    },
    private readonly now: Clock,
    /** Hears of each procedure that cannot be read or validated: it is left out, and the rest works. */
    private readonly onDamaged?: DamageReport
  ) {}

  private records(documentId: DocumentId) {
    return new RecordStore<SilenceProcedure>(this.store.records, { kind: 'silence', scope: documentId }, procedureFromJSON, this.onDamaged)
  }

  // One act at a time per document, in every process serving the workspace:
  // the outcome is recorded once, whichever process's timer fires first.
  private turn<T>(documentId: DocumentId, work: () => Promise<T>): Promise<T> {
    return this.store.locks.run(`silence:${documentId}`, work)
  }

  /**
   * Puts the published version `versionId` under silence procedure until the
   * deadline `rule` gives (see {@link silenceDeadlineOf}). Refuses a role
   * other than the Presidency (403), an unknown version (404), a malformed
   * or past deadline (400), a version that already has a procedure (409) and
   * a superseded one, not the latest published of its document (409
   * `silence_superseded`, naming both); nothing is stored on a refusal.
   */
  open(account: Account, documentId: DocumentId, versionId: string, rule: SilenceDeadlineRule): Promise<Outcome<SilenceProcedure>> {
    if (!mayOpenSilence(account.role)) return Promise.resolve(refuse(403, 'only the Presidency puts a version under silence procedure'))
    return this.turn(documentId, async () => {
      const versions = await this.deps.versions.list(documentId)
      const version = versions.find((v) => v.id === versionId)
      if (!version) return refuse(404, `no version ${versionId} of this document`)
      const existing = await this.records(documentId).get(versionId)
      if (existing) return refuse(409, `«${version.name}» is already under a silence procedure (deadline ${existing.deadline})`)
      // The list is oldest first: only its last version is the text on the table.
      const latest = versions.at(-1) ?? version
      if (latest.id !== version.id)
        return refuse(409, `«${version.name}» is superseded by «${latest.name}», the latest published version: only the latest is put under silence procedure`, 'silence_superseded', {
          version: version.name,
          latest: latest.name
        })
      const { timeZone, holidays } = await this.deps.settings.load()
      const now = this.now()
      const deadline = silenceDeadlineOf(rule, now, timeZone, holidays)
      if ('failed' in deadline) return refuse(400, deadline.failed)
      const procedure: SilenceProcedure = {
        documentId,
        versionId,
        versionName: version.name,
        deadline: deadline.deadline.toISOString(),
        businessDays: 'businessDays' in rule ? rule.businessDays : null,
        openedAt: now.toISOString(),
        openedBy: authorOf(account),
        objections: [],
        outcome: 'pending',
        settledAt: null
      }
      await this.deps.audit.record(
        {
          action: 'silence.opened',
          actor: actorOf(account),
          target: { document: documentId, version: versionId },
          details: { name: version.name, deadline: procedure.deadline, businessDays: procedure.businessDays }
        },
        [this.records(documentId).writeOf(versionId, procedure)]
      )
      this.announce(procedure)
      this.arm()
      return ok(procedure)
    })
  }

  /**
   * Breaks the silence on `versionId` for the country of `account` (a
   * delegate's, from its session), with a reason and optionally the wording
   * it proposes. Refuses other roles (403), a version without procedure
   * (404), an objection at or after the deadline (409 `silence_ended`,
   * naming it), and a second objection of the same country (409
   * `silence_already_broken`).
   */
  object(account: Account, documentId: DocumentId, versionId: string, objection: { reason: string; amendment?: string }): Promise<Outcome<SilenceProcedure>> {
    const country = account.country
    if (!mayBreakSilence(account.role) || country === null)
      return Promise.resolve(refuse(403, 'only a delegation breaks the silence, for its own country'))
    return this.turn(documentId, async () => {
      const procedure = await this.settledIfDue(documentId, versionId)
      if (!procedure) return refuse(404, `no silence procedure on version ${versionId} of this document`)
      const now = this.now()
      if (!isSilenceOpen(procedure, now))
        return refuse(409, `the silence procedure ended at its deadline, ${procedure.deadline}: nothing more is accepted`, 'silence_ended', {
          deadline: procedure.deadline
        })
      const earlier = procedure.objections.find((o) => o.country === country)
      if (earlier)
        return refuse(409, `${country} already broke the silence on ${earlier.at}`, 'silence_already_broken', { country, at: earlier.at })
      const made: SilenceObjection = {
        id: randomUUID(),
        country,
        author: authorOf(account),
        at: now.toISOString(),
        reason: objection.reason.trim(),
        amendment: objection.amendment?.trim() || null
      }
      const changed: SilenceProcedure = { ...procedure, objections: [...procedure.objections, made] }
      await this.deps.audit.record(
        {
          action: 'silence.objected',
          actor: actorOf(account),
          target: { document: documentId, version: versionId },
          details: { name: procedure.versionName, country, deadline: procedure.deadline }
        },
        [this.records(documentId).writeOf(versionId, changed)]
      )
      this.announce(changed)
      return ok(changed)
    })
  }

  /** The procedure on `versionId`, settled first if its deadline has passed; 404 if there is none. */
  async get(documentId: DocumentId, versionId: string): Promise<Outcome<SilenceProcedure>> {
    const procedure = await this.turn(documentId, () => this.settledIfDue(documentId, versionId))
    return procedure ? ok(procedure) : refuse(404, `no silence procedure on version ${versionId} of this document`)
  }

  /** The procedure on `versionId` as it is, or undefined: for exports, which settle it first through {@link get}. */
  async ofVersion(documentId: DocumentId, versionId: string): Promise<SilenceProcedure | undefined> {
    const got = await this.get(documentId, versionId)
    return 'ok' in got ? got.ok : undefined
  }

  /** Every procedure of the document, oldest first, each due one settled first. */
  list(documentId: DocumentId): Promise<SilenceProcedure[]> {
    return this.turn(documentId, async () => {
      const due = await this.records(documentId).list()
      const all: SilenceProcedure[] = []
      for (const p of due) all.push((await this.settledIfDue(documentId, p.versionId)) ?? p)
      return all.sort((a, b) => a.openedAt.localeCompare(b.openedAt))
    })
  }

  /**
   * Settles every procedure whose deadline has passed, then arms the timer
   * for the nearest one still pending; called at start, so that a deadline
   * that passed while the server was down is settled at once. Call {@link stop} before closing the store.
   */
  start(): Promise<void> {
    this.stopped = false
    return this.sweep()
  }

  /** Disarms the timer and waits for a settling under way. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
    await this.settling
  }

  // Settles what is due in every document and arms the timer for what is not.
  private sweep(): Promise<void> {
    const run = this.settling.then(async () => {
      if (this.stopped) return
      let nearest = Infinity
      for (const scope of await this.store.records.scopes('silence')) {
        const documentId = scope as DocumentId
        for (const p of await this.turn(documentId, async () => {
          const all = await this.records(documentId).list()
          const now: SilenceProcedure[] = []
          for (const q of all) now.push((await this.settledIfDue(documentId, q.versionId)) ?? q)
          return now
        }))
          if (p.outcome === 'pending') nearest = Math.min(nearest, Date.parse(p.deadline))
      }
      this.armFor(nearest)
    })
    this.settling = run.catch((err: unknown) => this.deps.logger.error('settling silence procedures failed', { error: String(err) }))
    return run
  }

  // Looks again at the procedures (one was opened): the timer follows the nearest deadline.
  private arm(): void {
    if (!this.stopped) void this.sweep().catch(() => {})
  }

  private armFor(deadline: number): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.stopped || deadline === Infinity) return
    // The clock may be a test's or the demo's: waited on in real time, looked at again when the wait ends.
    const wait = Math.min(Math.max(deadline - this.now().getTime(), 0), LONGEST_WAIT_MS)
    this.timer = setTimeout(() => void this.sweep().catch(() => {}), wait)
    this.timer.unref()
  }

  // The stored procedure, settled now if its deadline has passed and it is not yet. Runs inside the document's turn.
  private async settledIfDue(documentId: DocumentId, versionId: string): Promise<SilenceProcedure | undefined> {
    const procedure = await this.records(documentId).get(versionId)
    if (!procedure || procedure.outcome !== 'pending' || isSilenceOpen(procedure, this.now())) return procedure
    const outcome = outcomeAtDeadline(procedure)
    const settled: SilenceProcedure = { ...procedure, outcome, settledAt: this.now().toISOString() }
    await this.deps.audit.record(
      {
        action: 'silence.settled',
        actor: SERVER_ACTOR,
        target: { document: documentId, version: versionId },
        details: {
          name: procedure.versionName,
          deadline: procedure.deadline,
          outcome,
          objections: procedure.objections.length,
          country: procedure.objections.map((o) => o.country).join(', ')
        }
      },
      [this.records(documentId).writeOf(versionId, settled)]
    )
    this.announce(settled)
    return settled
  }

  private announce(procedure: SilenceProcedure): void {
    this.deps.events.publish(procedure.documentId, { type: 'silence', data: procedure })
  }
}
