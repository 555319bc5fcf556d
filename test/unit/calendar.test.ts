import { describe, expect, test } from 'vitest'
import { addBusinessDays, isIsoDate, isWeekend, type IsoDate } from '../../src'

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
