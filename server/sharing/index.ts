/** Published versions shared with observers: the one thing of a document they may read. */
export { Shares, type Share, type SharedEntry, type SharedVersion, type ShareAudience, type Withdrawal } from './Shares'
