import type { Account } from './account'
import type { Anchor } from './anchor'
import type { Author } from './comment'
import type { CountryCode } from './country'
import type { DocumentId } from './document'
import type { MeetingId } from './meeting'
import type { RequestStamp } from './requestStamp'
import type { Role } from './role'

/** The id of a bracket. */
export type BracketId = string & { __brand: 'BracketId' }
/** The id of one of a bracket's options. */
export type OptionId = string & { __brand: 'OptionId' }

/** A competing wording inside a bracket ("Opción 1"), with the countries that support it. */
export interface BracketOption {
  readonly id: OptionId
  readonly text: string
  /** In the order they declared support; at most one option per country in a bracket. */
  readonly supporters: readonly CountryCode[]
  readonly addedBy: Author
  readonly addedAt: string
  /** The meeting running on the document when it was added, if one was. */
  readonly meeting?: MeetingId
}

/** The Presidency's choice among a bracket's options: its text replaced the passage. */
export interface OptionChoice {
  readonly optionId: OptionId
  readonly by: Author
  readonly at: string
  /** The passage's text as it stood before the chosen wording replaced it. */
  readonly replaced: string
  /** The meeting running on the document when it was chosen, if one was. */
  readonly meeting?: MeetingId
}

/**
 * A passage not yet agreed, placed in [ ] by the Presidency or the
 * Secretariat, and held by the countries that keep their reservation on it.
 * It stays until its last holder lifts it and the Presidency removes it;
 * a removed bracket is kept, marked `removed`, so nothing anyone wrote is lost.
 */
export interface Bracket {
  readonly id: BracketId
  readonly documentId: DocumentId
  readonly anchor: Anchor
  /** Why the passage is bracketed, as the Presidency wrote it. */
  readonly reason: string
  /** The countries holding the bracket, in the order they took it. */
  readonly holders: readonly CountryCode[]
  readonly placedBy: Author
  readonly placedAt: string
  /** The meeting running on the document when it was placed, if one was: placed "in the room". */
  readonly meeting?: MeetingId
  /** The competing wordings still open; after a choice, only the chosen one. */
  readonly options: readonly BracketOption[]
  /** Options left out when another was chosen, kept as they stood. */
  readonly discarded: readonly BracketOption[]
  readonly chosen: OptionChoice | null
  /** `meeting`: the meeting running on the document when it was removed, if one was. */
  readonly removed: { readonly by: Author; readonly at: string; readonly meeting?: MeetingId } | null
  /** The request that placed it, when its client named it; never shown by the API. */
  readonly request?: RequestStamp
}

/** Longest reason of a bracket, in characters. */
export const MAX_BRACKET_REASON_LENGTH = 2_000
/** Longest option wording, in characters. */
export const MAX_OPTION_LENGTH = 5_000
/**
 * Most options one bracket holds: a negotiation weighs a few competing
 * wordings, and every option is shown, supported and exported with its bracket.
 */
export const MAX_OPTIONS_PER_BRACKET = 12
/**
 * Most brackets standing on one document at once: every list, placing and
 * version places each of them in the text, so their number bounds that work.
 * Far above a real text's (the demo's has four; heavily bracketed UN drafts, some hundreds).
 */
export const MAX_BRACKETS_PER_DOCUMENT = 1_000

/** Whether the role places, removes and settles brackets (and adds options to them). */
export const mayPlaceBrackets = (role: Role): boolean => role === 'ppt' || role === 'secretariat'

/** The country an account holds brackets and supports options for: a delegate's own, no one else's. */
export const bracketCountryOf = (account: Account): CountryCode | null => (account.role === 'delegate' ? account.country : null)

/**
 * A change to a bracket, or why it may not be made: a conflict with its
 * state, (`missing`) an option it does not have, or (`tooMany`) one option
 * more than {@link MAX_OPTIONS_PER_BRACKET}.
 */
export type BracketChange = { readonly bracket: Bracket } | { readonly failed: string; readonly missing?: true; readonly tooMany?: true }

/** Adds `country` as a holder; holding again changes nothing (the same record back). */
export function holdBracket(bracket: Bracket, country: CountryCode): BracketChange {
  if (bracket.removed) return { failed: 'the bracket was removed' }
  if (bracket.holders.includes(country)) return { bracket }
  return { bracket: { ...bracket, holders: [...bracket.holders, country] } }
}

/** Lifts `country`'s hold; a country that does not hold the bracket has nothing to lift. */
export function liftBracket(bracket: Bracket, country: CountryCode): BracketChange {
  if (bracket.removed) return { failed: 'the bracket was removed' }
  if (!bracket.holders.includes(country)) return { failed: `${country} does not hold this bracket` }
  return { bracket: { ...bracket, holders: bracket.holders.filter((c) => c !== country) } }
}

/** Marks the bracket removed: only once no country holds it. */
export function removeBracket(bracket: Bracket, by: Author, at: string, meeting?: MeetingId): BracketChange {
  if (bracket.removed) return { failed: 'the bracket was already removed' }
  if (bracket.holders.length > 0) return { failed: `the bracket is still held by ${bracket.holders.join(', ')}` }
  return { bracket: { ...bracket, removed: { by, at, ...(meeting === undefined ? {} : { meeting }) } } }
}

/** Adds a competing wording, while no option has been chosen. */
export function addOption(bracket: Bracket, option: BracketOption): BracketChange {
  if (bracket.removed) return { failed: 'the bracket was removed' }
  if (bracket.chosen) return { failed: 'an option of this bracket was already chosen' }
  if (bracket.options.length >= MAX_OPTIONS_PER_BRACKET) return { failed: `a bracket holds at most ${MAX_OPTIONS_PER_BRACKET} options`, tooMany: true }
  return { bracket: { ...bracket, options: [...bracket.options, option] } }
}

/**
 * Records `country`'s support for one option. A country supports at most one
 * option of a bracket, so supporting one moves its support from any other;
 * supporting the same again changes nothing.
 */
export function supportOption(bracket: Bracket, optionId: string, country: CountryCode): BracketChange {
  const checked = openOption(bracket, optionId)
  if ('failed' in checked) return checked
  if (checked.option.supporters.includes(country)) return { bracket }
  return {
    bracket: {
      ...bracket,
      options: bracket.options.map((o) =>
        o.id === optionId ? { ...o, supporters: [...o.supporters, country] } : { ...o, supporters: o.supporters.filter((c) => c !== country) }
      )
    }
  }
}

/** Withdraws `country`'s support for an option it supports. */
export function withdrawSupport(bracket: Bracket, optionId: string, country: CountryCode): BracketChange {
  const checked = openOption(bracket, optionId)
  if ('failed' in checked) return checked
  if (!checked.option.supporters.includes(country)) return { failed: `${country} does not support this option` }
  return {
    bracket: { ...bracket, options: bracket.options.map((o) => (o.id === optionId ? { ...o, supporters: o.supporters.filter((c) => c !== country) } : o)) }
  }
}

/**
 * Chooses one option: the others move to `discarded`, and the choice is
 * recorded with the text it replaced. The caller puts the option's text in
 * the document and gives the passage's new anchor.
 */
export function chooseOption(bracket: Bracket, optionId: string, choice: Omit<OptionChoice, 'optionId'>, anchor: Anchor): BracketChange {
  const checked = openOption(bracket, optionId)
  if ('failed' in checked) return checked
  return {
    bracket: {
      ...bracket,
      anchor,
      options: [checked.option],
      discarded: [...bracket.discarded, ...bracket.options.filter((o) => o.id !== optionId)],
      chosen: { optionId: checked.option.id, ...choice }
    }
  }
}

/** The option `optionId` of a bracket that is still open to support and choice. */
export function openOption(bracket: Bracket, optionId: string): { option: BracketOption } | { failed: string; missing?: true } {
  if (bracket.removed) return { failed: 'the bracket was removed' }
  if (bracket.chosen) return { failed: 'an option of this bracket was already chosen' }
  const option = bracket.options.find((o) => o.id === optionId)
  if (!option) return { failed: `no option ${optionId} in this bracket`, missing: true }
  return { option }
}

/** A passage's place in a block's text, as a resolved anchor gives it. */
export interface PassageRange {
  readonly blockId: string
  readonly from: number
  readonly to: number
}

/**
 * Whether two passages cross: they share a block and overlap, yet neither
 * holds the other. Brackets nest where the text nests them, never cross,
 * so that every [ has its ] in reading order.
 */
export function crosses(a: PassageRange, b: PassageRange): boolean {
  if (a.blockId !== b.blockId) return false
  const overlap = a.from < b.to && b.from < a.to
  const nested = (a.from <= b.from && b.to <= a.to) || (b.from <= a.from && a.to <= b.to)
  return overlap && !nested
}

/** A bracket as a version froze it, as far as comparing two versions needs. */
export type FrozenBracket = Pick<Bracket, 'id' | 'holders' | 'options' | 'chosen'> & { readonly quote: string }

/**
 * One change to the brackets between two versions: a bracket added or
 * removed, a country's hold taken or lifted, an option added or chosen.
 * `quote` is the passage as the newer side has it (the older, for a removed bracket).
 */
export interface BracketDiffEntry {
  readonly change: 'added' | 'removed' | 'held' | 'lifted' | 'option-added' | 'option-chosen'
  readonly bracketId: string
  readonly quote: string
  /** For `held` and `lifted`, and for `added`: the countries concerned. */
  readonly countries?: readonly CountryCode[]
  /** For `option-added` and `option-chosen`: the option's text. */
  readonly option?: string
}

/** What changed in the brackets from `from` to `to`, bracket by bracket in the newer side's order, removed ones last. */
export function diffBrackets(from: readonly FrozenBracket[], to: readonly FrozenBracket[]): BracketDiffEntry[] {
  const before = new Map(from.map((b) => [b.id, b]))
  const after = new Set(to.map((b) => b.id))
  const entries: BracketDiffEntry[] = []
  for (const b of to) {
    const old = before.get(b.id)
    const base = { bracketId: b.id, quote: b.quote }
    if (!old) {
      entries.push({ ...base, change: 'added', countries: b.holders })
      continue
    }
    const held = b.holders.filter((c) => !old.holders.includes(c))
    const lifted = old.holders.filter((c) => !b.holders.includes(c))
    if (held.length) entries.push({ ...base, change: 'held', countries: held })
    if (lifted.length) entries.push({ ...base, change: 'lifted', countries: lifted })
    const known = new Set(old.options.map((o) => o.id))
    for (const o of b.options) if (!known.has(o.id) && !(b.chosen && !old.chosen && o.id === b.chosen.optionId)) entries.push({ ...base, change: 'option-added', option: o.text })
    if (b.chosen && !old.chosen) entries.push({ ...base, change: 'option-chosen', option: b.options.find((o) => o.id === b.chosen?.optionId)?.text ?? '' })
  }
  for (const b of from) if (!after.has(b.id)) entries.push({ bracketId: b.id, quote: b.quote, change: 'removed' })
  return entries
}
