import { parseHTML } from 'linkedom'
import { DOMParser, type TagParseRule } from 'prosemirror-model'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { schema, withBlockIds } from '../../src'
import { nestsDeeperThan } from './nestsDeeperThan'
import { ImportError } from './ImportError'
import { defaultImportLimits, type ImportLimits } from './ImportLimits'
import { notEmpty } from './notEmpty'

/**
 * Deepest nesting of elements accepted. Real documents stay under a few
 * dozen; building and walking a DOM recurses once per level, and past a few
 * thousand levels that costs seconds and then overflows the stack.
 */
export const MAX_HTML_DEPTH = 256

// The schema's own rules keep only its nodes and marks, drop every attribute
// but a link's href (web and mail only) and title and a list's start (as a
// number only), and already ignore head, script, style, noscript, object and
// title. These add what has no place in a text either, with its content:
// embedded pages, graphics, form fields.
const ignored = ['iframe', 'frame', 'frameset', 'embed', 'template', 'svg', 'math', 'canvas', 'audio', 'video', 'textarea', 'select']
const extraRules: TagParseRule[] = [
  ...ignored.map((tag) => ({ tag, ignore: true })),
  // The schema has three heading levels: deeper ones become level 3, as in
  // the Markdown import.
  ...['h4', 'h5', 'h6'].map((tag) => ({ tag, node: 'heading', attrs: { level: 3 } }))
]
const parser = new DOMParser(schema, [...extraRules, ...DOMParser.fromSchema(schema).rules])

/**
 * An HTML document or fragment as a document of {@link schema}, with fresh
 * block ids. Only what the schema holds survives: headings, paragraphs,
 * lists, block quotes, line breaks, bold, italic and links to the web or to
 * mail; the text of other elements is kept as plain paragraphs, and scripts,
 * styles, embedded frames and every other attribute are dropped. Nothing is
 * fetched or run. Throws {@link ImportError}: `too_large` over
 * `limits.maxTextLength` characters, `malformed` when nested more than
 * {@link MAX_HTML_DEPTH} deep, `empty` when no text is left.
 */
export function importHtml(html: string, limits: ImportLimits = defaultImportLimits): ProseMirrorNode {
  if (html.length > limits.maxTextLength)
    throw new ImportError('too_large', `the HTML is ${html.length} characters long; the limit is ${limits.maxTextLength}`)
  if (nestsDeeperThan(html, MAX_HTML_DEPTH))
    throw new ImportError('malformed', `the HTML nests elements more than ${MAX_HTML_DEPTH} deep, the limit`)
  // linkedom (no scripts, no network, no layout) rather than a browser-grade
  // DOM: the schema's parse rules need only elements, attributes and styles.
  // Parsing into a <div> treats a whole document and a fragment alike.
  const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>')
  const container = document.createElement('div')
  // linkedom cannot hold a doctype inside an element: it would cut the
  // document off after it.
  container.innerHTML = html.replace(/<!doctype[^>]*>/gi, '')
  // Ids come from the file otherwise (data-block-id); an imported text is a
  // new document and its blocks get new ones.
  for (const element of Array.from(container.querySelectorAll('[data-block-id]'))) element.removeAttribute('data-block-id')
  // ProseMirror reads table cells and terms as inline, which runs the text of
  // neighbouring cells together; as divs, each becomes its own paragraph.
  for (const cell of Array.from(container.querySelectorAll('td, th, caption, dt'))) {
    const block = document.createElement('div')
    block.append(...Array.from(cell.childNodes))
    cell.replaceWith(block)
  }
  return withBlockIds(notEmpty(parser.parse(container), 'HTML'))
}
