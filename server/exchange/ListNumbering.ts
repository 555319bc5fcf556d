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

/** An ordered definition whose level `startLevel` counts from `start`, every other one from 1. */
function orderedLevels(startLevel: number, start: number): ILevelsOptions[] {
  return Array.from({ length: LEVELS }, (_, level) => {
    const { format, after } = ORDERED_FORMATS[level % ORDERED_FORMATS.length]!
    return {
      level,
      format,
      text: `%${level + 1}${after}`,
      start: level === startLevel ? start : 1,
      alignment: AlignmentType.LEFT,
      style: { paragraph: { indent: indent(level) } }
    }
  })
}

/**
 * The Word numbering of one export, in which every ordered list counts from
 * its own first number, whatever lists came before it.
 *
 * Word keeps one count per level of a definition (w:abstractNum), shared by
 * all its instances (w:num); an instance's w:startOverride restarts a level
 * the first time the instance is used, and the docx library writes one for
 * level 0 only. So:
 * - a top-level ordered list is an instance of its own of the definition for
 *   its first number, which restarts it there;
 * - a nested ordered list has a definition of its own, its level counting
 *   from its first number: in a definition shared with other nested lists it
 *   would go on from the last of them (an item of the level above restarts a
 *   level only within one definition, and the list above it, a bullet list
 *   say, has another);
 * - bullets, which count nothing, share one definition.
 * That is one definition per nested ordered list plus one per first number
 * of the top-level ones: a long text with 300 nested ordered lists has some
 * 300 definitions, 0.6 MB of numbering.xml that deflates to 9 kB more in the
 * file.
 *
 * Local to one export: not shared.
 */
export class ListNumbering {
  private readonly definitions = new Map<string, ILevelsOptions[]>()
  private readonly lists = new Map<string, { reference: string; instance: number }>()

  /**
   * The numbering a paragraph at `place` carries (meant for the item's first
   * paragraph). Places of one list (`place.list`) share its count; the first
   * one of a list decides what it counts from.
   */
  numberingOf(place: ListPlace): { reference: string; level: number; instance: number } {
    const level = Math.min(place.depth, LEVELS - 1)
    let list = this.lists.get(place.list)
    if (!list) this.lists.set(place.list, (list = this.newList(place, level)))
    return { ...list, level }
  }

  /** The indentation of a list item's later paragraphs, aligned with its first one's text. */
  static continuationIndent(place: ListPlace): { left: number } {
    return { left: indent(Math.min(place.depth, LEVELS - 1)).left }
  }

  /** The definitions of every numbering handed out, for the document's `numbering` option. */
  config(): INumberingOptions {
    return { config: [...this.definitions].map(([reference, levels]) => ({ reference, levels })) }
  }

  private newList(place: ListPlace, level: number): { reference: string; instance: number } {
    // Instances are numbered across references: a number is never reused.
    const instance = this.lists.size + 1
    if (!place.ordered) return { reference: this.define('bullet', bulletLevels), instance }
    if (level === 0) return { reference: this.define(`ordered-${place.start}`, () => orderedLevels(0, place.start)), instance }
    return { reference: this.define(`nested-${this.definitions.size}`, () => orderedLevels(level, place.start)), instance }
  }

  private define(reference: string, levels: () => ILevelsOptions[]): string {
    if (!this.definitions.has(reference)) this.definitions.set(reference, levels())
    return reference
  }
}
