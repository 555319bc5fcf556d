import type { NextFunction, Request, Response } from 'express'
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

/** Reads one file field; uploads stay in memory: they are read once, converted and dropped. */
export const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 4096 } })

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
 * The uploaded file as a document with what it left out, or an HTTP error saying why it is
 * refused. It is read in `work`'s worker threads, as work of `account`: a
 * file over `maxBlocks` text blocks, or too long to read within the time
 * budget, is refused with 413; a busy pool or an account over its rate with
 * 503 or 429 and Retry-After.
 */
export async function uploadedDocument(req: Request, work: Pick<WorkerPool, 'run'>, account: string, maxBlocks: number): Promise<Imported> {
  const file = req.file
  if (!file) throw new HttpError(400, 'send the file as multipart/form-data in a field named "file"')
  try {
    const read = await work.run(account, 'import', { bytes: new Uint8Array(file.buffer), filename: file.originalname, mimeType: file.mimetype, maxBlocks })
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
