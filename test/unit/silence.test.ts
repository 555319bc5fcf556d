import { describe, expect, test } from 'vitest'
import { isSilenceOpen, outcomeAtDeadline, silenceDeadlineOf, wallClockIn, type IsoDate, type SilenceObjection } from '../../src'

const MEXICO = 'America/Mexico_City'
const MADRID = 'Europe/Madrid'
// Tuesday 23 November 2021, 10:00 in Mexico City.
const NOW = new Date('2021-11-23T16:00:00Z')

describe('silenceDeadlineOf', () => {
  test.each([
    ['a date-time without zone is read on the workspace clock', { deadline: '2021-11-26T18:00' }, MEXICO, [], '2021-11-27T00:00:00.000Z'],
    ['with seconds', { deadline: '2021-11-26T18:00:30' }, MEXICO, [], '2021-11-27T00:00:30.000Z'],
    ['a zoned date-time names its own instant', { deadline: '2021-11-26T18:00:00Z' }, MEXICO, [], '2021-11-26T18:00:00.000Z'],
    ['business days end at 23:59 of the last one', { businessDays: 3 }, MEXICO, [], '2021-11-27T05:59:59.999Z'],
    ['a holiday is skipped', { businessDays: 3 }, MEXICO, ['2021-11-25'], '2021-11-30T05:59:59.999Z'],
    ['and the weekend', { businessDays: 4 }, MEXICO, [], '2021-11-30T05:59:59.999Z']
  ])('%s', (_name, rule, zone, holidays, expected) => {
    const made = silenceDeadlineOf(rule, NOW, zone, holidays as IsoDate[])
    expect('deadline' in made && made.deadline.toISOString()).toBe(expected)
  })

  test.each([
    ['a past deadline', { deadline: '2021-11-23T09:59' }, /already passed/],
    ['no time', { deadline: '2021-11-26' }, /YYYY-MM-DDTHH:MM/],
    ['an hour that is not one', { deadline: '2021-11-26T25:00' }, /not a time of day/],
    ['a day that is not one', { deadline: '2021-02-30T10:00' }, /YYYY-MM-DDTHH:MM/],
    ['zero business days', { businessDays: 0 }, /1 to 60/],
    ['too many', { businessDays: 61 }, /1 to 60/],
    ['a fraction', { businessDays: 1.5 }, /1 to 60/]
  ])('refuses %s', (_name, rule, message) => {
    const made = silenceDeadlineOf(rule, NOW, MEXICO, [])
    expect('failed' in made && made.failed).toMatch(message)
  })
})

test('wallClockIn finds the instant of a wall-clock time on either side of a change of clocks', () => {
  // Madrid moved from UTC+1 to UTC+2 on 2021-03-28 at 02:00.
  expect(wallClockIn('2021-03-27' as IsoDate, 18 * 60, MADRID).toISOString()).toBe('2021-03-27T17:00:00.000Z')
  expect(wallClockIn('2021-03-28' as IsoDate, 18 * 60, MADRID).toISOString()).toBe('2021-03-28T16:00:00.000Z')
  expect(() => wallClockIn('2021-03-28' as IsoDate, 1440, MADRID)).toThrow(RangeError)
})

test('a procedure is open before its deadline, never at it, and its outcome follows the objections', () => {
  const procedure = { deadline: '2021-11-27T00:00:00.000Z' }
  expect(isSilenceOpen(procedure, new Date('2021-11-26T23:59:59.999Z'))).toBe(true)
  expect(isSilenceOpen(procedure, new Date('2021-11-27T00:00:00.000Z'))).toBe(false)
  expect(outcomeAtDeadline({ objections: [] })).toBe('adopted')
  expect(outcomeAtDeadline({ objections: [{ country: 'GT' } as SilenceObjection] })).toBe('not-adopted')
})
