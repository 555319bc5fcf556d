import type { CommentStatus, CountryCode } from '../../src'

/** One country's input in the demo, with what the Presidency did with it. */
export interface DemoComment {
  readonly country: CountryCode
  /** When the delegation sent it (inside the October 2021 period). */
  readonly at: string
  /** The passage, quoted exactly as the October draft has it. */
  readonly quote: string
  readonly body: string
  readonly suggestion?: string
  /** Why the country proposes its wording (with `suggestion` only). */
  readonly justification?: string
  readonly replies?: ReadonlyArray<{ readonly by: 'ppt' | 'se' | 'country'; readonly at: string; readonly body: string }>
  /** The Presidency's (or the country's) handling, after the deadline. */
  readonly outcome?:
    | { readonly decide: 'accepted' | 'rejected'; readonly at: string; readonly answer?: string }
    | { readonly status: CommentStatus; readonly at: string; readonly answer?: string }
}

/**
 * Comments and proposals of nine delegations on the October 2021 draft, as
 * the demo replays them. Some were decided after the deadline, others wait.
 */
export const DEMO_COMMENTS: readonly DemoComment[] = [
  {
    country: 'GT',
    at: '2021-10-05T16:20:00Z',
    quote: 'conocida también como Proceso Puebla',
    body: 'Guatemala sugiere ajustar la redacción y destacar la denominación histórica del foro.',
    suggestion: 'también conocida como «Proceso Puebla»',
    outcome: { decide: 'accepted', at: '2021-10-20T15:00:00Z', answer: 'Se incorpora la redacción propuesta.' }
  },
  {
    country: 'CR',
    at: '2021-10-06T14:05:00Z',
    quote: 'Las materias que correspondan a otros Grupos de Trabajo o redes de la Conferencia',
    body: 'Costa Rica considera conveniente precisar qué redes de la Conferencia se consideran en esta coordinación.',
    outcome: {
      status: 'partially_incorporated',
      at: '2021-10-21T17:30:00Z',
      answer: 'La sección 9 enumerará las redes de funcionarios de enlace; se mantiene la referencia general aquí.'
    }
  },
  {
    country: 'SV',
    at: '2021-10-07T19:40:00Z',
    quote: 'alertas tempranas sobre flujos irregulares y masivos',
    body: 'El Salvador propone dejar explícito el respeto de la legislación nacional sobre datos personales.',
    suggestion: 'alertas tempranas sobre flujos irregulares y masivos, con pleno respeto de la legislación nacional en materia de protección de datos personales',
    outcome: { decide: 'accepted', at: '2021-10-20T15:10:00Z', answer: 'Se incorpora.' }
  },
  {
    country: 'HN',
    at: '2021-10-08T15:00:00Z',
    quote: 'con énfasis en niñas, niños y adolescentes',
    body: 'Honduras solicita mencionar expresamente a las mujeres jefas de hogar retornadas.',
    suggestion: 'con énfasis en niñas, niños y adolescentes, así como en mujeres jefas de hogar'
  },
  {
    country: 'PA',
    at: '2021-10-11T13:15:00Z',
    quote: 'de manera enunciativa',
    body: 'Panamá solicita incluir a las personas migrantes extrarregionales entre los grupos que requieren atención diferenciada.',
    replies: [
      { by: 'ppt', at: '2021-10-12T16:00:00Z', body: 'Gracias. La PPT lo analizará junto con las demás propuestas sobre el Eje 3.' },
      { by: 'country', at: '2021-10-13T14:30:00Z', body: 'Panamá puede compartir cifras de 2021 sobre el flujo por la frontera con Colombia.' }
    ]
  },
  {
    country: 'US',
    at: '2021-10-12T18:45:00Z',
    quote: 'Explorar mecanismos de referencia',
    body: 'Estados Unidos propone un compromiso más firme en esta línea de acción.',
    suggestion: 'Establecer mecanismos de referencia',
    outcome: {
      decide: 'rejected',
      at: '2021-10-22T16:00:00Z',
      answer: 'Se mantiene «explorar»: no todos los Países Miembros cuentan todavía con la base normativa para establecerlos.'
    }
  },
  {
    country: 'CA',
    at: '2021-10-13T20:10:00Z',
    quote: 'las mujeres, las niñas y las personas LGBTI',
    body: 'Canadá propone añadir una referencia a las personas con discapacidad.',
    suggestion: 'las mujeres, las niñas, las personas LGBTI y las personas con discapacidad',
    justification: 'La Convención sobre los derechos de las personas con discapacidad, ratificada por todos los Países Miembros, obliga a considerarlas en situaciones de riesgo y emergencias humanitarias (artículo 11).'
  },
  {
    country: 'DO',
    at: '2021-10-14T15:25:00Z',
    quote: '¿Cómo responder de manera coordinada sin menoscabar las competencias de cada Estado?',
    body: 'República Dominicana sugiere una formulación afirmativa, propia de un documento estratégico.',
    suggestion: 'Es necesario responder de manera coordinada sin menoscabar las competencias de cada Estado.',
    justification: 'Una estrategia regional enuncia compromisos; una pregunta deja abierto lo que los Países Miembros ya acordaron.'
  },
  {
    country: 'NI',
    at: '2021-10-14T17:00:00Z',
    quote: 'al empleo formal y a los sistemas financieros',
    body: 'Nicaragua pide aclarar el alcance de esta línea de acción.',
    outcome: { status: 'withdrawn', at: '2021-10-15T14:00:00Z' }
  },
  {
    country: 'GT',
    at: '2021-10-15T16:50:00Z',
    quote: 'campañas de información',
    body: 'Guatemala ofrece compartir su campaña nacional «Migrar no es un juego» como referencia para esta línea.'
  }
]
