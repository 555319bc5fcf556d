/**
 * A Redis for tests: the one `REDIS_URL` names when it is set (CI's service),
 * otherwise a throwaway `redis-server` from the installed binary on a free
 * loopback port, without persistence, stopped when the test ends. The
 * throwaway one can be stopped and started again on the same port mid-test,
 * for the outage tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { onTestFinished } from 'vitest'
import { freePort } from './server'

export interface TestRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string
  /** Stops the server (SIGTERM, waits for its exit); its clients see the connection drop. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty (nothing was saved). */
  start(): Promise<void>
  /** Whether this Redis can be stopped: not one named by `REDIS_URL`, which is shared. */
  readonly ownProcess: boolean
}

/**
 * A Redis for this test. Fails with what to install if there is no
 * `REDIS_URL` and no `redis-server` binary.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const shared = process.env.REDIS_URL
  if (shared)
    return {
      url: shared,
      ownProcess: false,
      stop: () => Promise.reject(new Error('REDIS_URL names a shared Redis: this test cannot stop it')),
      start: () => Promise.resolve()
    }
  if (spawnSync('redis-server', ['--version']).error)
    throw new Error('redis-server is not installed: apt-get install -y redis-server, or set REDIS_URL to a Redis to use')
  const port = await freePort()
  let child: ChildProcess | undefined
  let output = ''
  const start = async () => {
    if (child) return
    output = ''
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    child = started
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    started.once('exit', () => {
      if (child === started) child = undefined
    })
    await waitForPort(port, () => (child === started ? undefined : `redis-server ended before listening:\n${output}`))
  }
  const stop = async () => {
    const running = child
    if (!running) return
    child = undefined
    const exited = once(running, 'exit')
    running.kill('SIGTERM')
    await exited
  }
  await start()
  onTestFinished(stop)
  return { url: `redis://127.0.0.1:${port}`, ownProcess: true, stop, start }
}

// Resolves once `port` accepts a connection; rejects with what `failed` says once it says something.
async function waitForPort(port: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const why = failed()
    if (why) throw new Error(why)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within 10 s`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
