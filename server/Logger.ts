/** Where the server reports what it does and what went wrong, with context. */
export interface Logger {
  info(message: string, context?: Record<string, unknown>): void
  error(message: string, context?: Record<string, unknown>): void
}

/** Writes one line per event to the console. */
export const consoleLogger: Logger = {
  info: (message, context) => console.log(`[consenso] ${message}`, context ?? ''),
  error: (message, context) => console.error(`[consenso] ${message}`, context ?? '')
}

/** Discards everything: for tests that expect errors. */
export const silentLogger: Logger = { info: () => {}, error: () => {} }
