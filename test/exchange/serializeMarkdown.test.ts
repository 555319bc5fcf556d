import { readFileSync } from 'node:fs'
import MarkdownIt from 'markdown-it'
import { describe, expect, test } from 'vitest'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { parseMarkdown, schema, serializeMarkdown } from '../../src'
import { doc, h1, li, p, quote, ul } from '../unit/builders'
import { shape } from './helpers'

const roundTrip = (d: ProseMirrorNode) => parseMarkdown(serializeMarkdown(d))
const text = (value: string, ...marks: string[]) => schema.text(value, marks.map((m) => schema.mark(m)))
const link = (value: string, href: string, title: string | null = null) => schema.text(value, [schema.mark('link', { href, title })])
const ol = (order: number, ...items: ProseMirrorNode[]) => schema.node('ordered_list', { order }, items)
const br = () => schema.node('hard_break')

describe('serializeMarkdown', () => {
  for (const { name, md } of [
    { name: 'headings of the three levels', md: '# Estrategia\n\n## 1. Antecedentes\n\n### 1.1 Mandato' },
    { name: 'paragraphs with accents and ñ', md: 'La niñez migrante.\n\nSegundo párrafo: «comillas», ¿preguntas? ¡Sí!' },
    { name: 'bold, italic and both', md: 'a *b* **c** ***d*** e' },
    { name: 'a link with a title and an autolink', md: '[CRM](https://www.crmsv.org "Sitio") y <https://x.org/a?b=1&c=2>' },
    { name: 'a mail link', md: '[escribir](mailto:se@crmsv.org)' },
    { name: 'a hard break', md: 'uno  \ndos' },
    { name: 'a nested bullet list', md: '- uno\n- dos\n  - dos.uno\n  - dos.dos\n- tres' },
    { name: 'an ordered list from 3', md: '3. tres\n4. cuatro' },
    { name: 'a list item of two paragraphs', md: '1. primero\n\n   sigue\n2. segundo' },
    { name: 'a block quote holding a list and a quote', md: '> cita\n>\n> - a\n> - b\n>\n> > dentro' },
    { name: 'characters Markdown would read as syntax', md: 'a \\* b \\_c\\_ \\[d\\] \\` \\# 2\\*3 a_b_c' },
    { name: 'a paragraph that starts like a heading or a list', md: '\\# no\n\n1\\. no\n\n\\- no\n\n\\+ no' }
  ]) {
    test(`keeps ${name} through Markdown and back`, () => {
      const parsed = parseMarkdown(md)
      expect(shape(roundTrip(parsed))).toBe(shape(parsed))
    })
  }

  test('keeps the demo Strategy, every block and mark, through Markdown and back', () => {
    const parsed = parseMarkdown(readFileSync('server/demo/estrategia-octubre-2021.md', 'utf8'))
    expect(shape(roundTrip(parsed))).toBe(shape(parsed))
  })

  for (const { name, input } of [
    { name: 'a paragraph starting "1) "', input: doc(p('1) Fortalecer la cooperación')) },
    { name: 'a line after a break starting "2) "', input: doc(p('uno', br(), '2) dos')) },
    { name: 'text that looks like an autolink', input: doc(p('ver <https://x.org> y <se@crmsv.org>')) },
    { name: 'text that looks like an entity', input: doc(p('&amp; y &#38; y A&B')) },
    { name: 'two bullet lists in a row', input: doc(ul(li(p('a'))), ul(li(p('b')))) },
    { name: 'two ordered lists in a row', input: doc(ol(1, li(p('a'))), ol(1, li(p('b')))) },
    { name: 'a link whose address has spaces and parentheses', input: doc(p(link('ver', 'https://x.org/a(b)'))) },
    { name: 'a link title with quotes', input: doc(p(link('ver', 'https://x.org', 'el "sitio"'))) },
    { name: 'marks across a link', input: doc(p(text('muy ', 'strong'), schema.text('fuerte', [schema.mark('strong'), schema.mark('link', { href: 'https://x.org' })]))) },
    { name: 'a quote of two paragraphs', input: doc(quote(p('uno'), p('dos'))) },
    { name: 'text that looks like HTML', input: doc(p('<script>alert(1)</script> <img src=x onerror=alert(2)> <!-- x --> <?php ?> a < b')) }
  ]) {
    test(`keeps ${name} as it was`, () => {
      expect(shape(roundTrip(input))).toBe(shape(input))
    })
  }

  test('writes lists with - and 1., and tells adjacent lists apart', () => {
    expect(serializeMarkdown(doc(ul(li(p('a')), li(p('b'))), ul(li(p('c')))))).toBe('- a\n- b\n\n\n* c')
    expect(serializeMarkdown(doc(ol(9, li(p('nueve')), li(p('diez')))))).toBe(' 9. nueve\n10. diez')
  })

  test('writes a hard break inside a heading as a space, keeping the heading one line', () => {
    expect(serializeMarkdown(doc(h1('Estrategia', br(), 'regional')))).toBe('# Estrategia regional')
  })

  test('writes a link that is neither web nor mail as plain text', () => {
    const unsafe = doc(p(link('clic', 'javascript:alert(1)')))
    expect(serializeMarkdown(unsafe)).toBe('clic')
  })

  test('escapes text that looks like HTML, so a Markdown reader that passes HTML through shows it as text', () => {
    const hostile = doc(p('Texto <script>alert(1)</script> y <img src=x onerror=alert(2)>'), quote(p('</blockquote><iframe src=x>')))
    const html = new MarkdownIt({ html: true }).render(serializeMarkdown(hostile))
    expect(html).not.toMatch(/<(script|img|iframe)\b/)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  test('writes an empty document as an empty string', () => {
    expect(serializeMarkdown(doc(p()))).toBe('')
  })
})
