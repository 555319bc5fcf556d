/**
 * Request and answer over a forked child's IPC channel: the parent calls
 * `call(child, 'name', input)`, the child `serve({ name: handler })`.
 */
import type { ChildProcess } from 'node:child_process'

interface Request {
  readonly rpc: number
  readonly method: string
  readonly input: unknown
}
interface Answer {
  readonly rpc: number
  readonly result?: unknown
  readonly error?: string
}

let nextCall = 1

/** Calls `method` in a child that serves it; rejects with the child's error or if the child exits. */
export function call<T>(child: ChildProcess, method: string, input: unknown = null): Promise<T> {
  const rpc = nextCall++
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const answer = message as Answer
      if (typeof answer !== 'object' || answer === null || answer.rpc !== rpc) return
      cleanup()
      if (answer.error !== undefined) reject(new Error(`${method} failed in process ${child.pid}: ${answer.error}`))
      else resolve(answer.result as T)
    }
    const onExit = (code: number | null) => {
      cleanup()
      reject(new Error(`process ${child.pid} exited (${code}) during ${method}`))
    }
    const cleanup = () => {
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
    child.send({ rpc, method, input } satisfies Request)
  })
}

/** Answers the parent's calls with `handlers`. */
export function serve(handlers: Record<string, (input: never) => unknown>): void {
  process.on('message', (message: unknown) => {
    const request = message as Request
    if (typeof request !== 'object' || request === null || typeof request.rpc !== 'number') return
    const handler = handlers[request.method]
    const reply = (answer: Answer) => process.send?.(answer)
    if (!handler) return reply({ rpc: request.rpc, error: `no method ${request.method}` })
    Promise.resolve()
      .then(() => handler(request.input as never))
      .then(
        (result) => reply({ rpc: request.rpc, result: result ?? null }),
        (err: unknown) => reply({ rpc: request.rpc, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
      )
  })
}

/** Waits for a message of `type` from a child (the first thing a child announces, such as its port). */
export function announcement<T>(child: ChildProcess, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`process ${child.pid} did not announce ${type} within ${timeoutMs} ms`))
    }, timeoutMs)
    const onMessage = (message: unknown) => {
      const m = message as { type?: string }
      if (typeof m === 'object' && m !== null && m.type === type) {
        cleanup()
        resolve(m as T)
      }
    }
    const onExit = (code: number | null) => {
      cleanup()
      reject(new Error(`process ${child.pid} exited (${code}) before announcing ${type}`))
    }
    const cleanup = () => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}
