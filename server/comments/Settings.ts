import { z } from 'zod'
import { isIsoDate, type IsoDate } from '../../src'
import { RecordStore, type StorageAdapter } from '../../storage'

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

/** The workspace's settings, stored as one record. */
export class Settings {
  private readonly records: RecordStore<WorkspaceSettings>

  constructor(storage: StorageAdapter) {
    this.records = new RecordStore(storage, ['settings'], (json) => settingsSchema.parse(json) as WorkspaceSettings)
  }

  async load(): Promise<WorkspaceSettings> {
    return (await this.records.get('workspace')) ?? defaultSettings
  }

  async save(settings: WorkspaceSettings): Promise<void> {
    await this.records.put('workspace', { ...settings, holidays: [...new Set(settings.holidays)].sort() })
  }
}
