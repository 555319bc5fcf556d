import { DamagedRecordError, type DamagedRecord, type Records, type RecordScope, type RecordWrite } from './Store'

/** What to do with a record that cannot be read or does not validate: by default, nothing. */
export type DamageReport = (record: DamagedRecord) => void

const ignore: DamageReport = () => {}

/**
 * JSON records of one scope (accounts, sessions, a document's comments…) in
 * the store's {@link Records}, typed: `fromJSON` validates what is read back
 * and throws a precise error if a stored record is not what it should be.
 * {@link list} skips such a record (and one that is not JSON at all) and
 * reports it by name through `onDamaged`, so that one damaged record does
 * not take its document down with it.
 */
export class RecordStore<T> {
  constructor(
    private readonly records: Records,
    private readonly where: RecordScope,
    private readonly fromJSON: (json: unknown) => T,
    private readonly onDamaged: DamageReport = ignore
  ) {}

  /** The record `id`, or undefined. Throws {@link DamagedRecordError} if it is stored but cannot be read or validated. */
  async get(id: string): Promise<T | undefined> {
    const json = await this.records.get(this.where, id)
    if (json === undefined) return undefined
    try {
      return this.fromJSON(json)
    } catch (err) {
      throw new DamagedRecordError({ ...this.where, id, reason: reasonOf(err) })
    }
  }

  put(id: string, record: T): Promise<void> {
    return this.records.write([this.writeOf(id, record)])
  }

  /** `record` as the write {@link put} would make, to store it together with others (an act and its audit entry). */
  writeOf(id: string, record: T): RecordWrite {
    return { ...this.where, id, value: record }
  }

  remove(id: string): Promise<void> {
    return this.records.write([{ ...this.where, id, value: null }])
  }

  /** Every readable, valid record in id order; each other one is reported and left out. */
  async list(): Promise<T[]> {
    const { records, damaged } = await this.records.list(this.where)
    for (const record of damaged) this.onDamaged(record)
    const valid: T[] = []
    for (const { id, value } of records) {
      try {
        valid.push(this.fromJSON(value))
      } catch (err) {
        this.onDamaged({ ...this.where, id, reason: reasonOf(err) })
      }
    }
    return valid
  }
}

// zod's messages are long JSON: the first line names the problem.
const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n').slice(0, 3).join(' ').slice(0, 300)
