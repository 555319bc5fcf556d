import { createHash } from 'node:crypto'
import type { NextFunction, Request, Response, Router } from 'express'
import { z } from 'zod'
import { mayComment, mayDecide, type CountryCode } from '../../src'
import { importFormatOf, ImportError, type Markup } from '../exchange'
import { refusalOf } from '../work'
import type { Workspace } from '../Workspace'
import { countryCode } from './fields'
import { documentOf, signedInOf } from './locals'
import { bodyOf, HttpError, valueOf } from './request'
import { admitUpload, bytesOf, upload } from './uploads'

const IMPORT_STATUS = { unsupported_format: 415, too_large: 413, malformed: 422, empty: 422 } as const

// Only the Presidency and the Secretariat name a country: a delegate's
// "country" is ignored, never trusted (the session says whose it is).
const markupBody = z.object({ country: countryCode.optional() })
const markupQuery = z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() })

// Refused before the file is received: reading it costs memory and time.
function commentersOnly(_req: Request, res: Response, next: NextFunction): void {
  if (!mayComment(signedInOf(res).account.role)) throw new HttpError(403, 'only delegations, the Presidency and the Secretariat send input')
  next()
}

/**
 * A country's marked-up Word copy as its input, under `/api/documents/:id`:
 * - `POST /markup` multipart `{ file, country? }` (`?dryRun=1`) → 201
 *   `{ created: { comments, proposals }, unplaced: [{ quote, reason }] }`
 *   (200 and nothing stored with `dryRun`). A delegate's upload is its own
 *   country's; the Presidency or the Secretariat name the country whose input
 *   it is (received by e-mail, say). See `Comments.importMarkup`.
 */
export function markupRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  document.post('/markup', commentersOnly, admitUpload(workspace.work), upload.single('file'), async (req, res) => {
    const { account } = signedInOf(res)
    const query = markupQuery.safeParse(req.query)
    if (!query.success) throw new HttpError(400, 'dryRun is 1 or 0')
    const dryRun = query.data.dryRun === '1' || query.data.dryRun === 'true'
    const { country: named } = bodyOf(req, markupBody)
    let country: CountryCode
    if (mayDecide(account.role)) {
      if (!named) throw new HttpError(400, 'name the country whose marked-up copy this is, in the field "country"')
      country = named as CountryCode
    } else if (account.country) country = account.country
    else throw new HttpError(403, 'the account has no country')
    const file = req.file
    if (!file) throw new HttpError(400, 'send the file as multipart/form-data in a field named "file"')
    if (importFormatOf(file.originalname, file.mimetype) !== 'docx')
      throw new HttpError(415, `a marked-up copy is a Word file (.docx); ${file.originalname} is not`, 'import_unsupported_format', { file: file.originalname })
    let markup: Markup
    try {
      // Read in the worker pool, as an import is: a large file never holds the event loop.
      const read = await workspace.work.run(account.username, 'markup', { bytes: bytesOf(file) }, { admitted: true })
      if ('refused' in read) return valueOf(refusalOf(read, 413))
      markup = read.ok
    } catch (err) {
      if (err instanceof ImportError) throw new HttpError(IMPORT_STATUS[err.failure], err.message, `import_${err.failure}`, { file: file.originalname })
      throw err
    }
    const fileHash = createHash('sha256').update(file.buffer).digest('hex')
    const result = valueOf(
      await workspace.comments.importMarkup(account, documentOf(res).id, { country, markup, fileHash, file: file.originalname, dryRun })
    )
    res.status(dryRun ? 200 : 201).json(result)
  })
}
