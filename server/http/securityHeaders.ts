import type { RequestHandler } from 'express'
import type { ServerConfig } from '../config'

/**
 * The headers every answer carries, API and app alike: a CSP that allows
 * scripts only from this server, no framing, no sniffing, no referrer, no
 * caching; and HSTS when the deployment says it is served over HTTPS.
 */
export function securityHeaders(config: ServerConfig): RequestHandler {
  return (_req, res, next) => {
    res.set({
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      // The app holds confidential drafts: no shared cache keeps an answer.
      'Cache-Control': 'no-store'
    })
    // Only when the deployment says it is served over HTTPS (behind a proxy
    // that terminates TLS): a browser then refuses plain HTTP for a year.
    if (config.sessions.secureCookie) res.set('Strict-Transport-Security', 'max-age=31536000')
    next()
  }
}
