import { parseHTML } from 'linkedom'
import { DOMSerializer } from 'prosemirror-model'
import { describe, expect, test } from 'vitest'
import { isSafeHref, isUnsafeLinkFormat, schema } from '../../src'

// A paragraph holding one link to `href`, rendered as the editor renders it.
function renderedLink(href: string): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>')
  const paragraph = schema.node('paragraph', null, [schema.text('aquí', [schema.marks.link.create({ href })])])
  const dom = DOMSerializer.fromSchema(schema).serializeNode(paragraph, { document: document as unknown as Document }) as HTMLElement
  return dom.outerHTML
}

describe('The link rule', () => {
  test.each([
    ['https://www.sica.int/', true],
    ['HTTP://example.org', true],
    ['mailto:ppt@example.org', true],
    ['javascript:alert(1)', false],
    [' JavaScript:alert(1)', false],
    ['data:text/html,x', false],
    ['vbscript:x', false],
    ['/relative', false],
    ['', false]
  ])('isSafeHref(%j) is %s', (href, safe) => {
    expect(isSafeHref(href)).toBe(safe)
  })

  test.each([
    ['link', { href: 'javascript:alert(1)', title: null }, true],
    ['link--AbCd1234', { href: 'javascript:alert(1)' }, true],
    ['link', { href: 42 }, true],
    ['link', 'javascript:alert(1)', true],
    ['link', { href: 'https://www.sica.int/', title: null }, false],
    ['link', null, false],
    ['strong', { href: 'javascript:alert(1)' }, false],
    ['linked', { href: 'javascript:alert(1)' }, false]
  ])('a format %j of %j is an unsafe link: %s', (key, value, unsafe) => {
    expect(isUnsafeLinkFormat(key, value)).toBe(unsafe)
  })

  test('A link that breaks the rule is rendered with its text and without its href; one that keeps it, with its href.', () => {
    const unsafe = renderedLink('javascript:alert(document.cookie)')
    expect(unsafe).toContain('aquí')
    expect(unsafe).not.toContain('href')
    expect(unsafe).not.toContain('javascript')
    expect(renderedLink('https://www.sica.int/')).toContain('href="https://www.sica.int/"')
  })
})
