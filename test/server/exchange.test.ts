/**
 * Documents in and out of Consenso over HTTP, on a real server per test with
 * the demo workspace: creating a document from a Markdown, HTML or Word
 * file, replacing a document's text with an uploaded draft, and the exports
 * (a version as Word or Markdown, a comparison as Word with tracked changes,
 * the comment matrix as CSV or Word).
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { unzipSync } from 'fflate'
import { describe, expect, test, vi } from 'vitest'
import { parseMarkdown, partyName, plainText, readContent, serializeMarkdown, type CountryCode, type Role } from '../../src'
import { DOCX_MIME_TYPE, MATRIX_COLUMNS, versionToDocx } from '../../server/exchange'
import {
  apiSession,
  connectSynced,
  DOC,
  docPath,
  login,
  signIn,
  startTestServer,
  WAIT,
  type ApiAnswer,
  type ApiSession,
  type Reachable
} from '../support'
import { entryText, handMadeDocxParts, para, run, shape, zip } from '../exchange/helpers'
import { CONCEPT_NOTE_ID } from '../../server'

/** A short text with every kind of block and mark the import keeps. */
const MARKDOWN = `# Plan de trabajo 2022

## 1. Objetivos

Un párrafo con *énfasis*, **negrita** y un [enlace](https://www.crmsv.org).

- primera viñeta
- segunda viñeta

1. primer paso
2. segundo paso
`

/** The same text as an HTML page. */
const HTML = `<!doctype html><html><head><title>Plan</title></head><body>
<h1>Plan de trabajo 2022</h1>
<h2>1. Objetivos</h2>
<p>Un párrafo con <em>énfasis</em>, <strong>negrita</strong> y un <a href="https://www.crmsv.org">enlace</a>.</p>
<ul><li>primera viñeta</li><li>segunda viñeta</li></ul>
<ol><li>primer paso</li><li>segundo paso</li></ol>
</body></html>`

/** What every one of the three files must become (ids left out). */
const EXPECTED_SHAPE = shape(parseMarkdown(MARKDOWN))

/** The same text as a Word file, written by the exporter. */
const wordFile = () => versionToDocx(parseMarkdown(MARKDOWN), { title: 'Plan de trabajo 2022', versionName: 'Borrador', createdAt: '2022-01-10', author: 'Presidencia Pro Tempore' })

interface Upload {
  readonly file?: { readonly bytes: Uint8Array | string; readonly name: string; readonly type?: string }
  readonly title?: string
}

/** Sends `upload` as multipart/form-data (fetch sets the boundary); the answer must be JSON. */
async function sendFile(server: Reachable, token: string, method: 'POST' | 'PUT', path: string, upload: Upload): Promise<ApiAnswer> {
  const form = new FormData()
  if (upload.title !== undefined) form.set('title', upload.title)
  if (upload.file) {
    const { bytes, name, type } = upload.file
    // A copy: Blob wants bytes backed by a plain ArrayBuffer.
    form.set('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type: type ?? '' }), name)
  }
  const res = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` }, body: form })
  expect(res.headers.get('content-type'), `${method} ${path} answers JSON`).toMatch(/^application\/json/)
  return { status: res.status, body: await res.json() }
}

const createDocument = (server: Reachable, session: ApiSession, upload: Upload) => sendFile(server, session.token, 'POST', '/api/documents', upload)
const replaceText = (server: Reachable, session: ApiSession, upload: Upload, documentId: string = DOC) =>
  sendFile(server, session.token, 'PUT', docPath('/content', documentId), upload)

/** A GET that answers a file: its status, type, disposition and bytes. */
async function download(server: Reachable, session: ApiSession, path: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${session.token}` } })
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    disposition: res.headers.get('content-disposition') ?? '',
    bytes: new Uint8Array(await res.arrayBuffer())
  }
}

const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** The demo's two published versions by name. */
async function demoVersions(session: ApiSession) {
  const res = await session.get(docPath('/versions'))
  expect(res.status).toBe(200)
  const versions = res.body.versions as Array<{ id: string; name: string; contentHash: string }>
  const byName = (name: string) => versions.find((v) => v.name === name) ?? expect.fail(`no version «${name}»`)
  return { versions, october: byName('Borrador octubre 2021'), november: byName('Borrador noviembre 2021') }
}

interface CommentEntry {
  id: string
  country: CountryCode | null
  author: { role: Role }
  anchor: { detached: boolean; text: string | null; quote: string; blockId: string }
}

async function commentsOf(session: ApiSession): Promise<CommentEntry[]> {
  const res = await session.get(docPath('/comments'))
  expect(res.status).toBe(200)
  return res.body.comments as CommentEntry[]
}

describe('Creating a document from a file', () => {
  for (const { format, file } of [
    { format: 'Markdown', file: async () => ({ bytes: MARKDOWN, name: 'plan.md', type: 'text/markdown' }) },
    { format: 'HTML', file: async () => ({ bytes: HTML, name: 'plan.html', type: 'text/html' }) },
    { format: 'Word', file: async () => ({ bytes: await wordFile(), name: 'plan.docx', type: DOCX_MIME_TYPE }) }
  ]) {
    test(`A document created from a ${format} file keeps its headings, lists and emphasis, and is listed with the others.`, async () => {
      const { server } = await startTestServer()
      const token = await login(server.url, 'ppt')
      const ppt = apiSession(server, token)
      const made = await createDocument(server, ppt, { title: 'Plan de trabajo 2022', file: await file() })
      expect(made.status, JSON.stringify(made.body)).toBe(201)
      const id = made.body.document.id as string
      expect(id).toBe('plan-de-trabajo-2022')
      expect(made.body.document).toMatchObject({ title: 'Plan de trabajo 2022', createdBy: 'ppt' })

      // A stock y-websocket client reads it as the editor will.
      const client = await connectSynced(server, id, token)
      expect(shape(readContent(client.doc))).toBe(EXPECTED_SHAPE)
      // Every block has an id of its own.
      const ids: unknown[] = []
      readContent(client.doc).descendants((node) => {
        if (node.isTextblock) ids.push(node.attrs.id)
      })
      expect(ids.every((i) => typeof i === 'string' && /^b[a-z0-9]{10}$/.test(i))).toBe(true)
      expect(new Set(ids).size).toBe(ids.length)

      for (const username of ['ppt', 'gt', 'revisor']) {
        const list = await (await signIn(server, username)).get('/api/documents')
        expect(list.status).toBe(200)
        expect(list.body.documents.map((d: { id: string }) => d.id), `${username}'s list`).toEqual(expect.arrayContaining([DOC, id]))
      }
    })
  }

  test('The Secretariat may create documents too, and a second document of the same title gets an id of its own.', async () => {
    const { server } = await startTestServer()
    const se = await signIn(server, 'se')
    const upload = { title: 'Plan de trabajo 2022', file: { bytes: MARKDOWN, name: 'plan.md' } }
    const first = await createDocument(server, se, upload)
    const second = await createDocument(server, se, upload)
    expect([first.status, second.status]).toEqual([201, 201])
    expect([first.body.document.id, second.body.document.id]).toEqual(['plan-de-trabajo-2022', 'plan-de-trabajo-2022-2'])
  })

  test('Delegates and reviewers may not create documents: 403 whatever they send, and nothing is listed.', async () => {
    const { server } = await startTestServer()
    for (const username of ['gt', 'revisor']) {
      const session = await signIn(server, username)
      // Refused before the file is read: a broken or missing file changes nothing.
      for (const upload of [
        { title: 'Intento', file: { bytes: MARKDOWN, name: 'plan.md' } },
        { title: 'Intento', file: { bytes: 'esto no es un zip', name: 'roto.docx' } },
        { title: 'Intento' }
      ]) {
        const res = await createDocument(server, session, upload)
        expect(res.status, `${username}, ${upload.file?.name ?? 'no file'}`).toBe(403)
        expect(res.body.error).toMatch(/Presidency or the Secretariat/)
      }
    }
    const list = await (await signIn(server, 'ppt')).get('/api/documents')
    expect(list.body.documents.map((d: { id: string }) => d.id).sort()).toEqual([DOC, CONCEPT_NOTE_ID].sort())
  })

  test('A request without a file or without a title is refused with 400 and says what is missing.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const noFile = await createDocument(server, ppt, { title: 'Sin archivo' })
    expect(noFile.status).toBe(400)
    expect(noFile.body.error).toMatch(/field named "file"/)
    for (const title of [undefined, '   ']) {
      const noTitle = await createDocument(server, ppt, { title, file: { bytes: MARKDOWN, name: 'plan.md' } })
      expect(noTitle.status, `title ${JSON.stringify(title)}`).toBe(400)
      expect(noTitle.body.error).toMatch(/title/)
    }
    // Not multipart at all.
    const json = await ppt.post('/api/documents', { title: 'JSON' })
    expect(json.status).toBe(400)
  })

  test('A file of another format is refused with 415 and the formats that are accepted.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    for (const file of [
      { bytes: '%PDF-1.7', name: 'estrategia.pdf', type: 'application/pdf' },
      { bytes: 'texto', name: 'estrategia.doc', type: 'application/msword' }
    ]) {
      const res = await createDocument(server, ppt, { title: 'Otro formato', file })
      expect(res.status, file.name).toBe(415)
      expect(res.body.error).toMatch(/Markdown, HTML or Word/)
      expect(res.body.code).toBe('import_unsupported_format')
    }
  })

  test('A .docx that is not a Word document is refused with 422.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const notZip = await createDocument(server, ppt, { title: 'Roto', file: { bytes: 'esto no es un zip', name: 'roto.docx' } })
    expect(notZip.status).toBe(422)
    expect(typeof notZip.body.error).toBe('string')
    expect(notZip.body.code).toBe('import_malformed')
    // A zip, but not of a Word document.
    const docx = await wordFile()
    const truncated = await createDocument(server, ppt, { title: 'Cortado', file: { bytes: docx.slice(0, docx.length >> 1), name: 'cortado.docx' } })
    expect(truncated.status).toBe(422)
  })

  test('A Word file with no text is refused with 422 and the code the app words it by.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const blank = zip(handMadeDocxParts(para(null) + para('Heading1', run('  '))))
    const res = await createDocument(server, ppt, { title: 'En blanco', file: { bytes: blank, name: 'en-blanco.docx' } })
    expect(res.status).toBe(422)
    expect(res.body).toEqual({ error: 'the Word document has no text', code: 'import_empty', values: { file: 'en-blanco.docx' } })
  })

  test('A file over 20 MiB is refused with 413 and a JSON error.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const big = new Uint8Array(20 * 1024 * 1024 + 1).fill(0x61)
    const res = await createDocument(server, ppt, { title: 'Enorme', file: { bytes: big, name: 'enorme.md' } })
    expect(res.status).toBe(413)
    expect(res.body.error).toMatch(/20 MiB/)
    // The server is still well.
    expect((await ppt.get('/api/documents')).status).toBe(200)
  })

  test('Hostile HTML imports as its text alone: no script, no event handler, no javascript: link.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    const ppt = apiSession(server, token)
    const hostile = `<h1 onclick="alert(1)">Título</h1>
<script>alert('script')</script>
<p>Antes <img src="x" onerror="alert('onerror')"> después.</p>
<p><a href="javascript:alert('link')">enlace hostil</a> y <a href="https://www.crmsv.org" onmouseover="alert(2)">enlace bueno</a>.</p>
<iframe src="https://example.com"></iframe><style>p { color: red }</style>`
    const made = await createDocument(server, ppt, { title: 'Hostil', file: { bytes: hostile, name: 'hostil.html' } })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const client = await connectSynced(server, made.body.document.id, token)
    const content = readContent(client.doc)
    expect(plainText(content)).toMatch(/^Título\n\nAntes +después\.\n\nenlace hostil y enlace bueno\.$/)
    const everything = JSON.stringify(content.toJSON())
    for (const word of ['alert', 'script', 'onerror', 'onclick', 'onmouseover', 'javascript', 'iframe', 'color: red'])
      expect(everything, word).not.toContain(word)
    // The good link stays a link.
    expect(shape(content)).toContain('link(https://www.crmsv.org)"enlace bueno"')
  })

  test('A hostile Word file imports as its text alone, and its text comes out of every export as text.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    const ppt = apiSession(server, token)
    // Hyperlinks to javascript: and data: addresses, markup typed as text, and
    // an HTML part pulled in as an "alternative format chunk".
    const parts = handMadeDocxParts(
      para('Heading1', run('Título &lt;script&gt;alert(1)&lt;/script&gt;')) +
        para(null, '<w:hyperlink r:id="rIdJs">' + run('enlace hostil') + '</w:hyperlink>', run(' y '), '<w:hyperlink r:id="rIdData">' + run('otro') + '</w:hyperlink>') +
        para(null, run('&lt;img src=x onerror=alert(2)&gt; fin')) +
        '<w:altChunk r:id="rIdChunk"/>'
    )
    parts['word/_rels/document.xml.rels'] = (parts['word/_rels/document.xml.rels'] as string).replace(
      '</Relationships>',
      '<Relationship Id="rIdJs" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="javascript:alert(3)" TargetMode="External"/>' +
        '<Relationship Id="rIdData" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="data:text/html,&lt;script&gt;alert(4)&lt;/script&gt;" TargetMode="External"/>' +
        '<Relationship Id="rIdChunk" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="chunk.html"/></Relationships>'
    )
    parts['word/chunk.html'] = '<html><body><script>alert(5)</script><p onclick="alert(6)">trozo</p></body></html>'
    const made = await createDocument(server, ppt, { title: 'Hostil <script>alert(7)</script>', file: { bytes: zip(parts), name: 'hostil.docx' } })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const id = made.body.document.id as string
    const client = await connectSynced(server, id, token)
    const content = readContent(client.doc)
    // The markup typed as text stays text; no link survives but its words do.
    expect(plainText(content)).toContain('Título <script>alert(1)</script>')
    expect(plainText(content)).toContain('enlace hostil y otro')
    const json = JSON.stringify(content.toJSON())
    for (const word of ['javascript', 'data:', 'alert(5)', 'alert(6)', 'onclick', '"link"']) expect(json, word).not.toContain(word)

    // Every export carries that text escaped, never as markup.
    const published = await ppt.post(docPath('/versions', id), { name: 'Con texto hostil' })
    expect(published.status).toBe(201)
    const vid = published.body.version.id as string
    const md = utf8((await download(server, ppt, docPath(`/versions/${vid}/export?format=md`, id))).bytes)
    expect(md).not.toMatch(/(^|[^\\])<(script|img)/)
    const docx = (await download(server, ppt, docPath(`/versions/${vid}/export?format=docx`, id))).bytes
    const xml = entryText(docx, 'word/document.xml')
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(xml).not.toMatch(/<script|<img/)
    const redline = await fetch(`${server.url}${docPath(`/diff?from=${vid}&to=draft&format=html`, id)}`, { headers: { Authorization: `Bearer ${token}` } })
    expect(redline.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
    const page = await redline.text()
    expect(page).not.toMatch(/<(script|img)\b/)
    expect(page).toContain('&lt;script&gt;alert(7)&lt;/script&gt;')
  })
})

describe('Replacing a document’s text with a file', () => {
  /**
   * The Strategy's live draft as Markdown, with the paragraph holding
   * `dropped` left out and a new paragraph after the Antecedentes heading.
   */
  function editedDraft(markdown: string, dropped: string): string {
    const blocks = markdown.split('\n\n')
    const kept = blocks.filter((b) => !b.includes(dropped))
    expect(kept.length, 'exactly one block dropped').toBe(blocks.length - 1)
    const heading = kept.findIndex((b) => b.startsWith('## 1. Antecedentes'))
    kept.splice(heading + 1, 0, 'Párrafo nuevo del borrador de diciembre de 2021.')
    return kept.join('\n\n')
  }

  test('An uploaded draft becomes an edit of the text: versions stay as published, comments stay on their passages, and connected clients see it.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'ppt')
    const ppt = apiSession(server, token)
    const revisor = await signIn(server, 'revisor')
    const before = await demoVersions(revisor)
    const pptClient = await connectSynced(server, DOC, token)
    const reader = await connectSynced(server, DOC, revisor.token)
    const blockIdsBefore = new Set<string>()
    readContent(reader.doc).descendants((node) => {
      if (node.isTextblock) blockIdsBefore.add(node.attrs.id as string)
    })

    const commentsBefore = await commentsOf(revisor)
    // Panamá's comment: its paragraph is the one the new draft leaves out.
    const doomed = commentsBefore.find((c) => c.country === 'PA') ?? expect.fail('Panamá commented in the demo')
    expect(doomed.anchor.detached).toBe(false)
    const attached = commentsBefore.filter((c) => !c.anchor.detached && c.id !== doomed.id)
    expect(attached.length).toBeGreaterThan(3)

    const draft = editedDraft(serializeMarkdown(readContent(pptClient.doc)), doomed.anchor.text as string)
    const res = await replaceText(server, ppt, { file: { bytes: draft, name: 'estrategia-diciembre.md', type: 'text/markdown' } })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toEqual({ ok: true, leftOut: [] })

    // Connected clients receive the new text as an update of the one they had.
    for (const client of [pptClient, reader]) {
      await vi.waitFor(() => expect(plainText(readContent(client.doc))).toContain('Párrafo nuevo del borrador de diciembre de 2021.'), WAIT)
      expect(plainText(readContent(client.doc))).not.toContain(doomed.anchor.text)
    }
    // An edit, not a new document: the paragraphs the draft still has keep their ids.
    const blockIdsAfter: string[] = []
    readContent(reader.doc).descendants((node) => {
      if (node.isTextblock) blockIdsAfter.push(node.attrs.id as string)
    })
    const newIds = blockIdsAfter.filter((id) => !blockIdsBefore.has(id))
    expect(newIds).toHaveLength(1)
    expect(blockIdsAfter).toHaveLength(blockIdsBefore.size)

    // The published versions are what they were.
    const after = await demoVersions(revisor)
    expect(after.versions).toEqual(before.versions)
    for (const version of [before.october, before.november]) {
      const got = await revisor.get(docPath(`/versions/${version.id}`))
      expect(got.status).toBe(200)
      expect(got.body.version.contentHash).toBe(version.contentHash)
    }
    // The comparison with the November draft is the edit itself: one paragraph added, one removed.
    const diff = await revisor.get(docPath(`/diff?from=${before.november.id}&to=draft`))
    expect(diff.status).toBe(200)
    expect(diff.body.stats).toMatchObject({ blocksInserted: 1, blocksDeleted: 1, blocksChanged: 0, blocksMoved: 0 })

    // Every comment is still listed; only the one whose passage went is detached.
    const commentsAfter = await commentsOf(revisor)
    expect(commentsAfter.map((c) => c.id).sort()).toEqual(commentsBefore.map((c) => c.id).sort())
    const byId = new Map(commentsAfter.map((c) => [c.id, c]))
    expect(byId.get(doomed.id)?.anchor).toMatchObject({ detached: true, text: null })
    for (const c of attached) expect(byId.get(c.id)?.anchor, `comment of ${c.country}`).toMatchObject({ detached: false, text: c.anchor.text })
  })

  test('Only the Presidency and the Secretariat may replace the text; a bad file changes nothing.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const textOf = async () => (await revisor.get(docPath(`/diff?from=${(await demoVersions(revisor)).november.id}&to=draft`))).body.stats
    const statsBefore = await textOf()
    for (const username of ['gt', 'revisor'])
      for (const file of [{ bytes: MARKDOWN, name: 'plan.md' }, { bytes: 'x', name: 'roto.docx' }]) {
        const res = await replaceText(server, await signIn(server, username), { file })
        expect(res.status, `${username}, ${file.name}`).toBe(403)
      }
    const observer = await replaceText(server, await signIn(server, 'observador'), { file: { bytes: MARKDOWN, name: 'plan.md' } })
    expect(observer.status).toBe(403)
    const ppt = await signIn(server, 'ppt')
    expect((await replaceText(server, ppt, {})).status).toBe(400)
    expect((await replaceText(server, ppt, { file: { bytes: 'x', name: 'plan.pdf' } })).status).toBe(415)
    expect((await replaceText(server, ppt, { file: { bytes: 'x', name: 'plan.docx' } })).status).toBe(422)
    expect((await replaceText(server, ppt, { file: { bytes: MARKDOWN, name: 'plan.md' } }, 'no-existe')).status).toBe(404)
    expect(await textOf()).toEqual(statsBefore)
  })
})

describe('Exports', () => {
  test('A version downloads as a Word file with real headings and its text, and as Markdown.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { october } = await demoVersions(revisor)

    const word = await download(server, revisor, docPath(`/versions/${october.id}/export?format=docx`))
    expect(word.status).toBe(200)
    expect(word.type).toBe(DOCX_MIME_TYPE)
    expect(word.disposition).toMatch(/^attachment;/)
    expect(word.disposition).toContain('.docx')
    expect(Object.keys(unzipSync(word.bytes))).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml']))
    const xml = entryText(word.bytes, 'word/document.xml')
    expect(xml).toContain('<w:pStyle w:val="Heading1"/>')
    expect(xml).toContain('<w:pStyle w:val="Heading2"/>')
    for (const text of ['Estrategia regional de atención a la migración irregular y masiva', '1. Antecedentes', 'huracanes Eta e Iota'])
      expect(xml).toContain(text)

    const markdown = await download(server, revisor, docPath(`/versions/${october.id}/export?format=md`))
    expect(markdown.status).toBe(200)
    expect(markdown.type).toMatch(/^text\/markdown; charset=utf-8/)
    expect(markdown.disposition).toContain('.md')
    const md = utf8(markdown.bytes)
    expect(md.startsWith('# Estrategia')).toBe(true)
    expect(md).toContain('## 1. Antecedentes')
    // Markdown is a faithful copy: read back, it is the version's text.
    const version = (await revisor.get(docPath(`/versions/${october.id}`))).body.version
    expect(plainText(parseMarkdown(md))).toBe(version.text)
  })

  test('The October to November comparison downloads as Word with tracked changes, Guatemala’s credited in the Antecedentes.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { october, november } = await demoVersions(revisor)
    const res = await download(server, revisor, docPath(`/diff/export?from=${october.id}&to=${november.id}&format=docx`))
    expect(res.status).toBe(200)
    expect(res.type).toBe(DOCX_MIME_TYPE)
    expect(res.disposition).toContain('.docx')
    const xml = entryText(res.bytes, 'word/document.xml')
    expect(xml).toMatch(/<w:ins w:id="\d+" w:author="[^"]+"/)
    expect(xml).toMatch(/<w:del w:id="\d+" w:author="[^"]+"/)
    // The Antecedentes: from its heading to the next one.
    const start = xml.indexOf('1. Antecedentes')
    const end = xml.indexOf('2. Justificación')
    expect(start).toBeGreaterThan(-1)
    expect(end).toBeGreaterThan(start)
    const antecedentes = xml.slice(start, end)
    const paragraph = antecedentes.split('</w:p>').find((p) => p.includes('Proceso Puebla')) ?? expect.fail('the paragraph on the Proceso Puebla')
    expect(paragraph).toContain('w:author="Guatemala"')
    expect(paragraph).toMatch(/<w:ins [^>]*w:author="Guatemala"/)
    expect(paragraph).toMatch(/<w:del [^>]*w:author="Guatemala"/)
  })

  test('The comment matrix downloads as CSV with a byte order mark, one row per comment, in Spanish or English.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const comments = await commentsOf(revisor)
    const countries = (language: 'es' | 'en') =>
      [...new Set(comments.map((c) => partyName({ role: c.author.role, country: c.country }, language)))].sort()
    expect(countries('es')).toEqual(expect.arrayContaining(['Guatemala', 'Costa Rica', 'El Salvador', 'Honduras', 'Panamá', 'Estados Unidos']))

    for (const [query, language] of [['', 'es'], ['&lang=es', 'es'], ['&lang=en', 'en']] as const) {
      const res = await download(server, revisor, docPath(`/comments/export?format=csv${query}`))
      expect(res.status).toBe(200)
      expect(res.type).toBe('text/csv; charset=utf-8')
      expect(res.disposition).toContain(language === 'es' ? 'matriz' : 'matrix')
      expect([...res.bytes.slice(0, 3)], 'UTF-8 byte order mark').toEqual([0xef, 0xbb, 0xbf])
      const records = parseCsv(utf8(res.bytes.slice(3))) as string[][]
      expect(records[0]).toEqual(MATRIX_COLUMNS.map((c) => c.title[language]))
      expect(records[0]?.[0]).toBe(language === 'es' ? 'Sección' : 'Section')
      const rows = records.slice(1)
      expect(rows).toHaveLength(comments.length)
      const countryColumn = MATRIX_COLUMNS.findIndex((c) => c.key === 'country')
      expect([...new Set(rows.map((r) => r[countryColumn]))].sort()).toEqual(countries(language))
    }
  })

  test('The comment matrix downloads as a Word table.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const res = await download(server, revisor, docPath('/comments/export?format=docx&lang=en'))
    expect(res.status).toBe(200)
    expect(res.type).toBe(DOCX_MIME_TYPE)
    const xml = entryText(res.bytes, 'word/document.xml')
    expect(xml).toContain('<w:tbl>')
    for (const title of ['Section', 'Country', 'PPT answer', 'Guatemala']) expect(xml).toContain(title)
  })

  test('An export in a format that does not exist is refused with 400.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { october, november } = await demoVersions(revisor)
    for (const path of [
      `/versions/${october.id}/export?format=pdf`,
      `/versions/${october.id}/export`,
      `/diff/export?from=${october.id}&to=${november.id}&format=html`,
      `/comments/export?format=ods`,
      `/comments/export?format=csv&lang=fr`
    ]) {
      const res = await revisor.get(docPath(path))
      expect(res.status, path).toBe(400)
      expect(res.body.error).toMatch(/format/)
    }
  })

  test('Reviewers and delegates may download every export; observers get 403.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { october, november } = await demoVersions(revisor)
    const paths = [
      `/versions/${october.id}/export?format=docx`,
      `/versions/${october.id}/export?format=md`,
      `/diff/export?from=${october.id}&to=${november.id}&format=docx`,
      '/comments/export?format=csv',
      '/comments/export?format=docx'
    ]
    const gt = await signIn(server, 'gt')
    const observer = await signIn(server, 'observador')
    for (const path of paths) {
      expect((await download(server, revisor, docPath(path))).status, `reviewer ${path}`).toBe(200)
      expect((await download(server, gt, docPath(path))).status, `delegate ${path}`).toBe(200)
      const refused = await observer.get(docPath(path))
      expect(refused.status, `observer ${path}`).toBe(403)
    }
  })
})
