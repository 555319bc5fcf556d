import { z } from 'zod'
import { isIsoDate, mayManageAccounts, type Account, type IsoDate } from '../../src'
import { RecordStore, type Store } from '../../storage'
import { actorOf, type AuditLog } from '../audit'
import { ok, refuse, type Outcome } from '../Outcome'

/** Workspace-wide settings that the calendar depends on. */
export interface WorkspaceSettings {
  /** IANA time zone in which deadlines fall. Default America/Mexico_City (the 2021 Presidency). */
  readonly timeZone: string
  /** Days that do not count as business days, besides weekends. */
  readonly holidays: readonly IsoDate[]
}

export const defaultSettings: WorkspaceSettings = { timeZone: 'America/Mexico_City', holidays: [] }

const isTimeZone = (value: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}

/** Validates settings from a request or from storage. */
export const settingsSchema = z
  .object({
    timeZone: z.string().max(64).refine(isTimeZone, 'not a known time zone'),
    holidays: z.array(z.string().refine(isIsoDate, 'dates are written YYYY-MM-DD')).max(400)
  })
  .strict()

/** The workspace's settings, stored as one record; each change is in the audit trail. */
export class Settings {
  private readonly records: RecordStore<WorkspaceSettings>

  constructor(
    store: Store,
    private readonly audit: AuditLog
  ) {
    this.records = new RecordStore(store.records, { kind: 'settings' }, (json) => settingsSchema.parse(json) as WorkspaceSettings)
  }

  async load(): Promise<WorkspaceSettings> {
    return (await this.records.get('workspace')) ?? defaultSettings
  }

  /**
   * Replaces the settings as `account` asks (the Presidency or the
   * Secretariat), holidays sorted and without repeats; returns them as stored.
   */
  async change(account: Account, settings: WorkspaceSettings): Promise<Outcome<WorkspaceSettings>> {
    if (!mayManageAccounts(account.role)) return refuse(403, 'only the Presidency or the Secretariat change the workspace settings')
    const before = await this.load()
    const after: WorkspaceSettings = { ...settings, holidays: [...new Set(settings.holidays)].sort() }
    const added = after.holidays.filter((d) => !before.holidays.includes(d))
    const removed = before.holidays.filter((d) => !after.holidays.includes(d))
    await this.audit.record(
      {
        action: 'settings.changed',
        actor: actorOf(account),
        details: {
          timeZone: after.timeZone,
          ...(after.timeZone === before.timeZone ? {} : { previousTimeZone: before.timeZone }),
          holidays: after.holidays.length,
          holidaysAdded: added.join(', '),
          holidaysRemoved: removed.join(', ')
        }
      },
      [this.records.writeOf('workspace', after)]
    )
    return ok(after)
  }
}
