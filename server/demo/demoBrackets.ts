import type { Account, BracketView, CountryCode, DocumentId } from '../../src'
import type { Brackets } from '../negotiation/Brackets'

/** A bracket of the demo's November draft: its passage, why, who asked for it, and its options. */
interface DemoBracket {
  readonly quote: string
  readonly reason: string
  readonly holders: readonly CountryCode[]
  readonly options?: readonly string[]
}

// Passages that appear once in the November draft, in sections whose text
// the other demo rounds leave alone, so that every bracket is placed.
const DEMO_BRACKETS: readonly DemoBracket[] = [
  {
    quote: 'conforme a su marco jurídico',
    reason: 'Nicaragua y Estados Unidos piden precisar si se trata del marco jurídico interno o también del derecho internacional aplicable.',
    holders: ['NI', 'US']
  },
  {
    quote: 'y con los organismos internacionales cuando así lo acuerden',
    reason: 'Falta acuerdo sobre el papel de los organismos internacionales en la cooperación.',
    holders: ['NI']
  },
  {
    quote: 'que cada País Miembro contribuya en la medida de sus capacidades',
    reason: 'República Dominicana y Panamá piden mencionar las capacidades diferenciadas de los países de tránsito.',
    holders: ['DO', 'PA']
  },
  {
    quote: 'Establecer un mecanismo regional de intercambio de información estadística',
    reason: 'Dos redacciones en discusión para el objetivo específico 5.',
    holders: ['US', 'CA'],
    options: [
      'Establecer un mecanismo regional de intercambio de información estadística',
      'Crear una red regional de puntos focales para el intercambio voluntario de información estadística'
    ]
  }
]

/** What the demo's replay lends to the brackets: the brackets service, its accounts, and its clock. */
export interface DemoBracketsContext {
  readonly brackets: Brackets
  readonly documentId: DocumentId
  readonly account: (username: string) => Promise<Account>
  /** Sets the replay's clock. */
  readonly at: (instant: string) => void
}

const must = <T>(what: string, outcome: { ok: T } | { failed: { message: string } }): T => {
  if ('failed' in outcome) throw new RangeError(`demo: ${what}: ${outcome.failed.message}`)
  return outcome.ok
}

/**
 * The Presidency brackets the November draft before publishing it: the
 * passages still contested after the October round, each with the countries
 * that asked, and one passage with two options. Returns the brackets placed.
 */
export async function bracketNovemberDraft({ brackets, documentId, account, at }: DemoBracketsContext): Promise<BracketView[]> {
  const ppt = await account('ppt')
  const placed: BracketView[] = []
  for (const [i, demo] of DEMO_BRACKETS.entries()) {
    at(`2021-11-05T19:${String(i * 5).padStart(2, '0')}:00Z`)
    let bracket = must(`bracket «${demo.quote}»`, await brackets.place(ppt, documentId, { anchor: { type: 'TextQuoteSelector', exact: demo.quote }, reason: demo.reason, holders: demo.holders }))
    for (const text of demo.options ?? []) bracket = must('an option', await brackets.addOption(ppt, documentId, bracket.id, text))
    placed.push(bracket)
  }
  return placed
}

/**
 * The delegations' moves during the November period: Honduras joins a
 * bracket, Panamá lifts its hold, and five countries support the two
 * options (Guatemala, Honduras and El Salvador the first; Estados Unidos and
 * Canadá the second).
 */
export async function negotiateNovemberBrackets(ctx: DemoBracketsContext, placed: readonly BracketView[]): Promise<void> {
  const { brackets, documentId, account, at } = ctx
  const [jurisdiction, , capacities, mechanism] = placed
  if (!jurisdiction || !capacities || !mechanism) throw new RangeError('demo: the November brackets are missing')
  at('2021-11-15T16:00:00Z')
  must('Honduras holds', await brackets.hold(await account('hn'), documentId, jurisdiction.id))
  at('2021-11-16T15:00:00Z')
  must('Panamá lifts', await brackets.lift(await account('pa'), documentId, capacities.id))
  const [first, second] = mechanism.options
  if (!first || !second) throw new RangeError('demo: the options are missing')
  const supports: Array<[string, string]> = [['gt', first.id], ['hn', first.id], ['sv', first.id], ['us', second.id], ['ca', second.id]]
  for (const [i, [username, optionId]] of supports.entries()) {
    at(`2021-11-16T${16 + i}:00:00Z`)
    must(`support of ${username}`, await brackets.support(await account(username), documentId, mechanism.id, optionId))
  }
}
