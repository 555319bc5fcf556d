import { COUNTRIES, type CommentStatus } from '../../src'
import type { MatrixLanguage, MatrixRow } from '../exchange'
import type { CommentView } from './Comments'

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

const DETACHED: Record<MatrixLanguage, string> = { es: '(pasaje suprimido)', en: '(passage deleted)' }
const PRESIDENCY: Record<MatrixLanguage, string> = { es: 'PPT', en: 'PPT' }
const DELETION: Record<MatrixLanguage, string> = { es: '(suprimir el pasaje)', en: '(delete the passage)' }

/**
 * The comment matrix, a row per comment: section, paragraph number (its
 * place among the text's paragraphs, § 1 first), the passage as quoted,
 * country, comment and replies, proposed wording, status and the
 * Presidency's answer, in the reader's language.
 */
export function commentMatrix(
  comments: readonly CommentView[],
  paragraphNumber: ReadonlyMap<string, number>,
  language: MatrixLanguage
): MatrixRow[] {
  return comments.map((c) => {
    const number = c.anchor.detached ? undefined : paragraphNumber.get(c.anchor.blockId)
    const replies = c.replies.map((r) => `${r.author.name}: ${r.body}`)
    return {
      section: c.anchor.detached ? DETACHED[language] : c.anchor.section,
      paragraph: number === undefined ? '' : `§ ${number}`,
      quote: c.anchor.quote,
      country: c.country ? (COUNTRIES.find((x) => x.code === c.country)?.name[language] ?? c.country) : PRESIDENCY[language],
      comment: [c.body, ...replies].join('\n'),
      proposal: c.suggestion ? c.suggestion.text || DELETION[language] : '',
      status: STATUS[language][c.status],
      answer: c.answer?.body ?? ''
    }
  })
}
