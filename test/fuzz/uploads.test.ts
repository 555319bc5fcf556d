/**
 * Random and damaged files uploaded as a new document and as a new draft:
 * random bytes, and Word, Markdown and HTML files (with hostile links and
 * scripts in them) cut short, with bytes flipped or junk inserted, under
 * their own extension or another's. The server never answers 5xx; a refusal
 * is JSON `{ error }`; and whatever it accepts becomes a document that its
 * schema accepts, with no link that could run script.
 */
import fc from 'fast-check'
import { expect, test } from 'vitest'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { isSafeHref, readContent, type DocumentId } from '../../src'
import { defaultWork } from '../../server'
import { DOC, docPath, signIn, startTestServer } from '../support'
import { handMadeDocxParts, item, para, run, zip } from '../exchange/helpers'
import { checkProperty, expectErrorShape, nastyString, request } from './fuzzing'

const MARKDOWN = `# Estrategia regional

Texto con [un enlace](https://www.crmsv.org), [otro hostil](javascript:alert(1)) y <script>alert(2)</script>.

- Uno con **negrita**
- Dos con *cursiva* y <a href="javascript:alert(3)">HTML</a>
  1. anidado

> Cita con <img src=x onerror=alert(4)>

<iframe src="https://example.org"></iframe>
`

const HTML = `<!doctype html><html><head><style>p{color:red}</style><script>alert(1)</script></head><body>
<h1 onclick="alert(2)">Estrategia</h1>
<p>Un <a href="javascript:alert(3)">enlace hostil</a>, <a href="  JaVaScRiPt:alert(4)">otro</a>, <a href="https://www.crmsv.org" title="CRM">uno bueno</a>.</p>
<ul><li>Uno<ul><li>Anidado <b>negrita</b></li></ul></li><li><i>Dos</i></li></ul>
<ol start="3"><li>Tres</li></ol><blockquote><p>Cita</p></blockquote>
<svg><script>alert(5)</script></svg><form action="javascript:alert(6)"><input></form>
</body></html>`

/**
 * The parts of a Word file with a heading, a good link and one to
 * `javascript:`, and a numbered list that goes on after a paragraph (so that
 * its numbering is read).
 */
function wordParts(): Record<string, string> {
  const parts = handMadeDocxParts(
    [
      para('Heading1', run('Estrategia regional')),
      para(null, run('Texto '), run('en negrita', { bold: true }), run(' y '), run('cursiva', { italics: true })),
      item(2, 0, run('uno')),
      item(2, 1, run('uno.uno')),
      para(null, '<w:hyperlink r:id="rIdLink"><w:r><w:t>CRM</w:t></w:r></w:hyperlink>', '<w:hyperlink r:id="rIdEvil"><w:r><w:t>hostil</w:t></w:r></w:hyperlink>'),
      item(2, 0, run('dos'))
    ].join('')
  )
  const rels = 'word/_rels/document.xml.rels'
  parts[rels] = (parts[rels] as string).replace(
    '</Relationships>',
    '<Relationship Id="rIdEvil" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="javascript:alert(1)" TargetMode="External"/></Relationships>'
  )
  return parts
}

const encoder = new TextEncoder()

type Mutation = (bytes: Uint8Array) => Uint8Array

/** Damage done to a file's bytes. */
const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((n): Mutation => (b) => b.slice(0, n % (b.length + 1))),
  fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }).map((flips): Mutation => (b) => {
    const copy = b.slice()
    for (const [at, value] of flips) if (copy.length > 0) copy[at % copy.length] = value
    return copy
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, junk]): Mutation => (b) => {
    const i = at % (b.length + 1)
    return Uint8Array.from([...b.slice(0, i), ...junk, ...b.slice(i)])
  })
)

/** Damage done to a text before it is encoded: hostile strings dropped in anywhere. */
const textMutation: fc.Arbitrary<(text: string) => string> = fc
  .array(fc.tuple(fc.nat(), fc.oneof(nastyString, fc.constantFrom('<a href="javascript:x">', '](javascript:x)', '<script>', '<w:p>', '</w:body>', '&#0;', ']]>', '<!--'))), {
    minLength: 1,
    maxLength: 4
  })
  .map((inserts) => (text: string) => inserts.reduce((t, [at, s]) => { const i = at % (t.length + 1); return t.slice(0, i) + s + t.slice(i) }, text))

interface Upload {
  readonly bytes: Uint8Array
  readonly name: string
}

const EXTENSIONS = ['docx', 'md', 'markdown', 'html', 'htm', 'txt', 'doc', '']

/** A file name: its format's extension mostly, another one sometimes. */
const nameFor = (extension: string) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(extension) }, { weight: 1, arbitrary: fc.constantFrom(...EXTENSIONS) }).map((ext) => (ext ? `archivo.${ext}` : 'archivo'))

const upload: fc.Arbitrary<Upload> = fc.oneof(
  fc.tuple(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom(...EXTENSIONS)).map(([bytes, ext]) => ({ bytes, name: ext ? `azar.${ext}` : 'azar' })),
  ...(
    [
      ['md', MARKDOWN],
      ['html', HTML]
    ] as const
  ).map(([ext, text]) =>
    fc
      .tuple(fc.option(textMutation, { freq: 3 }), fc.array(byteMutation, { maxLength: 2 }), nameFor(ext))
      .map(([mutateText, mutations, name]) => ({ bytes: mutations.reduce<Uint8Array>((b, m) => m(b), encoder.encode(mutateText ? mutateText(text) : text)), name }))
  ),
  fc.tuple(fc.option(textMutation, { freq: 3 }), fc.array(byteMutation, { maxLength: 2 }), nameFor('docx')).map(([mutateXml, mutations, name]) => {
    const parts = wordParts()
    if (mutateXml) parts['word/document.xml'] = mutateXml(parts['word/document.xml'] as string)
    return { bytes: mutations.reduce<Uint8Array>((b, m) => m(b), zip(parts)), name }
  })
)

/** Every problem with a document's content: schema violations, links that are not http(s) or mailto, lists from no whole number. */
function problemsOf(doc: ProseMirrorNode): string[] {
  const problems: string[] = []
  try {
    doc.check()
  } catch (err) {
    problems.push(`schema: ${(err as Error).message}`)
  }
  doc.descendants((node) => {
    for (const mark of node.marks) if (mark.type.name === 'link' && !isSafeHref(String(mark.attrs.href))) problems.push(`link to ${String(mark.attrs.href)}`)
    for (const [name, value] of Object.entries(node.attrs))
      if (typeof value === 'string' && /^\s*(javascript|vbscript|data):/i.test(value)) problems.push(`${node.type.name}.${name} = ${value}`)
    if (/script/i.test(node.type.name)) problems.push(`a ${node.type.name} node`)
    const order: unknown = node.attrs.order
    if (node.type.name === 'ordered_list' && !(Number.isSafeInteger(order) && (order as number) >= 0)) problems.push(`a list from ${String(order)}`)
    return true
  })
  return problems
}

test('Random and damaged files uploaded as a new document or a new draft never cause a server error, and what is accepted is a valid document without script links.', async () => {
  // Hundreds of uploads of one account: far over a person's rate of imports,
  // which would answer 429 before the files reach the readers under test.
  const { server } = await startTestServer({ config: { work: { ...defaultWork, perAccount: { jobsPerMinute: 1_000_000, burst: 1_000_000 } } } })
  const tokens = { ppt: (await signIn(server, 'ppt')).token, se: (await signIn(server, 'se')).token, mx: (await signIn(server, 'mx')).token }
  const outcomes = new Map<string, number>()
  // The undamaged files are accepted: the property is not passing on refusals alone.
  for (const [bytes, name] of [
    [encoder.encode(MARKDOWN), 'limpio.md'],
    [encoder.encode(HTML), 'limpio.html'],
    [zip(wordParts()), 'limpio.docx']
  ] as const) {
    const form = new FormData()
    form.set('title', name)
    form.set('file', new Blob([new Uint8Array(bytes)]), name)
    const answer = await request(server, tokens.ppt, 'POST', '/api/documents', { form })
    expect(answer.status, `${name}: ${JSON.stringify(answer.body)}`).toBe(201)
    const id = (answer.body as { document: { id: DocumentId } }).document.id
    expect(await server.workspace.collaboration.withDocument(id, (doc) => problemsOf(readContent(doc)))).toEqual([])
  }

  await checkProperty(
    'uploads',
    fc.asyncProperty(
      upload,
      fc.constantFrom('new document', 'new draft'),
      fc.oneof({ weight: 4, arbitrary: fc.constant('ppt' as const) }, { weight: 1, arbitrary: fc.constantFrom('se' as const, 'mx' as const) }),
      fc.oneof({ weight: 3, arbitrary: fc.constant('Documento subido') }, { weight: 1, arbitrary: nastyString }),
      async (file, target, who, title) => {
        const form = new FormData()
        if (target === 'new document') form.set('title', title)
        form.set('file', new Blob([new Uint8Array(file.bytes)]), file.name)
        const answer =
          target === 'new document'
            ? await request(server, tokens[who], 'POST', '/api/documents', { form })
            : await request(server, tokens[who], 'PUT', docPath('/content'), { form })
        outcomes.set(`${target} ${answer.status}`, (outcomes.get(`${target} ${answer.status}`) ?? 0) + 1)
        const what = `${who}: ${target} ${file.name} (${file.bytes.length} bytes)`
        expectErrorShape(answer, what)
        if (answer.status >= 300) return
        const id = target === 'new document' ? (answer.body as { document: { id: DocumentId } }).document.id : (DOC as DocumentId)
        const problems = await server.workspace.collaboration.withDocument(id, (doc) => problemsOf(readContent(doc)))
        expect(problems, what).toEqual([])
      }
    ),
    300
  )
  console.info('uploads, by target and status:', Object.fromEntries([...outcomes].sort()))
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
}, 90_000)
