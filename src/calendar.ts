/** A calendar date in ISO form, `YYYY-MM-DD`, with no time zone. */
export type IsoDate = string & { __brand: 'IsoDate' }

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `value` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === value
}

// Dates are handled as UTC midnights so that no local time zone shifts a day.
const toUtc = (date: IsoDate) => new Date(`${date}T00:00:00Z`)
const fromUtc = (d: Date) => d.toISOString().slice(0, 10) as IsoDate

/** Whether the date is a Saturday or a Sunday. */
export const isWeekend = (date: IsoDate): boolean => {
  const day = toUtc(date).getUTCDay()
  return day === 0 || day === 6
}

/**
 * The date `days` business days after `start`: the start day itself does not
 * count, weekends and the workspace's `holidays` are skipped. So 10 business
 * days from Friday 2021-10-01 is 2021-10-15. Throws a `RangeError` for a
 * malformed date or a negative count.
 */
export function addBusinessDays(start: IsoDate, days: number, holidays: Iterable<IsoDate> = []): IsoDate {
  if (!isIsoDate(start)) throw new RangeError(`Not an ISO date: ${JSON.stringify(start)}`)
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Business days must be a whole number ≥ 0, got ${days}`)
  const off = new Set(holidays)
  const d = toUtc(start)
  let left = days
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1)
    const date = fromUtc(d)
    if (!isWeekend(date) && !off.has(date)) left--
  }
  return fromUtc(d)
}

// How far `timeZone`'s wall clock is ahead of UTC at `instant`, in ms.
function offsetAt(timeZone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric'
  }).formatToParts(new Date(instant))
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value)
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'))
  return wall - Math.floor(instant / 1000) * 1000
}

/**
 * The first instant of the day `date` in `timeZone` (an IANA name). The
 * offset is taken twice because the one at UTC midnight may differ from the
 * one at local midnight on a day the clocks change. Throws a `RangeError`
 * for a malformed date or an unknown zone.
 */
export function startOfDayIn(date: IsoDate, timeZone: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`Not an ISO date: ${JSON.stringify(date)}`)
  const midnight = toUtc(date).getTime()
  return new Date(midnight - offsetAt(timeZone, midnight - offsetAt(timeZone, midnight)))
}

/**
 * The instant at which the wall clock of `timeZone` reads `minutes` minutes
 * after midnight of `date` (e.g. 18:00 is 1080), found as {@link startOfDayIn}
 * finds midnight. Throws as {@link startOfDayIn}, and for minutes outside a day.
 */
export function wallClockIn(date: IsoDate, minutes: number, timeZone: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`Not an ISO date: ${JSON.stringify(date)}`)
  if (!Number.isInteger(minutes) || minutes < 0 || minutes >= 24 * 60) throw new RangeError(`Minutes of a day must be 0 to 1439, got ${minutes}`)
  const wall = toUtc(date).getTime() + minutes * 60_000
  return new Date(wall - offsetAt(timeZone, wall - offsetAt(timeZone, wall)))
}

/** The last millisecond of the day `date` in `timeZone`: a deadline's 23:59. Throws as {@link startOfDayIn}. */
export function endOfDayIn(date: IsoDate, timeZone: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`Not an ISO date: ${JSON.stringify(date)}`)
  const next = toUtc(date)
  next.setUTCDate(next.getUTCDate() + 1)
  return new Date(startOfDayIn(fromUtc(next), timeZone).getTime() - 1)
}

/**
 * An instant (ISO text or a `Date`) in `timeZone`, as the language writes
 * it, with a 24-hour clock and the zone's name as in effect then:
 * "22 de noviembre de 2021, 23:59 (hora estándar central)",
 * "November 22, 2021, 23:59 (Central Standard Time)". Data stays ISO.
 */
export function formatInstantIn(instant: string | Date, language: 'es' | 'en', timeZone: string): string {
  const at = new Date(instant)
  const { date, time } = instantFormats(language, timeZone)
  return `${date.format(at)}, ${time.format(at)} (${zoneNameIn(at, language, timeZone)})`
}

/**
 * The name of `timeZone` as {@link formatInstantIn} writes it, as in effect
 * at `instant`: "hora estándar central", "Central Standard Time"; the IANA
 * id itself only if the language has no name for the zone.
 */
export function zoneNameIn(instant: string | Date, language: 'es' | 'en', timeZone: string): string {
  return instantFormats(language, timeZone).zone.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? timeZone
}

// Building an Intl.DateTimeFormat costs far more than using one, and a page
// formats a time per card or row: one set per language and zone.
const formats = new Map<string, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat; zone: Intl.DateTimeFormat }>()
function instantFormats(language: 'es' | 'en', timeZone: string) {
  const key = `${language} ${timeZone}`
  let found = formats.get(key)
  if (!found) {
    found = {
      date: new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone }),
      time: new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }),
      zone: new Intl.DateTimeFormat(language, { timeZoneName: 'long', timeZone })
    }
    formats.set(key, found)
  }
  return found
}
