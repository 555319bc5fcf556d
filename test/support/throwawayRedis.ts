/**
 * A throwaway `redis-server` from the installed binary, on a free loopback
 * port, without persistence: the part of `redisServer` that needs no test
 * runner, so that the benchmark (`npm run bench -- --scale-out`) starts its
 * Redis the way the tests do.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect, createServer, type AddressInfo } from 'node:net'

/** What to install when the binary is missing. */
export const REDIS_MISSING = 'redis-server is not installed: apt-get install -y redis-server, or set REDIS_URL to a Redis to use'

/** A Redis server of this process's own. */
export interface ThrowawayRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string
  /** Stops the server (SIGTERM, waits for its exit); its clients see the connection drop. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty (nothing was saved). */
  start(): Promise<void>
}

/** Starts `redis-server` on a free port of 127.0.0.1; fails with {@link REDIS_MISSING} when it is not installed. */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error(REDIS_MISSING)
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
  return { url: `redis://127.0.0.1:${port}`, stop, start }
}

// A free port of 127.0.0.1 (test/support/server.ts has the same, but imports vitest).
async function freePort(): Promise<number> {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((done) => probe.close(() => done()))
  return port
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
