import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { schema, withBlockIds } from '../../src'

type Json = { type: string; attrs?: Record<string, unknown>; content?: Json[]; text?: string; marks?: unknown[] }

const textOf = (node: Json): string => node.text ?? (node.content ?? []).map(textOf).join('')

// The first text block (depth first) whose text includes `needle`, with its parent and index.
function find(root: Json, needle: string): { parent: Json; index: number } | undefined {
  for (const [index, child] of (root.content ?? []).entries()) {
    if ((child.type === 'paragraph' || child.type === 'heading') && textOf(child).includes(needle)) return { parent: root, index }
    const inner = find(child, needle)
    if (inner) return inner
  }
  return undefined
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new RangeError(`demo November edit: ${what} not found in the draft`)
  return value
}

/**
 * The Presidency's own edits between the October and November drafts, on
 * top of the proposals it accepted: the dates and the round described, a
 * paragraph moved to where it reads better, a new line of action.
 */
export function novemberEdits(october: ProseMirrorNode): ProseMirrorNode {
  const json = october.toJSON() as Json

  const status = must(find(json, 'Borrador para comentarios de los Países Miembros'), 'the status line')
  const statusLine = status.parent.content?.[status.index] as Json
  statusLine.content = [
    { type: 'text', text: 'Borrador para comentarios de los Países Miembros — noviembre de 2021. Documento confidencial de trabajo.', marks: [{ type: 'em' }] }
  ]

  const round = must(find(json, 'El presente borrador se somete a la consideración'), 'the paragraph on the consultation')
  const roundParagraph = round.parent.content?.[round.index] as Json
  roundParagraph.content = [
    {
      type: 'text',
      text:
        'El presente borrador incorpora los comentarios y propuestas de redacción recibidos de los Países Miembros hasta el 15 de octubre de 2021, ' +
        'y se somete a su consideración en la Tercera Reunión de Seguimiento y Evaluación, celebrada el 12 de noviembre de 2021. ' +
        'A partir de esa fecha se abre un plazo de cinco días hábiles para comentarios adicionales, tras el cual la PPT presentará la versión consolidada ' +
        'a los Grupos de Trabajo y al Grupo Regional de Consulta sobre Migración.'
    }
  ]

  // "Por último…" now comes before the paragraph on the Reuniones de Seguimiento.
  // (A move rewrites the paragraphs it jumps over in Yjs, which would detach
  // their comments: this one jumps over a paragraph nobody commented on.)
  const last = must(find(json, 'Por último, la Estrategia recoge las voces'), 'the closing paragraph of the Justificación')
  const [moved] = last.parent.content?.splice(last.index, 1) ?? []
  const meetings = must(find(json, 'En particular, la Estrategia plantea consolidar'), 'the paragraph on the Reuniones de Seguimiento')
  meetings.parent.content?.splice(meetings.index, 0, moved as Json)

  // A new line of action at the end of Eje 4, after 4.6. The lines of action
  // are paragraphs carrying their own numbers ("4.6"), not list items: a list
  // would number them a second time ("6. 4.6").
  const line46 = must(find(json, 'Coordinar con los demás Grupos de Trabajo y redes de la CRM'), 'line of action 4.6')
  line46.parent.content?.splice(line46.index + 1, 0, {
    type: 'paragraph',
    attrs: { id: null },
    content: [
      { type: 'text', text: '4.7', marks: [{ type: 'strong' }] },
      {
        type: 'text',
        text: ' Elaborar, con el apoyo de la Secretaría Ejecutiva, un informe semestral de tendencias basado en la información compartida por los Países Miembros, que se presentará en cada Reunión de Seguimiento.'
      }
    ]
  })
  return withBlockIds(schema.nodeFromJSON(json))
}
