/**
 * The diff row: Consenso's comparison of two versions (`diffDocuments`: blocks
 * paired by id, then word runs in the changed ones) against jsdiff's
 * `diffWords` over the whole plain text of both.
 */
import { diffWords as jsdiffWords } from 'diff'
import { diffDocuments } from '../src'
import { generateDrafts, plainTexts } from './drafts'
import { median } from './stats'

export interface DiffResult {
  readonly share: number
  readonly words: number
  readonly paragraphs: number
  readonly changed: number
  /** Medians, ms. */
  readonly consensoMs: number
  readonly peerMs: number
  readonly consensoRounds: number
  readonly peerRounds: number
  /** What Consenso found, as a check that it did the work. */
  readonly blocksChanged: number
  readonly blocksMoved: number
}

/** Times both on drafts with `share` of the paragraphs changed. */
export function diffRow(opts: { seed: number; share: number; rounds: number; peerRounds: number }): DiffResult {
  const drafts = generateDrafts(opts.seed, opts.share)
  const texts = plainTexts(drafts)
  // Both warmed up first, as in a server that has compared versions before.
  let stats = diffDocuments(drafts.older, drafts.newer).stats
  for (let r = 0; r < 5; r++) diffDocuments(drafts.older, drafts.newer)
  jsdiffWords(texts.older, texts.newer)
  const ours: number[] = []
  for (let r = 0; r < opts.rounds; r++) {
    const start = performance.now()
    stats = diffDocuments(drafts.older, drafts.newer).stats
    ours.push(performance.now() - start)
  }
  const peer: number[] = []
  for (let r = 0; r < opts.peerRounds; r++) {
    const start = performance.now()
    jsdiffWords(texts.older, texts.newer)
    peer.push(performance.now() - start)
  }
  return {
    share: opts.share,
    words: drafts.words,
    paragraphs: drafts.paragraphs,
    changed: drafts.changed,
    consensoMs: median(ours),
    peerMs: median(peer),
    consensoRounds: ours.length,
    peerRounds: peer.length,
    blocksChanged: stats.blocksChanged,
    blocksMoved: stats.blocksMoved
  }
}
