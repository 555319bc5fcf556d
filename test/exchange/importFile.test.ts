import { describe, expect, test } from 'vitest'
import { DOCX_MIME_TYPE, defaultImportLimits, importFile, importFormatOf, importMarkdown, versionToDocx } from '../../server/exchange'
import { parseMarkdown } from '../../src'
import { shape } from './helpers'

const utf8 = (text: string) => new TextEncoder().encode(text)

describe('importFormatOf', () => {
  for (const [filename, mimeType, format] of [
    ['estrategia.md', undefined, 'markdown'],
    ['ESTRATEGIA.MARKDOWN', 'application/octet-stream', 'markdown'],
    ['estrategia.html', undefined, 'html'],
    ['estrategia.htm', '', 'html'],
    ['estrategia.docx', undefined, 'docx'],
    ['estrategia', 'text/markdown; charset=utf-8', 'markdown'],
    ['estrategia', 'text/x-markdown', 'markdown'],
    ['estrategia', 'TEXT/HTML', 'html'],
    ['estrategia', DOCX_MIME_TYPE, 'docx'],
    ['estrategia.md', 'text/html', 'markdown'],
    ['estrategia.pdf', 'application/pdf', undefined],
    ['estrategia.doc', 'application/msword', undefined],
    ['docx', undefined, undefined]
  ] as const) {
    test(`takes ${filename} (${mimeType ?? 'no type'}) for ${format ?? 'an unsupported format'}`, () => {
      expect(importFormatOf(filename, mimeType)).toBe(format)
    })
  }
})

describe('importFile', () => {
  test('reads a Markdown file', async () => {
    expect(shape(await importFile(utf8('# Título\n\nTexto'), 'a.md'))).toBe('doc[heading(level=1)["Título"], paragraph["Texto"]]')
  })

  test('reads an HTML file', async () => {
    expect(shape(await importFile(utf8('<h1>Título</h1><script>x</script>'), 'a.html', 'text/html'))).toBe('doc[heading(level=1)["Título"]]')
  })

  test('reads a Word file', async () => {
    const docx = await versionToDocx(parseMarkdown('# Título\n\n- uno'), { title: 't', versionName: 'v', createdAt: '2021-10-01', author: 'Presidencia Pro Tempore' })
    expect(shape(await importFile(docx, 'a.docx', DOCX_MIME_TYPE))).toBe('doc[heading(level=1)["Título"], bullet_list[list_item[paragraph["uno"]]]]')
  })

  test('trusts the name over the type: HTML in a .md file stays text', async () => {
    expect((await importFile(utf8('<b>x</b>'), 'a.md', 'text/html')).textContent).toBe('<b>x</b>')
  })

  test('reads a Windows-1252 file without losing its accents', async () => {
    const latin = new Uint8Array([...utf8('Migraci'), 0xf3, ...utf8('n y ni'), 0xf1, ...utf8('ez')])
    expect((await importFile(latin, 'a.md')).textContent).toBe('Migración y niñez')
  })

  test('drops a UTF-8 byte order mark', async () => {
    expect((await importFile(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('# Título')]), 'a.md')).textContent).toBe('Título')
  })

  test('refuses an unsupported format, naming the file and its type', async () => {
    await expect(importFile(utf8('%PDF'), 'informe.pdf', 'application/pdf')).rejects.toMatchObject({
      name: 'ImportError',
      failure: 'unsupported_format',
      message: expect.stringMatching(/^unsupported format: informe\.pdf \(application\/pdf\)/)
    })
  })

  test('suggests saving an old Word file as .docx', async () => {
    await expect(importFile(utf8('x'), 'informe.doc')).rejects.toMatchObject({ message: expect.stringContaining('save it as .docx') })
  })

  test('refuses a text file over the size limit', async () => {
    await expect(importFile(utf8('texto largo'), 'a.md', undefined, { ...defaultImportLimits, maxFileBytes: 4 })).rejects.toMatchObject({ failure: 'too_large' })
  })

  test('refuses an empty Markdown file', async () => {
    await expect(importFile(utf8(' \n\n'), 'a.md')).rejects.toMatchObject({ failure: 'empty' })
  })
})

describe('importMarkdown', () => {
  test('reads Markdown with block ids, raw HTML as text', () => {
    const doc = importMarkdown('Hola <script>alert(1)</script>')
    expect(shape(doc)).toBe('doc[paragraph["Hola <script>alert(1)</script>"]]')
    expect(doc.firstChild?.attrs.id).toMatch(/^b[a-z0-9]{10}$/)
  })

  test('refuses Markdown over the length limit', () => {
    expect(() => importMarkdown('texto', { ...defaultImportLimits, maxTextLength: 2 })).toThrow(expect.objectContaining({ failure: 'too_large' }))
  })
})
