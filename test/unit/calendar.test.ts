import { describe, expect, test } from 'vitest'
import { addBusinessDays, endOfDayIn, formatInstantIn, isIsoDate, isWeekend, startOfDayIn, zoneNameIn, type IsoDate } from '../../src'

const d = (date: string) => date as IsoDate

describe('addBusinessDays', () => {
  for (const { start, days, holidays, expected, why } of [
    { start: '2021-10-01', days: 10, holidays: [], expected: '2021-10-15', why: 'two working weeks from a Friday' },
    { start: '2021-11-12', days: 5, holidays: [], expected: '2021-11-19', why: 'one working week from a Friday' },
    { start: '2021-11-12', days: 5, holidays: ['2021-11-15'], expected: '2021-11-22', why: 'a holiday on Monday adds a day' },
    { start: '2021-10-01', days: 1, holidays: [], expected: '2021-10-04', why: 'the weekend is skipped' },
    { start: '2021-10-01', days: 1, holidays: ['2021-10-02'], expected: '2021-10-04', why: 'a holiday on a Saturday changes nothing' },
    { start: '2021-10-01', days: 0, holidays: [], expected: '2021-10-01', why: 'zero days is the start itself' },
    { start: '2021-10-02', days: 1, holidays: [], expected: '2021-10-04', why: 'from a Saturday the next business day is Monday' },
    { start: '2021-12-31', days: 1, holidays: [], expected: '2022-01-03', why: 'the year changes' },
    { start: '2024-02-28', days: 1, holidays: [], expected: '2024-02-29', why: 'a leap day is a business day' },
    {
      start: '2021-12-23',
      days: 3,
      holidays: ['2021-12-24', '2021-12-31'],
      expected: '2021-12-29',
      why: 'several holidays'
    }
  ]) {
    test(`${days} business days from ${start} are ${expected}: ${why}`, () => {
      expect(addBusinessDays(d(start), days, holidays.map(d))).toBe(expected)
    })
  }

  for (const { start, days, message } of [
    { start: '2021-02-30', days: 1, message: /Not an ISO date: "2021-02-30"/ },
    { start: '2021-1-5', days: 1, message: /Not an ISO date/ },
    { start: '01/10/2021', days: 1, message: /Not an ISO date/ },
    { start: '2021-10-01T00:00:00Z', days: 1, message: /Not an ISO date/ },
    { start: '', days: 1, message: /Not an ISO date/ },
    { start: '2021-10-01', days: -1, message: /got -1/ },
    { start: '2021-10-01', days: 1.5, message: /got 1.5/ },
    { start: '2021-10-01', days: Number.NaN, message: /got NaN/ },
    { start: '2021-10-01', days: Number.POSITIVE_INFINITY, message: /got Infinity/ }
  ]) {
    test(`throws a RangeError for start ${JSON.stringify(start)} and ${days} days`, () => {
      expect(() => addBusinessDays(d(start), days)).toThrow(RangeError)
      expect(() => addBusinessDays(d(start), days)).toThrow(message)
    })
  }
})

describe('isIsoDate', () => {
  test.each([
    ['2021-10-01', true],
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2021-13-01', false],
    ['2021-10-1', false],
    [' 2021-10-01', false],
    [20211001, false],
    [null, false]
  ])('%j is an ISO date: %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected)
  })
})

describe('isWeekend', () => {
  test.each([
    ['2021-10-01', false],
    ['2021-10-02', true],
    ['2021-10-03', true],
    ['2021-10-04', false]
  ])('%s is on a weekend: %s', (date, expected) => {
    expect(isWeekend(d(date))).toBe(expected)
  })
})

describe('startOfDayIn and endOfDayIn', () => {
  test.each([
    ['2021-11-22', 'America/Mexico_City', '2021-11-22T06:00:00.000Z', '2021-11-23T05:59:59.999Z', 'Mexico City in winter, UTC−6'],
    ['2021-07-01', 'America/Mexico_City', '2021-07-01T05:00:00.000Z', '2021-07-02T04:59:59.999Z', 'Mexico City in 2021 summer time, UTC−5'],
    ['2021-03-28', 'Europe/Madrid', '2021-03-27T23:00:00.000Z', '2021-03-28T21:59:59.999Z', 'a day of 23 hours: the clocks go forward'],
    ['2021-10-31', 'Europe/Madrid', '2021-10-30T22:00:00.000Z', '2021-10-31T22:59:59.999Z', 'a day of 25 hours: the clocks go back'],
    ['2021-11-22', 'UTC', '2021-11-22T00:00:00.000Z', '2021-11-22T23:59:59.999Z', 'UTC']
  ])('%s in %s runs from %s to %s (%s)', (date, zone, start, end) => {
    expect(startOfDayIn(d(date), zone).toISOString()).toBe(start)
    expect(endOfDayIn(d(date), zone).toISOString()).toBe(end)
  })

  test('a malformed date or an unknown zone throws a RangeError', () => {
    expect(() => endOfDayIn(d('2021-02-30'), 'UTC')).toThrow(RangeError)
    expect(() => startOfDayIn(d('2021-11-22'), 'Mars/Olympus_Mons')).toThrow(RangeError)
  })
})

describe('zoneNameIn', () => {
  test.each([
    ['2021-11-12T20:00:00Z', 'es', 'America/Mexico_City', 'hora estándar central', 'the demo meeting, in Spanish'],
    ['2021-11-12T20:00:00Z', 'en', 'America/Mexico_City', 'Central Standard Time', 'the same, in English'],
    ['2021-07-01T12:00:00Z', 'es', 'America/Mexico_City', 'hora de verano central', 'summer time as in effect then']
  ] as const)('%s in %s names %s as «%s» (%s)', (instant, language, zone, name, _why) => {
    expect(zoneNameIn(instant, language, zone)).toBe(name)
    // The name formatInstantIn writes, which the pages show.
    expect(formatInstantIn(instant, language, zone)).toContain(`(${name})`)
  })
})
