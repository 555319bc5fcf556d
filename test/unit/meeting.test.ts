import { describe, expect, test } from 'vitest'
import { allowDelegations, askFloor, delegationMayActIn, endMeeting, giveFloor, moveFocus, nextSpeaker, withdrawFloor, type Author, type CountryCode, type DocumentId, type Meeting, type MeetingId, type MeetingResult } from '../../src'

const chair: Author = { username: 'se' as Author['username'], name: 'Secretaría Ejecutiva', role: 'secretariat', country: null }

const meeting: Meeting = {
  id: 'm1' as MeetingId,
  documentId: 'estrategia' as DocumentId,
  title: 'Tercera reunión',
  agenda: [],
  attendees: ['GT', 'CR', 'PA'],
  startedAt: 't0',
  startedBy: chair,
  endedAt: null,
  endedBy: null,
  focus: null,
  speaking: null,
  queue: [],
  turns: []
}

const ok = (result: MeetingResult): Meeting => {
  if ('failed' in result) throw new Error(result.failed)
  return result.ok
}
const countries = (m: Meeting) => m.queue.map((t) => t.country)

describe('The floor of a meeting', () => {
  test('Requests queue in the order made; asking again keeps one place; the speaker does not queue.', () => {
    let m = ok(askFloor(meeting, 'GT', 't1'))
    m = ok(askFloor(m, 'CR', 't2'))
    expect(ok(askFloor(m, 'GT', 't3'))).toBe(m)
    expect(countries(m)).toEqual(['GT', 'CR'])
    m = ok(nextSpeaker(m, 't4'))
    expect(m.speaking).toEqual({ country: 'GT', since: 't4' })
    expect(ok(askFloor(m, 'GT', 't5'))).toBe(m)
  })

  test.each<[string, (m: Meeting) => MeetingResult, { speaking: CountryCode | null; queue: CountryCode[]; turns: Array<[CountryCode, string | null]> }]>([
    ['the next in the queue gets the floor', (m) => nextSpeaker(m, 't9'), { speaking: 'CR', queue: ['PA'], turns: [['GT', 't9'], ['CR', null]] }],
    ['a country outside the queue may be given the floor', (m) => giveFloor(m, 'MX', 't9'), { speaking: 'MX', queue: ['CR', 'PA'], turns: [['GT', 't9'], ['MX', null]] }],
    ['a queued country given the floor leaves the queue', (m) => giveFloor(m, 'PA', 't9'), { speaking: 'PA', queue: ['CR'], turns: [['GT', 't9'], ['PA', null]] }],
    ['the speaker yields: nobody speaks', (m) => withdrawFloor(m, 'GT', 't9'), { speaking: null, queue: ['CR', 'PA'], turns: [['GT', 't9']] }],
    ['a request withdrawn leaves the queue', (m) => withdrawFloor(m, 'CR', 't9'), { speaking: 'GT', queue: ['PA'], turns: [['GT', null]] }]
  ])('With Guatemala speaking and Costa Rica and Panamá waiting, %s.', (_name, act, expected) => {
    let m = ok(giveFloor(meeting, 'GT', 't1'))
    m = ok(askFloor(ok(askFloor(m, 'CR', 't2')), 'PA', 't3'))
    const after = ok(act(m))
    expect(after.speaking?.country ?? null).toBe(expected.speaking)
    expect(countries(after)).toEqual(expected.queue)
    expect(after.turns.map((t) => [t.country, t.to])).toEqual(expected.turns)
  })

  test('An ended meeting refuses every act, naming when it ended; the floor is closed at the end.', () => {
    const ended = ok(endMeeting(ok(giveFloor(meeting, 'GT', 't1')), chair, 't2'))
    expect(ended).toMatchObject({ endedAt: 't2', endedBy: chair, speaking: null, queue: [] })
    expect(ended.turns).toEqual([{ country: 'GT', from: 't1', to: 't2' }])
    for (const act of [
      () => moveFocus(ended, 'b1', 't3'),
      () => askFloor(ended, 'CR', 't3'),
      () => giveFloor(ended, 'CR', 't3'),
      () => nextSpeaker(ended, 't3'),
      () => withdrawFloor(ended, 'CR', 't3'),
      () => endMeeting(ended, chair, 't3')
    ])
      expect(act()).toEqual({ failed: 'the meeting "Tercera reunión" ended at t2' })
  })
})

describe('Delegations acting in the room', () => {
  test.each<[string, CountryCode, boolean, Meeting | undefined]>([
    ['no meeting runs', 'GT', false, undefined],
    ['the chair has not allowed it', 'GT', false, meeting],
    ['the chair allowed it and the country is present', 'GT', true, { ...meeting, delegationsMayAct: true }],
    ['the country is not present', 'MX', false, { ...meeting, delegationsMayAct: true }],
    ['the meeting has ended', 'GT', false, { ...meeting, delegationsMayAct: true, endedAt: 't9', endedBy: chair }]
  ])('When %s, the delegation of %s may act outside a period: %s.', (_case, country, expected, m) => {
    expect(delegationMayActIn(m, country)).toBe(expected)
  })

  test('The chair allows and withdraws; the same answer again changes nothing; an ended meeting refuses.', () => {
    const allowed = ok(allowDelegations(meeting, true))
    expect(allowed.delegationsMayAct).toBe(true)
    expect(ok(allowDelegations(allowed, true))).toBe(allowed)
    expect(ok(allowDelegations(meeting, false))).toBe(meeting)
    expect(ok(allowDelegations(allowed, false)).delegationsMayAct).toBe(false)
    expect(allowDelegations(ok(endMeeting(meeting, chair, 't9')), true)).toHaveProperty('failed')
  })
})
