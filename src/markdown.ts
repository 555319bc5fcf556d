import MarkdownIt from 'markdown-it'
import { MarkdownParser } from 'prosemirror-markdown'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { isSafeHref, schema } from './schema'
import { withBlockIds } from './blockId'

// CommonMark without raw HTML: a Markdown file can only produce what the
// schema has, and a link only to the web or to mail (others stay plain text).
const markdownIt = new MarkdownIt('commonmark', { html: false })
markdownIt.validateLink = isSafeHref

const parser = new MarkdownParser(schema, markdownIt, {
  blockquote: { block: 'blockquote' },
  paragraph: { block: 'paragraph' },
  list_item: { block: 'list_item' },
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

/** Parses Markdown into a document of {@link schema} whose blocks all have ids. */
export function parseMarkdown(markdown: string): ProseMirrorNode {
  return withBlockIds(parser.parse(markdown))
}
