/**
 * A small builder of documents of the Consenso schema for unit tests:
 * `doc(p('Hola', { id: 'a' }), ul(li(p('uno'))))`.
 */
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { BLOCK_TYPES, schema, type BlockId } from '../../src'

type Attrs = { id?: string | null }
type Child = ProseMirrorNode | string
type Args = [Attrs, ...Child[]] | Child[]

function split(args: Args): { attrs: Attrs; children: ProseMirrorNode[] } {
  const [first, ...rest] = args
  const hasAttrs = first !== undefined && typeof first === 'object' && !('type' in first)
  const children = (hasAttrs ? rest : args) as Child[]
  return {
    attrs: hasAttrs ? (first as Attrs) : {},
    children: children.filter((c) => c !== '').map((c) => (typeof c === 'string' ? schema.text(c) : c))
  }
}

const block =
  (name: string, extra: Record<string, unknown> = {}) =>
  (...args: Args): ProseMirrorNode => {
    const { attrs, children } = split(args)
    return schema.node(name, { ...extra, ...attrs }, children)
  }

export const doc = (...children: ProseMirrorNode[]): ProseMirrorNode => schema.node('doc', null, children)
export const p = block('paragraph')
export const h1 = block('heading', { level: 1 })
export const h2 = block('heading', { level: 2 })
export const quote = block('blockquote')
export const ul = block('bullet_list')
export const ol = block('ordered_list')
export const li = block('list_item')

/** Ids `n1`, `n2`… in call order, for predictable fixes. */
export function counterIds(): () => BlockId {
  let n = 0
  return () => `n${++n}` as BlockId
}

/** The `[type, id, text]` of every block, in document order. */
export function blocks(node: ProseMirrorNode): Array<[string, string | null, string]> {
  const found: Array<[string, string | null, string]> = []
  node.descendants((child) => {
    if (BLOCK_TYPES.has(child.type.name)) found.push([child.type.name, child.attrs.id as string | null, child.textContent])
    return true
  })
  return found
}

export const table = block('table')
export const tr = block('table_row')
type Spans = { colspan?: number; rowspan?: number }
export const td = (...args: [Spans, ...ProseMirrorNode[]] | ProseMirrorNode[]): ProseMirrorNode => cell('table_cell', args)
export const th = (...args: [Spans, ...ProseMirrorNode[]] | ProseMirrorNode[]): ProseMirrorNode => cell('table_header', args)
/** A footnote marker holding its note's paragraphs. */
export const note = (...paragraphs: ProseMirrorNode[]): ProseMirrorNode => schema.node('footnote', null, paragraphs)

// A cell's attributes are its spans; its children are blocks.
function cell(name: string, args: [Spans, ...ProseMirrorNode[]] | ProseMirrorNode[]): ProseMirrorNode {
  const [first, ...rest] = args
  const spans = first !== undefined && !('type' in first) ? first : null
  const children = (spans ? rest : args) as ProseMirrorNode[]
  return schema.node(name, { colspan: spans?.colspan ?? 1, rowspan: spans?.rowspan ?? 1 }, children)
}
