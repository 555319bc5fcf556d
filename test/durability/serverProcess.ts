/**
 * A Consenso server as its own process, `node --import tsx server/main.ts`
 * (no npx in between: a signal reaches the server itself, and a restart
 * costs one Node start), on a port the test chooses, so that a server
 * restarted after a crash comes back where its clients left it.
 */
import { spawn } from 'node:child_process'
import { onTestFinished } from 'vitest'
import { DEMO_PASSWORD, ROOT } from '../support'

/** One run of the server process. */
export interface ServerRun {
  readonly pid: number
  /** Everything the process printed so far, stdout and stderr. */
  readonly output: () => string
  /** Resolves with `http://127.0.0.1:<port>` once it listens; rejects with its output if it ends first. */
  readonly listening: Promise<string>
  /** Resolves once the process has ended, with its exit code or signal. */
  readonly exited: Promise<number | NodeJS.Signals | null>
  /** Sends `signal` to the server process (nothing if it has ended). */
  readonly kill: (signal: NodeJS.Signals) => void
}

/**
 * Spawns the server on `dataDir` and `port` (127.0.0.1) with the demo
 * password, plus `env` (e.g. `PERSIST_DEBOUNCE_MS`). Does not wait: see
 * `listening` and `exited`. Killed with SIGKILL when the test ends if still running.
 */
export function spawnServer(dataDir: string, port: number, env: Record<string, string> = {}): ServerRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  let done = false
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('close', (code, signal) => {
      done = true
      resolve(code ?? signal)
    })
  )
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Consenso listening on (\S+)/.exec(output)
      if (match) resolve(match[1] as string)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then((code) => reject(new Error(`server process ended (${String(code)}) before listening:\n${output}`)))
  })
  // A test that only looks at `exited` must not fail on the rejection it did not ask for.
  listening.catch(() => {})
  const kill = (signal: NodeJS.Signals) => {
    if (!done) child.kill(signal)
  }
  onTestFinished(async () => {
    kill('SIGKILL')
    await exited
  })
  return { pid: child.pid as number, output: () => output, listening, exited, kill }
}

/** Spawns the server and waits until it listens. */
export async function startServerAt(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ServerRun> {
  const run = spawnServer(dataDir, port, env)
  await run.listening
  return run
}
