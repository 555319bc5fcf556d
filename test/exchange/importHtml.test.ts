import { describe, expect, test } from 'vitest'
import { defaultImportLimits, ImportError, importHtml, MAX_HTML_DEPTH } from '../../server/exchange'
import { blocks } from '../unit/builders'
import { shape } from './helpers'

const body = (html: string) => shape(importHtml(html)).slice('doc['.length, -1)

describe('importHtml', () => {
  for (const { name, html, expected } of [
    { name: 'headings, deeper ones as level 3', html: '<h1>A</h1><h2>B</h2><h3>C</h3><h4>D</h4><h6>E</h6>', expected: 'heading(level=1)["A"], heading(level=2)["B"], heading(level=3)["C"], heading(level=3)["D"], heading(level=3)["E"]' },
    { name: 'bold, italic, links and line breaks', html: '<p><b>a</b> <strong>b</strong> <i>c</i> <em>d</em> <a href="https://www.crmsv.org" title="CRM">e</a><br>f</p>', expected: 'paragraph[strong"a", " ", strong"b", " ", em"c", " ", em"d", " ", link(https://www.crmsv.org)"e", hard_break, "f"]' },
    { name: 'nested lists and an ordered list from 3', html: '<ul><li>uno<ul><li>dos</li></ul></li></ul><ol start="3"><li>tres</li></ol>', expected: 'bullet_list[list_item[paragraph["uno"], bullet_list[list_item[paragraph["dos"]]]]], ordered_list(order=3)[list_item[paragraph["tres"]]]' },
    { name: 'a block quote', html: '<blockquote><p>cita</p></blockquote>', expected: 'blockquote[paragraph["cita"]]' },
    { name: 'a whole document, its head left out', html: '<!doctype html><html><head><title>Título</title><meta charset="utf-8"></head><body><p>Texto</p></body></html>', expected: 'paragraph["Texto"]' },
    {
      name: 'a table, as a table whose cells hold paragraphs',
      html: '<table><tr><td>uno</td><td>dos</td></tr></table>',
      expected: 'table[table_row[table_cell(colspan=1,rowspan=1)[paragraph["uno"]], table_cell(colspan=1,rowspan=1)[paragraph["dos"]]]]'
    },
    { name: "Google Docs' not-bold wrapper, as plain text", html: '<b style="font-weight:normal"><p>Texto</p></b>', expected: 'paragraph["Texto"]' }
  ]) {
    test(`reads ${name}`, () => {
      expect(body(html)).toBe(expected)
    })
  }

  for (const { name, html, expected } of [
    { name: 'a script', html: '<p>Texto</p><script>alert(1)</script>', expected: 'paragraph["Texto"]' },
    { name: 'a script inside a paragraph', html: '<p>Te<script>alert(1)</script>xto</p>', expected: 'paragraph["Texto"]' },
    { name: 'a style sheet', html: '<style>p { color: red }</style><p>Texto</p>', expected: 'paragraph["Texto"]' },
    { name: 'an image with onerror', html: '<p>Texto<img src="x" onerror="alert(1)"></p>', expected: 'paragraph["Texto"]' },
    { name: 'an iframe and its fallback', html: '<iframe src="https://evil.example"><p>dentro</p></iframe><p>Texto</p>', expected: 'paragraph["Texto"]' },
    { name: 'object, embed, svg, math, template, noscript and textarea', html: '<object data="x"><p>o</p></object><embed src="x"><svg onload="alert(1)"><text>s</text></svg><math><mi>m</mi></math><template><p>t</p></template><noscript><p>n</p></noscript><textarea>a</textarea><p>Texto</p>', expected: 'paragraph["Texto"]' },
    { name: 'event handlers, styles, classes and ids on elements', html: '<p onclick="alert(1)" style="color:red" class="c" id="i">Texto</p>', expected: 'paragraph["Texto"]' },
    { name: 'a javascript: link', html: '<p><a href="javascript:alert(1)">clic</a></p>', expected: 'paragraph["clic"]' },
    { name: 'a javascript: link in mixed case with spaces', html: '<p><a href=" JaVaScRiPt:alert(1)">clic</a></p>', expected: 'paragraph["clic"]' },
    { name: 'a data: link', html: '<p><a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">clic</a></p>', expected: 'paragraph["clic"]' },
    { name: 'a vbscript: link', html: '<p><a href="vbscript:msgbox(1)">clic</a></p>', expected: 'paragraph["clic"]' },
    { name: 'a web link with a target and a handler', html: '<p><a href="https://x.org" target="_blank" onclick="alert(1)">clic</a></p>', expected: 'paragraph[link(https://x.org)"clic"]' },
    { name: 'meta refresh, base and link elements', html: '<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/"><link rel="stylesheet" href="x.css"><p>Texto</p>', expected: 'paragraph["Texto"]' },
    { name: 'escaped markup', html: '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>', expected: 'paragraph["<script>alert(1)</script>"]' }
  ]) {
    test(`keeps only safe text from ${name}`, () => {
      expect(body(html)).toBe(expected)
    })
  }

  test('keeps no trace of hostile markup anywhere in the document', () => {
    const doc = importHtml(
      '<h1 onmouseover="alert(1)">Título</h1><script>alert(1)</script><style>*{}</style><iframe src="javascript:alert(1)"></iframe>' +
        '<p><img src=x onerror=alert(1)><a href="javascript:alert(1)">a</a><a href="https://x.org" onclick="alert(1)">b</a></p>'
    )
    const json = JSON.stringify(doc.toJSON())
    for (const trace of ['alert', 'javascript', 'onerror', 'onclick', 'onmouseover', 'iframe', 'img', 'style', 'script']) expect(json).not.toContain(trace)
    expect(doc.textContent).toBe('Títuloab')
  })

  for (const [start, order] of [
    ['5', 5],
    ['0', 0],
    [' +007', 7],
    ['12 puntos', 12],
    ['999999999', 999999999],
    ['quinto', 1],
    ['', 1],
    ['-3', 1],
    ['1234567890', 1]
  ] as const) {
    test(`reads <ol start="${start}"> as a list from ${order}: a number a Markdown list can start at, or 1`, () => {
      expect(body(`<ol start="${start}"><li>uno</li></ol>`)).toBe(`ordered_list(order=${order})[list_item[paragraph["uno"]]]`)
    })
  }

  test('gives blocks fresh ids, ignoring the ones the HTML carries', () => {
    const doc = importHtml('<p data-block-id="intruso">uno</p><p data-block-id="intruso">dos</p>')
    const ids = blocks(doc).map(([, id]) => id)
    expect(ids).toHaveLength(2)
    for (const id of ids) expect(id).toMatch(/^b[a-z0-9]{10}$/)
    expect(new Set(ids).size).toBe(2)
  })

  for (const { name, html } of [
    { name: 'an empty string', html: '' },
    { name: 'white space', html: '  \n ' },
    { name: 'only a script and a style', html: '<script>alert(1)</script><style>p{}</style>' },
    { name: 'empty paragraphs', html: '<p> </p><p></p>' }
  ]) {
    test(`refuses ${name} as empty`, () => {
      expect(() => importHtml(html)).toThrow(expect.objectContaining({ name: 'ImportError', failure: 'empty' }))
    })
  }

  test('refuses HTML nested deeper than the limit, quickly', () => {
    const depth = 100_000
    const started = Date.now()
    let error: unknown
    try {
      importHtml('<div>'.repeat(depth) + 'x' + '</div>'.repeat(depth))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ImportError)
    expect(error).toMatchObject({ failure: 'malformed', message: expect.stringContaining(`more than ${MAX_HTML_DEPTH} deep`) })
    expect(Date.now() - started).toBeLessThan(500)
  })

  test('reads HTML nested up to the limit', () => {
    const depth = MAX_HTML_DEPTH - 1
    expect(importHtml('<div>'.repeat(depth) + 'x' + '</div>'.repeat(depth)).textContent).toBe('x')
  })

  test('refuses text over the size limit', () => {
    expect(() => importHtml('<p>demasiado largo</p>', { ...defaultImportLimits, maxTextLength: 10 })).toThrow(
      expect.objectContaining({ failure: 'too_large' })
    )
  })
})
