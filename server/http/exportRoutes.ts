import type { Request, Response, Router } from 'express'
import { z } from 'zod'
import { MATRIX_FORMATS, VERSION_FORMATS, type ExportedFile } from '../exchange'
import type { Workspace } from '../Workspace'
import { documentOf, signedInOf } from './locals'
import { HttpError, valueOf } from './request'

const matrixQuery = z.object({ format: z.enum(MATRIX_FORMATS), lang: z.enum(['es', 'en']).optional() })
const versionQuery = z.object({ format: z.enum(VERSION_FORMATS), lang: z.enum(['es', 'en']).optional() })
const diffQuery = z.object({ from: z.string().min(1), to: z.string().min(1), format: z.literal('docx') })

/** The query of a request, or a 400 with `message` (the same for any problem: it says what is expected). */
function queryOf<T>(req: Request, schema: z.ZodType<T>, message: string): T {
  const parsed = schema.safeParse(req.query)
  if (!parsed.success) throw new HttpError(400, message)
  return parsed.data
}

/** Sends `file` as a download (the audit entry is already written). */
export function sendFile(res: Response, file: ExportedFile): void {
  res.attachment(file.fileName)
  res.type(file.mimeType).send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength))
}

/**
 * The downloads of a document, under `/api/documents/:id` (`document`,
 * behind `requireDocument`), each recorded in the audit trail by `Exports`:
 * - `GET /comments/export?format=csv|docx|xlsx&lang=es|en` → the comment matrix
 * - `GET /versions/:vid/export?format=docx|md` → a published version
 * - `GET /diff/export?from&to&format=docx` → the comparison as Word with tracked changes
 *
 * Mount it before `commentRoutes`: `GET /comments/:cid` would take "export" for a comment id.
 */
export function exportRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  document.get('/comments/export', async (req, res) => {
    const { format, lang } = queryOf(req, matrixQuery, 'format must be csv, docx or xlsx')
    sendFile(res, valueOf(await workspace.exports.commentMatrix(signedInOf(res).account, documentOf(res), format, lang ?? 'es')))
  })

  document.get('/versions/:vid/export', async (req, res) => {
    const { format } = queryOf(req, versionQuery, 'format must be docx or md')
    sendFile(res, valueOf(await workspace.exports.version(signedInOf(res).account, documentOf(res), String(req.params.vid), format)))
  })

  document.get('/diff/export', async (req, res) => {
    const { from, to } = queryOf(req, diffQuery, 'give from, to and format=docx')
    sendFile(res, valueOf(await workspace.exports.diff(signedInOf(res).account, documentOf(res), from, to)))
  })
}
