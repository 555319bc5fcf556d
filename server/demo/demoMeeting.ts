import { textBlocks, type Account, type CountryCode, type DocumentId, type MeetingId } from '../../src'
import type { Workspace } from '../Workspace'

/** The blocks the demo meeting points at, by the start of their text in the November draft. */
const HEADINGS = {
  title: 'Estrategia regional de atención a la migración irregular y masiva',
  axis1: '6. Eje 1:',
  axis2: '7. Eje 2:',
  axis3: '8. Eje 3:',
  axis4: '9. Eje 4:',
  followUp: '10. Mecanismo de seguimiento y evaluación'
} as const

type Place = keyof typeof HEADINGS

/** One act of the meeting as the demo replays it, at its moment (UTC; CDMX is UTC−6 in November 2021). */
type DemoAct =
  | { readonly at: string; readonly by: 'ppt' | 'se'; readonly focus: Place }
  | { readonly at: string; readonly ask: CountryCode }
  | { readonly at: string; readonly by: 'ppt' | 'se'; readonly give: CountryCode }
  | { readonly at: string; readonly by: 'se'; readonly intervention: { readonly country: CountryCode; readonly on: Place; readonly summary: string } }

// The agenda of the concept note, its second and third items on the paragraphs they present.
const AGENDA = [
  { title: 'Apertura de la reunión y bienvenida', minutes: 10, lead: 'PPT / SE CRM' },
  {
    title: 'Presentación y discusión del contenido de la última versión de la propuesta de Estrategia regional de atención a la migración irregular y masiva',
    minutes: 50,
    lead: 'PPT / Países Miembros de la CRM',
    on: 'title'
  },
  {
    title: 'Participación de personas representantes de los gobiernos de Guatemala, Costa Rica y Panamá',
    minutes: 30,
    lead: 'Modera SE CRM',
    on: 'followUp'
  },
  { title: 'Espacio para participación de los Países Miembros', minutes: 20, lead: 'Modera SE CRM' },
  { title: 'Recomendaciones y conclusiones', minutes: 10, lead: 'PPT / SE CRM' }
] as const

const ACTS: readonly DemoAct[] = [
  { at: '2021-11-12T20:10:00Z', by: 'ppt', focus: 'title' },
  { at: '2021-11-12T20:14:00Z', by: 'ppt', focus: 'axis1' },
  { at: '2021-11-12T20:20:00Z', ask: 'HN' },
  { at: '2021-11-12T20:21:00Z', by: 'ppt', give: 'HN' },
  {
    at: '2021-11-12T20:24:00Z',
    by: 'se',
    intervention: {
      country: 'HN',
      on: 'axis1',
      summary: 'Honduras valora el enfoque en las causas estructurales y pide que las campañas de información lleguen también a las comunidades de tránsito.'
    }
  },
  { at: '2021-11-12T20:28:00Z', by: 'ppt', focus: 'axis2' },
  { at: '2021-11-12T20:33:00Z', by: 'ppt', focus: 'axis3' },
  { at: '2021-11-12T20:36:00Z', ask: 'SV' },
  { at: '2021-11-12T20:37:00Z', by: 'ppt', give: 'SV' },
  {
    at: '2021-11-12T20:40:00Z',
    by: 'se',
    intervention: {
      country: 'SV',
      on: 'axis3',
      summary: 'El Salvador propone detallar en las líneas de acción la atención a niñas, niños y adolescentes no acompañados en los puntos fronterizos.'
    }
  },
  { at: '2021-11-12T20:46:00Z', by: 'ppt', focus: 'axis4' },
  { at: '2021-11-12T20:50:00Z', ask: 'DO' },
  { at: '2021-11-12T20:51:00Z', by: 'ppt', give: 'DO' },
  {
    at: '2021-11-12T20:54:00Z',
    by: 'se',
    intervention: {
      country: 'DO',
      on: 'axis4',
      summary: 'República Dominicana apoya el carácter reservado del intercambio de información y pide acordar pronto el formato común de los registros.'
    }
  },
  // The statements of the three governments on the four thematic axes, moderated by the Secretariat.
  { at: '2021-11-12T21:00:00Z', by: 'se', focus: 'followUp' },
  { at: '2021-11-12T21:00:30Z', by: 'se', give: 'GT' },
  {
    at: '2021-11-12T21:09:00Z',
    by: 'se',
    intervention: {
      country: 'GT',
      on: 'followUp',
      summary:
        'Guatemala expone los cambios en los flujos irregulares de 2021, los retos de atención en el contexto de la pandemia de COVID-19, su prospectiva para 2022 y recomienda reforzar el intercambio de alertas tempranas entre puntos focales.'
    }
  },
  { at: '2021-11-12T21:10:00Z', by: 'se', give: 'CR' },
  {
    at: '2021-11-12T21:19:00Z',
    by: 'se',
    intervention: {
      country: 'CR',
      on: 'followUp',
      summary:
        'Costa Rica presenta las tendencias de 2021 y sus medidas sanitarias en frontera, prevé flujos sostenidos en 2022 y recomienda indicadores comunes para el informe semestral.'
    }
  },
  { at: '2021-11-12T21:20:00Z', by: 'se', give: 'PA' },
  {
    at: '2021-11-12T21:29:00Z',
    by: 'se',
    intervention: {
      country: 'PA',
      on: 'followUp',
      summary:
        'Panamá describe el aumento de los flujos extrarregionales por la región del Darién, su operación de flujo controlado durante la pandemia, su prospectiva para 2022 y recomienda acciones regionales coordinadas de atención humanitaria.'
    }
  }
]

/** When the demo meeting starts and ends (UTC). */
export const DEMO_MEETING_START = '2021-11-12T20:00:00Z'
const DEMO_MEETING_END = '2021-11-12T22:00:00Z'

/**
 * Replays the third follow-up meeting of the GT-MIM as its concept note sets
 * it (12 November 2021, 14:00–16:00 CDMX, virtual, moderated by the
 * Presidency with the Secretariat; the Strategy presented axis by axis; the
 * statements of Guatemala, Costa Rica and Panamá on the four thematic axes,
 * moderated by the Secretariat) on the demo Strategy in `past` (a workspace
 * whose clock `at` sets): started and presented by the Presidency, moderated
 * by the Secretariat, with eleven countries present, and ended at 16:00 CDMX.
 */
export async function replayThirdMeeting(
  past: Workspace,
  documentId: DocumentId,
  at: (iso: string) => void,
  account: (username: string) => Promise<Account>
): Promise<MeetingId> {
  const must = <T>(what: string, outcome: { ok: T } | { failed: { message: string } }): T => {
    if ('failed' in outcome) throw new RangeError(`demo meeting: ${what}: ${outcome.failed.message}`)
    return outcome.ok
  }
  const blocks = await past.collaboration.withDocument(documentId, (doc) => textBlocks(doc))
  const blockOf = (place: Place): string => {
    const found = blocks.find((b) => b.text.startsWith(HEADINGS[place]))
    if (!found?.id) throw new RangeError(`demo meeting: no block starts with «${HEADINGS[place]}»`)
    return found.id
  }
  const ppt = await account('ppt')
  const se = await account('se')
  const chair = (by: 'ppt' | 'se') => (by === 'ppt' ? ppt : se)
  at(DEMO_MEETING_START)
  const meeting = must(
    'start',
    await past.meetings.start(ppt, documentId, {
      title: 'Tercera Reunión de Seguimiento y Evaluación para identificar tendencias sobre la migración irregular y masiva',
      agenda: AGENDA.map(({ on, ...item }: (typeof AGENDA)[number] & { on?: Place }) => ({ ...item, ...(on ? { blockId: blockOf(on) } : {}) })),
      attendees: ['BZ', 'CA', 'CR', 'SV', 'US', 'GT', 'HN', 'MX', 'NI', 'PA', 'DO']
    })
  )
  for (const act of ACTS) {
    at(act.at)
    if ('focus' in act) must('focus', await past.meetings.focus(chair(act.by), documentId, meeting.id, blockOf(act.focus)))
    else if ('ask' in act) must('ask', await past.meetings.askFloor(await account(act.ask.toLowerCase()), documentId, meeting.id))
    else if ('give' in act) must('give', await past.meetings.giveFloor(chair(act.by), documentId, meeting.id, act.give))
    else {
      const { country, on, summary } = act.intervention
      must('intervention', await past.meetings.intervene(se, documentId, meeting.id, { blockId: blockOf(on), country, summary }))
    }
  }
  at(DEMO_MEETING_END)
  must('end', await past.meetings.end(ppt, documentId, meeting.id))
  return meeting.id
}
