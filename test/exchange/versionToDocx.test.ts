import { readFileSync } from 'node:fs'
import mammoth from 'mammoth'
import { describe, expect, test } from 'vitest'
import { importDocx, versionToDocx } from '../../server/exchange'
import { parseMarkdown } from '../../src'
import { entryText, outline, shape } from './helpers'

const meta = { title: 'Estrategia regional', versionName: 'Borrador octubre 2021', createdAt: '2021-10-01', author: 'Presidencia Pro Tempore' }

const strategy = parseMarkdown(`# Estrategia regional

## 1. Antecedentes

La [Conferencia Regional sobre Migración](https://www.crmsv.org) acordó **elaborar** una *estrategia*.  
Segunda línea.

- uno
- dos
  - dos.uno

3. tres
4. cuatro

> Cita del mandato.

### 1.1 Mandato

Final.`)

describe('versionToDocx', () => {
  test('writes real Word headings, numbered and bulleted lists, quotations, bold, italic, links and breaks', async () => {
    const docx = await versionToDocx(strategy, meta)
    const xml = entryText(docx, 'word/document.xml')
    for (const style of ['Heading1', 'Heading2', 'Heading3', 'Quote']) expect(xml).toContain(`<w:pStyle w:val="${style}"/>`)
    expect(xml).toMatch(/<w:numPr><w:ilvl w:val="0"\/><w:numId w:val="\d+"\/><\/w:numPr>/)
    expect(xml).toMatch(/<w:numPr><w:ilvl w:val="1"\/><w:numId w:val="\d+"\/><\/w:numPr>/)
    expect(xml).toContain('<w:hyperlink')
    expect(xml).toContain('<w:b/>')
    expect(xml).toContain('<w:i/>')
    expect(xml).toContain('<w:br/>')
    for (const text of ['Estrategia regional', 'Conferencia Regional sobre Migración', 'dos.uno', 'Cita del mandato.']) expect(xml).toContain(text)

    const numbering = entryText(docx, 'word/numbering.xml')
    expect(numbering).toContain('<w:numFmt w:val="bullet"/>')
    expect(numbering).toContain('<w:numFmt w:val="decimal"/>')
    // The ordered list counts from 3.
    expect(numbering).toContain('<w:start w:val="3"/>')
    const rels = entryText(docx, 'word/_rels/document.xml.rels')
    expect(rels).toContain('Target="https://www.crmsv.org" TargetMode="External"')
    expect(entryText(docx, 'word/styles.xml')).toContain('w:styleId="Heading1"')
  })

  test('numbers each ordered list from its own start', async () => {
    const docx = await versionToDocx(parseMarkdown('1. uno\n2. dos\n\nPárrafo.\n\n1. otra vez uno\n\n---\n\n7. siete'), meta)
    const numIds = [...entryText(docx, 'word/document.xml').matchAll(/<w:numId w:val="(\d+)"\/>/g)].map((m) => m[1])
    expect(numIds).toHaveLength(4)
    expect(numIds[0]).toBe(numIds[1])
    expect(new Set(numIds).size).toBe(3)
    // Each list's own numbering restarts its first level at the list's start.
    const numbering = entryText(docx, 'word/numbering.xml')
    const startOf = new Map([...numbering.matchAll(/<w:num w:numId="(\d+)">.*?<w:startOverride w:val="(\d+)"\/>/g)].map((m) => [m[1], m[2]]))
    expect(numIds.map((id) => startOf.get(id))).toEqual(['1', '1', '1', '7'])
  })

  test('puts the title, version and date in the page header and properties, not in the text', async () => {
    const docx = await versionToDocx(strategy, meta)
    expect(entryText(docx, 'word/header1.xml')).toContain('Estrategia regional — Borrador octubre 2021 (2021-10-01)')
    const core = entryText(docx, 'docProps/core.xml')
    expect(core).toContain('<dc:title>Estrategia regional</dc:title>')
    expect(core).toContain('<dc:subject>Borrador octubre 2021</dc:subject>')
  })

  test('opens in mammoth, a reader of its own, as headings, lists and text', async () => {
    const { value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(await versionToDocx(strategy, meta)) })
    expect(html).toContain('<h1>Estrategia regional</h1>')
    expect(html).toContain('<h2>1. Antecedentes</h2>')
    expect(html).toContain('<ul><li>uno</li><li>dos<ul><li>dos.uno</li></ul></li></ul>')
    expect(html).toContain('<ol><li>tres</li><li>cuatro</li></ol>')
    expect(html).toContain('<a href="https://www.crmsv.org">Conferencia Regional sobre Migración</a>')
  })

  test('comes back through importDocx with its headings, lists, quotation, marks and text', async () => {
    const back = await importDocx(await versionToDocx(strategy, meta))
    // The ordered list from 3 included: its start is read from numbering.xml.
    expect(shape(back)).toBe(shape(strategy))
  })

  test('brings the demo Strategy back block for block', async () => {
    const seed = parseMarkdown(readFileSync('server/demo/estrategia-octubre-2021.md', 'utf8'))
    const back = await importDocx(await versionToDocx(seed, meta))
    expect(outline(back)).toEqual(outline(seed))
  })
})
