import { countryOf, formatInstantIn, type SilenceProcedure } from '../../src'

/** The record of a version's silence procedure as an export's closing section says it, in Spanish. */
export interface SilenceRecordText {
  readonly heading: string
  /** Deadline, outcome and when it was recorded, one sentence each. */
  readonly facts: readonly string[]
  /** One line per objection: country, person, time, reason and amendment. */
  readonly objections: readonly string[]
}

// An instant on the workspace's clock, its zone named as the pages name it: "30 de noviembre de 2021, 23:59 (hora estándar central)".
const instantIn = (iso: string, timeZone: string) => formatInstantIn(iso, 'es', timeZone)

/**
 * The closing section that records a version's silence procedure in its
 * Word and HTML files: the deadline, the outcome (or that it is still
 * pending), and who broke the silence, when and why. Spanish, the
 * language of the negotiation, as the files' other words are.
 */
export function silenceRecordText(procedure: SilenceProcedure, timeZone: string): SilenceRecordText {
  const deadline = instantIn(procedure.deadline, timeZone)
  const outcome =
    procedure.outcome === 'pending'
      ? 'Resultado: pendiente (el plazo no ha vencido).'
      : procedure.outcome === 'adopted'
        ? 'Resultado: adoptada, sin objeciones.'
        : `Resultado: no adoptada; ${procedure.objections.length} delegación(es) rompieron el silencio.`
  return {
    heading: 'Procedimiento de silencio',
    facts: [
      `Abierto el ${instantIn(procedure.openedAt, timeZone)} por ${procedure.openedBy.name}; plazo: ${deadline}.`,
      outcome,
      ...(procedure.settledAt ? [`Resultado registrado el ${instantIn(procedure.settledAt, timeZone)}.`] : [])
    ],
    objections: procedure.objections.map(
      (o) =>
        `${countryOf(o.country).name.es} (${o.author.name}), ${instantIn(o.at, timeZone)}: ${o.reason}` +
        (o.amendment ? ` Enmienda propuesta: ${o.amendment}` : '')
    )
  }
}
