import { countryOf, kindOf, partyName, type CommentStatus, type CommentView } from '../../src'
import type { MatrixLanguage, MatrixRow } from '../exchange'

const STATUS: Record<MatrixLanguage, Record<CommentStatus, string>> = {
  es: {
    open: 'Abierto',
    incorporated: 'Incorporado',
    partially_incorporated: 'Parcialmente incorporado',
    not_incorporated: 'No incorporado',
    withdrawn: 'Retirado'
  },
  en: {
    open: 'Open',
    incorporated: 'Incorporated',
    partially_incorporated: 'Partially incorporated',
    not_incorporated: 'Not incorporated',
    withdrawn: 'Withdrawn'
  }
}

// What an intervention recorded in a meeting is called in its row: it is input like a comment, said aloud.
const INTERVENTION: Record<MatrixLanguage, string> = { es: 'Intervención en sesión', en: 'Intervention in session' }

const DETACHED: Record<MatrixLanguage, string> = { es: '(pasaje suprimido)', en: '(passage deleted)' }
const DELETION: Record<MatrixLanguage, string> = { es: '(suprimir el pasaje)', en: '(delete the passage)' }
const DECISION: Record<MatrixLanguage, Record<'pending' | 'accepted' | 'rejected', string>> = {
  es: { pending: 'Pendiente', accepted: 'Aceptada', rejected: 'Rechazada' },
  en: { pending: 'Pending', accepted: 'Accepted', rejected: 'Rejected' }
}

/**
 * The comments in the order of the text: by paragraph (so by section), then
 * by where the passage starts in it; comments whose passage was deleted
 * last. Ties, and the detached comments among themselves, go oldest first,
 * then by id, so that the order is the same at every export.
 */
function inTextOrder(comments: readonly CommentView[], paragraphNumber: ReadonlyMap<string, number>): CommentView[] {
  // A passage in a block the numbering does not know sorts after the known ones, before the detached.
  const place = (c: CommentView): [number, number] =>
    c.anchor.detached ? [Infinity, Infinity] : [paragraphNumber.get(c.anchor.blockId) ?? Number.MAX_SAFE_INTEGER, c.anchor.from]
  return comments
    .map((comment) => ({ comment, place: place(comment) }))
    .sort(
      (a, b) =>
        compare(a.place[0], b.place[0]) ||
        compare(a.place[1], b.place[1]) ||
        a.comment.createdAt.localeCompare(b.comment.createdAt) ||
        a.comment.id.localeCompare(b.comment.id)
    )
    .map(({ comment }) => comment)
}

// Infinity equals Infinity here, where subtracting would give NaN.
const compare = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0)

// The passage as its country quoted it: once a proposal is accepted the
// anchor quotes the wording it brought in, and the decision keeps the quote.
function quoteOf(c: CommentView): string {
  const decision = c.suggestion?.decision
  if (decision?.outcome !== 'accepted') return c.anchor.quote
  return decision.quoted ?? decision.replaced ?? c.anchor.quote
}

/**
 * The comment matrix, a row per comment in the order of the text (see
 * {@link inTextOrder}): section, paragraph number (its place among the
 * text's paragraphs, § 1 first), the passage as the country quoted it (for
 * an accepted proposal too, though the text now reads as proposed),
 * country, comment and replies, proposed wording with its justification and
 * the countries supporting it, the decision on it,
 * status and the Presidency's answer, in the reader's language.
 */
export function commentMatrix(
  comments: readonly CommentView[],
  paragraphNumber: ReadonlyMap<string, number>,
  language: MatrixLanguage
): MatrixRow[] {
  return inTextOrder(comments, paragraphNumber).map((c) => {
    const number = c.anchor.detached ? undefined : paragraphNumber.get(c.anchor.blockId)
    const replies = c.replies.map((r) => `${r.author.name}: ${r.body}`)
    return {
      section: c.anchor.detached ? DETACHED[language] : c.anchor.section,
      paragraph: number === undefined ? '' : `§ ${number}`,
      quote: quoteOf(c),
      country: partyName({ role: c.author.role, country: c.country }, language),
      comment: [kindOf(c) === 'intervention' ? `${INTERVENTION[language]}: ${c.body}` : c.body, ...replies].join('\n'),
      proposal: c.suggestion ? c.suggestion.text || DELETION[language] : '',
      justification: c.justification ?? '',
      // A version's comments may be from before support existed.
      supporters: (c.supporters ?? []).map((code) => countryOf(code).name[language]).join(', '),
      decision: c.suggestion ? DECISION[language][c.suggestion.decision?.outcome ?? 'pending'] : '',
      status: STATUS[language][c.status],
      answer: c.answer?.body ?? ''
    }
  })
}
