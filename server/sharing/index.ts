/** Published versions shared with observers: the one thing of a document they may read. */
export { Shares, type ShareAudience } from './Shares'
// What the sharing routes answer is part of the contract with the app: its home is src/wire.ts.
export type { Share, SharedEntry, SharedVersion, Withdrawal } from '../../src'
