import type { Duplex } from 'node:stream'
import type { ErrorRequestHandler, Request } from 'express'
import multer from 'multer'
import type { ErrorBody } from '../../src'
import type { ServerConfig } from '../config'
import type { Logger } from '../Logger'
import { refuseUpgrade } from './collabUpgrade'
import { HttpError } from './request'
import { MAX_UPLOAD_BYTES } from './uploads'

/** The last route of the API: what no route answered is a 404, as JSON like every refusal. */
export function noRoute(req: Request): never {
  throw new HttpError(404, `no route ${req.method} ${req.originalUrl}`)
}

/**
 * Longest a refusal for going over a rate (429) waits before it is sent:
 * 500 ms, or less when the client may try again sooner (`Retry-After`). A
 * script that asks again as soon as it is refused (the attacks of issue 14,
 * four requests at a time) then gets a few refusals a second, not as many
 * as the server can write (some hundreds a second, the event loop's whole
 * time); a person told to wait hardly notices half a second more.
 */
export const RATE_REFUSAL_PAUSE_MS = 500

/**
 * Answers every error of the API as `{ error, code?, values? }` with its
 * status: an {@link HttpError} as it says; multer's and express's own
 * refusals (a file or body too large, malformed JSON) in words a person can
 * act on; anything else as a 500 that tells the client nothing and is
 * logged with the request it came from. A 429 is sent after a pause
 * ({@link RATE_REFUSAL_PAUSE_MS}).
 */
export function answerErrors({ maxJsonBytes, logger }: { maxJsonBytes: ServerConfig['maxJsonBytes']; logger: Logger }): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status =
      err instanceof HttpError
        ? err.status
        : typeof (err as { status?: unknown }).status === 'number'
          ? (err as { status: number }).status
          : 500
    if (err instanceof multer.MulterError)
      return void res
        .status(err.code === 'LIMIT_FILE_SIZE' ? 413 : 400)
        .json(
          err.code === 'LIMIT_FILE_SIZE'
            ? ({
                error: `the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`,
                code: 'upload_too_large',
                values: { mebibytes: String(MAX_UPLOAD_BYTES / 1024 / 1024) }
              } satisfies ErrorBody)
            : ({ error: `upload refused: ${err.message}` } satisfies ErrorBody)
        )
    const type = (err as { type?: string }).type
    const message =
      err instanceof HttpError
        ? err.message
        : type === 'entity.parse.failed'
          ? 'malformed JSON in the request body'
          : type === 'entity.too.large'
            ? `request body larger than ${maxJsonBytes}`
            : status < 500
              ? (err as Error).message
              : 'internal error'
    if (status >= 500) logger.error('request failed', { method: req.method, url: req.originalUrl, error: String(err) })
    const { code, values } = err instanceof HttpError ? err : {}
    if (err instanceof HttpError && err.retryAfterSeconds !== undefined) res.set('Retry-After', String(err.retryAfterSeconds))
    const answer = () => res.status(status).json({ error: message, ...(code === undefined ? {} : { code }), ...(values === undefined ? {} : { values }) } satisfies ErrorBody)
    if (status !== 429) return void answer()
    const pauseMs = Math.min(RATE_REFUSAL_PAUSE_MS, err instanceof HttpError && err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : RATE_REFUSAL_PAUSE_MS)
    setTimeout(() => {
      if (!res.headersSent && !res.destroyed) answer()
    }, pauseMs)
  }
}

/**
 * Answers what Node refuses before express sees it (a URL or headers over
 * 16 KiB, broken HTTP) as JSON `{ error }` too, like every other refusal; a
 * socket already answering or gone is only closed. For `server.on('clientError')`.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent
  if (err.code === 'ECONNRESET' || !socket.writable || answering) return void socket.destroy()
  if (err.code === 'HPE_HEADER_OVERFLOW') return refuseUpgrade(socket, 431, 'the request line or headers are larger than the server accepts')
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return refuseUpgrade(socket, 408, 'the request took too long to arrive')
  refuseUpgrade(socket, 400, 'malformed HTTP request')
}
