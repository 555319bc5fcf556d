// The ambient declaration of an untyped module cannot be imported; every tsconfig that reaches this file must see it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./markdownItFootnote.d.ts" />
import MarkdownIt from 'markdown-it'
import markdownItFootnote from 'markdown-it-footnote'
import { MarkdownParser } from 'prosemirror-markdown'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { isSafeHref, schema } from './schema'
import { withBlockIds } from './blockId'

// CommonMark without raw HTML: a Markdown file can only produce what the
// schema has, and a link only to the web or to mail (others stay plain text).
// With GFM's tables and the footnotes of markdown-it-footnote
// (`text[^1]` … `[^1]: the note`), as GitHub and pandoc write them.
const markdownIt = new MarkdownIt('commonmark', { html: false }).enable('table').use(markdownItFootnote)
markdownIt.validateLink = isSafeHref
markdownIt.core.ruler.push('consenso_cells_and_notes', (state) => {
  state.tokens = notesInPlace(cellsAsParagraphs(state.tokens, state.Token), state.Token)
  return true
})

type Token = ReturnType<MarkdownIt['parse']>[number]
type TokenClass = new (type: string, tag: string, nesting: -1 | 0 | 1) => Token

// A GFM cell holds inline text; a cell of the schema holds paragraphs.
function cellsAsParagraphs(tokens: Token[], Token: TokenClass): Token[] {
  const out: Token[] = []
  for (const [i, token] of tokens.entries()) {
    const inCell = token.type === 'inline' && /^t[hd]_open$/.test(tokens[i - 1]?.type ?? '')
    if (inCell) out.push(new Token('paragraph_open', 'p', 1))
    out.push(token)
    if (inCell) out.push(new Token('paragraph_close', 'p', -1))
  }
  return out
}

// markdown-it-footnote writes a note's reference inline (footnote_ref) and
// its text in a block at the end; the schema holds the note in its marker.
function notesInPlace(tokens: Token[], Token: TokenClass): Token[] {
  const notes = new Map<number, Token[]>()
  const body: Token[] = []
  let note: Token[] | null = null
  for (const token of tokens) {
    if (token.type === 'footnote_block_open' || token.type === 'footnote_block_close') continue
    if (token.type === 'footnote_open') notes.set((token.meta as { id: number }).id, (note = []))
    else if (token.type === 'footnote_close') note = null
    // The "↩" back to the reference.
    else if (token.type === 'footnote_anchor') continue
    else (note ?? body).push(token)
  }
  const used = new Set<number>()
  for (const token of body) {
    if (token.type !== 'inline' || !token.children) continue
    token.children = token.children.flatMap((child) => {
      if (child.type !== 'footnote_ref') return [child]
      const id = (child.meta as { id: number }).id
      // A note cited twice is held by its first marker; the second is plain text.
      if (used.has(id) || !notes.has(id)) return [Object.assign(new Token('text', '', 0), { content: `[^${(child.meta as { label?: string }).label ?? id + 1}]` })]
      used.add(id)
      return [new Token('footnote_open', 'span', 1), ...notes.get(id)!, new Token('footnote_close', 'span', -1)]
    })
  }
  return body
}

const parser = new MarkdownParser(schema, markdownIt, {
  blockquote: { block: 'blockquote' },
  paragraph: { block: 'paragraph' },
  list_item: { block: 'list_item' },
  table: { block: 'table' },
  thead: { ignore: true },
  tbody: { ignore: true },
  tr: { block: 'table_row' },
  th: { block: 'table_header' },
  td: { block: 'table_cell' },
  footnote: { block: 'footnote' },
  bullet_list: { block: 'bullet_list' },
  ordered_list: { block: 'ordered_list', getAttrs: (tok) => ({ order: Number(tok.attrGet('start')) || 1 }) },
  // The schema has three heading levels: deeper ones become level 3.
  heading: { block: 'heading', getAttrs: (tok) => ({ level: Math.min(3, Number(tok.tag.slice(1))) }) },
  hardbreak: { node: 'hard_break' },
  em: { mark: 'em' },
  strong: { mark: 'strong' },
  link: { mark: 'link', getAttrs: (tok) => ({ href: tok.attrGet('href'), title: tok.attrGet('title') || null }) },
  // What the schema cannot hold is dropped rather than guessed at.
  code_inline: { mark: 'em' },
  code_block: { block: 'paragraph', noCloseToken: true },
  fence: { block: 'paragraph', noCloseToken: true },
  hr: { ignore: true, noCloseToken: true },
  image: { ignore: true, noCloseToken: true }
})

/**
 * Parses Markdown (CommonMark, GFM tables, footnotes) into a document of
 * {@link schema} whose blocks all have ids. A table's first row is its header.
 */
export function parseMarkdown(markdown: string): ProseMirrorNode {
  return withBlockIds(parser.parse(markdown))
}
