import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { schema } from '../../src'
import type { MeetingMinutes } from './meetingMinutes'

const { nodes, marks } = schema

const text = (value: string, bold = false) => (value === '' ? [] : [schema.text(value, bold ? [marks.strong.create()] : [])])
const heading = (level: number, value: string) => nodes.heading.create({ level }, text(value))
const paragraph = (...runs: ReadonlyArray<readonly [string, boolean?]>) => nodes.paragraph.create(null, runs.flatMap(([value, bold]) => text(value, bold)))
const bullets = (items: readonly ProseMirrorNode[][]) => nodes.bullet_list.create(null, items.map((content) => nodes.list_item.create(null, content)))
const none = (what: string) => paragraph([what])

/**
 * The minutes as a document of Consenso's own schema, so that the Markdown
 * and Word writers of versions (`serializeMarkdown`, `versionToDocx`, with
 * their escaping of text that looks like markup) write them too: the meeting
 * and when, the chair, attendance, the agenda, who held the floor, the
 * interventions paragraph by paragraph, the decisions taken in the room and
 * the wording agreed.
 */
export function minutesDocument(minutes: MeetingMinutes): ProseMirrorNode {
  const blocks: ProseMirrorNode[] = [
    heading(1, `Acta: ${minutes.title}`),
    paragraph(['Documento: ', true], [minutes.document]),
    paragraph(['Fecha: ', true], [`${minutes.date}, ${minutes.time}`]),
    paragraph(['Preside: ', true], [minutes.chair]),
    ...(minutes.ended ? [] : [paragraph(['La reunión sigue en curso: esta acta es provisional.', true])]),
    heading(2, 'Asistencia'),
    minutes.attendees.length ? bullets(minutes.attendees.map((a) => [paragraph([a])])) : none('No se registraron países presentes.'),
    heading(2, 'Orden del día'),
    minutes.agenda.length
      ? nodes.ordered_list.create(
          null,
          minutes.agenda.map((item) =>
            nodes.list_item.create(null, [
              paragraph(
                [item.title],
                [item.minutes === null ? '' : ` (${item.minutes} min)`],
                [item.lead ? ` — ${item.lead}` : ''],
                [item.paragraph ? ` — ${item.paragraph}` : '']
              )
            ])
          )
        )
      : none('Sin orden del día.'),
    heading(2, 'Uso de la palabra'),
    minutes.turns.length
      ? bullets(minutes.turns.map((t) => [paragraph([t.country, true], [`: ${t.from}${t.to ? `–${t.to}` : ''}`])]))
      : none('Nadie hizo uso de la palabra.'),
    heading(2, 'Intervenciones por párrafo'),
    ...(minutes.interventions.length
      ? minutes.interventions.flatMap((p) => [
          heading(3, [p.label, p.section].filter(Boolean).join(' — ')),
          nodes.blockquote.create(null, [paragraph([p.text])]),
          bullets(p.entries.map((e) => [paragraph([e.country, true], [` (${e.at}): ${e.summary}`], [` — registró ${e.recordedBy}`])]))
        ])
      : [none('No se registraron intervenciones.')]),
    heading(2, 'Decisiones tomadas en la reunión'),
    minutes.decisions.length + minutes.acts.length
      ? bullets([
          ...minutes.decisions.map((d) => [
            paragraph([`${d.paragraph}: `, true], [`propuesta de ${d.country} ${d.outcome} por ${d.by} a las ${d.at}: «${d.proposal}»`])
          ]),
          ...minutes.acts.map((a) => [paragraph([`${a.paragraph}: `, true], [`${a.act}, por ${a.by} a las ${a.at}`])])
        ])
      : none('No se tomaron decisiones durante la reunión.'),
    heading(2, 'Textos acordados'),
    minutes.agreed.length
      ? bullets(minutes.agreed.map((a) => [paragraph([`${a.paragraph}: `, true], [a.text])]))
      : none('No se acordaron textos durante la reunión.')
  ]
  return nodes.doc.create(null, blocks)
}
