import { describe, expect, test } from 'vitest'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { parseMarkdown } from '../../src'
import { blocks } from './builders'

/**
 * A compact picture of a document: blocks as `type(attrs)[children]`, text as
 * its string with its marks, e.g. `paragraph["a", em"b"]`. Ids are left out.
 */
function shape(node: ProseMirrorNode): string {
  if (node.isText) {
    const marks = node.marks.map((m) => (m.type.name === 'link' ? `link(${m.attrs.href as string})` : m.type.name))
    return `${marks.join('+')}${JSON.stringify(node.text)}`
  }
  const attrs = Object.entries(node.attrs)
    .filter(([name, value]) => name !== 'id' && value !== null)
    .map(([name, value]) => `${name}=${String(value)}`)
  const children: string[] = []
  node.forEach((child) => children.push(shape(child)))
  return `${node.type.name}${attrs.length ? `(${attrs.join(',')})` : ''}${children.length ? `[${children.join(', ')}]` : ''}`
}

const body = (markdown: string) => {
  const parsed = shape(parseMarkdown(markdown))
  return parsed.slice('doc['.length, -1)
}

describe('parseMarkdown', () => {
  for (const { name, md, shape } of [
    { name: 'a level-1 heading', md: '# Estrategia', shape: 'heading(level=1)["Estrategia"]' },
    { name: 'a level-2 heading', md: '## 1. Antecedentes', shape: 'heading(level=2)["1. Antecedentes"]' },
    { name: 'a level-3 heading', md: '### 1.1 Mandato', shape: 'heading(level=3)["1.1 Mandato"]' },
    { name: 'a level-4 heading, as level 3', md: '#### Detalle', shape: 'heading(level=3)["Detalle"]' },
    { name: 'a level-6 heading, as level 3', md: '###### Nota', shape: 'heading(level=3)["Nota"]' },
    { name: 'a paragraph', md: 'Texto simple.', shape: 'paragraph["Texto simple."]' },
    {
      name: 'a bullet list',
      md: '- uno\n- dos',
      shape: 'bullet_list[list_item[paragraph["uno"]], list_item[paragraph["dos"]]]'
    },
    {
      name: 'an ordered list that starts at 3',
      md: '3. tres\n4. cuatro',
      shape: 'ordered_list(order=3)[list_item[paragraph["tres"]], list_item[paragraph["cuatro"]]]'
    },
    { name: 'an ordered list from 1', md: '1. uno', shape: 'ordered_list(order=1)[list_item[paragraph["uno"]]]' },
    {
      name: 'a nested list',
      md: '- uno\n  - uno.uno',
      shape: 'bullet_list[list_item[paragraph["uno"], bullet_list[list_item[paragraph["uno.uno"]]]]]'
    },
    { name: 'a block quote', md: '> citado', shape: 'blockquote[paragraph["citado"]]' },
    {
      name: 'emphasis and strong emphasis',
      md: 'a *b* **c** ***d***',
      shape: 'paragraph["a ", em"b", " ", strong"c", " ", strong+em"d"]'
    },
    {
      name: 'a web link',
      md: '[CRM](https://www.crmsv.org)',
      shape: 'paragraph[link(https://www.crmsv.org)"CRM"]'
    },
    {
      name: 'a mail link',
      md: '[escribir](mailto:se@crmsv.org)',
      shape: 'paragraph[link(mailto:se@crmsv.org)"escribir"]'
    },
    {
      name: 'a javascript: link, as plain text',
      md: '[clic](javascript:alert(1))',
      shape: 'paragraph["[clic](javascript:alert(1))"]'
    },
    {
      name: 'a data: link, as plain text',
      md: '[clic](data:text/html,<b>x</b>)',
      shape: 'paragraph["[clic](data:text/html,<b>x</b>)"]'
    },
    { name: 'raw HTML, as plain text', md: '<b>negrita</b>', shape: 'paragraph["<b>negrita</b>"]' },
    { name: 'a hard break', md: 'uno  \ndos', shape: 'paragraph["uno", hard_break, "dos"]' },
    { name: 'inline code, as emphasis', md: 'usa `x`', shape: 'paragraph["usa ", em"x"]' },
    { name: 'a horizontal rule, dropped', md: 'a\n\n---\n\nb', shape: 'paragraph["a"], paragraph["b"]' },
    { name: 'an image, dropped', md: 'a ![logo](https://x.org/a.png)', shape: 'paragraph["a "]' }
  ]) {
    test(`parses ${name}`, () => {
      expect(body(md)).toBe(shape)
    })
  }

  test('gives every block, nested ones too, a unique id', () => {
    const doc = parseMarkdown('# T\n\nuno\n\n> cita\n>\n> - a\n> - b\n\n1. x\n2. y\n\nuno')
    const ids = blocks(doc).map(([, id]) => id)
    expect(ids.length).toBe(15)
    for (const id of ids) expect(id).toMatch(/^b[a-z0-9]{10}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
