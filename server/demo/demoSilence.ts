import type { Account, DocumentId } from '../../src'
import type { Workspace } from '../Workspace'

/**
 * The November draft under a silence procedure that ended without
 * objection: the Presidency opens it after the November comment period,
 * three business days in the workspace's calendar (to Friday 2021-11-26,
 * 23:59 in Mexico City), and the server records it adopted once its
 * deadline has passed. `past` is the replay's workspace and `setNow` moves
 * its clock.
 */
export async function seedDemoSilence(past: Workspace, setNow: (at: Date) => void, ppt: Account, documentId: DocumentId): Promise<void> {
  const november = (await past.versions.list(documentId)).find((v) => v.name === 'Borrador noviembre 2021')
  if (!november) throw new RangeError('demo: the November draft is missing')
  setNow(new Date('2021-11-23T16:00:00Z'))
  const opened = await past.silence.open(ppt, documentId, november.id, { businessDays: 3 })
  if ('failed' in opened) throw new RangeError(`demo: the silence procedure: ${opened.failed.message}`)
  // Read after the deadline: settled then, as the server's timer would have.
  setNow(new Date('2021-11-29T15:00:00Z'))
  const settled = await past.silence.get(documentId, november.id)
  if ('failed' in settled || settled.ok.outcome !== 'adopted') throw new RangeError('demo: the November draft was not adopted by silence')
}
