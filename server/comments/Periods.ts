import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import {
  deadlineOf,
  isIsoDate,
  isPeriodOpen,
  currentPeriod,
  mayDecide,
  periodRefusal,
  todayIn,
  type Account,
  type CommentPeriod,
  type DeadlineRule,
  type DocumentId,
  type IsoDate,
  type PeriodRefusal,
  type PeriodsView
} from '../../src'
import { RecordStore, type DamageReport, type Store } from '../../storage'
import { actorOf, type AuditLog } from '../audit'
import type { DocumentEvents } from '../DocumentEvents'
import { findRetry, requestStampRecord, stampOf } from '../requestStamp'
import { ok, refuse, type Outcome } from '../Outcome'
import type { Settings } from '../settings'

const periodRecord = z.object({
  id: z.string(),
  documentId: z.string(),
  start: z.string().refine(isIsoDate),
  deadline: z.string().refine(isIsoDate),
  businessDays: z.number().int().nullable(),
  openedBy: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  request: requestStampRecord
})

// A period as the API shows it: request keys are the opening client's own business.
const shown = ({ request: _request, ...period }: CommentPeriod): CommentPeriod => period

/**
 * The comment periods of documents: opened, extended, reopened and closed by
 * the Presidency. Each change is in the audit trail before it is answered.
 */
export class Periods {
  constructor(
    private readonly store: Store,
    private readonly settings: Settings,
    private readonly events: DocumentEvents,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    /** Hears of each record of this kind that cannot be read or validated: it is left out, and the rest works. */
    private readonly onDamaged?: DamageReport
  ) {}

  private records(id: DocumentId) {
    return new RecordStore<CommentPeriod>(this.store.records, { kind: 'period', scope: id }, (json) => periodRecord.parse(json) as CommentPeriod, this.onDamaged)
  }

  async today(): Promise<IsoDate> {
    return todayIn((await this.settings.load()).timeZone, this.now())
  }

  async view(id: DocumentId): Promise<PeriodsView> {
    const periods = (await this.records(id).list()).map(shown).sort((a, b) => a.openedAt.localeCompare(b.openedAt))
    const today = await this.today()
    const current = currentPeriod(periods) ?? null
    return { periods, current, open: current !== null && isPeriodOpen(current, today), today }
  }

  /** Why a delegate may not comment on the document now, or undefined if they may. */
  async refusal(id: DocumentId): Promise<PeriodRefusal | undefined> {
    const { timeZone } = await this.settings.load()
    return periodRefusal(await this.records(id).list(), todayIn(timeZone, this.now()), timeZone)
  }

  /**
   * Opens a new period (which also reopens commenting after an earlier one).
   * With `requestKey` (the request's `Idempotency-Key`) the key is stored in
   * the period, in the same write: the same account retrying with the same
   * key, start and deadline rule gets that period back, as it now stands, and
   * nothing is opened, recorded or announced again; with another start or
   * rule, a 409 refusal.
   */
  open(account: Account, id: DocumentId, start: IsoDate, rule: DeadlineRule, requestKey?: string): Promise<Outcome<CommentPeriod>> {
    const request = stampOf(requestKey, { start, ...('businessDays' in rule ? { businessDays: rule.businessDays } : { deadline: rule.deadline }) })
    // Opening reads the periods (is this request a retry?) before it writes one: one at a time per document, in any process.
    return this.store.locks.run(`periods:${id}`, async () => {
      const retry = findRetry((await this.records(id).list()).filter((p) => p.openedBy === account.username), request, 'comment period')
      if (retry) return 'failed' in retry ? retry : ok(shown(retry.ok))
      if (!mayDecide(account.role)) return refuse(403, 'only the Presidency or the Secretariat open comment periods')
      const { holidays } = await this.settings.load()
      const deadline = deadlineOf(start, rule, holidays)
      if ('failed' in deadline) return refuse(400, deadline.failed)
      const period: CommentPeriod = {
        id: randomUUID(),
        documentId: id,
        start,
        deadline: deadline.deadline,
        businessDays: 'businessDays' in rule ? rule.businessDays : null,
        openedBy: account.username,
        openedAt: this.now().toISOString(),
        closedAt: null,
        ...(request ? { request } : {})
      }
      // The record, with its request stamp, in the same write as its audit entry: a retry finds both or neither.
      await this.audit.record(
        {
          action: 'period.opened',
          actor: actorOf(account),
          target: { document: id, period: period.id },
          details: { start, deadline: period.deadline, businessDays: period.businessDays }
        },
        [this.records(id).writeOf(period.id, period)]
      )
      this.events.publish(id, { type: 'period', data: await this.view(id) })
      return ok(shown(period))
    })
  }

  /** Moves a period's deadline (extension), or closes it now. */
  change(
    account: Account,
    id: DocumentId,
    periodId: string,
    change: DeadlineRule | { readonly closed: true }
  ): Promise<Outcome<CommentPeriod>> {
    if (!mayDecide(account.role)) return Promise.resolve(refuse(403, 'only the Presidency or the Secretariat change comment periods'))
    return this.store.locks.run(`periods:${id}`, async () => {
      const records = this.records(id)
      const period = await records.get(periodId)
      if (!period) return refuse(404, `no comment period ${periodId} on this document`)
      let changed: CommentPeriod
      if ('closed' in change) changed = { ...period, closedAt: period.closedAt ?? this.now().toISOString() }
      else {
        const deadline = deadlineOf(period.start, change, (await this.settings.load()).holidays)
        if ('failed' in deadline) return refuse(400, deadline.failed)
        changed = {
          ...period,
          deadline: deadline.deadline,
          businessDays: 'businessDays' in change ? change.businessDays : null,
          // Moving the deadline of a period closed early opens it again.
          closedAt: null
        }
      }
      await this.audit.record(
        {
          action: 'period.changed',
          actor: actorOf(account),
          target: { document: id, period: periodId },
          details:
            'closed' in change
              ? { change: 'closed', deadline: changed.deadline }
              : {
                  change: 'businessDays' in change ? 'businessDays' : 'deadline',
                  deadline: changed.deadline,
                  previousDeadline: period.deadline,
                  businessDays: changed.businessDays,
                  reopened: period.closedAt !== null
                }
        },
        [records.writeOf(periodId, changed)]
      )
      this.events.publish(id, { type: 'period', data: await this.view(id) })
      return ok(shown(changed))
    })
  }
}
