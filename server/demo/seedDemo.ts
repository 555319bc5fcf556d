import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { COUNTRIES, countWords, encodeContent, parseMarkdown, plainText, type DocumentId, type Username } from '../../src'
import type { NewAccount } from '../auth/Accounts'
import type { Workspace } from '../Workspace'

/** The id of the demo Strategy. */
export const DEMO_DOCUMENT_ID = 'estrategia' as DocumentId

const STRATEGY_FILE = new URL('./estrategia-octubre-2021.md', import.meta.url)

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
 * accounts (password `password`, or a random one) and the October 2021 draft
 * of the Strategy. Returns the password used, or undefined if the workspace
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
  await workspace.documents.saveMeta({
    id: DEMO_DOCUMENT_ID,
    title: 'Estrategia regional de atención a la migración irregular y masiva',
    createdAt: '2021-10-01T15:00:00.000Z',
    createdBy: 'ppt' as Username
  })
  await workspace.documents.appendUpdate(DEMO_DOCUMENT_ID, encodeContent(doc))
  workspace.logger.info('demo workspace created', { document: DEMO_DOCUMENT_ID, words: countWords(plainText(doc)) })
  return demoPassword
}
