import { describe, expect, test } from 'vitest'
import {
  currentPeriod,
  deadlineOf,
  isPeriodOpen,
  periodRefusal,
  todayIn,
  type CommentPeriod,
  type DeadlineRule,
  type DocumentId,
  type IsoDate,
  type Username
} from '../../src'

const d = (date: string) => date as IsoDate

/** A period of the Strategy, open from `start` to `deadline`, opened at `openedAt`. */
function period(start: string, deadline: string, more: Partial<CommentPeriod> = {}): CommentPeriod {
  return {
    id: 'p1',
    documentId: 'estrategia' as DocumentId,
    start: d(start),
    deadline: d(deadline),
    businessDays: null,
    openedBy: 'ppt' as Username,
    openedAt: `${start}T15:00:00.000Z`,
    closedAt: null,
    ...more
  }
}

describe('deadlineOf', () => {
  for (const { start, rule, holidays, deadline, why } of [
    { start: '2021-10-01', rule: { businessDays: 10 }, holidays: [], deadline: '2021-10-15', why: 'ten business days from Friday 1 October 2021' },
    { start: '2021-11-12', rule: { businessDays: 5 }, holidays: [], deadline: '2021-11-19', why: 'five business days from Friday 12 November 2021' },
    {
      start: '2021-11-12',
      rule: { businessDays: 5 },
      holidays: ['2021-11-15'],
      deadline: '2021-11-22',
      why: 'the same, with the Monday a holiday (Revolution Day observed)'
    },
    { start: '2021-10-01', rule: { businessDays: 1 }, holidays: [], deadline: '2021-10-04', why: 'one business day from a Friday is the Monday' },
    { start: '2021-10-01', rule: { deadline: '2021-10-20' }, holidays: [], deadline: '2021-10-20', why: 'an explicit date is kept' },
    { start: '2021-10-01', rule: { deadline: '2021-10-01' }, holidays: [], deadline: '2021-10-01', why: 'a period of one day' },
    { start: '2021-10-01', rule: { deadline: '2021-10-02' }, holidays: ['2021-10-02'], deadline: '2021-10-02', why: 'holidays do not move an explicit date' }
  ] satisfies Array<{ start: string; rule: { businessDays: number } | { deadline: string }; holidays: string[]; deadline: string; why: string }>) {
    test(`A period from ${start} with ${JSON.stringify(rule)} ends on ${deadline}: ${why}.`, () => {
      expect(deadlineOf(d(start), rule as DeadlineRule, holidays.map(d))).toEqual({ deadline })
    })
  }

  for (const { start, rule, failed } of [
    { start: '2021-10-01', rule: { deadline: '2021-09-30' }, failed: 'the deadline 2021-09-30 is before the start 2021-10-01' },
    { start: '2021-10-01', rule: { businessDays: 2.5 }, failed: 'businessDays must be a whole number from 1 to 260' },
    { start: '2021-10-01', rule: { businessDays: Number.NaN }, failed: 'businessDays must be a whole number from 1 to 260' },
    { start: '2021-10-01', rule: { businessDays: 0 }, failed: 'businessDays must be a whole number from 1 to 260' },
    { start: '2021-10-01', rule: { businessDays: -5 }, failed: 'businessDays must be a whole number from 1 to 260' },
    { start: '2021-10-01', rule: { businessDays: 261 }, failed: 'businessDays must be a whole number from 1 to 260' },
    { start: '2021-02-30', rule: { businessDays: 5 }, failed: 'start must be a date written YYYY-MM-DD, got "2021-02-30"' },
    { start: '1/10/2021', rule: { deadline: '2021-10-15' }, failed: 'start must be a date written YYYY-MM-DD, got "1/10/2021"' },
    { start: '2021-10-01', rule: { deadline: '2021-10-32' }, failed: 'deadline must be a date written YYYY-MM-DD, got "2021-10-32"' }
  ] satisfies Array<{ start: string; rule: { businessDays: number } | { deadline: string }; failed: string }>) {
    test(`A period from ${JSON.stringify(start)} with ${JSON.stringify(rule)} is refused: ${failed}.`, () => {
      expect(deadlineOf(d(start), rule as DeadlineRule, [])).toEqual({ failed })
    })
  }
})

describe('todayIn', () => {
  for (const { instant, timeZone, today, why } of [
    { instant: '2021-10-16T04:30:00Z', timeZone: 'America/Mexico_City', today: '2021-10-15', why: 'still the 15th in Mexico City (UTC−5 in October 2021)' },
    { instant: '2021-10-16T05:30:00Z', timeZone: 'America/Mexico_City', today: '2021-10-16', why: 'past midnight in Mexico City' },
    { instant: '2021-10-16T04:30:00Z', timeZone: 'UTC', today: '2021-10-16', why: 'already the 16th in UTC' },
    { instant: '2023-01-01T05:30:00Z', timeZone: 'America/Mexico_City', today: '2022-12-31', why: 'Mexico City keeps UTC−6 all year since 2022' },
    { instant: '2021-10-15T23:59:59Z', timeZone: 'America/Toronto', today: '2021-10-15', why: 'evening in Ottawa' },
    { instant: '2021-10-15T10:00:00Z', timeZone: 'Pacific/Kiritimati', today: '2021-10-16', why: 'UTC+14 is a day ahead' },
    { instant: '2021-10-15T10:00:00Z', timeZone: 'Pacific/Pago_Pago', today: '2021-10-14', why: 'UTC−11 is a day behind' },
    { instant: '2024-02-29T12:00:00Z', timeZone: 'America/Guatemala', today: '2024-02-29', why: 'a leap day' }
  ]) {
    test(`At ${instant} it is ${today} in ${timeZone}: ${why}.`, () => {
      expect(todayIn(timeZone, new Date(instant))).toBe(today)
    })
  }
})

describe('isPeriodOpen', () => {
  const october = period('2021-10-01', '2021-10-15')
  for (const { today, open, why } of [
    { today: '2021-09-30', open: false, why: 'the day before the start' },
    { today: '2021-10-01', open: true, why: 'the start day itself' },
    { today: '2021-10-08', open: true, why: 'a day in between' },
    { today: '2021-10-15', open: true, why: 'the deadline day itself' },
    { today: '2021-10-16', open: false, why: 'the day after the deadline' }
  ]) {
    test(`A period from 2021-10-01 to 2021-10-15 is ${open ? 'open' : 'closed'} on ${today}, ${why}.`, () => {
      expect(isPeriodOpen(october, d(today))).toBe(open)
    })
  }

  test('A period closed early by the Presidency is closed even within its dates.', () => {
    expect(isPeriodOpen(period('2021-10-01', '2021-10-15', { closedAt: '2021-10-08T18:00:00.000Z' }), d('2021-10-08'))).toBe(false)
  })
})

describe('currentPeriod', () => {
  test('The period opened last governs, whatever the order in which periods are listed.', () => {
    const first = period('2021-10-01', '2021-10-15', { id: 'first' })
    const second = period('2021-11-12', '2021-11-19', { id: 'second' })
    expect(currentPeriod([second, first])?.id).toBe('second')
    expect(currentPeriod([first, second])?.id).toBe('second')
    expect(currentPeriod([])).toBeUndefined()
  })
})

describe('periodRefusal', () => {
  const october = period('2021-10-01', '2021-10-15')
  const closedEarly = period('2021-10-01', '2021-10-15', { closedAt: '2021-10-08T03:00:00.000Z' })

  for (const { name, periods, today, timeZone, refusal } of [
    { name: 'no period was ever opened', periods: [], today: '2021-10-05', refusal: 'no comment period has been opened for this document' },
    { name: 'the period is open', periods: [october], today: '2021-10-05', refusal: undefined },
    { name: 'it is the deadline day', periods: [october], today: '2021-10-15', refusal: undefined },
    {
      name: 'the period has not opened yet',
      periods: [october],
      today: '2021-09-30',
      refusal: 'the comment period opens on 2021-10-01 (deadline 2021-10-15)'
    },
    {
      name: 'the deadline has passed',
      periods: [october],
      today: '2021-10-16',
      refusal: 'the comment period ended on 2021-10-15: the deadline has passed'
    },
    {
      name: 'the Presidency closed the period early',
      periods: [closedEarly],
      today: '2021-10-09',
      refusal: 'the comment period was closed by the Presidency on 2021-10-08 (deadline was 2021-10-15)'
    },
    {
      name: 'the Presidency closed the period early, late in the evening in Mexico City',
      periods: [closedEarly],
      today: '2021-10-09',
      timeZone: 'America/Mexico_City',
      // 03:00 UTC on the 8th is 22:00 on the 7th in Mexico City: the close is dated as `today` is.
      refusal: 'the comment period was closed by the Presidency on 2021-10-07 (deadline was 2021-10-15)'
    },
    {
      name: 'a period closed early is also past its deadline',
      periods: [closedEarly],
      today: '2021-10-20',
      refusal: 'the comment period ended on 2021-10-15: the deadline has passed'
    },
    {
      name: 'a new period was opened after one that ended',
      periods: [october, period('2021-11-12', '2021-11-19', { id: 'p2' })],
      today: '2021-11-15',
      refusal: undefined
    },
    {
      name: 'the period opened last has ended, though an earlier one would be open',
      periods: [
        period('2021-10-01', '2022-10-01', { openedAt: '2021-10-01T15:00:00.000Z' }),
        period('2021-10-01', '2021-10-04', { id: 'p2', openedAt: '2021-10-02T15:00:00.000Z' })
      ],
      today: '2021-10-05',
      refusal: 'the comment period ended on 2021-10-04: the deadline has passed'
    }
  ] satisfies Array<{ name: string; periods: CommentPeriod[]; today: string; timeZone?: string; refusal: string | undefined }>) {
    test(`When ${name}, a delegate is told: ${refusal ?? '(nothing: commenting is allowed)'}.`, () => {
      expect(periodRefusal(periods, d(today), timeZone)?.message).toBe(refusal)
    })
  }

  test('Each refusal carries a code and the dates it names, for the app to word in its language.', () => {
    expect(periodRefusal([], d('2021-10-05'))).toMatchObject({ code: 'period_not_opened', values: {} })
    expect(periodRefusal([october], d('2021-09-30'))).toMatchObject({ code: 'period_not_started', values: { start: '2021-10-01', deadline: '2021-10-15' } })
    expect(periodRefusal([closedEarly], d('2021-10-09'), 'America/Mexico_City')).toMatchObject({
      code: 'period_closed_early',
      values: { closedOn: '2021-10-07', deadline: '2021-10-15' }
    })
    expect(periodRefusal([october], d('2021-10-16'))).toMatchObject({ code: 'period_ended', values: { deadline: '2021-10-15' } })
  })
})
