import { replacePassage, resolveAnchor, type Anchor, type DocumentId } from '../../src'
import { ok, refuse, type Outcome } from '../Outcome'
import type { Collaboration } from './Collaboration'
import { DocumentTooLarge, type UpdateOrigin } from './types'

/**
 * Puts `wording` in the live text in place of the passage at `anchor` (an
 * accepted proposal, a chosen option), as an edit of `origin`, stored like
 * any other. Answers the passage's new anchor and the text it replaced;
 * refuses with 409 when the passage is gone from the text, and with 413 when
 * the document would grow past its size limit (nothing is changed then).
 */
export async function replaceWording(
  collaboration: Pick<Collaboration, 'withDocument'>,
  id: DocumentId,
  anchor: Anchor,
  wording: string,
  origin: UpdateOrigin
): Promise<Outcome<{ anchor: Anchor; replaced: string }>> {
  const applied = await collaboration
    .withDocument(
      id,
      (doc) => {
        const before = resolveAnchor(doc, anchor)
        if (before.detached) return { failed: 'the passage no longer exists in the document' }
        const replaced = replacePassage(doc, anchor, wording, origin)
        return 'failed' in replaced ? replaced : { anchor: replaced.anchor, replaced: before.text }
      },
      // The wording, plus room for its item, formatting and the deletion it records.
      { adds: Buffer.byteLength(wording) + 1024 }
    )
    .catch((err: unknown) => {
      if (err instanceof DocumentTooLarge) return { failed: err.message, tooLarge: true }
      throw err
    })
  if ('failed' in applied) return refuse('tooLarge' in applied ? 413 : 409, applied.failed)
  return ok(applied)
}
