/**
 * Whose input a file names: a delegation's country, else the role of the
 * author, so that the Secretariat's proposals are never taken for the
 * Presidency's (one rule, `partyName`, for the matrix, the redline and the app).
 */
import { describe, expect, test } from 'vitest'
import { partyName, type Author, type BlockId, type CommentId, type CommentView, type DocumentId, type Role, type VersionDiff } from '../../src'
import { commentMatrix } from '../../server/comments/commentMatrix'
import { redlineHtml } from '../../server/versions/redlineHtml'

const authors: Record<'ppt' | 'se' | 'mx', Author> = {
  ppt: { username: 'ppt' as Author['username'], name: 'Presidencia', role: 'ppt', country: null },
  se: { username: 'se' as Author['username'], name: 'Secretaría Ejecutiva de la CRM', role: 'secretariat', country: null },
  mx: { username: 'mx' as Author['username'], name: 'Delegación de México', role: 'delegate', country: 'MX' }
}

/** An accepted proposal on the paragraph `b1`, made by `author`. */
const proposalBy = (author: Author, n: number): CommentView => ({
  id: `c${n}` as CommentId,
  documentId: 'estrategia' as DocumentId,
  country: author.country,
  author,
  createdAt: `2021-10-0${n}T12:00:00.000Z`,
  body: 'Proponemos otra redacción.',
  status: 'incorporated',
  supporters: [],
  justification: null,
  anchor: { blockId: 'b1' as BlockId, start: null, end: null, quote: 'texto', detached: false, from: n, to: n + 5, text: 'texto', section: '1. Antecedentes' },
  replies: [],
  suggestion: { text: 'otro texto', decision: { outcome: 'accepted', by: authors.ppt, at: '2021-10-10T12:00:00.000Z' } },
  answer: null
})

describe('partyName', () => {
  test.each<[Pick<Author, 'role' | 'country'>, 'es' | 'en', string]>([
    [{ role: 'delegate', country: 'MX' }, 'es', 'México'],
    [{ role: 'delegate', country: 'MX' }, 'en', 'Mexico'],
    [{ role: 'ppt', country: null }, 'es', 'PPT'],
    [{ role: 'ppt', country: null }, 'en', 'PPT'],
    [{ role: 'secretariat', country: null }, 'es', 'Secretaría Ejecutiva'],
    [{ role: 'secretariat', country: null }, 'en', 'Executive Secretariat']
  ])('names %o in %s as %s', (author, language, name) => {
    expect(partyName(author, language)).toBe(name)
  })

  test('refuses a country code that is no member’s', () => {
    expect(() => partyName({ role: 'delegate', country: 'XX' as never }, 'es')).toThrow(RangeError)
  })
})

describe('Whose proposal the exports name', () => {
  const comments = [proposalBy(authors.mx, 1), proposalBy(authors.ppt, 2), proposalBy(authors.se, 3)]

  test("The comment matrix names the Secretariat's proposal as the Secretariat's, not the PPT's, in either language.", () => {
    expect(commentMatrix(comments, new Map([['b1', 1]]), 'es').map((r) => r.country)).toEqual(['México', 'PPT', 'Secretaría Ejecutiva'])
    expect(commentMatrix(comments, new Map([['b1', 1]]), 'en').map((r) => r.country)).toEqual(['Mexico', 'PPT', 'Executive Secretariat'])
  })

  test("The redline page credits the Secretariat's proposal to the Secretariat, not the PPT.", () => {
    const credit = (c: CommentView) => ({ commentId: c.id, country: c.country, role: c.author.role as Role, text: c.suggestion?.text ?? '' })
    const diff: VersionDiff = {
      from: { id: 'v1', name: 'octubre', createdAt: '2021-10-01T00:00:00.000Z' },
      to: { id: 'v2', name: 'noviembre', createdAt: '2021-11-01T00:00:00.000Z' },
      blocks: [
        {
          op: 'changed',
          section: '1. Antecedentes',
          oldText: 'texto',
          newText: 'otro texto',
          blockId: 'b1',
          oldIndex: 0,
          newIndex: 0,
          proposals: comments.map(credit)
        }
      ],
      stats: { wordsAdded: 1, wordsRemoved: 0, blocksChanged: 1, blocksInserted: 0, blocksDeleted: 0, blocksMoved: 0, sections: {} }
    }
    const html = redlineHtml(diff, 'Estrategia')
    expect(html).toContain('Propuesta de México')
    expect(html).toContain('Propuesta de PPT')
    expect(html).toContain('Propuesta de Secretaría Ejecutiva')
  })
})
