import { z } from 'zod'
import {
  accountProblem,
  isCountryCode,
  isUsername,
  MAX_DELEGATES_PER_COUNTRY,
  ROLES,
  type Account,
  type CountryCode,
  type RefusalCode,
  type Role,
  type Username
} from '../../src'
import { RecordStore, type DamageReport, type RecordWrite, type ScopeLocks, type Store } from '../../storage'
import { systemClock, type Clock } from '../Clock'
import { hashPassword, verifyPassword } from './password'

/** An account as stored: the public part, the password hash and its state. */
export interface StoredAccount extends Account {
  readonly passwordHash: string
  readonly createdAt: string
  readonly disabled: boolean
}

const storedAccount = z.object({
  username: z.string().refine(isUsername),
  name: z.string(),
  role: z.enum(ROLES as [Role, ...Role[]]),
  country: z.string().refine(isCountryCode).nullable(),
  passwordHash: z.string(),
  createdAt: z.string(),
  disabled: z.boolean()
})

const accountFromJSON = (json: unknown): StoredAccount => storedAccount.parse(json) as StoredAccount

/** What it takes to open an account. */
export interface NewAccount {
  readonly username: string
  readonly password: string
  readonly name: string
  readonly role: Role
  readonly country: CountryCode | null
}

/**
 * Stores a changed account, given as the chunk to store: with whatever else
 * must be in the same write (the change's audit entry, say). By default the
 * account is stored on its own.
 */
export type AccountWrite = (write: RecordWrite, account: StoredAccount) => Promise<unknown>

/** Shortest password accepted for a new account. */
export const MIN_PASSWORD_LENGTH = 10

/** The public part of an account, safe to send to any client. */
export const publicAccount = (a: Account): Account => ({ username: a.username, name: a.name, role: a.role, country: a.country })

/**
 * Why {@link Accounts.create} refused: the English message and, for the
 * refusals people meet in normal use, a stable code the app translates from
 * with the `values` it names.
 */
export interface AccountRefusal {
  readonly failed: string
  readonly code?: Extract<RefusalCode, 'password_too_short' | 'username_taken' | 'country_delegates_full' | 'delegate_needs_country' | 'name_imitates_role'>
  readonly values?: Readonly<Record<string, string>>
}

/**
 * The accounts of the workspace. Checks passwords in constant work whether or
 * not the account exists, so the answer time does not tell which names exist.
 */
export class Accounts {
  private readonly records: RecordStore<StoredAccount>
  // Verified against when the account does not exist, to spend the same work.
  private readonly decoyHash: Promise<string>

  private readonly storeAlone: AccountWrite
  private readonly locks: ScopeLocks

  /** `onDamaged` hears of each stored account that cannot be read: it is left out of lists. */
  constructor(store: Store, private readonly now: Clock = systemClock, onDamaged?: DamageReport) {
    this.records = new RecordStore(store.records, { kind: 'account' }, accountFromJSON, onDamaged)
    this.storeAlone = (write) => store.records.write([write])
    this.locks = store.locks
    this.decoyHash = hashPassword('decoy password that matches nothing')
  }

  get(username: string): Promise<StoredAccount | undefined> {
    return isUsername(username) ? this.records.get(username) : Promise.resolve(undefined)
  }

  list(): Promise<StoredAccount[]> {
    return this.records.list()
  }

  /**
   * Opens an account. Refuses, with the reason, a taken name, invalid fields,
   * a short password or a fifth delegate for one country. The new account is stored through `write`.
   * The refusals people meet most carry a `code` and the `values` it names (see `AccountRefusal`).
   */
  create(input: NewAccount, write: AccountWrite = this.storeAlone): Promise<{ account: Account } | AccountRefusal> {
    // Checks what is stored (the name, the country's delegates) before it writes: one change of accounts at a time, in any process.
    return this.locks.run('accounts', () => this.createNow(input, write))
  }

  private async createNow(input: NewAccount, write: AccountWrite): Promise<{ account: Account } | AccountRefusal> {
    const problem = accountProblem({ ...input, country: input.country ?? null })
    if (problem) return { failed: problem.message, ...(problem.code ? { code: problem.code } : {}), ...(problem.values ? { values: problem.values } : {}) }
    if (input.password.length < MIN_PASSWORD_LENGTH)
      return {
        failed: `password must have at least ${MIN_PASSWORD_LENGTH} characters`,
        code: 'password_too_short',
        values: { min: String(MIN_PASSWORD_LENGTH) }
      }
    if (await this.records.get(input.username))
      return { failed: `the username ${input.username} is taken`, code: 'username_taken', values: { username: input.username } }
    if (input.role === 'delegate') {
      const delegates = (await this.records.list()).filter((a) => a.role === 'delegate' && a.country === input.country && !a.disabled)
      if (delegates.length >= MAX_DELEGATES_PER_COUNTRY)
        return {
          failed: `${input.country} already has ${MAX_DELEGATES_PER_COUNTRY} delegate accounts, the most a country may hold`,
          code: 'country_delegates_full',
          values: { country: String(input.country), max: String(MAX_DELEGATES_PER_COUNTRY) }
        }
    }
    const account: StoredAccount = {
      username: input.username as Username,
      name: input.name.trim(),
      role: input.role,
      country: input.country ?? null,
      passwordHash: await hashPassword(input.password),
      createdAt: this.now().toISOString(),
      disabled: false
    }
    await write(this.records.writeOf(account.username, account), account)
    return { account: publicAccount(account) }
  }

  /**
   * Disables or enables the account `username`. Enabling refuses (with the
   * reason) a delegate whose country already has its most enabled accounts,
   * as {@link create} would. Undefined if there is no such account. A disabled
   * account cannot log in, and no session of it is honoured; ending its open
   * sessions is the caller's part (see `AccountAccess.setDisabled`). The
   * changed account is stored through `write`; an account already so is not stored again.
   */
  setDisabled(
    username: string,
    disabled: boolean,
    write: AccountWrite = this.storeAlone
  ): Promise<{ account: StoredAccount } | AccountRefusal | undefined> {
    return this.locks.run('accounts', () => this.setDisabledNow(username, disabled, write))
  }

  private async setDisabledNow(username: string, disabled: boolean, write: AccountWrite): Promise<{ account: StoredAccount } | AccountRefusal | undefined> {
    const account = await this.get(username)
    if (!account) return undefined
    if (account.disabled === disabled) return { account }
    if (!disabled && account.role === 'delegate') {
      const delegates = (await this.records.list()).filter((a) => a.role === 'delegate' && a.country === account.country && !a.disabled)
      if (delegates.length >= MAX_DELEGATES_PER_COUNTRY)
        return {
          failed: `${account.country} already has ${MAX_DELEGATES_PER_COUNTRY} enabled delegate accounts, the most a country may hold`,
          code: 'country_delegates_full',
          values: { country: String(account.country), max: String(MAX_DELEGATES_PER_COUNTRY) }
        }
    }
    const changed: StoredAccount = { ...account, disabled }
    await write(this.records.writeOf(changed.username, changed), changed)
    return { account: changed }
  }

  /** The account whose name and password these are, unless it is disabled. */
  async authenticate(username: string, password: string): Promise<StoredAccount | undefined> {
    const account = await this.get(username)
    const ok = await verifyPassword(account?.passwordHash ?? (await this.decoyHash), password)
    return ok && account && !account.disabled ? account : undefined
  }
}
