import { MarkdownSerializer, defaultMarkdownSerializer } from 'prosemirror-markdown'
import { Fragment, type Mark, type Node as ProseMirrorNode } from 'prosemirror-model'
import { isSafeHref } from './schema'

const base = defaultMarkdownSerializer.nodes

// Two lists of the same kind written one after the other would read back as
// one list: CommonMark starts a new list when the bullet or delimiter changes.
const followsSameType = (node: ProseMirrorNode, parent: ProseMirrorNode, index: number) =>
  index > 0 && parent.child(index - 1).type === node.type

// A link destination cannot hold spaces or angle brackets: they are
// percent-encoded, as markdown-it's own normalisation of links would do.
const destination = (href: string) =>
  href.replace(/[ <>]/g, encodeURIComponent).replace(/[()"\\]/g, '\\$&')

// A link whose only text node is its own address is written <https://…>, as
// prosemirror-markdown does, and its text is then not escaped. Decided from
// the node alone, so that opening, text and closing agree.
function isAutolink(link: Mark, parent: ProseMirrorNode, index: number): boolean {
  const href = link.attrs.href as string
  if (link.attrs.title || !/^\w+:[^\s<>]*$/.test(href)) return false
  const content = parent.child(index)
  if (!content.isText || content.text !== href || content.marks.at(-1) !== link) return false
  const alone = (i: number) => i < 0 || i >= parent.childCount || !link.isInSet(parent.child(i).marks)
  return alone(index - 1) && alone(index + 1)
}

const linkOf = (node: ProseMirrorNode) => node.marks.find((m) => m.type.name === 'link')

const serializer = new MarkdownSerializer(
  {
    blockquote: base.blockquote!,
    heading: base.heading!,
    paragraph: base.paragraph!,
    list_item: base.list_item!,
    bullet_list(state, node, parent, index) {
      const bullet = followsSameType(node, parent, index) ? '*' : '-'
      state.renderList(node, '  ', () => `${bullet} `)
    },
    ordered_list(state, node, parent, index) {
      const start = (node.attrs.order as number | null) ?? 1
      const delimiter = followsSameType(node, parent, index) ? ')' : '.'
      const width = String(start + node.childCount - 1).length
      state.renderList(node, ' '.repeat(width + 2), (i) => {
        const number = String(start + i)
        return `${' '.repeat(width - number.length)}${number}${delimiter} `
      })
    },
    table(state, node) {
      // GFM: the first row is the header; a merged cell is written once, the
      // columns it spans left empty, and every row padded to the widest.
      const rows = node.children.map((row) => row.children.flatMap((cell) => [cellText(cell, state), ...Array<string>(Math.max(0, (cell.attrs.colspan as number) - 1)).fill('')]))
      const width = Math.max(...rows.map((r) => r.length))
      const line = (cells: string[]) => `| ${[...cells, ...Array<string>(width - cells.length).fill('')].join(' | ')} |`
      rows.forEach((cells, i) => {
        state.write(line(cells))
        state.ensureNewLine()
        if (i === 0) {
          state.write(line(Array<string>(width).fill('---')))
          state.ensureNewLine()
        }
      })
      state.closeBlock(node)
    },
    // Written by the table: a cell's text is one line of its row.
    table_row() {},
    table_cell() {},
    table_header() {},
    footnote(state, node) {
      const notes = notesOf(state)
      notes.push(node)
      state.write(`[^${notes.length}]`)
    },
    // A picture lives in the document as a data: URL, which Markdown readers
    // (this one included) do not take as an image source: it is left out.
    image() {},
    hard_break(state, node, parent, index) {
      // A heading is one line in Markdown: a break inside it becomes a space
      // rather than ending the heading and starting a paragraph.
      if (parent.type.name === 'heading') return state.write(' ')
      base.hard_break!(state, node, parent, index)
    },
    text(state, node, parent, index) {
      const text = node.text ?? ''
      // prosemirror-markdown escapes "1. " at the start of a line but not
      // "1) ", which CommonMark also reads as an ordered list item.
      const atLineStart = index === 0 || parent.child(index - 1).type.name === 'hard_break'
      const listLike = atLineStart && node.marks.length === 0 ? /^(\d{1,9})\)/.exec(text) : null
      if (listLike) {
        state.write(`${listLike[1]}\\)`)
        state.text(text.slice(listLike[0].length))
      } else {
        const link = linkOf(node)
        state.text(text, !(link && isAutolink(link, parent, index)))
      }
    }
  },
  {
    em: defaultMarkdownSerializer.marks.em!,
    strong: defaultMarkdownSerializer.marks.strong!,
    link: {
      open: (_state, mark, parent, index) => (isAutolink(mark, parent, index) ? '<' : '['),
      close(_state, mark, parent, index) {
        // Called with the index just past the link's last node.
        if (isAutolink(mark, parent, index - 1)) return '>'
        const title = mark.attrs.title as string | null
        return `](${destination(mark.attrs.href as string)}${title ? ` "${title.replace(/["\\]/g, '\\$&')}"` : ''})`
      },
      mixable: true
    }
  },
  {
    // What would otherwise read back as an autolink (<https://…>, <a@b.org>),
    // as raw HTML (<script>, </p>, <!-- -->, <?php) in a Markdown reader that
    // passes HTML through, or as an entity (&amp;), in plain text.
    escapeExtraCharacters: /<(?=[a-z/!?]|[^\s<>@]+@)|&(?=#?\w+;)/gi
  }
)

/**
 * A document of {@link schema} as CommonMark: headings (`#`–`###`), paragraphs,
 * `-` and `1.` lists (nested ones indented), `>` block quotes, `\` hard breaks,
 * `*em*`, `**strong**`, links, GFM tables (the first row as header, merged
 * cells written once) and footnotes (`[^1]` … `[^1]: note`). Guarantees that {@link parseMarkdown} of
 * the result gives back the same blocks, marks and text (block ids aside),
 * except that empty paragraphs vanish (Markdown has none), a hard break inside
 * a heading becomes a space, and links that are neither web nor mail links
 * (which the schema does not admit anyway) are written as plain text; and
 * that tables lose what GFM cannot say (merged cells, a first row of plain
 * cells, several paragraphs in a cell) and pictures are left out.
 */
export function serializeMarkdown(doc: ProseMirrorNode): string {
  const notes: ProseMirrorNode[] = []
  // Our schema has no `tight` attribute: lists are written compactly.
  const text = serializer.serialize(withoutUnsafeLinks(doc), { tightLists: true, notes } as SerializerOptions)
  // Each note after the text, as markdown-it-footnote reads it: `[^n]: ` and
  // its further paragraphs indented by four spaces.
  const definitions = notes.map((note, i) => {
    const body = serializeMarkdown(note.type.schema.node('doc', null, note.content)).trimEnd()
    const lines = body.split('\n').map((line, n) => (n === 0 || line === '' ? line : `    ${line}`))
    return `[^${i + 1}]: ${lines.join('\n')}`
  })
  return definitions.length ? `${text.trimEnd()}\n\n${definitions.join('\n\n')}\n` : text
}

type SerializerOptions = Parameters<MarkdownSerializer['serialize']>[1]
type SerializerState = Parameters<MarkdownSerializer['nodes'][string]>[0]

// The notes met so far in one serialization, kept in its state's options.
const notesOf = (state: SerializerState): ProseMirrorNode[] => (state.options as { notes?: ProseMirrorNode[] }).notes ?? []

// A cell's blocks as one line of Markdown: GFM cells hold no line breaks, and a pipe would end the cell.
function cellText(cell: ProseMirrorNode, state: SerializerState): string {
  const notes = notesOf(state)
  const text = serializer.serialize(cell.type.schema.node('doc', null, cell.content), { tightLists: true, notes } as SerializerOptions)
  return text.trim().replace(/\s*\n+\s*/g, ' ').replace(/\|/g, '\\|')
}

// A link that came into the document some other way than through the schema's
// parse rules (a Y.Doc edited by hand) must not become a clickable link here.
function withoutUnsafeLinks(doc: ProseMirrorNode): ProseMirrorNode {
  let unsafe = false
  doc.descendants((node) => {
    if (node.marks.some((m) => m.type.name === 'link' && !isSafeHref(m.attrs.href as string))) unsafe = true
    return !unsafe
  })
  if (!unsafe) return doc
  const clean = (node: ProseMirrorNode): ProseMirrorNode => {
    if (node.isText) return node.mark(node.marks.filter((m) => m.type.name !== 'link' || isSafeHref(m.attrs.href as string)))
    const children: ProseMirrorNode[] = []
    node.forEach((child) => children.push(clean(child)))
    return node.copy(Fragment.from(children))
  }
  return clean(doc)
}
