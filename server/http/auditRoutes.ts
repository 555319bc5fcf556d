import type { Request, Response, Router } from 'express'
import { z } from 'zod'
import { AUDIT_ACTIONS, isIsoDate, mayReadAuditTrail, todayIn, type Account, type AuditCheck, type AuditEntry, type AuditTargetNames, type DocumentId, type NamedAuditPage } from '../../src'
import { actorOf, boundsOf, type AuditFilter } from '../audit'
import type { StoredAccount } from '../auth/Accounts'
import { CSV_MIME_TYPE } from '../exchange'
import type { Workspace } from '../Workspace'
import { signedInOf } from './locals'
import { refusalOf } from '../work'
import { HttpError, valueOf } from './request'
import { countryCode } from './fields'

/** Entries on one page of `GET /api/audit` unless `limit` says otherwise. */
export const DEFAULT_AUDIT_PAGE = 200
/** Most entries one page may hold. */
export const MAX_AUDIT_PAGE = 1000

// An instant with its offset, as ISO 8601 writes it (a bare local time would
// mean different moments to the server and to the person who typed it).
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const when = z
  .string()
  .refine((v) => isIsoDate(v) || (INSTANT.test(v) && !Number.isNaN(Date.parse(v))), 'write a date YYYY-MM-DD or an ISO instant with its offset')
const positive = (max: number) =>
  z
    .string()
    .regex(/^\d{1,12}$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `must be between 1 and ${max}`)

// Strict: a misspelt filter must not silently widen what is listed or exported.
const auditQuery = z
  .object({
    country: countryCode.optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    actor: z.string().min(1).max(100).optional(),
    document: z.string().min(1).max(200).optional(),
    from: when.optional(),
    to: when.optional(),
    format: z.enum(['json', 'csv']).optional(),
    lang: z.enum(['es', 'en']).optional(),
    limit: positive(MAX_AUDIT_PAGE).optional(),
    before: positive(Number.MAX_SAFE_INTEGER).optional()
  })
  .strict()

type AuditQuery = z.infer<typeof auditQuery>

const METHOD_NOT_ALLOWED = 'the audit trail cannot be changed'

/**
 * The audit trail's routes, under `/api` behind `requireSession`; every one
 * for the Presidency and the Secretariat only ({@link mayReadAuditTrail}):
 * - `GET /audit?country&action&actor&document&from&to&limit&before` →
 *   `{ entries, total, next, names }`, newest first; `from`/`to` are inclusive dates
 *   (whole days in the workspace's time zone) or ISO instants; `next` is the
 *   `before` of the following page; `names` says what the entries' targets
 *   are called (see {@link targetNames})
 * - `GET /audit?…&format=csv&lang=es|en` → every matching entry as CSV, oldest
 *   first; the download is itself recorded (`export.audit`)
 * - `GET /audit/verify` → the result of checking the hash chain
 * - `GET /audit/:seq` → `{ entry }`
 *
 * Any other method on these paths answers 405 with `Allow: GET`: there is no
 * way to change or remove an entry, for anyone.
 */
export function auditRoutes({ api, workspace }: { api: Router; workspace: Workspace }): void {
  const readerOf = (res: Response): StoredAccount => {
    const { account } = signedInOf(res)
    if (!mayReadAuditTrail(account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat read the audit trail')
    return account
  }

  api.get('/audit', async (req, res) => {
    const account = readerOf(res)
    const query = queryOf(req)
    const { timeZone } = await workspace.settings.load()
    const { from, to } = boundsOf({ ...query, timeZone })
    if (from && to && from > to) throw new HttpError(400, 'invalid filter: from is after to')
    const filter: AuditFilter = {
      ...(query.country ? { country: query.country } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.document ? { document: query.document } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      timeZone
    }
    if (query.format !== 'csv') {
      const page = await workspace.audit.page(filter, { limit: query.limit ?? DEFAULT_AUDIT_PAGE, ...(query.before ? { before: query.before } : {}) })
      return void res.json({ ...page, names: await targetNames(workspace, account, page.entries) } satisfies NamedAuditPage)
    }
    const language = query.lang ?? 'es'
    const entries = await workspace.audit.list(filter)
    // Written in the worker pool: the trail grows without end, and so would the time on the event loop.
    const made = await workspace.work.run(account.username, 'auditCsv', { entries, language })
    if ('refused' in made) return valueOf(refusalOf(made, 422))
    const csv = made.ok
    // Recorded before it is sent, and after it was read: the file does not list its own download.
    const { timeZone: _zone, ...filters } = filter
    await workspace.audit.record({ action: 'export.audit', actor: actorOf(account), details: { format: 'csv', lang: language, ...filters, entries: entries.length } })
    res.attachment(`${language === 'es' ? 'auditoria' : 'audit-trail'}-${todayIn(timeZone, workspace.clock())}.csv`)
    res.type(CSV_MIME_TYPE).send(csv)
  })

  api.get('/audit/verify', async (_req, res) => {
    readerOf(res)
    // With the stored records found damaged since the start, for someone to restore from a backup.
    res.json({ ...(await workspace.audit.verify()), damaged: workspace.damaged.names() } satisfies AuditCheck)
  })

  api.get('/audit/:seq', async (req, res) => {
    readerOf(res)
    const seq = /^\d{1,12}$/.test(String(req.params.seq)) ? Number(req.params.seq) : NaN
    const entry = await workspace.audit.get(seq)
    if (!entry) throw new HttpError(404, `no audit entry ${req.params.seq}`)
    res.json({ entry })
  })

  api.all(['/audit', '/audit/:seq'], (_req, res) => {
    res.set('Allow', 'GET').status(405).json({ error: METHOD_NOT_ALLOWED })
  })
}

/**
 * What the targets of `entries` are called, as far as `reader` may see them
 * elsewhere in the app: names of documents they may read and of what is in
 * them (versions, comments' authors, periods' days, shares' versions, for
 * those who may list shares), and accounts' names for those who manage
 * accounts. An id that no longer resolves (or is not theirs to see) is left out.
 */
export async function targetNames(workspace: Workspace, reader: Account, entries: readonly AuditEntry[]): Promise<AuditTargetNames> {
  const targets = entries.flatMap((e) => (e.target ? [e.target] : []))
  const idsOf = (key: 'comment' | 'version' | 'period' | 'share' | 'meeting', document: string) =>
    new Set(targets.flatMap((t) => (t.document === document && t[key] ? [t[key]] : [])))
  const readable = new Map((await workspace.documentsFor(reader)).map((d) => [d.id as string, d]))
  const documents = [...new Set(targets.flatMap((t) => (t.document && readable.has(t.document) ? [t.document as DocumentId] : [])))]
  const names = { documents: {}, versions: {}, comments: {}, periods: {}, shares: {}, accounts: {}, meetings: {} } as { -readonly [K in keyof AuditTargetNames]: Record<string, AuditTargetNames[K][string]> }
  for (const id of documents) {
    names.documents[id] = readable.get(id)?.title ?? id
    const [versions, comments, periods, shares, meetings] = (['version', 'comment', 'period', 'share', 'meeting'] as const).map((key) => idsOf(key, id))
    if (versions?.size) for (const v of await workspace.versions.list(id)) if (versions.has(v.id)) names.versions[v.id] = v.name
    if (comments?.size) for (const c of await workspace.comments.stored(id)) if (comments.has(c.id)) names.comments[c.id] = { author: c.author.name, country: c.country }
    if (periods?.size) for (const p of (await workspace.periods.view(id)).periods) if (periods.has(p.id)) names.periods[p.id] = { start: p.start, deadline: p.deadline }
    if (meetings?.size) for (const m of await workspace.meetings.list(id)) if (meetings.has(m.id)) names.meetings[m.id] = m.title
    if (shares?.size) {
      const listed = await workspace.shares.list(reader, id)
      if ('ok' in listed) for (const share of listed.ok) if (shares.has(share.id)) names.shares[share.id] = share.versionName
    }
  }
  const accounts = new Set(targets.flatMap((t) => (t.account ? [t.account] : [])))
  if (accounts.size) {
    const listed = await workspace.access.list(reader)
    if ('ok' in listed) for (const a of listed.ok) if (accounts.has(a.username)) names.accounts[a.username] = a.name
  }
  return names
}

function queryOf(req: Request): AuditQuery {
  const parsed = auditQuery.safeParse(req.query)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new HttpError(400, `invalid filter${issue ? `: ${issue.path.join('.') || 'query'}: ${issue.message}` : ''}`)
  }
  return parsed.data
}
