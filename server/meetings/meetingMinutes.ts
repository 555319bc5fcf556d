import { countryOf, kindOf, partyName, ROLE_TITLES, zoneNameIn, type Author, type BlockStatusRecord, type Bracket, type CommentView, type Meeting } from '../../src'
import { standingWords } from '../negotiation/standingWords'

/** A paragraph of the text as the minutes name it: "§ 12", its section, its words. */
export interface MinutesParagraph {
  readonly label: string
  readonly section: string
  readonly text: string
}

/**
 * A meeting's record, ready to be written as Markdown or Word: plain
 * strings, times already in the workspace's zone, in Spanish (the language
 * of the negotiation). Crosses to the worker pool by structured clone.
 */
export interface MeetingMinutes {
  readonly document: string
  readonly title: string
  /** The day, e.g. "12 de noviembre de 2021". */
  readonly date: string
  /**
   * "14:00–16:00 (hora estándar central)", or "desde las 14:00 (…)" while it
   * runs: the zone named as the pages name it ({@link zoneNameIn}), not by its IANA id.
   */
  readonly time: string
  readonly chair: string
  readonly ended: boolean
  readonly attendees: readonly string[]
  readonly agenda: ReadonlyArray<{ readonly title: string; readonly minutes: number | null; readonly lead: string; readonly paragraph: string }>
  readonly turns: ReadonlyArray<{ readonly country: string; readonly from: string; readonly to: string }>
  readonly interventions: ReadonlyArray<
    MinutesParagraph & { readonly entries: ReadonlyArray<{ readonly country: string; readonly summary: string; readonly at: string; readonly recordedBy: string }> }
  >
  readonly decisions: ReadonlyArray<{
    readonly paragraph: string
    readonly country: string
    readonly outcome: 'aceptada' | 'rechazada'
    readonly proposal: string
    readonly by: string
    readonly at: string
  }>
  /**
   * The other acts of the chair taken in the meeting, in the order they were
   * taken: brackets placed and removed, options added and chosen, paragraph
   * statuses set (the status a paragraph has now, if it was last set in this meeting).
   */
  readonly acts: ReadonlyArray<{ readonly paragraph: string; readonly act: string; readonly by: string; readonly at: string }>
  /** The wording agreed in the meeting: each accepted proposal, on its paragraph. */
  readonly agreed: ReadonlyArray<{ readonly paragraph: string; readonly text: string }>
}

// A paragraph's words shown in the minutes: enough to recognise it.
const EXCERPT = 400
const excerpt = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text)

/**
 * The minutes of `meeting` from the document's comments (its interventions,
 * and the decisions that record it) and the live text's paragraphs
 * (`paragraphs`, by block id, in reading order), with times in `timeZone`.
 */
export function meetingMinutes(
  input: {
    readonly documentTitle: string
    readonly meeting: Meeting
    readonly comments: readonly CommentView[]
    readonly timeZone: string
    /** The document's brackets as stored, removed ones too. Default none. */
    readonly brackets?: readonly Bracket[]
    /** The document's paragraph statuses as stored. Default none. */
    readonly statuses?: readonly BlockStatusRecord[]
  },
  paragraphs: ReadonlyMap<string, MinutesParagraph>
): MeetingMinutes {
  const { meeting, comments, timeZone } = input
  const day = new Intl.DateTimeFormat('es', { timeZone, day: 'numeric', month: 'long', year: 'numeric' })
  const clock = new Intl.DateTimeFormat('es', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const hour = (iso: string) => clock.format(new Date(iso))
  // As in effect when the meeting started, as the pages name it (hora estándar central), not the IANA id.
  const zone = zoneNameIn(meeting.startedAt, 'es', timeZone)
  const country = (code: string | null) => (code ? countryOf(code).name.es : '')
  const order = [...paragraphs.keys()]
  const place = (blockId: string) => {
    const at = order.indexOf(blockId)
    return at < 0 ? Number.MAX_SAFE_INTEGER : at
  }
  const paragraphOf = (c: CommentView): MinutesParagraph =>
    (!c.anchor.detached && paragraphs.get(c.anchor.blockId)) || { label: '(párrafo suprimido)', section: '', text: c.anchor.quote }
  const byPlace = (a: CommentView, b: CommentView) =>
    place(a.anchor.blockId) - place(b.anchor.blockId) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)

  const interventions = comments.filter((c) => kindOf(c) === 'intervention' && c.meeting === meeting.id).sort(byPlace)
  const grouped = new Map<string, { paragraph: MinutesParagraph; entries: MeetingMinutes['interventions'][number]['entries'][number][] }>()
  for (const c of interventions) {
    const key = c.anchor.detached ? `detached:${c.id}` : c.anchor.blockId
    const group = grouped.get(key) ?? { paragraph: paragraphOf(c), entries: [] }
    group.entries.push({ country: country(c.country), summary: c.body, at: hour(c.createdAt), recordedBy: `${c.author.name} (${ROLE_TITLES[c.author.role]})` })
    grouped.set(key, group)
  }
  const decided = comments.filter((c) => c.suggestion?.decision?.meeting === meeting.id).sort(byPlace)

  const labelOf = (blockId: string) => paragraphs.get(blockId)?.label ?? '(párrafo suprimido)'
  const actor = (by: Author) => `${by.name} (${partyName(by, 'es')})`
  const acts: Array<{ paragraph: string; act: string; by: Author; at: string }> = []
  for (const b of input.brackets ?? []) {
    const paragraph = labelOf(b.anchor.blockId)
    // The passage as it was bracketed: a chosen option has since replaced it.
    const bracketed = b.chosen?.replaced ?? b.anchor.quote
    if (b.meeting === meeting.id) acts.push({ paragraph, act: `corchetes colocados en «${bracketed}» (${b.reason})`, by: b.placedBy, at: b.placedAt })
    for (const o of [...b.options, ...b.discarded])
      if (o.meeting === meeting.id) acts.push({ paragraph, act: `opción añadida a los corchetes en «${bracketed}»: «${o.text}»`, by: o.addedBy, at: o.addedAt })
    if (b.chosen?.meeting === meeting.id) {
      const chosen = b.options.find((o) => o.id === b.chosen?.optionId)
      acts.push({ paragraph, act: `opción elegida en lugar de «${b.chosen.replaced}»: «${chosen?.text ?? ''}»`, by: b.chosen.by, at: b.chosen.at })
    }
    if (b.removed?.meeting === meeting.id) acts.push({ paragraph, act: `corchetes retirados de «${b.anchor.quote}»`, by: b.removed.by, at: b.removed.at })
  }
  for (const s of input.statuses ?? [])
    if (s.meeting === meeting.id) acts.push({ paragraph: labelOf(s.blockId), act: `estado: ${standingWords(s)}`, by: s.by, at: s.at })
  acts.sort((a, b) => a.at.localeCompare(b.at))

  return {
    document: input.documentTitle,
    title: meeting.title,
    date: day.format(new Date(meeting.startedAt)),
    time: meeting.endedAt ? `${hour(meeting.startedAt)}–${hour(meeting.endedAt)} (${zone})` : `desde las ${hour(meeting.startedAt)} (${zone})`,
    chair: `${meeting.startedBy.name} (${partyName(meeting.startedBy, 'es')})`,
    ended: meeting.endedAt !== null,
    attendees: meeting.attendees.map(country).sort((a, b) => a.localeCompare(b, 'es')),
    agenda: meeting.agenda.map((item) => ({
      title: item.title,
      minutes: item.minutes ?? null,
      lead: item.lead ?? '',
      paragraph: item.blockId ? (paragraphs.get(item.blockId)?.label ?? '') : ''
    })),
    turns: meeting.turns.map((t) => ({ country: country(t.country), from: hour(t.from), to: t.to ? hour(t.to) : '' })),
    interventions: [...grouped.values()].map(({ paragraph, entries }) => ({ ...paragraph, text: excerpt(paragraph.text), entries })),
    decisions: decided.map((c) => {
      const decision = c.suggestion?.decision
      return {
        paragraph: paragraphOf(c).label,
        country: partyName({ role: c.author.role, country: c.country }, 'es'),
        outcome: decision?.outcome === 'accepted' ? 'aceptada' : 'rechazada',
        proposal: c.suggestion?.text || '(suprimir el pasaje)',
        by: decision ? `${decision.by.name} (${partyName(decision.by, 'es')})` : '',
        at: decision ? hour(decision.at) : ''
      }
    }),
    acts: acts.map((a) => ({ paragraph: a.paragraph, act: a.act, by: actor(a.by), at: hour(a.at) })),
    agreed: decided
      .filter((c) => c.suggestion?.decision?.outcome === 'accepted')
      .map((c) => ({ paragraph: paragraphOf(c).label, text: c.suggestion?.text ?? '' }))
  }
}
