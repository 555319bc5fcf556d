import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { COUNTRIES, countWords, encodeContent, parseMarkdown, plainText, readContent, replaceContent, type DocumentId } from '../../src'
import type { Account, IsoDate } from '../../src'
import type { NewAccount } from '../auth/Accounts'
import { defaultSessions } from '../config'
import { Workspace } from '../Workspace'
import { bracketNovemberDraft, negotiateNovemberBrackets, type DemoBracketsContext } from './demoBrackets'
import { DEMO_COMMENTS } from './demoComments'
import { replayThirdMeeting } from './demoMeeting'
import { novemberEdits } from './novemberEdits'
import { seedDemoSilence } from './demoSilence'
import { seedStatuses } from './demoStatuses'

/** The id of the demo Strategy. */
export const DEMO_DOCUMENT_ID = 'estrategia' as DocumentId

const STRATEGY_FILE = new URL('./estrategia-octubre-2021.md', import.meta.url)

/** The id of the demo's concept note for the third meeting: a text with a table (its agenda) and a footnote. */
export const CONCEPT_NOTE_ID = 'nota-conceptual' as DocumentId

const CONCEPT_NOTE_FILE = new URL('./nota-conceptual-tercera-reunion.md', import.meta.url)

/** The demo accounts, without their password. */
export function demoAccounts(): Array<Omit<NewAccount, 'password'>> {
  return [
    { username: 'ppt', name: 'Presidencia Pro Tempore (México)', role: 'ppt', country: null },
    { username: 'se', name: 'Secretaría Ejecutiva de la CRM', role: 'secretariat', country: null },
    { username: 'revisor', name: 'Revisor', role: 'reviewer', country: null },
    { username: 'observador', name: 'Observador', role: 'observer', country: null },
    ...COUNTRIES.map((c) => ({
      username: c.code.toLowerCase(),
      name: `Delegación de ${c.name.es}`,
      role: 'delegate' as const,
      country: c.code
    }))
  ]
}

/**
 * On a workspace with no accounts and no documents, creates the demo: the
 * accounts (password `password`, or a random one), the October 2021 draft
 * of the Strategy and the concept note of the third meeting (its agenda a
 * table, with a footnote). Returns the password used, or undefined if the workspace
 * was not empty and nothing was done.
 */
export async function seedDemo(workspace: Workspace, password: string | undefined): Promise<string | undefined> {
  const [accounts, documents] = await Promise.all([workspace.accounts.list(), workspace.documents.listDocuments()])
  if (accounts.length > 0 || documents.length > 0) return undefined
  const demoPassword = password ?? randomBytes(12).toString('base64url')
  for (const account of demoAccounts()) {
    const made = await workspace.accounts.create({ ...account, password: demoPassword })
    if ('failed' in made) throw new RangeError(`Could not create demo account ${account.username}: ${made.failed}`)
  }
  const doc = parseMarkdown(await readFile(STRATEGY_FILE, 'utf8'))
  await replay2021(workspace, encodeContent(doc))
  workspace.logger.info('demo workspace created', { document: DEMO_DOCUMENT_ID, words: countWords(plainText(doc)) })
  return demoPassword
}

/**
 * Replays the October 2021 round on the Strategy: the PPT presents the draft
 * and opens ten business days for comments, nine delegations comment and
 * propose wording, and after the deadline the PPT answers and decides part of
 * it. Runs through a workspace of its own on the same storage whose clock is
 * set to each moment, so that every stamp and every period check is as real
 * as in 2021.
 */
async function replay2021(workspace: Workspace, content: Uint8Array): Promise<void> {
  let now = new Date('2021-10-01T15:00:00Z')
  const past = new Workspace(workspace.store, { persistence: { debounceMs: 0, maxWaitMs: 0 }, sessions: defaultSessions }, workspace.logger, () => now)
  const account = async (username: string): Promise<Account> => {
    const found = await past.accounts.get(username)
    if (!found) throw new RangeError(`demo account ${username} is missing`)
    return found
  }
  const must = <T>(what: string, outcome: { ok: T } | { failed: { message: string } }): T => {
    if ('failed' in outcome) throw new RangeError(`demo: ${what}: ${outcome.failed.message}`)
    return outcome.ok
  }
  const ppt = await account('ppt')
  const se = await account('se')
  await past.documents.saveMeta({
    id: DEMO_DOCUMENT_ID,
    title: 'Estrategia regional de atención a la migración irregular y masiva',
    createdAt: now.toISOString(),
    createdBy: ppt.username
  })
  await past.documents.appendUpdate(DEMO_DOCUMENT_ID, content)
  // Mexico's holiday of 15 November 2021 (Revolution Day, observed) counts in this workspace.
  must('set the holidays', await past.settings.change(ppt, { timeZone: 'America/Mexico_City', holidays: ['2021-11-15' as IsoDate] }))

  now = new Date('2021-10-01T15:30:00Z')
  must('publish the October draft', await past.versions.publish(ppt, DEMO_DOCUMENT_ID, 'Borrador octubre 2021'))
  now = new Date('2021-10-01T16:00:00Z')
  must('open the October period', await past.periods.open(ppt, DEMO_DOCUMENT_ID, '2021-10-01' as IsoDate, { businessDays: 10 }))

  const made: string[] = []
  for (const c of DEMO_COMMENTS) {
    now = new Date(c.at)
    const delegate = await account(c.country.toLowerCase())
    const comment = must(
      `comment of ${c.country} on «${c.quote}»`,
      await past.comments.create(delegate, DEMO_DOCUMENT_ID, {
        body: c.body,
        anchor: { type: 'TextQuoteSelector', exact: c.quote },
        ...(c.suggestion === undefined ? {} : { suggestion: { text: c.suggestion } }),
        ...(c.justification === undefined ? {} : { justification: c.justification })
      })
    )
    made.push(comment.id)
    for (const reply of c.replies ?? []) {
      now = new Date(reply.at)
      const by = reply.by === 'ppt' ? ppt : reply.by === 'se' ? se : delegate
      must('reply', await past.comments.reply(by, DEMO_DOCUMENT_ID, comment.id, reply.body))
    }
  }

  // After the deadline, in the order it happened.
  const handled = DEMO_COMMENTS.map((c, i) => ({ c, id: made[i] as string })).filter((x) => x.c.outcome)
  handled.sort((a, b) => (a.c.outcome?.at ?? '').localeCompare(b.c.outcome?.at ?? ''))
  for (const { c, id } of handled) {
    const outcome = c.outcome
    if (!outcome) continue
    now = new Date(outcome.at)
    if ('decide' in outcome) {
      must(`decide ${c.country}`, await past.comments.decide(ppt, DEMO_DOCUMENT_ID, id, outcome.decide))
      const status = outcome.decide === 'accepted' ? 'incorporated' : 'not_incorporated'
      if (outcome.answer) must('answer', await past.comments.setStatus(ppt, DEMO_DOCUMENT_ID, id, status, outcome.answer))
    } else {
      const by = outcome.status === 'withdrawn' ? await account(c.country.toLowerCase()) : ppt
      must(`status of ${c.country}`, await past.comments.setStatus(by, DEMO_DOCUMENT_ID, id, outcome.status, outcome.answer))
    }
  }

  // The Presidency's own edits, then the November draft and its round of five business days.
  now = new Date('2021-11-05T18:00:00Z')
  await past.collaboration.withDocument(DEMO_DOCUMENT_ID, (doc) =>
    replaceContent(doc, novemberEdits(readContent(doc)), { kind: 'edit', account: ppt, reason: 'demo: the November draft' })
  )
  const bracketing: DemoBracketsContext = { brackets: past.brackets, documentId: DEMO_DOCUMENT_ID, account, at: (instant) => (now = new Date(instant)) }
  const brackets = await bracketNovemberDraft(bracketing)
  now = new Date('2021-11-08T17:00:00Z')
  must('publish the November draft', await past.versions.publish(ppt, DEMO_DOCUMENT_ID, 'Borrador noviembre 2021'))
  now = new Date('2021-11-12T16:00:00Z')
  must('open the November period', await past.periods.open(ppt, DEMO_DOCUMENT_ID, '2021-11-12' as IsoDate, { businessDays: 5 }))
  await negotiateNovemberBrackets(bracketing, brackets)
  // That afternoon, the third meeting discusses the November draft (see demoMeeting).
  await replayThirdMeeting(past, DEMO_DOCUMENT_ID, (iso) => (now = new Date(iso)), account)
  now = new Date('2021-11-17T15:00:00Z')
  must(
    'a November comment',
    await past.comments.create(await account('cr'), DEMO_DOCUMENT_ID, {
      body: 'Costa Rica apoya la nueva línea 4.7 y propone que el informe sea también público en versión resumida.',
      anchor: { type: 'TextQuoteSelector', exact: 'un informe semestral de tendencias basado en la información compartida' }
    })
  )

  // Where the negotiation of the November draft stood during its round.
  await seedStatuses(past, DEMO_DOCUMENT_ID, ppt, account, (at) => (now = new Date(at)))

  // The concept note of the third meeting, so that a new user sees a table and a footnote at once.
  now = new Date('2021-11-22T16:00:00Z')
  await past.documents.saveMeta({
    id: CONCEPT_NOTE_ID,
    title: 'Nota conceptual de la tercera reunión',
    createdAt: now.toISOString(),
    createdBy: ppt.username
  })
  await past.documents.appendUpdate(CONCEPT_NOTE_ID, encodeContent(parseMarkdown(await readFile(CONCEPT_NOTE_FILE, 'utf8'))))

  // After the November round, the November draft goes under silence procedure and is adopted.
  await seedDemoSilence(past, (at) => (now = at), ppt, DEMO_DOCUMENT_ID)
  await past.collaboration.close()
}
