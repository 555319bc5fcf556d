/**
 * What an account is in the negotiation. The server decides every permission
 * from the role of the session's account, never from what a request claims.
 */
export type Role = 'ppt' | 'secretariat' | 'delegate' | 'reviewer' | 'observer'

export const ROLES: readonly Role[] = ['ppt', 'secretariat', 'delegate', 'reviewer', 'observer']

/**
 * What each role is called in the files Consenso writes (Word's authors of
 * changes, a file's creator), in Spanish, the language of the negotiation.
 */
export const ROLE_TITLES: Readonly<Record<Role, string>> = {
  ppt: 'Presidencia Pro Tempore',
  secretariat: 'Secretaría Ejecutiva',
  delegate: 'Delegación',
  reviewer: 'Revisión',
  observer: 'Observación'
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value)

/** Whether the role may read a confidential document such as the Strategy. */
export const mayReadDocument = (role: Role): boolean => role !== 'observer'

/**
 * Whether the role may change a document's text directly. Only the Pro-Tempore
 * Presidency and the Secretariat edit; countries propose wording instead.
 */
export const mayEditText = (role: Role): boolean => role === 'ppt' || role === 'secretariat'

/**
 * Whether the role may read the workspace settings (its calendar and time
 * zone): those who work on the documents, not observers, who read only what
 * is shared with them.
 */
export const mayReadSettings = (role: Role): boolean => role !== 'observer'

/** Whether the role may create and manage accounts. */
export const mayManageAccounts = (role: Role): boolean => role === 'ppt' || role === 'secretariat'

/**
 * Whether the role may share a published version with observers and withdraw
 * the share. Only the Pro-Tempore Presidency: the brief gives the decision to
 * it (once the meeting has agreed), not to the Secretariat that supports it.
 */
export const mayShareVersions = (role: Role): boolean => role === 'ppt'

/** Whether the role may see which versions of a document were shared, with whom, and their withdrawals. */
export const maySeeShares = (role: Role): boolean => role === 'ppt' || role === 'secretariat'

/**
 * Whether the role receives shared versions: observers, who may read nothing
 * else. Other roles read the documents themselves and are never the audience
 * of a share.
 */
export const receivesShares = (role: Role): boolean => role === 'observer'

// How much each role holds: an account may grant (create, enable, disable)
// only roles that hold no more than its own.
const POWER: Readonly<Record<Role, number>> = { ppt: 3, secretariat: 2, delegate: 1, reviewer: 1, observer: 1 }

/**
 * Whether an account of role `by` may create, enable or disable accounts of
 * role `role`: only those who manage accounts, and never a role that holds
 * more than their own. The Secretariat may not make a Presidency account nor
 * disable (or enable) one; only the Presidency does.
 */
export const mayGrantRole = (by: Role, role: Role): boolean => mayManageAccounts(by) && POWER[role] <= POWER[by]

// What the roles are called, folded (see `foldForNames`), that only their
// own accounts may bear in their display names: a delegate called
// "Presidencia Pro Tempore" would be taken for the Presidency wherever names are shown.
const RESERVED_NAMES: Readonly<Partial<Record<Role, readonly string[]>>> = {
  ppt: ['presidencia pro tempore', 'presidencia', 'presidency', 'pro tempore', 'ppt'],
  secretariat: ['secretaria ejecutiva', 'executive secretariat', 'secretariat'],
  delegate: ['delegacion', 'delegation']
}

// Letters of other scripts drawn like Latin ones, and digits and signs that
// pass for letters, folded to one Latin letter each (after lower-casing);
// `l` and `i` fold together, as do `0` and `o`. Only what it takes to spell
// the reserved names above: the check is narrow, a full confusables table
// (Unicode TR 39) would add a dependency for the same few words.
const LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'i', ԛ: 'q', ԝ: 'w', ɡ: 'g', ı: 'i',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c',
  l: 'i', '1': 'i', '|': 'i', '!': 'i', '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's'
}

// A name as it reads: compatibility forms and accents dropped, invisible
// characters removed, look-alike letters folded, anything else a space.
function foldForNames(name: string): string {
  const letters = [...name.normalize('NFKD').replace(/\p{M}|\p{Cf}/gu, '').toLowerCase()]
  return letters
    .map((c) => LOOKALIKES[c] ?? c)
    .join('')
    .replace(/[^a-z]+/g, ' ')
    .trim()
}

/**
 * The roles whose titles a display name uses or imitates (equal, inside it
 * as words, spelled with look-alike letters, accents, spaces or dots):
 * "Presidencia Pro Tempore (México)" and "P.P.T." name the `ppt` role. An
 * account's name may name no role but its own (see `accountProblem`).
 */
export function rolesNamedIn(name: string): Role[] {
  const words = foldForNames(name).split(' ').filter(Boolean)
  // The name without its spaces, and where its words start and end in it: a
  // title matches from the start of a word to the end of one, so that
  // "P.P.T. México", "P R E S I D E N C I A" and "PresidenciaProTempore"
  // name the Presidency while "Vicepresidencia de Guatemala" does not.
  const joined = words.join('')
  const starts = new Set<number>()
  const ends = new Set<number>()
  let at = 0
  for (const word of words) {
    starts.add(at)
    at += word.length
    ends.add(at)
  }
  const names = (title: string) => {
    const wanted = title.replace(/ /g, '')
    for (let from = joined.indexOf(wanted); from >= 0; from = joined.indexOf(wanted, from + 1))
      if (starts.has(from) && ends.has(from + wanted.length)) return true
    return false
  }
  return ROLES.filter((role) => (RESERVED_NAMES[role] ?? []).map(foldForNames).some(names))
}
