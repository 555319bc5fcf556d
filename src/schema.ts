import { Schema, type NodeSpec, type MarkSpec, type Node as ProseMirrorNode } from 'prosemirror-model'

/**
 * Every block node carries an `id` attribute so that a paragraph can be cited
 * ("§ b7k2…") and so that diffs and comments can follow it across versions.
 * The id is `null` only transiently, until the editor's block-id plugin (or
 * {@link withBlockIds}) gives it one.
 */
const blockId = { id: { default: null as string | null, validate: 'string|null' } }

/**
 * What the parse rules read of an element: src/ knows no DOM types, and the
 * rules need only this much of one (in a browser, or linkedom on the server).
 */
interface ParsedElement {
  getAttribute(name: string): string | null
  readonly style: { readonly fontWeight: string }
}

// Block ids travel in the DOM as data-block-id so that copy/paste within the
// editor keeps them; duplicates created that way are renumbered by blockIdFixes.
const idFromDom = (dom: ParsedElement | string) =>
  typeof dom === 'string' ? {} : { id: dom.getAttribute('data-block-id') }
const idToDom = (node: ProseMirrorNode) => (node.attrs.id ? { 'data-block-id': node.attrs.id as string } : {})

/**
 * An `<ol start>` as HTML reads it (a whole number, what follows it ignored;
 * 1 when there is none), kept only as a number a Markdown list can start at
 * (0 to 999999999): never NaN, negative or past what can be written back.
 */
function listStart(value: string | null): number {
  const digits = /^[\t\n\f\r ]*\+?(\d{1,9})(?!\d)/.exec(value ?? '')
  return digits ? Number(digits[1]) : 1
}

const cellAttrs = {
  colspan: { default: 1, validate: 'number' },
  rowspan: { default: 1, validate: 'number' },
  colwidth: { default: null as number[] | null }
}

// A span as HTML reads it: a whole number from 1 to 1000 (HTML's own limit for
// colspan is 1000, for rowspan 65534; no negotiated text comes near either).
const span = (value: string | null): number => Math.min(1000, Math.max(1, Number.parseInt(value ?? '', 10) || 1))

function cellAttrsFromDom(dom: ParsedElement | string) {
  if (typeof dom === 'string') return {}
  const widths = (dom.getAttribute('data-colwidth') ?? '').split(',').map(Number)
  const colspan = span(dom.getAttribute('colspan'))
  return {
    colspan,
    rowspan: span(dom.getAttribute('rowspan')),
    colwidth: widths.length === colspan && widths.every((w) => Number.isFinite(w) && w > 0) ? widths : null
  }
}

function cellAttrsToDom(node: ProseMirrorNode): Record<string, string> {
  const attrs: Record<string, string> = {}
  if (node.attrs.colspan !== 1) attrs.colspan = String(node.attrs.colspan)
  if (node.attrs.rowspan !== 1) attrs.rowspan = String(node.attrs.rowspan)
  const widths = node.attrs.colwidth as number[] | null
  if (widths) attrs['data-colwidth'] = widths.join(',')
  return attrs
}

const nodes = {
  doc: { content: 'block+' },
  paragraph: {
    attrs: blockId,
    content: 'inline*',
    group: 'block',
    parseDOM: [{ tag: 'p', getAttrs: idFromDom }],
    toDOM: (node) => ['p', idToDom(node), 0]
  },
  heading: {
    attrs: { ...blockId, level: { default: 1, validate: 'number' } },
    content: 'inline*',
    group: 'block',
    defining: true,
    parseDOM: [1, 2, 3].map((level) => ({
      tag: `h${level}`,
      getAttrs: (dom: ParsedElement | string) => ({ ...idFromDom(dom), level })
    })),
    toDOM: (node) => [`h${node.attrs.level as number}`, idToDom(node), 0]
  },
  blockquote: {
    attrs: blockId,
    content: 'block+',
    group: 'block',
    defining: true,
    parseDOM: [{ tag: 'blockquote', getAttrs: idFromDom }],
    toDOM: (node) => ['blockquote', idToDom(node), 0]
  },
  ordered_list: {
    attrs: { ...blockId, order: { default: 1, validate: 'number' } },
    content: 'list_item+',
    group: 'block',
    parseDOM: [
      {
        tag: 'ol',
        getAttrs: (dom: ParsedElement | string) =>
          typeof dom === 'string'
            ? {}
            : { ...idFromDom(dom), order: listStart(dom.getAttribute('start')) }
      }
    ],
    toDOM: (node) => ['ol', { ...idToDom(node), ...(node.attrs.order === 1 ? {} : { start: node.attrs.order }) }, 0]
  },
  bullet_list: {
    attrs: blockId,
    content: 'list_item+',
    group: 'block',
    parseDOM: [{ tag: 'ul', getAttrs: idFromDom }],
    toDOM: (node) => ['ul', idToDom(node), 0]
  },
  list_item: {
    attrs: blockId,
    content: 'paragraph block*',
    defining: true,
    parseDOM: [{ tag: 'li', getAttrs: idFromDom }],
    toDOM: (node) => ['li', idToDom(node), 0]
  },
  // Tables as Word has them: rows of cells, header cells, cells merged across
  // columns (colspan, Word's gridSpan) and down rows (rowspan, Word's vMerge).
  // The attributes and `tableRole`s are those prosemirror-tables expects, so
  // that its commands (add a row, merge cells) work on these nodes.
  table: {
    attrs: blockId,
    content: 'table_row+',
    group: 'block',
    tableRole: 'table',
    isolating: true,
    parseDOM: [{ tag: 'table', getAttrs: idFromDom }],
    toDOM: (node) => ['table', idToDom(node), ['tbody', 0]]
  },
  table_row: {
    content: '(table_cell | table_header)+',
    tableRole: 'row',
    parseDOM: [{ tag: 'tr' }],
    toDOM: () => ['tr', 0]
  },
  table_cell: {
    attrs: cellAttrs,
    content: 'block+',
    tableRole: 'cell',
    isolating: true,
    parseDOM: [{ tag: 'td', getAttrs: cellAttrsFromDom }],
    toDOM: (node) => ['td', cellAttrsToDom(node), 0]
  },
  table_header: {
    attrs: cellAttrs,
    content: 'block+',
    tableRole: 'header_cell',
    isolating: true,
    parseDOM: [{ tag: 'th', getAttrs: cellAttrsFromDom }],
    toDOM: (node) => ['th', cellAttrsToDom(node), 0]
  },
  // A footnote is a marker in the text that holds its note's paragraphs; it
  // has no number of its own: views and exports number the markers in reading
  // order, so that adding or removing one renumbers the rest. Its paragraphs
  // are text blocks of the document like any other (they carry block ids,
  // comments anchor in them, the diff compares them).
  footnote: {
    inline: true,
    group: 'inline',
    content: 'paragraph+',
    // An atom to the text around it: the note is edited in an editor of its own
    // (the editor's FootnoteView), since a caret cannot stay in paragraphs
    // inside a line. Marks of the text do not reach into it.
    atom: true,
    marks: '',
    parseDOM: [{ tag: 'span[data-footnote]' }],
    toDOM: () => ['span', { 'data-footnote': '', class: 'footnote' }, 0]
  },
  // A picture, kept in the document itself as a data: URL of a raster image
  // (PNG, JPEG, GIF or WebP): nothing is fetched, no script can ride in an
  // SVG. Any other source is dropped by the parse rule and never rendered.
  image: {
    inline: true,
    group: 'inline',
    draggable: true,
    attrs: {
      src: { validate: 'string' },
      alt: { default: null as string | null, validate: 'string|null' }
    },
    parseDOM: [
      {
        tag: 'img[src]',
        getAttrs: (dom: ParsedElement) => {
          const src = dom.getAttribute('src') ?? ''
          return isSafeImageSrc(src) ? { src, alt: dom.getAttribute('alt') || null } : false
        }
      }
    ],
    toDOM: (node) => {
      const src = node.attrs.src as string
      const alt = (node.attrs.alt as string | null) ?? ''
      return ['img', isSafeImageSrc(src) ? { src, alt } : { alt }]
    }
  },
  text: { group: 'inline' },
  hard_break: {
    inline: true,
    group: 'inline',
    selectable: false,
    parseDOM: [{ tag: 'br' }],
    toDOM: () => ['br']
  }
} satisfies Record<string, NodeSpec>

/**
 * The link rule: links may only point to the web or to mail. Anything else
 * (`javascript:`, `data:`, a relative path) is dropped by the importers,
 * refused when it comes over the WebSocket, and never rendered as an `href`.
 */
export const isSafeHref = (href: string): boolean => /^(https?:|mailto:)/i.test(href.trim())

/** The raster image types a picture may have. */
export const IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']

/**
 * Largest picture kept in a document, in bytes of the image itself (its data
 * URL is a third longer). Default 1 MiB: a photo or a chart at page width;
 * every client holds every picture of the text in memory.
 */
export const MAX_IMAGE_BYTES = 1024 * 1024

/**
 * The picture rule: a picture's source is a base64 data: URL of one of
 * {@link IMAGE_TYPES}, at most {@link MAX_IMAGE_BYTES} long once decoded.
 */
export function isSafeImageSrc(src: string): boolean {
  const match = /^data:(image\/[a-z]+);base64,([A-Za-z0-9+/]*={0,2})$/.exec(src)
  return !!match && IMAGE_TYPES.includes(match[1]!) && Math.floor((match[2]!.length * 3) / 4) <= MAX_IMAGE_BYTES
}

// y-prosemirror names a mark that may overlap itself `<name>--<8-character hash>`.
const HASHED_MARK_NAME = /^(.*)--[a-zA-Z0-9+/=]{8}$/

/**
 * Whether a formatting attribute of the shared text (`key` and `value` as
 * y-prosemirror writes a mark on a Y.XmlText: the mark's name, its attrs)
 * is a link that breaks {@link isSafeHref}: a link mark whose `href` is not
 * an http(s) or mailto address, or is no text at all. `null` ends a format
 * and is never one.
 */
export function isUnsafeLinkFormat(key: string, value: unknown): boolean {
  if ((HASHED_MARK_NAME.exec(key)?.[1] ?? key) !== 'link' || value === null) return false
  const href = typeof value === 'object' ? (value as { href?: unknown }).href : undefined
  return typeof href !== 'string' || !isSafeHref(href)
}

const marks = {
  strong: {
    parseDOM: [
      { tag: 'strong' },
      { tag: 'b', getAttrs: (dom: ParsedElement) => dom.style.fontWeight !== 'normal' && null },
      { style: 'font-weight=bold' }
    ],
    toDOM: () => ['strong', 0]
  },
  em: {
    parseDOM: [{ tag: 'i' }, { tag: 'em' }, { style: 'font-style=italic' }],
    toDOM: () => ['em', 0]
  },
  link: {
    attrs: { href: { validate: 'string' }, title: { default: null, validate: 'string|null' } },
    inclusive: false,
    parseDOM: [
      {
        tag: 'a[href]',
        getAttrs: (dom: ParsedElement) => {
          const href = dom.getAttribute('href') ?? ''
          return isSafeHref(href) ? { href, title: dom.getAttribute('title') } : false
        }
      }
    ],
    // A link that breaks the rule (stored before it was enforced, say) is shown without its href: its text stays, nothing runs.
    toDOM: (mark) => {
      const href = mark.attrs.href as string
      const title = mark.attrs.title as string | null
      return ['a', isSafeHref(href) ? { href, title, rel: 'noopener noreferrer nofollow' } : { title, rel: 'noopener noreferrer nofollow' }, 0]
    }
  }
} satisfies Record<string, MarkSpec>

/**
 * The schema of a negotiated text: headings (levels 1–3), paragraphs, ordered
 * and bullet lists, block quotes, tables (with header cells and merged
 * cells), footnotes, pictures (raster, kept in the text), hard breaks, bold,
 * italic and links.
 */
export const schema = new Schema({ nodes, marks })

/** The node types that carry a block id. */
export const BLOCK_TYPES: ReadonlySet<string> = new Set(
  Object.entries(nodes)
    .filter(([, spec]) => 'attrs' in spec && 'id' in spec.attrs)
    .map(([name]) => name)
)
