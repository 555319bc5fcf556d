/**
 * The audit trail over HTTP, on a real server per test with the demo
 * workspace: every consequential act is recorded where it is performed, with
 * the actor the session names; the Presidency and the Secretariat read it
 * (filtered, paged, as CSV); nobody can change it; and its hash chain shows
 * an entry altered in the data file.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { describe, expect, test } from 'vitest'
import { todayIn } from '../../src'
import { AuditLog } from '../../server/audit'
import { MemoryStore } from '../../storage'
import { alterAuditEntry, damageStore } from '../storage/storeContents'
import {
  DOC,
  docPath,
  openCommentPeriod,
  quoteSelector,
  signIn,
  startTestServer,
  WORKSPACE_TIME_ZONE,
  workspaceToday,
  type ApiSession,
  type Reachable
} from '../support'

// Passages of the demo Strategy that appear once, in paragraphs of one text run.
const PUEBLA = 'Proceso Puebla'
const HURRICANES = 'huracanes Eta e Iota'
const APRIL = 'el 28 de abril de 2021'
const THREE_LINES = 'tres líneas complementarias'

/** An entry of the trail as the API answers it. */
interface Entry {
  seq: number
  at: string
  action: string
  actor: { username: string; role: string | null; country: string | null }
  target?: Record<string, string>
  details?: Record<string, string | number | boolean | null>
  address?: string
  hash: string
}

/** The acts this file's tests provoke, as opposed to sign-ins recorded on the side. */
const ACTS_OF_WORK = new Set([
  'settings.changed',
  'period.opened',
  'period.changed',
  'comment.created',
  'proposal.created',
  'comment.replied',
  'comment.status',
  'comment.withdrawn',
  'proposal.accepted',
  'proposal.rejected',
  'version.published',
  'version.restored',
  'document.created',
  'document.replaced',
  'export.comments',
  'export.version',
  'export.diff',
  'export.audit'
])

/** One page of `GET /api/audit` with `query`; it must answer 200. */
async function auditPage(session: ApiSession, query = ''): Promise<{ entries: Entry[]; total: number; next: number | null }> {
  const res = await session.get(`/api/audit${query}`)
  expect(res.status, `GET /api/audit${query}: ${JSON.stringify(res.body)}`).toBe(200)
  return res.body
}

/** Every entry, oldest first (the demo holds far fewer than a page of 1000). */
async function wholeTrail(session: ApiSession, query = ''): Promise<Entry[]> {
  const page = await auditPage(session, `?limit=1000${query ? `&${query}` : ''}`)
  expect(page.next).toBeNull()
  return page.entries.reverse()
}

/** The number of the newest entry. */
const lastSeq = async (session: ApiSession) => (await auditPage(session, '?limit=1')).entries[0]?.seq ?? 0

/** Posts a comment (or, with `suggestion`, a proposal); it must be created. */
async function comment(session: ApiSession, quote: string, suggestion?: string, extra: Record<string, unknown> = {}) {
  const res = await session.post(docPath('/comments'), {
    body: `Comentario sobre «${quote}».`,
    anchor: quoteSelector(quote),
    ...(suggestion === undefined ? {} : { suggestion: { text: suggestion } }),
    ...extra
  })
  expect(res.status, `commenting: ${JSON.stringify(res.body)}`).toBe(201)
  return res.body.comment as { id: string }
}

/** A GET answered with a file: status, headers and text. */
async function download(server: Reachable, session: ApiSession, path: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${session.token}` } })
  const bytes = new Uint8Array(await res.arrayBuffer())
  // Decoded keeping a byte order mark, so that a test can see it.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', text }
}

/** Sends a file as multipart/form-data; the answer must be 2xx. */
async function sendFile(server: Reachable, session: ApiSession, method: 'POST' | 'PUT', path: string, name: string, text: string, title?: string) {
  const form = new FormData()
  if (title !== undefined) form.set('title', title)
  form.set('file', new Blob([text], { type: 'text/markdown' }), name)
  const res = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${session.token}` }, body: form })
  const body = await res.json()
  expect(res.ok, `${method} ${path}: ${JSON.stringify(body)}`).toBe(true)
  return body
}

/** The demo's published versions by name. */
async function demoVersions(session: ApiSession) {
  const res = await session.get(docPath('/versions'))
  expect(res.status).toBe(200)
  const versions = res.body.versions as Array<{ id: string; name: string }>
  const byName = (name: string) => versions.find((v) => v.name === name) ?? expect.fail(`no version «${name}»`)
  return { october: byName('Borrador octubre 2021'), november: byName('Borrador noviembre 2021') }
}

describe('What the trail records', () => {
  test('Each kind of act is recorded once, by the account of the session (role and country included), with its target, its details and the time it was done.', async () => {
    const { server } = await startTestServer()
    const [ppt, se, mx, bz, gt, revisor] = await Promise.all([
      signIn(server, 'ppt'),
      signIn(server, 'se'),
      signIn(server, 'mx'),
      signIn(server, 'bz'),
      signIn(server, 'gt'),
      signIn(server, 'revisor')
    ])
    const baseline = await lastSeq(ppt)
    const startedAt = new Date().toISOString()
    const { october } = await demoVersions(ppt)

    const settings = (await ppt.get('/api/settings')).body.settings
    expect((await ppt.put('/api/settings', { ...settings, holidays: [...settings.holidays, '2030-01-02'] })).status).toBe(200)
    const period = await openCommentPeriod(ppt)
    expect((await ppt.patch(docPath(`/periods/${period.id}`), { businessDays: 8 })).status).toBe(200)
    // The body claims another country and author: the session decides.
    const remark = await comment(mx, PUEBLA, undefined, { country: 'US', author: { username: 'us' } })
    const belize = await comment(bz, HURRICANES, 'huracanes Eta, Iota y otros fenómenos')
    const mexico = await comment(mx, APRIL, 'el 28 de abril')
    expect((await ppt.post(docPath(`/comments/${remark.id}/replies`), { body: 'Gracias, lo revisamos.' })).status).toBe(201)
    expect((await ppt.patch(docPath(`/comments/${remark.id}`), { status: 'partially_incorporated', answer: 'Se menciona en 2.1.' })).status).toBe(200)
    const withdrawn = await comment(gt, THREE_LINES)
    expect((await gt.patch(docPath(`/comments/${withdrawn.id}`), { status: 'withdrawn' })).status).toBe(200)
    expect((await ppt.post(docPath(`/comments/${belize.id}/accept`))).status).toBe(200)
    const bulk = await se.post(docPath('/proposals/decide'), { country: 'MX', outcome: 'reject' })
    expect(bulk.body.results).toEqual([expect.objectContaining({ id: mexico.id })])
    const published = await ppt.post(docPath('/versions'), { name: 'Borrador diciembre' })
    expect(published.status).toBe(201)
    const version = published.body.version as { id: string }
    expect((await se.post(docPath(`/versions/${october.id}/restore`))).status).toBe(200)
    expect((await download(server, revisor, docPath('/comments/export?format=csv&lang=en'))).status).toBe(200)
    expect((await download(server, mx, docPath(`/versions/${version.id}/export?format=md`))).status).toBe(200)
    expect((await download(server, revisor, docPath(`/diff/export?from=${october.id}&to=${version.id}&format=docx`))).status).toBe(200)
    const created = await sendFile(server, se, 'POST', '/api/documents', 'plan.md', '# Plan\n\nUn párrafo.\n', 'Plan de trabajo')
    const planId = created.document.id as string
    await sendFile(server, ppt, 'PUT', docPath('/content', planId), 'plan-v2.md', '# Plan\n\nOtro párrafo.\n')
    expect((await ppt.patch(docPath(`/periods/${period.id}`), { closed: true })).status).toBe(200)
    const finishedAt = new Date().toISOString()

    const recorded = (await wholeTrail(ppt)).filter((e) => e.seq > baseline && ACTS_OF_WORK.has(e.action))
    const PPT = { username: 'ppt', role: 'ppt', country: null }
    const SE = { username: 'se', role: 'secretariat', country: null }
    const REVISOR = { username: 'revisor', role: 'reviewer', country: null }
    const delegate = (country: string) => ({ username: country.toLowerCase(), role: 'delegate', country })
    const onDoc = (more: Record<string, string> = {}) => ({ document: DOC, ...more })
    const expected = [
      { action: 'settings.changed', actor: PPT, details: { holidaysAdded: '2030-01-02', holidaysRemoved: '' } },
      { action: 'period.opened', actor: PPT, target: onDoc({ period: period.id }), details: { start: workspaceToday(), businessDays: 5 } },
      { action: 'period.changed', actor: PPT, target: onDoc({ period: period.id }), details: { change: 'businessDays', businessDays: 8, reopened: false } },
      { action: 'comment.created', actor: delegate('MX'), target: onDoc({ comment: remark.id }) },
      { action: 'proposal.created', actor: delegate('BZ'), target: onDoc({ comment: belize.id }) },
      { action: 'proposal.created', actor: delegate('MX'), target: onDoc({ comment: mexico.id }) },
      { action: 'comment.replied', actor: PPT, target: onDoc({ comment: remark.id }) },
      { action: 'comment.status', actor: PPT, target: onDoc({ comment: remark.id }), details: { status: 'partially_incorporated', answered: true } },
      { action: 'comment.created', actor: delegate('GT'), target: onDoc({ comment: withdrawn.id }) },
      { action: 'comment.withdrawn', actor: delegate('GT'), target: onDoc({ comment: withdrawn.id }) },
      { action: 'proposal.accepted', actor: PPT, target: onDoc({ comment: belize.id }), details: { bulk: false, country: 'BZ' } },
      { action: 'proposal.rejected', actor: SE, target: onDoc({ comment: mexico.id }), details: { bulk: true, country: 'MX' } },
      { action: 'version.published', actor: PPT, target: onDoc({ version: version.id }), details: { name: 'Borrador diciembre' } },
      { action: 'version.restored', actor: SE, target: onDoc({ version: october.id }), details: { name: 'Borrador octubre 2021' } },
      { action: 'export.comments', actor: REVISOR, target: onDoc(), details: { format: 'csv', lang: 'en' } },
      { action: 'export.version', actor: delegate('MX'), target: onDoc({ version: version.id }), details: { format: 'md' } },
      { action: 'export.diff', actor: REVISOR, target: onDoc(), details: { format: 'docx', from: october.id, to: version.id } },
      { action: 'document.created', actor: SE, target: { document: planId }, details: { file: 'plan.md', format: 'markdown', title: 'Plan de trabajo' } },
      { action: 'document.replaced', actor: PPT, target: { document: planId }, details: { file: 'plan-v2.md' } },
      { action: 'period.changed', actor: PPT, target: onDoc({ period: period.id }), details: { change: 'closed' } }
    ]
    expect(recorded.map((e) => e.action)).toEqual(expected.map((e) => e.action))
    for (const [i, entry] of recorded.entries()) {
      const want = expected[i] as (typeof expected)[number]
      expect(entry.actor, `actor of ${entry.action}`).toEqual(want.actor)
      if (want.target) expect(entry.target, `target of ${entry.action}`).toEqual(want.target)
      if (want.details) expect(entry.details, `details of ${entry.action}`).toMatchObject(want.details)
      expect(entry.at >= startedAt && entry.at <= finishedAt, `${entry.action} at ${entry.at}`).toBe(true)
      expect(entry.address, `address of ${entry.action}`).toMatch(/127\.0\.0\.1/)
    }
    // Numbered in order, without gaps, each chained to the one before.
    const all = await wholeTrail(ppt)
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1))
    expect((await ppt.get('/api/audit/verify')).body).toEqual({ ok: true, entries: all.length, damaged: [] })
  })

  test('Acts refused or failed leave no entry: a delegate outside the period, a decision on a missing comment, an invalid body.', async () => {
    const { server } = await startTestServer()
    const [ppt, mx] = await Promise.all([signIn(server, 'ppt'), signIn(server, 'mx')])
    const baseline = await lastSeq(ppt)
    // The demo's last period ended in 2021: a delegate may not comment now.
    expect((await mx.post(docPath('/comments'), { body: 'Fuera de plazo.', anchor: quoteSelector(PUEBLA) })).status).toBe(409)
    expect((await ppt.post(docPath('/comments/no-such-comment/accept'))).status).toBe(404)
    expect((await ppt.post(docPath('/versions'), { name: '' })).status).toBe(400)
    expect((await mx.post(docPath('/versions'), { name: 'Borrador de México' })).status).toBe(403)
    expect((await wholeTrail(ppt)).filter((e) => e.seq > baseline && ACTS_OF_WORK.has(e.action))).toEqual([])
  })

  test("The demo's replay of 2021 is in the trail with its 2021 stamps, by the accounts that acted then, and the chain holds.", async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const trail = await wholeTrail(ppt)
    const opened = trail.filter((e) => e.action === 'period.opened')
    expect(opened.map((e) => [e.at, e.actor.username, e.details?.start])).toEqual([
      ['2021-10-01T16:00:00.000Z', 'ppt', '2021-10-01'],
      ['2021-11-12T16:00:00.000Z', 'ppt', '2021-11-12']
    ])
    expect(trail.filter((e) => e.action === 'version.published').map((e) => e.details?.name)).toEqual(['Borrador octubre 2021', 'Borrador noviembre 2021'])
    const created = trail.filter((e) => e.action === 'comment.created' || e.action === 'proposal.created')
    expect(created.length).toBeGreaterThan(5)
    for (const e of created) {
      expect(e.at.startsWith('2021-')).toBe(true)
      expect(e.actor.role).toBe('delegate')
      expect(e.actor.username).toBe(e.actor.country?.toLowerCase())
    }
    expect((await ppt.get('/api/audit/verify')).body).toEqual({ ok: true, entries: trail.length, damaged: [] })
  })
})

describe('Reading the trail', () => {
  test('Filters by country, action, account and document narrow the list, and every entry listed matches them.', async () => {
    const { server } = await startTestServer()
    const [ppt, mx, gt] = await Promise.all([signIn(server, 'ppt'), signIn(server, 'mx'), signIn(server, 'gt')])
    await openCommentPeriod(ppt)
    const ours = await comment(mx, PUEBLA)
    await comment(gt, APRIL)

    const mexican = await wholeTrail(ppt, 'country=MX')
    expect(mexican.length).toBeGreaterThan(0)
    expect(mexican.every((e) => e.actor.country === 'MX')).toBe(true)
    expect(mexican.some((e) => e.target?.comment === ours.id)).toBe(true)

    const comments = await wholeTrail(ppt, 'action=comment.created')
    expect(comments.every((e) => e.action === 'comment.created')).toBe(true)
    expect(comments.map((e) => e.target?.comment)).toContain(ours.id)

    const both = await wholeTrail(ppt, 'country=MX&action=comment.created')
    expect(both.at(-1)?.target?.comment).toBe(ours.id)
    expect(both.every((e) => e.actor.country === 'MX' && e.action === 'comment.created')).toBe(true)

    const byActor = await wholeTrail(ppt, 'actor=gt')
    expect(byActor.length).toBeGreaterThan(0)
    expect(byActor.every((e) => e.actor.username === 'gt')).toBe(true)

    const onStrategy = await wholeTrail(ppt, `document=${DOC}`)
    expect(onStrategy.every((e) => e.target?.document === DOC)).toBe(true)
    expect((await wholeTrail(ppt, 'document=no-such-document'))).toEqual([])
  })

  test("Each page names what its entries' targets are, only those of its entries: documents' titles, versions' names, comments' authors, periods' days, shares' versions, accounts' names.", async () => {
    const { server } = await startTestServer()
    const [ppt, se, mx] = await Promise.all([signIn(server, 'ppt'), signIn(server, 'se'), signIn(server, 'mx')])
    const period = await openCommentPeriod(ppt)
    const ours = await comment(mx, PUEBLA)
    const november = ((await ppt.get(docPath('/versions'))).body.versions as Array<{ id: string; name: string }>).find((v) => v.name === 'Borrador noviembre 2021')
    const share = (await ppt.post(docPath(`/versions/${november?.id}/shares`), {})).body.share as { id: string }
    expect((await ppt.patch('/api/users/gt', { disabled: true })).status).toBe(200)

    for (const reader of [ppt, se]) {
      const { names } = (await reader.get('/api/audit?limit=10')).body
      expect(names.documents).toEqual({ [DOC]: 'Estrategia regional de atención a la migración irregular y masiva' })
      expect(names.comments[ours.id]).toEqual({ author: 'Delegación de México', country: 'MX' })
      expect(names.periods[period.id]).toEqual({ start: period.start, deadline: period.deadline })
      expect(names.shares).toEqual({ [share.id]: 'Borrador noviembre 2021' })
      expect(names.versions[november?.id ?? '']).toBe('Borrador noviembre 2021')
      expect(names.accounts).toEqual({ gt: 'Delegación de Guatemala' })
    }
    // A page of sign-ins names nothing.
    expect((await ppt.get('/api/audit?action=login&limit=5')).body.names).toEqual({ documents: {}, versions: {}, comments: {}, periods: {}, shares: {}, accounts: {}, meetings: {} })
  })

  test('Dates filter whole days in the workspace time zone, instants filter to the millisecond, and bounds are inclusive.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const trail = await wholeTrail(ppt)
    const localDay = (e: Entry) => todayIn(WORKSPACE_TIME_ZONE, new Date(e.at))

    // A day of the 2021 replay: exactly the entries whose local date it is.
    const day = '2021-10-01'
    const onDay = await wholeTrail(ppt, `from=${day}&to=${day}`)
    expect(onDay.length).toBeGreaterThan(0)
    expect(onDay.map((e) => e.seq)).toEqual(trail.filter((e) => localDay(e) === day).map((e) => e.seq))

    // Everything up to the end of October 2021, local time.
    const october = await wholeTrail(ppt, 'to=2021-10-31')
    expect(october.map((e) => e.seq)).toEqual(trail.filter((e) => localDay(e) <= '2021-10-31').map((e) => e.seq))

    // One entry's own instant, as from and to: that instant only.
    const chosen = trail.find((e) => e.action === 'period.opened') as Entry
    const instant = await wholeTrail(ppt, `from=${encodeURIComponent(chosen.at)}&to=${encodeURIComponent(chosen.at)}`)
    expect(instant.length).toBeGreaterThan(0)
    expect(instant.every((e) => e.at === chosen.at)).toBe(true)
    expect(instant.map((e) => e.seq)).toContain(chosen.seq)

    // Today: what was recorded now, none of 2021.
    await openCommentPeriod(ppt)
    const today = await wholeTrail(ppt, `from=${workspaceToday()}`)
    expect(today.map((e) => e.action)).toContain('period.opened')
    expect(today.every((e) => !e.at.startsWith('2021-'))).toBe(true)
  })

  test('Pages come newest first, `before` continues where a page ended, and `total` counts every match.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const trail = await wholeTrail(ppt)
    const first = await auditPage(ppt, '?limit=3')
    expect(first.total).toBe(trail.length)
    expect(first.entries.map((e) => e.seq)).toEqual(trail.slice(-3).reverse().map((e) => e.seq))
    const second = await auditPage(ppt, `?limit=3&before=${first.next}`)
    expect(second.entries.map((e) => e.seq)).toEqual(trail.slice(-6, -3).reverse().map((e) => e.seq))
    expect(second.total).toBe(trail.length)
    const last = await auditPage(ppt, `?limit=1000&before=${second.next}`)
    expect(last.next).toBeNull()
    expect([...first.entries, ...second.entries, ...last.entries].map((e) => e.seq)).toEqual(trail.map((e) => e.seq).reverse())
    // The default page holds up to 200.
    expect((await auditPage(ppt)).entries.length).toBe(Math.min(200, trail.length))
  })

  test('A filter that is not valid is refused with 400 and the reason, not ignored.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const cases: Array<[string, RegExp]> = [
      ['country=XX', /country: not the ISO code of a member country/],
      ['country=mx', /country/],
      ['action=comment.deleted', /action/],
      ['from=2021-02-30', /from: write a date/],
      ['to=yesterday', /to: write a date/],
      ['from=2021-10-01T10:00:00', /from: write a date/],
      ['from=2021-11-01&to=2021-10-01', /from is after to/],
      ['limit=0', /limit: must be between 1 and 1000/],
      ['limit=1001', /limit: must be between 1 and 1000/],
      ['before=-3', /before: must be a whole number/],
      ['format=xml', /format/],
      ['lang=fr', /lang/],
      ['contry=MX', /contry|unrecognized/i],
      ['country=MX&country=GT', /country/]
    ]
    for (const [query, reason] of cases) {
      const res = await ppt.get(`/api/audit?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.body.error, query).toMatch(reason)
    }
  })

  test('The CSV holds every matching entry oldest first, with a header in the chosen language, as the JSON lists them; its download is recorded with the filters.', async () => {
    const { server } = await startTestServer()
    const [ppt, se, mx] = await Promise.all([signIn(server, 'ppt'), signIn(server, 'se'), signIn(server, 'mx')])
    await openCommentPeriod(ppt)
    // A field that looks like a formula, and one with a comma, quotes and a line break.
    await comment(mx, PUEBLA)
    await sendFile(server, ppt, 'POST', '/api/documents', '=cmd.md', '# Título\n\nTexto.\n', 'Plan "A", segunda\nlínea')

    const json = await wholeTrail(se, 'country=MX')
    const res = await download(server, se, '/api/audit?country=MX&format=csv')
    expect(res.status).toBe(200)
    expect(res.type).toBe('text/csv; charset=utf-8')
    expect(res.disposition).toMatch(new RegExp(`^attachment; filename="?auditoria-${workspaceToday()}\\.csv"?$`))
    expect(res.text.charCodeAt(0)).toBe(0xfeff)
    const rows = parseCsv(res.text, { bom: true }) as string[][]
    expect(rows[0]).toEqual([
      'n.º', 'fecha y hora (UTC)', 'usuario', 'rol', 'país', 'acción', 'documento', 'comentario', 'versión', 'periodo', 'cuenta', 'compartición', 'reunión', 'detalles (JSON)', 'dirección', 'hash'
    ])
    expect(rows.slice(1)).toEqual(
      json.map((e) => [
        String(e.seq),
        e.at,
        e.actor.username,
        e.actor.role ?? '',
        e.actor.country ?? '',
        e.action,
        e.target?.document ?? '',
        e.target?.comment ?? '',
        e.target?.version ?? '',
        e.target?.period ?? '',
        e.target?.account ?? '',
        e.target?.share ?? '',
        e.target?.meeting ?? '',
        e.details ? JSON.stringify(e.details) : '',
        e.address ?? '',
        e.hash
      ])
    )

    // In English, unfiltered: the odd fields survive the round trip, the formula is defused.
    const english = await download(server, ppt, '/api/audit?format=csv&lang=en&action=document.created')
    expect(english.disposition).toMatch(new RegExp(`^attachment; filename="?audit-trail-${workspaceToday()}\\.csv"?$`))
    const [header, ...created] = parseCsv(english.text, { bom: true }) as string[][]
    expect(header?.slice(0, 3)).toEqual(['seq', 'time (UTC)', 'username'])
    const details = JSON.parse(created.at(-1)?.[13] ?? '{}')
    // (A form sends its line breaks as CRLF.)
    expect(details).toMatchObject({ title: 'Plan "A", segunda\r\nlínea', file: '=cmd.md' })
    expect(details).toEqual((await wholeTrail(ppt, 'action=document.created')).at(-1)?.details)

    const exports = (await wholeTrail(ppt, 'action=export.audit')).slice(-2)
    expect(exports.map((e) => [e.actor.username, e.details])).toEqual([
      ['se', { format: 'csv', lang: 'es', country: 'MX', entries: json.length }],
      ['ppt', { format: 'csv', lang: 'en', action: 'document.created', entries: created.length }]
    ])
  })

  test('Delegates, reviewers and observers are refused the trail, its CSV, its entries and its check.', async () => {
    const { server } = await startTestServer()
    for (const username of ['mx', 'revisor', 'observador']) {
      const session = await signIn(server, username)
      for (const path of ['/api/audit', '/api/audit?format=csv', '/api/audit/verify', '/api/audit/1']) {
        const res = await session.get(path)
        expect(res.status, `${username} GET ${path}`).toBe(403)
        expect(res.body.error).toBe('only the Presidency or the Secretariat read the audit trail')
      }
    }
    const ppt = await signIn(server, 'ppt')
    expect((await ppt.get('/api/audit/1')).body.entry.seq).toBe(1)
    expect((await ppt.get('/api/audit/999999')).status).toBe(404)
    // A refused reader's attempt to export is not an export.
    expect((await wholeTrail(ppt, 'action=export.audit'))).toEqual([])
  })
})

describe('Nobody changes the trail', () => {
  test('PUT, PATCH, DELETE and POST on the trail or an entry answer 405 with Allow: GET, and change nothing.', async () => {
    const { server } = await startTestServer()
    const [ppt, mx] = await Promise.all([signIn(server, 'ppt'), signIn(server, 'mx')])
    const before = await wholeTrail(ppt)
    const verified = (await ppt.get('/api/audit/verify')).body
    for (const session of [ppt, mx])
      for (const method of ['PUT', 'PATCH', 'DELETE', 'POST'])
        for (const path of ['/api/audit', '/api/audit/1', `/api/audit/${before.length}`, '/api/audit/verify']) {
          const res = await fetch(`${server.url}${path}`, {
            method,
            headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ seq: 1, action: 'login', actor: { username: 'nadie' }, entries: [] })
          })
          expect(res.status, `${method} ${path}`).toBe(405)
          expect(res.headers.get('allow')).toBe('GET')
          expect(await res.json()).toEqual({ error: 'the audit trail cannot be changed' })
        }
    expect(await wholeTrail(ppt)).toEqual(before)
    expect((await ppt.get('/api/audit/verify')).body).toEqual(verified)
  })

  test('The chain holds after many acts, some at the same moment; an entry altered in the data file is still read, and the check names it.', async () => {
    const started = await startTestServer()
    const ppt = await signIn(started.server, 'ppt')
    const delegates = await Promise.all(['mx', 'gt', 'cr', 'pa'].map((u) => signIn(started.server, u)))
    await openCommentPeriod(ppt)
    const made = await Promise.all(delegates.map((d, i) => comment(d, [PUEBLA, HURRICANES, APRIL, THREE_LINES][i] as string)))
    // Replies to every comment at once, from every side.
    await Promise.all(
      made.flatMap((c) =>
        [ppt, ...delegates].map(async (s) => expect((await s.post(docPath(`/comments/${c.id}/replies`), { body: 'Una respuesta.' })).status).toBe(201))
      )
    )
    const trail = await wholeTrail(ppt)
    expect(trail.filter((e) => e.action === 'comment.replied').length).toBeGreaterThanOrEqual(made.length * 5)
    expect(trail.map((e) => e.seq)).toEqual(trail.map((_, i) => i + 1))
    expect((await ppt.get('/api/audit/verify')).body).toEqual({ ok: true, entries: trail.length, damaged: [] })

    // Someone with access to the disk makes Mexico's comment look like Guatemala's.
    const victim = trail.find((e) => e.action === 'comment.created' && e.actor.country === 'MX') as Entry
    await started.server.close()
    await alterAuditEntry(started.dataDir, victim.seq, (stored) => {
      expect(stored.seq).toBe(victim.seq)
      stored.actor = { username: 'gt', role: 'delegate', country: 'GT' }
    })

    const { server } = await startTestServer({ dataDir: started.dataDir })
    const again = await signIn(server, 'ppt')
    const read = await wholeTrail(again)
    expect(read.find((e) => e.seq === victim.seq)?.actor.username).toBe('gt')
    expect((await again.get('/api/audit/verify')).body).toEqual({ ok: false, seq: victim.seq, damaged: [] })
  })
})

describe('A cut trail', () => {
  test('Entries removed from the end of the stored trail are noticed: the check names the first one missing.', async () => {
    const started = await startTestServer()
    const ppt = await signIn(started.server, 'ppt')
    await openCommentPeriod(ppt)
    const mx = await signIn(started.server, 'mx')
    await comment(mx, PUEBLA)
    const trail = await wholeTrail(ppt)
    expect((await ppt.get('/api/audit/verify')).body).toMatchObject({ ok: true, entries: trail.length })
    await started.server.close()

    // Someone with access to the disk removes the newest entry, leaving a chain that still hashes.
    await damageStore(started.dataDir)

    const { server } = await startTestServer({ dataDir: started.dataDir })
    const again = await signIn(server, 'ppt')
    const check = (await again.get('/api/audit/verify')).body as { ok: boolean; seq?: number }
    expect(check.ok).toBe(false)
    expect(check.seq).toBeLessThanOrEqual(trail.length)
  })
})

describe('The log itself', () => {
  const someone = { username: 'mx', role: 'delegate' as const, country: 'MX' as const }

  test('A date is a whole day in the given time zone, also on the days the clocks change.', async () => {
    const stamps = [
      '2021-10-01T04:59:59.999Z', // 30 September, 23:59:59.999 in Mexico City (UTC-5 then)
      '2021-10-01T05:00:00.000Z', // 1 October, 00:00 there
      '2021-10-02T04:59:59.999Z', // 1 October, 23:59:59.999 there, 2 October in UTC
      '2021-10-02T05:00:00.000Z', // 2 October there
      '2021-10-31T05:30:00.000Z', // 31 October, 00:30 there (UTC-5 until 02:00, then UTC-6)
      '2021-11-01T05:59:59.999Z' // 31 October, 23:59:59.999 there
    ]
    let now = new Date(stamps[0] as string)
    const log = new AuditLog(new MemoryStore(), () => now)
    for (const stamp of stamps) {
      now = new Date(stamp)
      await log.record({ action: 'comment.created', actor: someone })
    }
    const seqs = async (from: string, to: string, timeZone?: string) =>
      (await log.list({ from, to, ...(timeZone ? { timeZone } : {}) })).map((e) => e.seq)
    expect(await seqs('2021-10-01', '2021-10-01', WORKSPACE_TIME_ZONE)).toEqual([2, 3])
    expect(await seqs('2021-10-01', '2021-10-01')).toEqual([1, 2])
    expect(await seqs('2021-10-31', '2021-10-31', WORKSPACE_TIME_ZONE)).toEqual([5, 6])
    expect(await seqs('2021-10-01T05:00:00Z', '2021-10-02T04:59:59.999Z')).toEqual([2, 3])
    expect(await seqs('2021-10-01T00:00:00-05:00', '2021-10-01T23:59:59.999-05:00')).toEqual([2, 3])
  })

  test('Two logs on one storage (the demo replay has a second one) append one chain without gaps.', async () => {
    const store = new MemoryStore()
    const present = new AuditLog(store)
    const past = new AuditLog(store, () => new Date('2021-10-01T15:00:00Z'))
    await present.record({ action: 'account.created', actor: someone })
    await past.record({ action: 'period.opened', actor: someone })
    await past.record({ action: 'comment.created', actor: someone })
    await present.record({ action: 'login', actor: someone, address: '10.0.0.1' })
    const entries = await present.list()
    expect(entries.map((e) => [e.seq, e.action])).toEqual([
      [1, 'account.created'],
      [2, 'period.opened'],
      [3, 'comment.created'],
      [4, 'login']
    ])
    expect(await past.verify()).toEqual({ ok: true, entries: 4 })
  })

  test('An address given by the caller wins; otherwise the one of the request being served is recorded, across awaits.', async () => {
    const log = new AuditLog(new MemoryStore())
    await log.withAddress('192.0.2.7', async () => {
      await Promise.resolve()
      await log.record({ action: 'comment.created', actor: someone })
      await log.record({ action: 'login', actor: someone, address: '198.51.100.1' })
    })
    await log.record({ action: 'logout', actor: someone })
    expect((await log.list()).map((e) => e.address)).toEqual(['192.0.2.7', '198.51.100.1', undefined])
  })
})
