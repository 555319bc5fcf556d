import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type * as Y from 'yjs'
import {
  addOption,
  anchorFromQuote,
  authorOf,
  bracketCountryOf,
  chooseOption,
  crosses,
  delegationMayActIn,
  holdBracket,
  liftBracket,
  MAX_BRACKETS_PER_DOCUMENT,
  mayPlaceBrackets,
  openOption,
  removeBracket,
  resolveAnchor,
  supportOption,
  textBlocks,
  withdrawSupport,
  type Account,
  type Bracket,
  type BracketChange,
  type BracketId,
  type BracketView,
  type CountryCode,
  type DocumentId,
  type Meeting,
  type MeetingId,
  type NewBracket,
  type OptionId
} from '../../src'
import { DamagedRecordError, RecordStore, type DamageReport, type Store } from '../../storage'
import { actorOf, type AuditAction, type AuditDetails, type AuditLog, type AuditRecord } from '../audit'
import { replaceWording, type Collaboration, type UpdateOrigin } from '../collab'
import { chargeAct, type CommentQuota } from '../comments/CommentQuota'
import type { Periods } from '../comments/Periods'
import type { DocumentEvents } from '../DocumentEvents'
import { ok, refuse, type Outcome } from '../Outcome'
import { findRetry, requestStampRecord, stampOf } from '../requestStamp'

const author = z.object({ username: z.string(), name: z.string(), role: z.string(), country: z.string().nullable() })
const option = z.object({ id: z.string(), text: z.string(), supporters: z.array(z.string()), addedBy: author, addedAt: z.string(), meeting: z.string().optional() })
const bracketRecord = z.object({
  id: z.string(),
  documentId: z.string(),
  anchor: z.object({ blockId: z.string(), start: z.unknown(), end: z.unknown(), quote: z.string() }),
  reason: z.string(),
  holders: z.array(z.string()),
  placedBy: author,
  placedAt: z.string(),
  meeting: z.string().optional(),
  options: z.array(option),
  discarded: z.array(option),
  chosen: z.object({ optionId: z.string(), by: author, at: z.string(), replaced: z.string(), meeting: z.string().optional() }).nullable(),
  removed: z.object({ by: author, at: z.string(), meeting: z.string().optional() }).nullable(),
  request: requestStampRecord
})

const bracketFromJSON = (json: unknown) => bracketRecord.parse(json) as unknown as Bracket

/** A bracket as the API shows it, its passage placed in `doc` as it stands now. */
export function bracketView(doc: Y.Doc, { request: _request, ...bracket }: Bracket, blocks = textBlocks(doc)): BracketView {
  const resolved = resolveAnchor(doc, bracket.anchor, blocks)
  return resolved.detached
    ? { ...bracket, anchor: { ...bracket.anchor, detached: true, text: null }, quote: bracket.anchor.quote }
    : { ...bracket, anchor: { ...bracket.anchor, ...resolved, detached: false }, quote: resolved.text }
}

// Options are inline text, as proposed wording is: line breaks become spaces.
const inline = (text: string) => text.trim().replace(/\s*\n\s*/g, ' ')

/**
 * The brackets of documents: passages not yet agreed, the countries holding
 * them and their competing options. The Presidency and the Secretariat place,
 * remove and settle them; a delegation holds, lifts and supports only for its
 * own country, and only while a comment period is open or in a running
 * meeting whose chair allows it. An act of the Presidency or the Secretariat
 * taken while a meeting runs records the meeting, on the bracket and in its
 * audit entry (`target.meeting`). Every change is stamped from the session,
 * in the audit trail in the same write as the record, and told to the
 * document's viewers. One change at a time per document.
 */
export class Brackets {
  constructor(
    private readonly store: Store,
    private readonly collaboration: Collaboration,
    private readonly periods: Periods,
    private readonly events: DocumentEvents,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    /** Each delegation account's budget of acts (holds, lifts, supports), shared with the meetings' requests for the floor. */
    private readonly quota: CommentQuota,
    /** Hears of each record of this kind that cannot be read or validated: it is left out, and the rest works. */
    private readonly onDamaged?: DamageReport,
    /** The meeting running on a document, if any (see the class). Default none. */
    private readonly runningMeeting: (id: DocumentId) => Promise<Meeting | undefined> = async () => undefined
  ) {}

  private records(id: DocumentId) {
    return new RecordStore<Bracket>(this.store.records, { kind: 'bracket', scope: id }, bracketFromJSON, this.onDamaged)
  }

  private act(account: Account, action: AuditAction, bracket: Bracket, details?: AuditDetails, optionId?: string, meeting?: MeetingId): AuditRecord {
    return {
      action,
      actor: actorOf(account),
      target: { document: bracket.documentId, bracket: bracket.id, ...(optionId ? { option: optionId } : {}), ...(meeting ? { meeting } : {}) },
      ...(details ? { details } : {})
    }
  }

  /** Every bracket ever placed on the document, removed ones too, as stored: for versions and the record. */
  async stored(id: DocumentId): Promise<Bracket[]> {
    return (await this.records(id).list()).sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.id.localeCompare(b.id))
  }

  /** The document's standing brackets (not removed), in the order they were placed, placed in the live text. */
  async list(id: DocumentId): Promise<BracketView[]> {
    const standing = (await this.stored(id)).filter((b) => !b.removed)
    return this.collaboration.withDocument(id, (doc) => {
      const blocks = textBlocks(doc)
      return standing.map((b) => bracketView(doc, b, blocks))
    })
  }

  /**
   * Brackets a passage. Refused (422) when the quote names no single
   * passage, (409) when the passage crosses a standing bracket's: brackets
   * nest, never cross. With `requestKey` (the request's `Idempotency-Key`),
   * stored in the bracket in the same write, the same account retrying the
   * same request gets that bracket back and nothing is placed twice; the same
   * key for another request is refused (409).
   */
  place(account: Account, id: DocumentId, input: NewBracket, requestKey?: string): Promise<Outcome<BracketView>> {
    return this.store.locks.run(`brackets:${id}`, async () => {
      if (!mayPlaceBrackets(account.role)) return refuse(403, 'only the Presidency or the Secretariat place brackets')
      const stored = await this.stored(id)
      // What the person asked for, not where the passage now stands: a retry may find the text around it edited.
      const request = stampOf(requestKey, { quote: input.anchor.exact, reason: input.reason.trim(), holders: input.holders ?? [] })
      const retry = findRetry(stored.filter((b) => b.placedBy.username === account.username), request, 'bracket')
      if (retry) return 'failed' in retry ? retry : ok(await this.collaboration.withDocument(id, (doc) => bracketView(doc, retry.ok)))
      const standing = stored.filter((b) => !b.removed)
      if (standing.length >= MAX_BRACKETS_PER_DOCUMENT)
        return refuse(422, `a document holds at most ${MAX_BRACKETS_PER_DOCUMENT} standing brackets: remove lifted ones first`)
      const placed = await this.collaboration.withDocument(id, (doc): Outcome<Bracket['anchor']> => {
        const anchored = anchorFromQuote(doc, input.anchor)
        if ('failed' in anchored) return refuse(422, anchored.failed, anchored.code)
        const range = resolveAnchor(doc, anchored.anchor)
        if (range.detached) return refuse(422, 'the passage cannot be anchored')
        const blocks = textBlocks(doc)
        for (const other of standing) {
          const at = resolveAnchor(doc, other.anchor, blocks)
          if (!at.detached && crosses(range, at))
            return refuse(409, `the passage crosses the bracket on «${at.text}»: brackets may nest, not cross`)
        }
        return ok(anchored.anchor)
      })
      if ('failed' in placed) return placed
      const by = authorOf(account)
      const meeting = (await this.runningMeeting(id))?.id
      const bracket: Bracket = {
        id: randomUUID() as BracketId,
        documentId: id,
        anchor: placed.ok,
        reason: input.reason.trim(),
        holders: [...new Set(input.holders ?? [])],
        placedBy: by,
        placedAt: this.now().toISOString(),
        ...(meeting === undefined ? {} : { meeting }),
        options: [],
        discarded: [],
        chosen: null,
        removed: null,
        ...(request ? { request } : {})
      }
      return ok(await this.write(bracket, this.act(account, 'bracket.placed', bracket, { holders: bracket.holders.join(' ') }, undefined, meeting)))
    })
  }

  /** The account's delegation takes a hold on the bracket; holding again changes nothing. */
  hold(account: Account, id: DocumentId, bracketId: string): Promise<Outcome<BracketView>> {
    return this.asDelegation(account, id, bracketId, (bracket, country) => holdBracket(bracket, country), (b, country) =>
      this.act(account, 'bracket.held', b, { country, holders: b.holders.join(' ') })
    )
  }

  /** The account's delegation lifts its hold on the bracket. */
  lift(account: Account, id: DocumentId, bracketId: string): Promise<Outcome<BracketView>> {
    return this.asDelegation(account, id, bracketId, (bracket, country) => liftBracket(bracket, country), (b, country) =>
      this.act(account, 'bracket.lifted', b, { country, holders: b.holders.join(' ') })
    )
  }

  /** The account's delegation supports one option of the bracket (moving its support from any other). */
  support(account: Account, id: DocumentId, bracketId: string, optionId: string): Promise<Outcome<BracketView>> {
    return this.asDelegation(account, id, bracketId, (bracket, country) => supportOption(bracket, optionId, country), (b, country) =>
      this.act(account, 'bracket.option.supported', b, { country }, optionId)
    )
  }

  /** The account's delegation withdraws its support for an option. */
  withdrawSupport(account: Account, id: DocumentId, bracketId: string, optionId: string): Promise<Outcome<BracketView>> {
    return this.asDelegation(account, id, bracketId, (bracket, country) => withdrawSupport(bracket, optionId, country), (b, country) =>
      this.act(account, 'bracket.option.unsupported', b, { country }, optionId)
    )
  }

  /** Removes the bracket: refused (409, naming them) while any country holds it. */
  remove(account: Account, id: DocumentId, bracketId: string): Promise<Outcome<BracketView>> {
    return this.update(id, bracketId, async (bracket) => {
      if (!mayPlaceBrackets(account.role)) return refuse(403, 'only the Presidency or the Secretariat remove brackets')
      if (bracket.holders.length > 0 && !bracket.removed)
        return refuse(409, `the bracket is still held by ${bracket.holders.join(', ')}`, 'bracket_held', { holders: bracket.holders.join(', ') })
      return conflict(removeBracket(bracket, authorOf(account), this.now().toISOString(), (await this.runningMeeting(id))?.id))
    }, (b) => this.act(account, 'bracket.removed', b, undefined, undefined, b.removed?.meeting))
  }

  /** Adds a competing wording to the bracket. */
  addOption(account: Account, id: DocumentId, bracketId: string, text: string): Promise<Outcome<BracketView>> {
    const optionId = randomUUID() as OptionId
    return this.update(id, bracketId, async (bracket) => {
      if (!mayPlaceBrackets(account.role)) return refuse(403, 'only the Presidency or the Secretariat add options to a bracket')
      const meeting = (await this.runningMeeting(id))?.id
      const added = { id: optionId, text: inline(text), supporters: [], addedBy: authorOf(account), addedAt: this.now().toISOString() }
      return conflict(addOption(bracket, meeting === undefined ? added : { ...added, meeting }))
    }, (b) => this.act(account, 'bracket.option.added', b, { options: b.options.length }, optionId, b.options.find((o) => o.id === optionId)?.meeting))
  }

  /**
   * Chooses an option: its text replaces the bracketed passage in the live
   * text (an edit by the deciding account, stored before the choice is),
   * the other options are set aside, and the bracket then quotes the chosen wording.
   */
  choose(account: Account, id: DocumentId, bracketId: string, optionId: string): Promise<Outcome<BracketView>> {
    return this.update(id, bracketId, async (bracket) => {
      if (!mayPlaceBrackets(account.role)) return refuse(403, 'only the Presidency or the Secretariat choose an option')
      const checked = openOption(bracket, optionId)
      if ('failed' in checked) return conflict(checked)
      const { option } = checked
      const origin: UpdateOrigin = { kind: 'edit', account, reason: `bracket ${bracket.id}: option ${option.id} chosen` }
      const applied = await replaceWording(this.collaboration, id, bracket.anchor, option.text, origin)
      if ('failed' in applied) return applied
      const meeting = (await this.runningMeeting(id))?.id
      const choice = { by: authorOf(account), at: this.now().toISOString(), replaced: applied.ok.replaced, ...(meeting === undefined ? {} : { meeting }) }
      return conflict(chooseOption(bracket, optionId, choice, applied.ok.anchor))
    }, (b) => this.act(account, 'bracket.option.chosen', b, { options: b.discarded.length + 1 }, optionId, b.chosen?.meeting))
  }

  // A delegation's act for its own country: within an open comment period, or in a running meeting whose chair allows it.
  private asDelegation(
    account: Account,
    id: DocumentId,
    bracketId: string,
    change: (bracket: Bracket, country: CountryCode) => BracketChange,
    act: (after: Bracket, country: CountryCode) => AuditRecord
  ): Promise<Outcome<BracketView>> {
    const country = bracketCountryOf(account)
    let meeting: Meeting | undefined
    return this.update(id, bracketId, async (bracket) => {
      if (!country) return refuse(403, 'only a delegation holds, lifts or supports, and only for its own country')
      meeting = await this.runningMeeting(id)
      const refusal = await this.periods.refusal(id)
      if (refusal && !delegationMayActIn(meeting, country)) return refuse(409, refusal.message, refusal.code, refusal.values)
      const changed = conflict(change(bracket, country))
      if ('failed' in changed || changed.ok === bracket) return changed
      const charged = chargeAct(this.quota, account)
      return 'failed' in charged ? charged : changed
    }, (after) => {
      // Said in the room, if a meeting runs: the audit entry names it.
      const entry = act(after, country as CountryCode)
      return meeting ? { ...entry, target: { ...entry.target, meeting: meeting.id } } : entry
    })
  }

  // Reads a bracket, lets `change` decide, stores with its audit entry and announces the result.
  private update(
    id: DocumentId,
    bracketId: string,
    change: (bracket: Bracket) => Promise<Outcome<Bracket>>,
    act: (after: Bracket) => AuditRecord
  ): Promise<Outcome<BracketView>> {
    return this.store.locks.run(`brackets:${id}`, async () => {
      let bracket: Bracket | undefined
      try {
        bracket = await this.records(id).get(bracketId)
      } catch (err) {
        if (!(err instanceof DamagedRecordError)) throw err
        this.onDamaged?.(err.record)
        return refuse(409, `the stored bracket ${bracketId} is damaged and cannot be read; a backup of the data folder holds it`)
      }
      if (!bracket || bracket.removed) return refuse(404, `no bracket ${bracketId} on this document`)
      const changed = await change(bracket)
      if ('failed' in changed) return changed
      // The same record back (a hold held already): nothing to store, record or announce.
      if (changed.ok === bracket) return ok(await this.collaboration.withDocument(id, (doc) => bracketView(doc, bracket)))
      return ok(await this.write(changed.ok, act(changed.ok)))
    })
  }

  private async write(bracket: Bracket, act: AuditRecord): Promise<BracketView> {
    await this.audit.record(act, [this.records(bracket.documentId).writeOf(bracket.id, bracket)])
    const view = await this.collaboration.withDocument(bracket.documentId, (doc) => bracketView(doc, bracket))
    this.events.publish(bracket.documentId, { type: 'bracket', data: view })
    return view
  }
}

// A rule of the bracket's state refused the change: a conflict (409), no such option (404), or one option too many (422).
const conflict = (changed: BracketChange): Outcome<Bracket> =>
  'failed' in changed ? refuse(changed.missing ? 404 : changed.tooMany ? 422 : 409, changed.failed) : ok(changed.bracket)
