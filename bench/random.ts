/** A seeded pseudo-random source, so that every run generates the same drafts and histories. */
export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }
}

// Syllables of Spanish-like words, accents and ñ included.
const ONSETS = ['', 'b', 'c', 'd', 'f', 'g', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'ch', 'pr', 'tr', 'gr', 'cl', 'ñ', 'll', 'qu']
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'á', 'é', 'í', 'ó', 'ú', 'ia', 'ue', 'io']
const CODAS = ['', '', '', 'n', 's', 'r', 'l']
const SHORT_WORDS = ['de', 'la', 'el', 'en', 'y', 'a', 'los', 'las', 'que', 'por', 'con', 'para', 'del', 'se', 'una', 'su', 'al', 'sus', 'como', 'más']

/** Makes Spanish-like words and sentences from a {@link Random}. */
export class WordSource {
  private readonly vocabulary: string[]

  constructor(private readonly random: Random, size = 4000) {
    this.vocabulary = Array.from({ length: size }, () => this.makeWord())
  }

  private makeWord(): string {
    let word = ''
    const syllables = this.random.int(2, 4)
    for (let s = 0; s < syllables; s++) word += this.random.pick(ONSETS) + this.random.pick(VOWELS) + this.random.pick(CODAS)
    return word
  }

  /** A word: often a short function word, otherwise one of the vocabulary. */
  word(): string {
    return this.random.next() < 0.4 ? this.random.pick(SHORT_WORDS) : this.random.pick(this.vocabulary)
  }

  /** A sentence of `count` words, capitalised, with the odd comma, number or « » and a full stop. */
  sentence(count: number): string {
    const words: string[] = []
    for (let i = 0; i < count; i++) {
      let w = this.word()
      const r = this.random.next()
      if (r < 0.02) w = String(this.random.int(1, 2030))
      else if (r < 0.03) w = `«${w}»`
      if (i > 2 && i < count - 2 && this.random.next() < 0.08) w += ','
      words.push(w)
    }
    const text = words.join(' ')
    return text.charAt(0).toUpperCase() + text.slice(1) + '.'
  }

  /** A paragraph of about `words` words in sentences of 12–30. */
  paragraph(words: number): string {
    const sentences: string[] = []
    for (let left = words; left > 0; ) {
      const n = Math.min(left, this.random.int(12, 30))
      sentences.push(this.sentence(n))
      left -= n
    }
    return sentences.join(' ')
  }
}
