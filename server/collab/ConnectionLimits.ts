import type { ConnectionLimitsConfig } from '../config'

/** A slot taken for one open connection; `release` gives it back (once, however often called). */
export interface ConnectionSlot {
  release(): void
}

/**
 * Counts the open collaboration connections per account and per remote
 * address (see {@link ConnectionLimitsConfig}), so that no one account and
 * no one machine can hold any number of them: each socket costs memory, a
 * share of every broadcast and, on connect, a sync answer.
 */
export class ConnectionLimits {
  private readonly byAccount = new Map<string, number>()
  private readonly byAddress = new Map<string, number>()

  constructor(private readonly config: ConnectionLimitsConfig) {
    if (!(config.perAccount >= 1) || !(config.perAddress >= 1))
      throw new RangeError(`connection limits must be at least 1, got ${config.perAccount} per account and ${config.perAddress} per address`)
  }

  /**
   * Takes a slot for a connection of `account` from `address`: the slot, or
   * the reason it is refused (the limit that is reached). Nothing is taken
   * on a refusal.
   */
  admit(account: string, address: string): ConnectionSlot | { readonly refused: string } {
    const ofAccount = this.byAccount.get(account) ?? 0
    if (ofAccount >= this.config.perAccount)
      return { refused: `too many open connections for this account (at most ${this.config.perAccount}): close another tab or device first` }
    const ofAddress = this.byAddress.get(address) ?? 0
    if (ofAddress >= this.config.perAddress) return { refused: `too many open connections from this address (at most ${this.config.perAddress})` }
    this.byAccount.set(account, ofAccount + 1)
    this.byAddress.set(address, ofAddress + 1)
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        decrement(this.byAccount, account)
        decrement(this.byAddress, address)
      }
    }
  }

  /** How many connections of `account` are open. */
  openFor(account: string): number {
    return this.byAccount.get(account) ?? 0
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 0) - 1
  if (left > 0) counts.set(key, left)
  else counts.delete(key)
}
