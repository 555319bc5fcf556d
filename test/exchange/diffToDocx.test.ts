import { DOMParser } from '@xmldom/xmldom'
import { describe, expect, test } from 'vitest'
import { diffToDocx, importDocx } from '../../server/exchange'
import { blocksOf, diffDocuments, parseMarkdown } from '../../src'
import { entryText, outline, resolveChanges } from './helpers'

const from = parseMarkdown(`# Estrategia

## 1. Antecedentes

La Conferencia Regional sobre Migración acordó **elaborar** una estrategia.

- primer punto
- segundo punto
- tercer punto

Párrafo que cambia de sección.

## 2. Objetivos

Párrafo que se elimina por completo.

Objetivo general de la [estrategia](https://www.crmsv.org).`)

const to = parseMarkdown(`# Estrategia regional

## 1. Antecedentes

La Conferencia Regional sobre Migración acordó **redactar** una estrategia regional.

- primer punto
- tercer punto

## 2. Objetivos

Objetivo general de la [estrategia](https://www.crmsv.org).

Párrafo que cambia de sección.

Párrafo nuevo propuesto por Guatemala.

## 3. Seguimiento`)

const idOf = (text: string) => blocksOf(to).find((b) => b.text === text)?.id as string
const diff = diffDocuments(from, to)
const meta = { title: 'Estrategia', fromName: 'Borrador octubre 2021', toName: 'Borrador noviembre 2021', date: '2021-11-12', author: 'Presidencia Pro Tempore' }
const attribution = new Map([
  [idOf('La Conferencia Regional sobre Migración acordó redactar una estrategia regional.'), 'México'],
  [idOf('Párrafo nuevo propuesto por Guatemala.'), 'Guatemala']
])
const exported = () => diffToDocx(diff, meta, { versions: { from, to }, attribution })

describe('diffToDocx', () => {
  test('the diff under test has every kind of change', () => {
    expect(new Set(diff.blocks.map((b) => b.op))).toEqual(new Set(['equal', 'changed', 'inserted', 'deleted', 'moved']))
  })

  test('writes changes as real tracked insertions and deletions, with author and date', async () => {
    const xml = entryText(await exported(), 'word/document.xml')
    expect(xml).toContain('<w:ins w:id=')
    expect(xml).toContain('<w:del w:id=')
    expect(xml).toMatch(/<w:del [^>]*w:author="México" w:date="2021-11-12T00:00:00Z"><w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:delText xml:space="preserve">elaborar<\/w:delText>/)
    expect(xml).toMatch(/<w:ins [^>]*w:author="México"[^>]*><w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">redactar<\/w:t>/)
    expect(xml).toMatch(/<w:ins [^>]*w:author="Guatemala"[^>]*><w:r><w:t xml:space="preserve">Párrafo nuevo propuesto por Guatemala\.<\/w:t>/)
    expect(xml).toMatch(/<w:del [^>]*w:author="Presidencia Pro Tempore"[^>]*><w:r><w:delText xml:space="preserve">segundo punto<\/w:delText>/)
    // Word wants every change's id to be its own.
    const ids = [...xml.matchAll(/<w:(?:ins|del) w:id="(\d+)"/g)].map((m) => m[1])
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('keeps headings as Word headings, lists as lists and links as links', async () => {
    const xml = entryText(await exported(), 'word/document.xml')
    expect(xml).toContain('<w:pStyle w:val="Heading1"/>')
    expect(xml).toContain('<w:pStyle w:val="Heading2"/>')
    expect(xml).toMatch(/<w:pStyle w:val="Heading2"\/><w:rPr><w:ins [^>]*\/><\/w:rPr><\/w:pPr><w:ins [^>]*><w:r><w:t xml:space="preserve">3\. Seguimiento/)
    // The deleted item stays numbered in the list it was in.
    const items = [...xml.matchAll(/<w:numId w:val="(\d+)"\/>/g)].map((m) => m[1])
    expect(items).toHaveLength(3)
    expect(new Set(items).size).toBe(1)
    expect(xml).toContain('<w:hyperlink')
  })

  test('marks a moved block as a Word move: w:moveFrom where it was, w:moveTo where it is, each in a range of the same name', async () => {
    const xml = entryText(await exported(), 'word/document.xml')
    // It parses, strictly, as XML.
    const errors: string[] = []
    new DOMParser({ errorHandler: (level: string, message: string) => level !== 'warning' && errors.push(message) }).parseFromString(xml, 'text/xml')
    expect(errors).toEqual([])
    const moved = 'Párrafo que cambia de sección.'
    const ends = (kind: 'moveFrom' | 'moveTo') => {
      const paragraph = xml.split('</w:p>').find((p) => p.includes(`<w:${kind} `)) ?? expect.fail(`no w:${kind}`)
      expect(paragraph).toMatch(new RegExp(`<w:rPr><w:${kind} w:id="\\d+" w:author="Presidencia Pro Tempore" w:date="2021-11-12T00:00:00Z"/></w:rPr></w:pPr>`))
      expect(paragraph).toMatch(new RegExp(`<w:${kind} [^>]*><w:r><w:t xml:space="preserve">${moved}</w:t></w:r></w:${kind}>`))
      const start = paragraph.match(new RegExp(`<w:${kind}RangeStart w:id="(\\d+)" w:name="([^"]+)" w:author="Presidencia Pro Tempore"`)) ?? expect.fail(`no w:${kind}RangeStart`)
      // The range closes at the paragraph's end.
      expect(paragraph.endsWith(`<w:${kind}RangeEnd w:id="${start[1]}"/>`)).toBe(true)
      return { paragraph, id: start[1], name: start[2] }
    }
    const from = ends('moveFrom')
    const to = ends('moveTo')
    expect(from.name).toBe(to.name)
    expect(from.id).not.toBe(to.id)
    // Where it was comes before the heading of the section it went to; no plain deletion or insertion of it is left.
    expect(xml.indexOf(from.paragraph)).toBeLessThan(xml.indexOf('2. Objetivos'))
    expect(xml.indexOf(to.paragraph)).toBeGreaterThan(xml.indexOf('2. Objetivos'))
    expect(xml).not.toContain(`<w:delText xml:space="preserve">${moved}`)
    expect(xml).not.toMatch(new RegExp(`<w:ins [^>]*><w:r><w:t xml:space="preserve">${moved}`))
    // Every id, of a change or of a range, is its own.
    const ids = [...xml.matchAll(/<w:(?:ins|del|moveFrom|moveTo|moveFromRangeStart|moveToRangeStart) w:id="(\d+)"/g)].map((m) => m[1])
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('gives the new version when every change is accepted, as Word would', async () => {
    expect(outline(await importDocx(resolveChanges(await exported(), 'new')))).toEqual(outline(to))
  })

  test('gives the old version when every change is rejected, as Word would', async () => {
    expect(outline(await importDocx(resolveChanges(await exported(), 'old')))).toEqual(outline(from))
  })

  test('reads, in mammoth, as the new version: it keeps insertions and drops deletions', async () => {
    expect(outline(await importDocx(await exported()))).toEqual(outline(to))
  })

  test('asks Word to keep tracking changes, and names both versions in the header', async () => {
    const docx = await exported()
    expect(entryText(docx, 'word/settings.xml')).toContain('<w:trackRevisions/>')
    expect(entryText(docx, 'word/header1.xml')).toContain('Estrategia — cambios de «Borrador octubre 2021» a «Borrador noviembre 2021»')
  })

  test('without the versions, writes plain paragraphs with the same changes, attributed to the given author', async () => {
    const docx = await diffToDocx(diff, { ...meta, author: 'PPT México' })
    const xml = entryText(docx, 'word/document.xml')
    expect(xml).not.toContain('<w:pStyle')
    expect(xml).toMatch(/<w:del [^>]*w:author="PPT México"[^>]*><w:r><w:delText xml:space="preserve">elaborar/)
    expect((await importDocx(resolveChanges(docx, 'new'))).textContent).toBe(to.textContent)
    expect((await importDocx(resolveChanges(docx, 'old'))).textContent).toBe(from.textContent)
  })

  test('refuses versions that are not those of the diff', async () => {
    await expect(diffToDocx(diff, meta, { versions: { from: to, to: from } })).rejects.toThrow(RangeError)
  })

  test('refuses a date that is not ISO', async () => {
    await expect(diffToDocx(diff, { ...meta, date: '12 de noviembre' })).rejects.toThrow(RangeError)
  })
})
