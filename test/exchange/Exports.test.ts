import { describe, expect, test } from 'vitest'
import { Exports, type ExportSources } from '../../server/exchange'
import { runJob, type JobKind } from '../../server/work'
import { parseMarkdown, type Account, type AuditRecord, type DocumentMeta } from '../../src'

const delegate = { username: 'gt', name: 'Delegación de Guatemala', role: 'delegate', country: 'GT' } as Account
const observer = { username: 'obs', name: 'Observador', role: 'observer', country: null } as Account
const document = { id: 'estrategia', title: 'Estrategia: "regional"', createdAt: '2021-09-01T00:00:00.000Z', createdBy: 'ppt' } as DocumentMeta
const version = {
  id: 'v1',
  name: 'Borrador octubre 2021',
  createdAt: '2021-10-01T00:00:00.000Z',
  author: { username: 'ppt', name: 'PPT', role: 'ppt', country: null },
  content: parseMarkdown('# Estrategia\n\nTexto del borrador.').toJSON()
}
const missing = { failed: { status: 404 as const, message: 'no version v9 of this document' } }

// Sources that know one version and one share of it, and keep what is recorded.
function sources(recorded: AuditRecord[]): ExportSources {
  return {
    comments: { list: async () => [] },
    collaboration: { withDocument: async () => new Map() },
    versions: { get: async (_id: string, vid: string) => (vid === version.id ? { ok: { ...version, text: '' } } : missing), compare: async () => missing },
    shares: {
      open: async (account: Account, sid: string) =>
        sid === 's1' && account.role === 'observer'
          ? { ok: { share: { id: 's1' }, document: { id: document.id, title: document.title }, version } }
          : { failed: { status: 404 as const, message: `no shared version ${sid}` } }
    },
    audit: { record: async (record: AuditRecord) => (recorded.push(record), {}) },
    // No version here went under silence procedure.
    silence: { ofVersion: async () => undefined },
    settings: { load: async () => ({ timeZone: 'America/Mexico_City' }) },
    // The pool's jobs, run in this thread.
    work: { admit: () => undefined, run: async (_account: string, kind: JobKind, input: never) => ({ ok: await runJob(kind, input) }) }
  } as unknown as ExportSources
}

describe('Exports', () => {
  test('A version exports as Markdown under a name files can carry, and the download is recorded before it is handed back.', async () => {
    const recorded: AuditRecord[] = []
    const result = await new Exports(sources(recorded)).version(delegate, document, 'v1', 'md')
    if (!('ok' in result)) throw new Error(result.failed.message)
    expect(result.ok.fileName).toBe('Estrategia- -regional- - Borrador octubre 2021.md')
    expect(result.ok.mimeType).toBe('text/markdown; charset=utf-8')
    expect(new TextDecoder().decode(result.ok.bytes)).toContain('Texto del borrador.')
    expect(recorded).toEqual([
      { action: 'export.version', actor: { username: 'gt', role: 'delegate', country: 'GT' }, target: { document: 'estrategia', version: 'v1' }, details: { format: 'md', name: version.name } }
    ])
  })

  test('A shared version exports for its observer with the share in the record; for anyone else it is a 404 and nothing is recorded.', async () => {
    const recorded: AuditRecord[] = []
    const exports = new Exports(sources(recorded))
    const shared = await exports.sharedVersion(observer, 's1', 'docx')
    if (!('ok' in shared)) throw new Error(shared.failed.message)
    expect(shared.ok.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    expect(recorded[0]?.target).toEqual({ document: 'estrategia', version: 'v1', share: 's1' })
    expect(await exports.sharedVersion(delegate, 's1', 'docx')).toMatchObject({ failed: { status: 404 } })
    expect(recorded).toHaveLength(1)
  })

  test('A refused version or comparison is handed back as it was refused, and nothing is recorded.', async () => {
    const recorded: AuditRecord[] = []
    const exports = new Exports(sources(recorded))
    expect(await exports.version(delegate, document, 'v9', 'docx')).toEqual(missing)
    expect(await exports.diff(delegate, document, 'v1', 'v9')).toEqual(missing)
    expect(recorded).toEqual([])
  })
})
