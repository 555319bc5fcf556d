import { stringify } from 'csv-stringify/sync'
import type { AuditEntry } from '../../src'

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
  ['details', 'detalles (JSON)', 'details (JSON)'],
  ['address', 'dirección', 'address'],
  ['hash', 'hash', 'hash']
] as const

/**
 * The trail as CSV, oldest first: UTF-8 with a byte order mark (so that Excel
 * reads the accents), RFC 4180 (CRLF, fields quoted when they must be), a
 * header row in `language`. A field that starts like a formula is prefixed
 * with ' so that a spreadsheet shows it instead of running it: usernames,
 * file names and titles come from many hands.
 */
export function auditToCsv(entries: readonly AuditEntry[], language: 'es' | 'en'): string {
  return stringify(
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
      account: e.target?.account ?? '',
      share: e.target?.share ?? '',
      details: e.details ? JSON.stringify(e.details) : '',
      address: e.address ?? '',
      hash: e.hash
    })),
    {
      bom: true,
      header: true,
      columns: CSV_COLUMNS.map(([key, es, en]) => ({ key, header: language === 'es' ? es : en })),
      record_delimiter: 'windows',
      // A line break inside a field must be quoted even though records end in CRLF.
      quote_record_delimiter: true,
      escape_formulas: true
    }
  )
}
