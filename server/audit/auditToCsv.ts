import type { AuditEntry } from '../../src'
import { toCsv } from '../csv'

const CSV_COLUMNS = [
  ['seq', 'n.º', 'seq'],
  ['time', 'fecha y hora (UTC)', 'time (UTC)'],
  ['username', 'usuario', 'username'],
  ['role', 'rol', 'role'],
  ['country', 'país', 'country'],
  ['action', 'acción', 'action'],
  ['document', 'documento', 'document'],
  ['comment', 'comentario', 'comment'],
  ['version', 'versión', 'version'],
  ['period', 'periodo', 'period'],
  ['account', 'cuenta', 'account'],
  ['share', 'compartición', 'share'],
  ['meeting', 'reunión', 'meeting'],
  ['details', 'detalles (JSON)', 'details (JSON)'],
  ['address', 'dirección', 'address'],
  ['hash', 'hash', 'hash']
] as const

/**
 * The trail as CSV, oldest first, with a header row in `language`, written
 * by `toCsv` (UTF-8 with a byte order mark, CRLF, every field holding a
 * separator of any locale quoted, formula starts defused in each `;`- or
 * tab-separated piece: usernames, file names and titles come from many hands).
 */
export function auditToCsv(entries: readonly AuditEntry[], language: 'es' | 'en'): string {
  return toCsv(
    entries.map((e) => ({
      seq: e.seq,
      time: e.at,
      username: e.actor.username,
      role: e.actor.role ?? '',
      country: e.actor.country ?? '',
      action: e.action,
      document: e.target?.document ?? '',
      comment: e.target?.comment ?? '',
      version: e.target?.version ?? '',
      period: e.target?.period ?? '',
      meeting: e.target?.meeting ?? '',
      account: e.target?.account ?? '',
      share: e.target?.share ?? '',
      details: e.details ? JSON.stringify(e.details) : '',
      address: e.address ?? '',
      hash: e.hash
    })),
    CSV_COLUMNS.map(([key, es, en]) => ({ key, header: language === 'es' ? es : en }))
  )
}
