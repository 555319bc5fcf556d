/**
 * A loopback TCP proxy that hands each new connection to the next of several
 * backends, skipping any that refuses it: the load balancer of a deployment
 * with several Consenso processes, small enough to trust in a test. It
 * pins nothing (a document may reach any process) and carries bytes as they
 * are, so HTTP, server-sent events and WebSockets all pass through; a
 * connection whose backend dies is closed, as a real balancer would do.
 */
import net from 'node:net'

export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  readonly url: string
  /** How many connections each backend took, by its port. */
  readonly taken: ReadonlyMap<number, number>
  close(): Promise<void>
}

/** Starts a proxy in front of `backends` (ports on 127.0.0.1). */
export async function startRoundRobinProxy(backends: readonly number[]): Promise<RoundRobinProxy> {
  if (backends.length === 0) throw new Error('A proxy needs at least one backend')
  const taken = new Map<number, number>(backends.map((port) => [port, 0]))
  const open = new Set<net.Socket>()
  let next = 0

  // Tries each backend once, starting with the next in turn.
  const connect = (client: net.Socket, tried = 0): void => {
    if (tried === backends.length || client.destroyed) {
      client.destroy()
      return
    }
    const port = backends[next % backends.length] as number
    next += 1
    const backend = net.connect({ host: '127.0.0.1', port })
    open.add(backend)
    backend.once('close', () => open.delete(backend))
    const refused = () => connect(client, tried + 1)
    backend.once('error', refused)
    backend.once('connect', () => {
      backend.off('error', refused)
      taken.set(port, (taken.get(port) ?? 0) + 1)
      backend.on('error', () => client.destroy())
      client.on('error', () => backend.destroy())
      client.pipe(backend)
      backend.pipe(client)
      client.once('close', () => backend.destroy())
      backend.once('close', () => client.destroy())
      client.resume()
    })
  }

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    open.add(client)
    client.once('close', () => open.delete(client))
    client.on('error', () => {})
    connect(client)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    taken,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      })
  }
}
