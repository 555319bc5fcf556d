import type { DamagedRecord } from '../storage'
import type { Logger } from './Logger'

/** A damaged record's name as people read it: `comment/estrategia/c-17`. */
export const nameOfRecord = ({ kind, scope, id }: DamagedRecord): string => [kind, ...(scope === undefined ? [] : [scope]), id].join('/')

/**
 * The stored records found damaged (not JSON, or not what their kind must
 * be) since the server started. Services leave such a record out and go on
 * with the rest; this names each in the log, once, and keeps the names for
 * the Presidency and the Secretariat to see (`GET /api/audit/verify`), so
 * that someone restores it from a backup rather than never noticing.
 */
export class DamagedRecords {
  private readonly found = new Map<string, string>()

  constructor(private readonly logger: Logger) {}

  /** Notes `record`; logs it the first time it is seen. */
  readonly note = (record: DamagedRecord): void => {
    const name = nameOfRecord(record)
    if (this.found.has(name)) return
    this.found.set(name, record.reason)
    this.logger.error(`damaged record ${name} left out: ${record.reason}`, { record: name })
  }

  /** The names of the damaged records found so far, in name order. */
  names(): string[] {
    return [...this.found.keys()].sort()
  }
}
