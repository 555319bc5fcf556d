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
