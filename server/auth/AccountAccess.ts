import { mayGrantRole, mayManageAccounts, ROLE_TITLES, SessionEndReason, type Account, type AccountEntry, type SessionEndReasonText, type Username } from '../../src'
import { actorOf, type AuditActor, type AuditLog } from '../audit'
import { CloseCode, type Collaboration } from '../collab'
import { ok, refuse, type Outcome } from '../Outcome'
import { noRelay, type Relay, type WorkspaceMessage } from '../relay'
import { publicAccount, type Accounts, type NewAccount, type StoredAccount } from './Accounts'
import type { LoginThrottling } from './LoginThrottle'
import { SessionWatch } from './SessionWatch'
import type { Session, Sessions } from './Sessions'

/** A live session and its enabled account. */
export interface SignedIn {
  readonly account: StoredAccount
  readonly session: Session
}

/** What a login attempt comes to. */
export type LoginResult =
  | { readonly ok: SignedIn & { readonly token: string } }
  /** Wrong name or password, or a disabled account: the three are not told apart. */
  | { readonly failed: 'credentials' }
  /** Too many failures lately; the password was not checked. */
  | { readonly failed: 'throttled'; readonly retryAfterMs: number }

/** What {@link AccountAccess} works with. */
export interface AccountAccessParts {
  readonly accounts: Accounts
  readonly sessions: Sessions
  readonly collaboration: Collaboration
  readonly audit: AuditLog
  /** How other processes hear of sessions ended here, and this one of theirs. Default {@link noRelay}. */
  readonly relay?: Relay
}

const managed = (a: StoredAccount): AccountEntry => ({ ...publicAccount(a), createdAt: a.createdAt, disabled: a.disabled })

// The actor of an attempt by someone not (yet) known: only the name tried.
const triedBy = (username: string): AuditActor => ({ username: username.trim().slice(0, 100), role: null, country: null })

/**
 * Who gets in and how access ends: login (throttled, see {@link LoginThrottle}),
 * logout, "logout everywhere", disabling and enabling accounts, and the
 * periodic check of the sessions behind open connections. Ending a session
 * here ends at once everything opened with it: its collaboration sockets are
 * closed with {@link CloseCode.unauthorized} and the reason, and its watchers
 * ({@link watch}: event streams) are told. Every act is recorded in the audit
 * trail before it is answered, with the address of the request being served
 * ({@link AuditLog.withAddress}); the login takes the address for the throttle only.
 */
export class AccountAccess {
  readonly throttle: LoginThrottling
  /** Streams and other things kept open on behalf of a session. */
  readonly watch = new SessionWatch()
  // Sessions that changed a document over a socket since the last check.
  private active = new Set<string>()
  private checking: Promise<void> | undefined

  constructor(
    private readonly parts: AccountAccessParts,
    throttle: LoginThrottling
  ) {
    this.throttle = throttle
    // A session ended on another process ends here too: its sockets and streams close at once.
    ;(parts.relay ?? noRelay).onWorkspace(
      (message: WorkspaceMessage) => {
        if (message.kind === 'sessionsEnded') this.endHere({ ids: message.ids, username: message.username }, message.reason)
      },
      // Sessions ended elsewhere while the relay was down were not heard of: check them now, not at the next round.
      // A store that cannot be read now is checked again at the next round.
      () => void this.check().catch(() => {})
    )
  }


  /** The live session of `token` and its account, unless either has ended or the account is disabled. */
  async signedIn(token: string | undefined): Promise<SignedIn | undefined> {
    const session = await this.parts.sessions.resolve(token)
    if (!session) return undefined
    const account = await this.parts.accounts.get(session.username)
    return account && !account.disabled ? { account, session } : undefined
  }

  /**
   * Checks a name and password from `address` and opens a session. While the
   * name from that address, or the address, is throttled the password is not
   * even checked. A success clears the count of the name from that address.
   */
  async login(username: string, password: string, address: string | undefined): Promise<LoginResult> {
    const { accounts, sessions, audit } = this.parts
    const allowance = await this.throttle.check(username, address)
    if (!allowance.allowed) {
      // Once per lockout: a flood of attempts must not flood the trail.
      if (allowance.firstRefusal)
        await audit.record({
          action: 'login.throttled',
          actor: triedBy(username),
          details: { retryAfterSeconds: Math.ceil(allowance.retryAfterMs / 1000) }
        })
      return { failed: 'throttled', retryAfterMs: allowance.retryAfterMs }
    }
    const account = await accounts.authenticate(username, password)
    if (!account) {
      await this.throttle.fail(username, address)
      await audit.record({ action: 'login.failed', actor: triedBy(username) })
      return { failed: 'credentials' }
    }
    await this.throttle.succeed(username, address)
    const { token, session } = await sessions.open(account.username)
    await audit.record({ action: 'login', actor: actorOf(account) })
    return { ok: { account, session, token } }
  }

  /** Ends the session of `token` and closes what it holds open. Nothing happens for an unknown token. */
  async logout(token: string | undefined): Promise<void> {
    const session = await this.parts.sessions.close(token)
    if (!session) return
    this.end({ ids: [session.id] }, SessionEndReason.loggedOut)
    const account = await this.parts.accounts.get(session.username)
    await this.parts.audit.record({
      action: 'logout',
      actor: account ? actorOf(account) : triedBy(session.username)
    })
  }

  /** Ends every session of `account` (on every device) and closes what they hold open; how many ended. */
  async logoutEverywhere(account: Account): Promise<number> {
    const ended = await this.parts.sessions.closeAll(account.username)
    this.end({ ids: ended, username: account.username }, SessionEndReason.loggedOutEverywhere)
    await this.parts.audit.record({
      action: 'logout.everywhere',
      actor: actorOf(account),
      details: { sessions: ended.length }
    })
    return ended.length
  }

  /** Every account, by name, for those who manage accounts. */
  async list(by: Account): Promise<Outcome<AccountEntry[]>> {
    if (!mayManageAccounts(by.role)) return refuse(403, 'only the Presidency or the Secretariat manage accounts')
    const all = await this.parts.accounts.list()
    return ok(all.map(managed).sort((a, b) => a.username.localeCompare(b.username)))
  }

  /**
   * Opens an account on behalf of `by` (Presidency or Secretariat), of a role
   * that holds no more than `by`'s own ({@link mayGrantRole}): the Secretariat
   * may not make a Presidency account.
   */
  async create(by: Account, input: NewAccount): Promise<Outcome<Account>> {
    if (!mayManageAccounts(by.role)) return refuse(403, 'only the Presidency or the Secretariat manage accounts')
    if (!mayGrantRole(by.role, input.role)) return refuse(403, `the ${by.role} role may not create accounts of ${ROLE_TITLES[input.role]}`)
    const made = await this.parts.accounts.create(input, (chunk, account) =>
      this.parts.audit.record(
        {
          action: 'account.created',
          actor: actorOf(by),
          target: { account: account.username },
          details: { role: account.role, country: account.country }
        },
        [chunk]
      )
    )
    // A taken name and a full country conflict with accounts that exist; every other refusal is about the request itself.
    if ('failed' in made)
      return refuse(made.code === 'username_taken' || made.code === 'country_delegates_full' ? 409 : 400, made.failed, made.code, made.values)
    return ok(made.account)
  }

  /**
   * Disables (or enables again) the account `username` on behalf of `by`
   * (Presidency or Secretariat), who may not disable their own account nor
   * disable or enable one of a role that holds more than theirs
   * ({@link mayGrantRole}: the Secretariat may not disable the Presidency). Disabling cuts the account off at once: its sessions are removed, its
   * sockets closed and its streams ended. Asking for the state an account
   * is already in changes and records nothing.
   */
  async setDisabled(by: Account, username: string, disabled: boolean): Promise<Outcome<AccountEntry>> {
    if (!mayManageAccounts(by.role)) return refuse(403, 'only the Presidency or the Secretariat manage accounts')
    if (username === by.username && disabled) return refuse(409, 'you may not disable your own account')
    const { sessions, audit } = this.parts
    const target = await this.parts.accounts.get(username)
    if (target && !mayGrantRole(by.role, target.role))
      return refuse(403, `the ${by.role} role may not ${disabled ? 'disable' : 'enable'} accounts of ${ROLE_TITLES[target.role]}`)
    const changed = await this.parts.accounts.setDisabled(username, disabled, async (chunk, account) => {
      // Sessions go first: the stored change and its entry, naming how many
      // ended, are one write. A session opened meanwhile is not honoured
      // once the account is stored disabled.
      const ended = disabled ? await sessions.closeAll(account.username) : []
      await audit.record(
        {
          action: disabled ? 'account.disabled' : 'account.enabled',
          actor: actorOf(by),
          target: { account: account.username },
          ...(disabled ? { details: { sessions: ended.length } } : {})
        },
        [chunk]
      )
      if (disabled) this.end({ ids: ended, username: account.username }, SessionEndReason.accountDisabled)
    })
    if (!changed) return refuse(404, `no account ${username}`)
    if ('failed' in changed) return refuse(409, changed.failed, changed.code, changed.values)
    return ok(managed(changed.account))
  }

  /** Notes that the session `sessionId` changed a document: a use of it, counted at the next {@link check}. */
  noteActivity(sessionId: string): void {
    this.active.add(sessionId)
  }

  /**
   * Checks the one session `sessionId` at once, closing its sockets and
   * ending its watchers if it ended or its account was disabled. For a socket
   * just let in: a logout or a disable during its handshake found nothing of
   * it to close, and {@link check} would come only at its next round.
   */
  async confirm(sessionId: string): Promise<void> {
    const session = await this.parts.sessions.live(sessionId)
    const account = session && (await this.parts.accounts.get(session.username))
    if (!session) this.end({ ids: [sessionId] }, SessionEndReason.expired)
    else if (!account || account.disabled) this.end({ ids: [sessionId] }, SessionEndReason.accountDisabled)
  }

  /**
   * Checks the session behind every open socket and watched stream, and
   * closes those whose session expired or was removed, or whose account was
   * disabled. Document changes sent over a socket since the last check count
   * as uses of its session. Expired sessions are then removed from the store.
   * One check at a time: a call during a check waits for it.
   */
  check(): Promise<void> {
    this.checking ??= this.checkSessions().finally(() => (this.checking = undefined))
    return this.checking
  }

  private async checkSessions(): Promise<void> {
    const { sessions, accounts, collaboration } = this.parts
    const ids = this.watch.sessionIds()
    for (const context of collaboration.contexts()) ids.add(context.sessionId)
    const active = this.active
    this.active = new Set()
    const ended: string[] = []
    const enabled = new Map<Username, boolean>()
    for (const id of ids) {
      const session = active.has(id) ? await sessions.use(id) : await sessions.live(id)
      if (session && !enabled.has(session.username)) {
        const account = await accounts.get(session.username)
        enabled.set(session.username, account !== undefined && !account.disabled)
      }
      if (!session || !enabled.get(session.username)) ended.push(id)
    }
    if (ended.length > 0) this.end({ ids: ended }, SessionEndReason.expired)
    await sessions.sweep()
  }

  // Closes the sockets and ends the watchers of the sessions `ids` and of
  // every session of `username`, here and in every other process.
  private end(which: { readonly ids: readonly string[]; readonly username?: string }, reason: SessionEndReasonText): void {
    this.endHere(which, reason)
    this.parts.relay?.publishWorkspace({ kind: 'sessionsEnded', ids: which.ids, ...(which.username === undefined ? {} : { username: which.username }), reason })
  }

  // end(), in this process only.
  private endHere(which: { readonly ids: readonly string[]; readonly username?: string }, reason: SessionEndReasonText): void {
    const ids = new Set(which.ids)
    this.parts.collaboration.closeWhere(
      (context) => ids.has(context.sessionId) || context.account.username === which.username,
      CloseCode.unauthorized,
      reason
    )
    this.watch.end(which, reason)
  }
}
