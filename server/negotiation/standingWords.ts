import type { BlockStanding, BlockStatus, BlockView } from '../../src'

type Language = 'es' | 'en'

const STATUS: Record<Language, Record<BlockStatus, string>> = {
  es: { open: 'Abierto', informal: 'Acordado informalmente', 'ad-ref': 'Acordado ad referéndum', agreed: 'Acordado' },
  en: { open: 'Open', informal: 'Informally agreed', 'ad-ref': 'Agreed ad referendum', agreed: 'Agreed' }
}

const PENDING: Record<Language, string> = { es: 'pendiente de confirmación de', en: 'pending confirmation by' }
const STATUS_TITLE: Record<Language, string> = { es: 'Estado', en: 'Status' }
const PROVENANCE_TITLE: Record<Language, string> = { es: 'Procedencia', en: 'Provenance' }

/** A standing in words, as files write it: "Acordado ad referéndum (pendiente de confirmación de GT, HN)". */
export function standingWords(standing: BlockStanding, language: Language = 'es'): string {
  const pending = standing.pending.length > 0 ? ` (${PENDING[language]} ${standing.pending.join(', ')})` : ''
  return `${STATUS[language][standing.status]}${pending}`
}

/**
 * What a file says of a paragraph beside it: its status and its provenance
 * ("Estado: Acordado. Procedencia: GT, SV."); "" for an open paragraph no
 * accepted proposal shaped, which needs no note.
 */
export function paragraphNote(block: BlockView, language: Language = 'es'): string {
  const parts: string[] = []
  if (block.status !== 'open') parts.push(`${STATUS_TITLE[language]}: ${standingWords(block, language)}.`)
  if (block.provenance.length > 0) parts.push(`${PROVENANCE_TITLE[language]}: ${block.provenance.join(', ')}.`)
  return parts.join(' ')
}
