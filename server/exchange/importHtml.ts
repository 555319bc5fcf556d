import { parseHTML } from 'linkedom'
import { DOMParser, type TagParseRule } from 'prosemirror-model'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { IMAGE_TYPES, isSafeImageSrc, MAX_IMAGE_BYTES, schema, withBlockIds, type LeftOut } from '../../src'
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

/** A document read from a file, with what the document could not hold. */
export interface Imported {
  readonly doc: ProseMirrorNode
  /** Pictures (and so on) of the file that are not in `doc`, each with the reason. */
  readonly leftOut: readonly LeftOut[]
}

/**
 * An HTML document or fragment as a document of {@link schema}, with fresh
 * block ids. Only what the schema holds survives: headings, paragraphs,
 * lists, block quotes, tables (header cells, merged cells), footnotes,
 * pictures, line breaks, bold, italic and links to the web or to mail; the
 * text of other elements is kept as plain paragraphs, and scripts, styles,
 * embedded frames and every other attribute are dropped. Nothing is fetched
 * or run. Throws {@link ImportError}: `too_large` over
 * `limits.maxTextLength` characters, `malformed` when nested more than
 * {@link MAX_HTML_DEPTH} deep, `empty` when no text is left.
 */
export function importHtml(html: string, limits: ImportLimits = defaultImportLimits): ProseMirrorNode {
  return importHtmlReporting(html, limits).doc
}

/**
 * {@link importHtml}, saying what was left out: pictures that are not a
 * raster data: URL of at most {@link MAX_IMAGE_BYTES} (a picture on the web
 * is never fetched). `pictures` gives, for `<img>` sources that name one,
 * its data: URL or why it is left out (how the Word import passes a file's
 * pictures without making the HTML as long as they are).
 */
export function importHtmlReporting(
  html: string,
  limits: ImportLimits = defaultImportLimits,
  pictures: ReadonlyMap<string, { readonly src: string } | LeftOut> = new Map()
): Imported {
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
  foldFootnotes(document, container)
  const leftOut = keepPictures(container, pictures)
  // ProseMirror reads captions and terms as inline, which runs their text
  // into the next; as divs, each becomes its own paragraph.
  for (const cell of Array.from(container.querySelectorAll('caption, dt'))) {
    const block = document.createElement('div')
    block.append(...Array.from(cell.childNodes))
    cell.replaceWith(block)
  }
  return { doc: withBlockIds(notEmpty(parser.parse(container), 'HTML')), leftOut }
}

type Document = ReturnType<typeof parseHTML>['document']
type Element = NonNullable<ReturnType<Document['querySelector']>>

/**
 * Moves each footnote into its marker, as the schema holds one: a reference
 * `<sup><a href="#note">` to a list item `<li id="note">` (how mammoth,
 * markdown-it-footnote and pandoc all write notes) becomes
 * `<span data-footnote>` holding the item's paragraphs, without the link back
 * ("↑", "↩"); the item leaves the list of notes, and an emptied list goes too.
 */
function foldFootnotes(document: Document, container: Element): void {
  const byId = new Map<string, Element>()
  for (const element of Array.from(container.querySelectorAll('[id]'))) byId.set(element.getAttribute('id') ?? '', element)
  for (const link of Array.from(container.querySelectorAll('sup a[href^="#"]'))) {
    const item = byId.get(decodeURIComponent((link.getAttribute('href') ?? '').slice(1)))
    const sup = link.closest('sup')
    if (!item || item.tagName !== 'LI' || !item.parentNode || !sup) continue
    for (const back of Array.from(item.querySelectorAll('a[href^="#"]'))) back.remove()
    const list = item.parentElement
    const marker = document.createElement('span')
    marker.setAttribute('data-footnote', '')
    marker.append(...Array.from(item.childNodes))
    sup.replaceWith(marker)
    item.remove()
    if (list && list.querySelectorAll('li').length === 0) {
      // markdown-it-footnote wraps the list in <section class="footnotes"> after an <hr>.
      const section = list.parentElement?.tagName === 'SECTION' ? list.parentElement : list
      if (section.previousElementSibling?.tagName === 'HR') section.previousElementSibling.remove()
      section.remove()
    }
  }
}

/**
 * Keeps the pictures the schema admits (see `isSafeImageSrc`), with the data
 * `pictures` gives for theirs, and removes the others, saying why.
 */
function keepPictures(container: Element, pictures: ReadonlyMap<string, { readonly src: string } | LeftOut>): LeftOut[] {
  const leftOut: LeftOut[] = []
  for (const img of Array.from(container.querySelectorAll('img'))) {
    const given = img.getAttribute('src') ?? ''
    const picture = pictures.get(given)
    if (picture && 'reason' in picture) {
      leftOut.push(picture)
      img.remove()
      continue
    }
    const src = picture?.src ?? given
    if (isSafeImageSrc(src)) {
      img.setAttribute('src', src)
      continue
    }
    leftOut.push({ what: 'image', reason: pictureRefusal(src, img.getAttribute('alt')) })
    img.remove()
  }
  return leftOut
}

/** Why a picture whose source is `src` is not kept, in words for the uploader. */
export function pictureRefusal(src: string, alt: string | null): string {
  const name = alt ? `the picture "${alt}"` : 'a picture'
  const type = /^data:([^;,]+)/.exec(src)?.[1]
  return src === ''
        ? `${name} could not be read`
        : !type
          ? `${name} is linked, not part of the file; pictures are kept only when they are in the file`
          : !IMAGE_TYPES.includes(type)
            ? `${name} is ${type}; only PNG, JPEG, GIF and WebP pictures are kept`
            : `${name} is over ${MAX_IMAGE_BYTES / 1024 / 1024} MiB, the largest picture kept`
}
