import { authorTitle, partyName, ROLE_TITLES, textBlocks, type Account, type DocumentMeta, type MarkedBracket } from '../../src'
import { actorOf, type AuditLog, type AuditTarget } from '../audit'
import type { Collaboration } from '../collab'
import { commentMatrix } from '../comments/commentMatrix'
import type { Comments } from '../comments/Comments'
import { ok, type Outcome } from '../Outcome'
import type { Shares } from '../sharing'
import { DRAFT, type Versions } from '../versions/Versions'
import type { MatrixLanguage } from './MatrixRow'
import { CSV_MIME_TYPE, DOCX_MIME_TYPE, HTML_MIME_TYPE, MARKDOWN_MIME_TYPE, XLSX_MIME_TYPE } from './mimeTypes'
import { silenceRecordText, type SilenceRecordText } from './silenceRecord'
import type { SilenceProcedures } from '../silence'
import type { Settings } from '../settings'
import { paragraphNote } from '../negotiation/standingWords'
import { pooledDiffer, refusalOf, type WorkerPool } from '../work'

/** A file ready to download: the name it is saved under, its Content-Type and its bytes. */
export interface ExportedFile {
  readonly fileName: string
  readonly mimeType: string
  readonly bytes: Uint8Array
}

/** The formats of the comment matrix, for routes to validate a request against. */
export const MATRIX_FORMATS = ['csv', 'docx', 'xlsx'] as const
const MATRIX_MIME_TYPES = { csv: CSV_MIME_TYPE, docx: DOCX_MIME_TYPE, xlsx: XLSX_MIME_TYPE } as const
/** A format of the comment matrix. */
export type MatrixFormat = (typeof MATRIX_FORMATS)[number]

/** The formats of a version, published or shared, for routes to validate a request against. */
export const VERSION_FORMATS = ['docx', 'md', 'html'] as const
const VERSION_MIME_TYPES = { docx: DOCX_MIME_TYPE, md: MARKDOWN_MIME_TYPE, html: HTML_MIME_TYPE } as const

/** A format of a version. */
export type VersionFormat = (typeof VERSION_FORMATS)[number]

/** What {@link Exports} reads and writes: the services that hold the documents' parts, and the audit trail. */
export interface ExportSources {
  readonly comments: Pick<Comments, 'list'>
  readonly collaboration: Pick<Collaboration, 'withDocument'>
  readonly versions: Pick<Versions, 'get' | 'compare'>
  readonly shares: Pick<Shares, 'open'>
  readonly audit: Pick<AuditLog, 'record'>
  /** The silence procedures, whose record a version's file closes with. */
  readonly silence: Pick<SilenceProcedures, 'ofVersion'>
  /** The workspace's time zone, in which that record's times are written. */
  readonly settings: Pick<Settings, 'load'>
  /** The worker pool comparisons and every exported file is made in. */
  readonly work: Pick<WorkerPool, 'run' | 'admit'>
}

// What a version file is made from, whether it was opened as a version of a
// document or through a share.
interface VersionSource {
  readonly title: string
  /** With the brackets it froze, written into its files; without (a version shared with observers), the clean text. */
  readonly version: { readonly id: string; readonly name: string; readonly createdAt: string; readonly content: unknown; readonly brackets?: readonly MarkedBracket[] }
  readonly author: string
  readonly target: AuditTarget
  readonly silence?: SilenceRecordText
  /** What to say beside paragraphs, by block id, in the Word file (see `VersionMeta.paragraphNotes`). */
  readonly paragraphNotes?: ReadonlyArray<readonly [string, string]>
}

/**
 * Every download of a document's parts: the comment matrix, a version, a
 * shared version and the comparison of two versions. Each one is converted
 * in full, then recorded in the audit trail, and only then handed back, so
 * that nothing leaves the server unrecorded (an export that fails to convert
 * is not recorded). Reading the document itself is the caller's check, as
 * for every service; a shared version is opened here, as its observer.
 */
export class Exports {
  constructor(private readonly sources: ExportSources) {}

  /**
   * The comment matrix of `document`, in the order of its text (a comment's
   * paragraph is numbered as the live text stands now). The file is made in
   * the worker pool: refused when the pool refuses (see `refusalOf`).
   */
  async commentMatrix(account: Account, document: DocumentMeta, format: MatrixFormat, language: MatrixLanguage): Promise<Outcome<ExportedFile>> {
    const comments = await this.sources.comments.list(document.id)
    const numbers = await this.sources.collaboration.withDocument(document.id, (doc) => new Map(textBlocks(doc).map((b, i) => [b.id as string, i + 1])))
    const rows = commentMatrix(comments, numbers, language)
    const meta = { title: document.title, language, author: authorTitle(account) }
    const made =
      format === 'csv'
        ? await this.sources.work.run(account.username, 'matrixCsv', { rows, language })
        : await this.sources.work.run(account.username, format === 'xlsx' ? 'matrixXlsx' : 'matrixDocx', { rows, meta })
    if ('refused' in made) return refusalOf(made, 422)
    const bytes = made.ok
    await this.sources.audit.record({
      action: 'export.comments',
      actor: actorOf(account),
      target: { document: document.id },
      details: { format, lang: language, comments: rows.length }
    })
    return ok({
      fileName: fileNameOf(`${document.title} - ${language === 'es' ? 'matriz de comentarios' : 'comment matrix'}`, format),
      mimeType: MATRIX_MIME_TYPES[format],
      bytes
    })
  }

  /** The published version `versionId` of `document`, signed by whoever published it; 404 if there is none. */
  async version(account: Account, document: DocumentMeta, versionId: string, format: VersionFormat): Promise<Outcome<ExportedFile>> {
    const version = await this.sources.versions.get(document.id, versionId)
    if ('failed' in version) return version
    // Not in a shared version's file: who objected is the delegations' business, not the observers'.
    const procedure = await this.sources.silence.ofVersion(document.id, versionId)
    return this.versionFile(account, format, {
      title: document.title,
      version: version.ok,
      author: authorTitle(version.ok.author),
      target: { document: document.id, version: version.ok.id },
      ...(procedure ? { silence: silenceRecordText(procedure, (await this.sources.settings.load()).timeZone) } : {}),
      // The paragraphs' standing as the version froze it; a shared version (observers) carries the clean text only.
      paragraphNotes: (version.ok.blockStatuses ?? []).flatMap((b) => {
        const note = paragraphNote(b)
        return note === '' ? [] : [[b.blockId, note] as const]
      })
    })
  }

  /**
   * The version shared as `shareId`, if it stands for `account`: a share
   * that does not exist, was withdrawn or is for others answers 404 alike.
   */
  async sharedVersion(account: Account, shareId: string, format: VersionFormat): Promise<Outcome<ExportedFile>> {
    const shared = await this.sources.shares.open(account, shareId)
    if ('failed' in shared) return shared
    const { document, version, share } = shared.ok
    return this.versionFile(account, format, {
      title: document.title,
      version,
      // Only the Presidency shares versions with observers: the file comes from it.
      author: ROLE_TITLES.ppt,
      target: { document: document.id, version: version.id, share: share.id }
    })
  }

  /**
   * The comparison of two versions of `document` (`toId` may be the live
   * draft) as Word with tracked changes, each change credited to the country
   * whose accepted proposal brought it; 404 if either version is missing.
   */
  async diff(account: Account, document: DocumentMeta, fromId: string, toId: string): Promise<Outcome<ExportedFile>> {
    // The Word file is a job of its own, counted against the rate; the comparison is made under the same admission.
    const refused = this.sources.work.admit(account.username)
    if (refused) return refusalOf(refused, 422)
    const compared = await this.sources.versions.compare(document.id, fromId, toId, pooledDiffer(this.sources.work, account.username, { admitted: true }))
    if ('failed' in compared) return compared
    const { diff, from, to } = compared.ok
    const attribution = new Map<string, string>()
    for (const block of diff.blocks)
      for (const p of block.proposals ?? [])
        if (block.blockId) attribution.set(block.blockId, partyName(p, 'es'))
    // The changes no proposal brought are those of whoever published the newer
    // version; the live draft's are not recorded one by one, and the Presidency holds its pen.
    const newer = diff.to.id === DRAFT ? undefined : await this.sources.versions.get(document.id, toId)
    if (newer && 'failed' in newer) return newer
    const author = newer ? authorTitle(newer.ok.author) : ROLE_TITLES.ppt
    const made = await this.sources.work.run(account.username, 'diffDocx', {
      diff,
      meta: { title: document.title, fromName: diff.from.name, toName: diff.to.name, date: diff.to.createdAt, author },
      from,
      to,
      attribution: [...attribution]
    })
    if ('refused' in made) return refusalOf(made, 422)
    const bytes = made.ok
    await this.sources.audit.record({
      action: 'export.diff',
      actor: actorOf(account),
      target: { document: document.id },
      details: { format: 'docx', from: diff.from.id, to: diff.to.id, fromName: diff.from.name, toName: diff.to.name }
    })
    return ok({ fileName: fileNameOf(`${document.title} - ${diff.from.name} a ${diff.to.name}`, 'docx'), mimeType: DOCX_MIME_TYPE, bytes })
  }

  // A version's file, made in the worker pool whatever its format: each grows with the text.
  private async versionFile(account: Account, format: VersionFormat, { title, version, author, target, silence, paragraphNotes }: VersionSource): Promise<Outcome<ExportedFile>> {
    const meta = { title, versionName: version.name, createdAt: version.createdAt, author, ...(silence ? { silence } : {}) }
    const { content } = version
    const brackets = version.brackets ?? []
    const made =
      format === 'md'
        ? await this.sources.work.run(account.username, 'versionMarkdown', { content, brackets })
        : format === 'html'
          ? await this.sources.work.run(account.username, 'versionHtml', { content, meta, brackets })
          : await this.sources.work.run(account.username, 'versionDocx', { content, meta: { ...meta, ...(paragraphNotes?.length ? { paragraphNotes } : {}) }, brackets })
    if ('refused' in made) return refusalOf(made, 422)
    const bytes = made.ok
    await this.sources.audit.record({ action: 'export.version', actor: actorOf(account), target, details: { format, name: version.name } })
    return ok({ fileName: fileNameOf(`${title} - ${version.name}`, format), mimeType: VERSION_MIME_TYPES[format], bytes })
  }
}

/**
 * A download's file name from a title: accents kept (express writes
 * `filename*` in UTF-8), characters that file systems or headers reject replaced.
 */
export const fileNameOf = (title: string, extension: string): string =>
  `${title.replace(/[\\/:*?"<>|\p{C}]+/gu, '-').replace(/\s+/g, ' ').trim().slice(0, 150) || 'documento'}.${extension}`
