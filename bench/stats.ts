/**
 * Latency histograms and the summaries the benchmark reports: medians over
 * rounds, percentiles within a round.
 */

// Buckets 1 % wide: a percentile read from the histogram is at most 1 % high.
const GROWTH = 1.01
const LOG_GROWTH = Math.log(GROWTH)
/** Covers 1 µs to about 100 s. */
const BUCKETS = Math.ceil(Math.log(1e8) / LOG_GROWTH) + 1

/**
 * Counts of latencies in logarithmic buckets, so that load processes can
 * report millions of samples in a few kilobytes and the parent can merge them.
 */
export class LatencyHistogram {
  readonly counts: number[]
  total = 0
  max = 0

  constructor(counts?: readonly number[]) {
    this.counts = counts ? [...counts] : new Array<number>(BUCKETS).fill(0)
    for (const c of this.counts) this.total += c
  }

  /** Records one latency, in milliseconds. */
  record(ms: number): void {
    const micros = Math.max(1, ms * 1000)
    const index = Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / LOG_GROWTH))
    this.counts[index] = (this.counts[index] as number) + 1
    this.total++
    if (ms > this.max) this.max = ms
  }

  /** Adds another histogram's samples to this one. */
  merge(other: { counts: readonly number[]; max: number }): void {
    other.counts.forEach((c, i) => {
      this.counts[i] = (this.counts[i] as number) + c
      this.total += c
    })
    this.max = Math.max(this.max, other.max)
  }

  /** The latency below which a fraction `q` (0–1) of the samples fall, in ms (NaN when empty). */
  quantile(q: number): number {
    if (this.total === 0) return NaN
    const rank = Math.ceil(q * this.total)
    let seen = 0
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] as number
      if (seen >= rank) return GROWTH ** i / 1000
    }
    return this.max
  }

  toJSON(): { counts: number[]; max: number } {
    return { counts: this.counts, max: this.max }
  }
}

/** The median of some numbers (NaN when there are none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Milliseconds since the epoch with sub-millisecond precision; comparable across processes of one machine. */
export const now = (): number => performance.timeOrigin + performance.now()

/** Rounds to `digits` decimals, for reports. */
export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** The nearest-rank `q` quantile (0–1) of some numbers, for samples too few for a histogram (NaN when there are none). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number
}
