import { describe, expect, test } from 'vitest'
import {
  agreementCount,
  blockStatusChanges,
  maySetBlockStatus,
  provenanceOf,
  ROLES,
  standingOf,
  supportRefusal,
  withSupport,
  type Comment,
  type CommentId,
  type CountryCode,
  type DocumentId,
  type NewBlockStatus,
  type Role,
  type Username
} from '../../src'

/** A proposal of `country` (or a plain comment without `suggestion`), open and undecided unless `more` says otherwise. */
function proposal(country: CountryCode | null, more: Partial<Comment> = {}): Comment {
  return {
    id: 'c1' as CommentId,
    documentId: 'estrategia' as DocumentId,
    country,
    author: { username: 'x' as Username, name: 'X', role: country ? 'delegate' : 'ppt', country },
    createdAt: '2021-10-05T12:00:00.000Z',
    body: 'Proponemos otra redacción.',
    status: 'open',
    anchor: { blockId: 'b1' as never, start: null, end: null, quote: 'texto' },
    replies: [],
    suggestion: { text: 'texto nuevo', decision: null },
    answer: null,
    ...more
  }
}

const delegate = (country: CountryCode) => ({ role: 'delegate' as Role, country })

describe('The standing a paragraph may be given', () => {
  const cases: Array<[string, NewBlockStatus, { status: string; pending: string[] } | 'refused']> = [
    ['open', { status: 'open' }, { status: 'open', pending: [] }],
    ['informally agreed', { status: 'informal' }, { status: 'informal', pending: [] }],
    ['agreed, with an empty list of capitals', { status: 'agreed', pending: [] }, { status: 'agreed', pending: [] }],
    ['ad ref, capitals put in the Conference order once each', { status: 'ad-ref', pending: ['HN', 'GT', 'HN'] }, { status: 'ad-ref', pending: ['GT', 'HN'] }],
    ['ad ref without the capitals it waits for', { status: 'ad-ref' }, 'refused'],
    ['ad ref with an empty list', { status: 'ad-ref', pending: [] }, 'refused'],
    ['agreed with capitals pending', { status: 'agreed', pending: ['GT'] }, 'refused'],
    ['open with capitals pending', { status: 'open', pending: ['MX'] }, 'refused'],
    ['ad ref with a country that is not a member', { status: 'ad-ref', pending: ['FR' as CountryCode] }, 'refused']
  ]
  test.each(cases)('%s', (_name, input, expected) => {
    const got = standingOf(input)
    if (expected === 'refused') expect(got).toHaveProperty('failed')
    else expect(got).toEqual({ ok: expected })
  })

  test('Only the Presidency and the Secretariat set statuses.', () => {
    expect(ROLES.filter(maySetBlockStatus)).toEqual(['ppt', 'secretariat'])
  })
})

describe('Counting and comparing standings', () => {
  test('The counter counts only the paragraphs agreed, not those ad referendum or informal.', () => {
    const blocks = [
      { status: 'agreed' as const, pending: [] },
      { status: 'ad-ref' as const, pending: ['GT' as const] },
      { status: 'informal' as const, pending: [] },
      { status: 'open' as const, pending: [] },
      { status: 'agreed' as const, pending: [] }
    ]
    expect(agreementCount(blocks)).toEqual({ agreed: 2, total: 5 })
  })

  test('A comparison names each paragraph whose status or pending capitals changed, and a paragraph missing on one side stands open there.', () => {
    const before = [
      { blockId: 'a', status: 'ad-ref' as const, pending: ['GT', 'HN'] as CountryCode[] },
      { blockId: 'b', status: 'informal' as const, pending: [] },
      { blockId: 'c', status: 'agreed' as const, pending: [] },
      { blockId: 'd', status: 'ad-ref' as const, pending: ['GT', 'HN'] as CountryCode[] }
    ]
    const after = [
      { blockId: 'a', status: 'agreed' as const, pending: [] },
      { blockId: 'b', status: 'informal' as const, pending: [] },
      { blockId: 'e', status: 'informal' as const, pending: [] },
      { blockId: 'd', status: 'ad-ref' as const, pending: ['HN'] as CountryCode[] }
    ]
    expect(blockStatusChanges(before, after)).toEqual([
      { blockId: 'a', from: { status: 'ad-ref', pending: ['GT', 'HN'] }, to: { status: 'agreed', pending: [] } },
      { blockId: 'e', from: { status: 'open', pending: [] }, to: { status: 'informal', pending: [] } },
      { blockId: 'd', from: { status: 'ad-ref', pending: ['GT', 'HN'] }, to: { status: 'ad-ref', pending: ['HN'] } },
      { blockId: 'c', from: { status: 'agreed', pending: [] }, to: { status: 'open', pending: [] } }
    ])
  })
})

describe('Provenance', () => {
  test('Each paragraph lists the countries of the accepted proposals it holds, once each, in the Conference order; the Presidency adds none.', () => {
    const found = provenanceOf([
      { country: 'HN', blockId: 'b1' },
      { country: 'GT', blockId: 'b1' },
      { country: 'HN', blockId: 'b1' },
      { country: null, blockId: 'b2' },
      { country: 'SV', blockId: 'b3' }
    ])
    expect(Object.fromEntries(found)).toEqual({ b1: ['GT', 'HN'], b3: ['SV'] })
  })
})

describe('Who may support a proposal', () => {
  const cases: Array<[string, { role: Role; country: CountryCode | null }, Comment, 403 | 409 | undefined]> = [
    ["another country's open proposal", delegate('GT'), proposal('MX'), undefined],
    ["its own country's proposal", delegate('MX'), proposal('MX'), 403],
    ['a plain comment', delegate('GT'), proposal('MX', { suggestion: null }), 409],
    ["the Presidency's own proposal", delegate('GT'), proposal(null), 409],
    ['a withdrawn proposal', delegate('GT'), proposal('MX', { status: 'withdrawn' }), 409],
    [
      'a proposal already accepted',
      delegate('GT'),
      proposal('MX', { suggestion: { text: 't', decision: { outcome: 'accepted', by: proposal(null).author, at: '2021-10-20T00:00:00Z' } } }),
      409
    ],
    ['the Presidency', { role: 'ppt', country: null }, proposal('MX'), 403],
    ['the Secretariat', { role: 'secretariat', country: null }, proposal('MX'), 403],
    ['a reviewer', { role: 'reviewer', country: null }, proposal('MX'), 403],
    ['an observer', { role: 'observer', country: null }, proposal('MX'), 403]
  ]
  test.each(cases)('%s', (_name, account, comment, status) => {
    expect(supportRefusal(account, comment)?.status).toBe(status)
  })

  test('Support is added once and removed, the list kept in the Conference order.', () => {
    expect(withSupport(undefined, 'SV', true)).toEqual(['SV'])
    expect(withSupport(['SV', 'HN'], 'GT', true)).toEqual(['SV', 'GT', 'HN'])
    expect(withSupport(['GT'], 'GT', true)).toEqual(['GT'])
    expect(withSupport(['SV', 'GT'], 'SV', false)).toEqual(['GT'])
  })
})
