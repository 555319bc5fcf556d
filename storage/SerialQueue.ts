/**
 * Runs work one at a time per key (a document id): each run starts once the
 * one before it for that key has ended, failed or not. An act that reads
 * records, decides, and writes (is this request a retry? is this name taken?)
 * holds while it runs, so two requests arriving together cannot both decide
 * on what stood before either wrote.
 */
export class SerialQueue<K> {
  private readonly tails = new Map<K, Promise<unknown>>()

  run<T>(key: K, work: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(work, work)
    const tail = run.catch(() => {})
    this.tails.set(key, tail)
    // Forgotten once idle, so that keys seen once do not pile up.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return run
  }
}
