import type { NextFunction, Request, RequestHandler, Response } from 'express'
import multer from 'multer'
import { Node as ProseMirrorNode } from 'prosemirror-model'
import { mayEditText, schema } from '../../src'
import { ImportError, type Imported } from '../exchange'
import { refusalOf, type WorkerPool } from '../work'
import { signedInOf } from './locals'
import { HttpError, valueOf } from './request'

/** Largest file accepted for import. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024

const IMPORT_STATUS = { unsupported_format: 415, too_large: 413, malformed: 422, empty: 422 } as const

const multipart = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 4096 } })

/**
 * Reads one file field; uploads stay in memory: they are read once, handed
 * to a worker and dropped. A body that is not well-formed multipart (cut
 * short, a broken part header) is bad input, refused with 400 and its
 * parser's reason, not a fault of the server.
 */
export const upload = {
  single:
    (field: string): RequestHandler =>
    (req, res, next) =>
      multipart.single(field)(req, res, (err?: unknown) =>
        next(err === undefined || err instanceof multer.MulterError || err instanceof HttpError ? err : new HttpError(400, `malformed upload: ${(err as Error).message}`))
      )
}

/**
 * Refuses an upload from a role that may not edit before it is received or
 * converted: reading and converting a file costs memory and time, and a
 * refusal must not depend on what the file holds. The workspace checks again.
 */
export function editorsOnly(_req: Request, res: Response, next: NextFunction): void {
  if (!mayEditText(signedInOf(res).account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat upload documents')
  next()
}

/**
 * Spends one of the account's jobs before the upload is received (mount it
 * before {@link upload}): an account over its rate is answered 429 with
 * Retry-After without its body being parsed or held, so a flood of uploads
 * costs the event loop only its refusals. The upload's job then runs
 * `admitted`; every upload counts, also one refused later for what it holds.
 */
export function admitUpload(work: Pick<WorkerPool, 'admit'>) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const refused = work.admit(signedInOf(res).account.username)
    if (refused) valueOf(refusalOf(refused, 413))
    next()
  }
}

/** The bytes of an uploaded file, for a worker, without copying them. */
export function bytesOf(file: Express.Multer.File): Uint8Array {
  return new Uint8Array(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength)
}

/**
 * The uploaded file as a document with what it left out, or an HTTP error saying why it is
 * refused. It is read in `work`'s worker threads, as work of `account`
 * admitted already ({@link admitUpload}): a
 * file over `maxBlocks` text blocks, or too long to read within the time
 * budget, is refused with 413; a busy pool or an account over its rate with
 * 503 or 429 and Retry-After.
 */
export async function uploadedDocument(req: Request, work: Pick<WorkerPool, 'run'>, account: string, maxBlocks: number): Promise<Imported> {
  const file = req.file
  if (!file) throw new HttpError(400, 'send the file as multipart/form-data in a field named "file"')
  try {
    const read = await work.run(account, 'import', { bytes: bytesOf(file), filename: file.originalname, mimeType: file.mimetype, maxBlocks }, { admitted: true })
    if ('refused' in read) {
      const refusal = refusalOf(read.refused === 'timeout' ? { ...read, message: `the file is too large to read: ${read.message}` } : read, 413)
      return valueOf(refusal)
    }
    return { doc: ProseMirrorNode.fromJSON(schema, read.ok.doc), leftOut: read.ok.leftOut }
  } catch (err) {
    if (err instanceof ImportError) throw new HttpError(IMPORT_STATUS[err.failure], err.message, `import_${err.failure}`, { file: file.originalname })
    throw err
  }
}
