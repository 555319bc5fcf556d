import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/roundRobinProxy'

const servers: http.Server[] = []
let proxy: RoundRobinProxy | undefined

afterEach(async () => {
  await proxy?.close()
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

async function backend(name: string): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((_request, response) => response.end(name))
  server.keepAliveTimeout = 1
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

// A fresh connection per request, so that each one is balanced anew.
async function ask(url: string): Promise<string> {
  const response = await fetch(url, { headers: { connection: 'close' } })
  return response.text()
}

describe('the round-robin proxy of the scale-out tests', () => {
  it('takes turns between backends and skips one that is down', async () => {
    const a = await backend('a')
    const b = await backend('b')
    proxy = await startRoundRobinProxy([a.port, b.port])
    const answers = [await ask(proxy.url), await ask(proxy.url), await ask(proxy.url), await ask(proxy.url)]
    expect([...answers].sort()).toEqual(['a', 'a', 'b', 'b'])

    a.server.closeAllConnections()
    await new Promise((resolve) => a.server.close(resolve))
    servers.splice(servers.indexOf(a.server), 1)
    const after = [await ask(proxy.url), await ask(proxy.url), await ask(proxy.url)]
    expect(after).toEqual(['b', 'b', 'b'])
    expect(proxy.taken.get(b.port)).toBe(5)
  })
})
