import { AlignmentType, LevelFormat, type ILevelsOptions, type INumberingOptions } from 'docx'
import type { ListPlace } from './blockShapes'

/** Word's indentation step, in twentieths of a point: half an inch. */
export const INDENT_STEP = 720

const LEVELS = 9
const BULLETS = ['•', '◦', '▪']
const ORDERED_FORMATS = [
  { format: LevelFormat.DECIMAL, after: '.' },
  { format: LevelFormat.LOWER_LETTER, after: ')' },
  { format: LevelFormat.LOWER_ROMAN, after: '.' }
]

const indent = (level: number) => ({ left: INDENT_STEP * (level + 1), hanging: INDENT_STEP / 2 })

function bulletLevels(): ILevelsOptions[] {
  return Array.from({ length: LEVELS }, (_, level) => ({
    level,
    format: LevelFormat.BULLET,
    text: BULLETS[level % BULLETS.length],
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: indent(level) } }
  }))
}

function orderedLevels(start: number): ILevelsOptions[] {
  return Array.from({ length: LEVELS }, (_, level) => {
    const { format, after } = ORDERED_FORMATS[level % ORDERED_FORMATS.length]!
    return {
      level,
      format,
      text: `%${level + 1}${after}`,
      start: level === 0 ? start : 1,
      alignment: AlignmentType.LEFT,
      style: { paragraph: { indent: indent(level) } }
    }
  })
}

/**
 * The Word numbering of one export: a bullet definition, one numbered
 * definition per first number used (Word starts a list's count in its
 * definition), and one numbering instance per list of the document, so that
 * each list counts from its own start. Local to one export: not shared.
 */
export class ListNumbering {
  private readonly starts = new Set<number>()
  private readonly instances = new Map<string, number>()

  /** The numbering a paragraph at `place` carries (meant for the item's first paragraph). */
  numberingOf(place: ListPlace): { reference: string; level: number; instance: number } {
    if (place.ordered) this.starts.add(place.start)
    let instance = this.instances.get(place.list)
    if (instance === undefined) this.instances.set(place.list, (instance = this.instances.size + 1))
    return { reference: referenceOf(place), level: Math.min(place.depth, LEVELS - 1), instance }
  }

  /** The indentation of a list item's later paragraphs, aligned with its first one's text. */
  static continuationIndent(place: ListPlace): { left: number } {
    return { left: indent(Math.min(place.depth, LEVELS - 1)).left }
  }

  /** The definitions of every numbering handed out, for the document's `numbering` option. */
  config(): INumberingOptions {
    return {
      config: [
        { reference: 'bullet', levels: bulletLevels() },
        ...[...this.starts].map((start) => ({ reference: `ordered-${start}`, levels: orderedLevels(start) }))
      ]
    }
  }
}

const referenceOf = (place: ListPlace) => (place.ordered ? `ordered-${place.start}` : 'bullet')
