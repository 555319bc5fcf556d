import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Every layer lives under test/: unit/, storage/, server/ and browser/.
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Integration tests start real servers and hash passwords with argon2.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Child processes rather than threads: argon2 is a native module, and the
    // SIGTERM test spawns servers of its own.
    pool: 'forks',
    // The JSON report gives .ci/run its closing line of counts.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' }
  }
})
