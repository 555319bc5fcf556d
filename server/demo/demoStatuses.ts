import { textBlocks, type Account, type BlockStatus, type CountryCode, type DocumentId } from '../../src'
import type { Workspace } from '../Workspace'

/** A paragraph of the November draft, by a passage it holds, and the status the Presidency gave it. */
interface DemoStatus {
  readonly quote: string
  readonly status: BlockStatus
  readonly pending?: readonly CountryCode[]
  readonly at: string
}

// Late in the round of the November draft (12 to 22 November 2021), after
// the comments: what the third meeting settled, one paragraph agreed ad
// referendum while two capitals confirm.
const STATUSES: readonly DemoStatus[] = [
  { quote: 'Proceso Puebla', status: 'agreed', at: '2021-11-19T17:00:00Z' },
  { quote: 'el 28 de abril de 2021', status: 'agreed', at: '2021-11-19T17:05:00Z' },
  { quote: 'Ningún País Miembro puede afrontar este reto de forma aislada', status: 'informal', at: '2021-11-19T17:10:00Z' },
  { quote: 'huracanes Eta e Iota', status: 'informal', at: '2021-11-19T17:15:00Z' },
  { quote: 'tres líneas complementarias', status: 'ad-ref', pending: ['NI', 'US'], at: '2021-11-19T17:20:00Z' }
]

// Delegations echoing others' proposals of October that still wait for a decision.
const SUPPORTS: ReadonlyArray<{ readonly proposer: CountryCode; readonly supporters: readonly CountryCode[]; readonly at: string }> = [
  { proposer: 'CA', supporters: ['CR', 'PA', 'US'], at: '2021-11-18T15:00:00Z' },
  { proposer: 'DO', supporters: ['GT', 'HN'], at: '2021-11-18T16:00:00Z' }
]

/**
 * The standing of the negotiation on the demo's November draft (issue 17):
 * supports for two open proposals during the November round, then the
 * statuses the Presidency set. `setNow` moves the
 * replaying workspace's clock; the November period must be open then.
 */
export async function seedStatuses(
  past: Workspace,
  documentId: DocumentId,
  ppt: Account,
  account: (username: string) => Promise<Account>,
  setNow: (at: string) => void
): Promise<void> {
  const must = <T>(what: string, outcome: { ok: T } | { failed: { message: string } }): T => {
    if ('failed' in outcome) throw new RangeError(`demo: ${what}: ${outcome.failed.message}`)
    return outcome.ok
  }
  const comments = await past.comments.stored(documentId)
  for (const { proposer, supporters, at } of SUPPORTS) {
    const proposal = comments.find((c) => c.country === proposer && c.suggestion && !c.suggestion.decision)
    if (!proposal) throw new RangeError(`demo: no open proposal of ${proposer}`)
    setNow(at)
    for (const country of supporters) must(`support of ${country}`, await past.comments.support(await account(country.toLowerCase()), documentId, proposal.id, true))
  }
  const blocks = await past.collaboration.withDocument(documentId, (doc) => textBlocks(doc))
  for (const s of STATUSES) {
    const block = blocks.find((b) => b.text.includes(s.quote))
    if (!block?.id) throw new RangeError(`demo: no paragraph of the November draft holds «${s.quote}»`)
    setNow(s.at)
    must(`status of «${s.quote}»`, await past.blockStatuses.set(ppt, documentId, block.id, { status: s.status, ...(s.pending ? { pending: s.pending } : {}) }))
  }
}
