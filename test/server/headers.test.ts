/**
 * The headers that keep the browser on the server's side: a content security
 * policy without inline script, no framing, no sniffing, no referrer, no
 * caching of confidential answers; and a session cookie that is HttpOnly,
 * SameSite=Strict and, behind HTTPS, Secure.
 */
import { describe, expect, test } from 'vitest'
import { SESSION_COOKIE } from '../../server'
import { DEMO_PASSWORD, docPath, login, startTestServer } from '../support'

const loginResponse = (url: string) =>
  fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'ppt', password: DEMO_PASSWORD })
  })

describe('Security headers', () => {
  test('The app page, the API and errors carry a strict policy: scripts only from the server, no framing, no sniffing, no referrer.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    for (const [path, headers] of [
      ['/', {}],
      ['/api/me', { Authorization: `Bearer ${token}` }],
      [docPath('/comments'), { Authorization: `Bearer ${token}` }],
      ['/api/no-such-route', { Authorization: `Bearer ${token}` }],
      ['/api/documents', {}]
    ] as const) {
      const res = await fetch(`${server.url}${path}`, { headers })
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, path).toMatch(/script-src 'self'(;|$)/)
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval/)
      expect(csp, path).toMatch(/frame-ancestors 'none'/)
      expect(csp, path).toMatch(/default-src 'self'/)
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer')
      expect(res.headers.get('x-frame-options'), path).toBe('DENY')
      expect(res.headers.get('x-powered-by'), path).toBeNull()
      if (path.startsWith('/api/')) expect(res.headers.get('cache-control'), path).toBe('no-store')
    }
  })

  test('The redline page, the only page with inline style, allows no script at all.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'revisor')
    const versions = (await (await fetch(`${server.url}${docPath('/versions')}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      versions: Array<{ id: string }>
    }
    const from = versions.versions[0]?.id as string
    const res = await fetch(`${server.url}${docPath(`/diff?from=${from}&to=draft&format=html`)}`, { headers: { Authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/default-src 'none'/)
    expect(csp).not.toMatch(/script-src/)
    expect(csp).toMatch(/frame-ancestors 'none'/)
  })

  test('Over plain HTTP the session cookie is HttpOnly and SameSite=Strict, and no HSTS is sent.', async () => {
    const { server } = await startTestServer()
    const res = await loginResponse(server.url)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`))
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=Strict/i)
    expect(cookie).not.toMatch(/;\s*Secure/i)
    expect(res.headers.get('strict-transport-security')).toBeNull()
  })

  test('Behind HTTPS (SECURE_COOKIE=1) the cookie is also Secure, and the browser is told to keep to HTTPS.', async () => {
    const { server } = await startTestServer({
      config: { sessions: { idleMs: 8 * 3600_000, absoluteMs: 7 * 24 * 3600_000, secureCookie: true } }
    })
    const res = await loginResponse(server.url)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/;\s*Secure/i)
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=Strict/i)
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
  })
})
