const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * `date` (an ISO date or timestamp; now if undefined) as the xsd:dateTime
 * Word stamps a tracked change with, in UTC, to the second. A bare date is
 * taken as midnight UTC. Throws RangeError for anything else.
 */
export function wordDate(date: string | undefined): string {
  if (date !== undefined && !ISO.test(date)) throw new RangeError(`not an ISO date or timestamp: ${JSON.stringify(date)}`)
  const time = date === undefined ? Date.now() : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date)
  if (Number.isNaN(time)) throw new RangeError(`not an ISO date or timestamp: ${JSON.stringify(date)}`)
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
