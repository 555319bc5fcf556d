import { DOMParser } from '@xmldom/xmldom'

/** A paragraph of a Word file that mammoth writes as an `<li>`, with the number Word shows for it. */
export interface WordListItem {
  /** In an `<ol>`: mammoth takes every numbering format but bullets for ordered. */
  readonly ordered: boolean
  /** 0 for the outermost list; mammoth nests the items of level n in n + 1 lists. */
  readonly level: number
  /** What Word numbers it, NaN when its numbering definition gives no usable start. */
  readonly number: number
  /**
   * What its level counts from when it starts afresh, as after an item of the
   * level above: its numbering instance's w:startOverride, else the level's w:start.
   */
  readonly levelStart: number
}

/**
 * The paragraphs of a .docx file's main text that mammoth turns into list
 * items, in the order they come in its HTML, each with the number Word shows
 * for it: a level starts at its `w:start`, or at the `w:startOverride` of the
 * numbering instance (`w:num`) a paragraph uses the first time it uses it;
 * all instances of one definition (`w:abstractNum`) count on together,
 * across the paragraphs, tables and headings between them, as Word does; a
 * level starts again after each item of a level above it (unless its
 * `w:lvlRestart` says otherwise). Paragraphs mammoth leaves out of its lists
 * (empty ones, headings) still count, as in Word; a paragraph whose mark is a
 * tracked deletion is part of the next one. LibreOffice numbers a .docx file
 * the same way.
 *
 * `parts` are the archive's entries, already checked; word/document.xml,
 * word/numbering.xml and word/styles.xml are read (the paths Word and every
 * other writer use). Which paragraphs become items follows mammoth 1.13's
 * reading (body-reader.js, numbering-xml.js) and importDocx's style map, so
 * that the caller can check the items against mammoth's HTML one for one.
 *
 * Never throws: a part missing, not well-formed or with a DOCTYPE (which no
 * Word part has; xmldom would not expand its entities anyway) gives
 * `undefined`, and the caller then keeps mammoth's numbering.
 */
export function wordListItems(parts: ReadonlyMap<string, Uint8Array>): WordListItem[] | undefined {
  const document = parseXml(parts.get('word/document.xml'))
  const body = document && first(document.documentElement, 'w:body')
  if (!body) return undefined
  const stylesPart = parts.get('word/styles.xml')
  const stylesRoot = stylesPart && parseXml(stylesPart)?.documentElement
  if (stylesPart && !stylesRoot) return undefined
  const numberingPart = parts.get('word/numbering.xml')
  const numberingRoot = numberingPart && parseXml(numberingPart)?.documentElement
  if (numberingPart && !numberingRoot) return undefined
  const styles = readStyles(stylesRoot)
  return new ListCounter(readNumbering(numberingRoot, styles), styles).itemsOf(body)
}

// Elements are named as mammoth names them: a known namespace's prefix and
// the local name, whatever prefix the file itself binds.
const NAMESPACES: Record<string, string> = {
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main': 'w',
  'http://purl.oclc.org/ooxml/wordprocessingml/main': 'w',
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships': 'r',
  'http://purl.oclc.org/ooxml/officeDocument/relationships': 'r',
  'http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing': 'wp',
  'http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing': 'wp',
  'http://schemas.openxmlformats.org/drawingml/2006/main': 'a',
  'http://purl.oclc.org/ooxml/drawingml/main': 'a',
  'http://schemas.openxmlformats.org/markup-compatibility/2006': 'mc',
  'urn:schemas-microsoft-com:vml': 'v'
}

const nameOf = (node: { namespaceURI: string | null; localName: string | null }) =>
  `${(node.namespaceURI && NAMESPACES[node.namespaceURI]) ?? `{${node.namespaceURI ?? ''}}`}:${node.localName ?? ''}`

function parseXml(bytes: Uint8Array | undefined): Document | undefined {
  if (!bytes) return undefined
  const text = new TextDecoder().decode(bytes)
  if (/<!DOCTYPE/i.test(text)) return undefined
  // Warnings count as failures too, as in mammoth's own reading.
  let failed = false
  try {
    const parsed = new DOMParser({ errorHandler: () => (failed = true) }).parseFromString(text, 'text/xml')
    return failed || !parsed?.documentElement ? undefined : parsed
  } catch {
    return undefined
  }
}

function elementChildren(element: Element | undefined): Element[] {
  const children: Element[] = []
  for (let node = element?.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) children.push(node as Element)
  return children
}

const first = (element: Element | undefined, name: string) => elementChildren(element).find((child) => nameOf(child) === name)

/** An attribute as mammoth reads it, e.g. `w:val`. */
function attribute(element: Element | undefined, name: string): string | undefined {
  const attributes = element?.attributes
  if (!attributes) return undefined
  for (let i = 0; i < attributes.length; i++) if (nameOf(attributes[i]!) === name) return attributes[i]!.value
  return undefined
}

/**
 * A whole number as ST_DecimalNumber writes it, within what Word accepts for
 * a level's start (a signed 32-bit integer, never below 0); NaN otherwise.
 */
function decimal(value: string | undefined): number {
  const number = /^\s*\+?\d{1,10}\s*$/.test(value ?? '') ? Number(value) : NaN
  return number <= 0x7fff_ffff ? number : NaN
}

interface Style {
  readonly name: string | null
  /** The numbering instance the style numbers its paragraphs with, if any. */
  readonly numId: string | undefined
}

interface Styles {
  readonly paragraphs: Record<string, Style>
  /** The instance each numbering style stands for, by style id. */
  readonly numberings: Record<string, string | undefined>
}

function readStyles(root: Element | undefined): Styles {
  const paragraphs: Record<string, Style> = Object.create(null)
  const numberings: Record<string, string | undefined> = Object.create(null)
  for (const style of elementChildren(root)) {
    if (nameOf(style) !== 'w:style') continue
    const id = attribute(style, 'w:styleId') ?? 'undefined'
    const numId = attribute(first(first(first(style, 'w:pPr'), 'w:numPr'), 'w:numId'), 'w:val')
    // The first definition of an id is the one that holds (ECMA-376 17.7.4.17).
    const type = attribute(style, 'w:type')
    if (type === 'paragraph' && !(id in paragraphs)) paragraphs[id] = { name: attribute(first(style, 'w:name'), 'w:val') ?? null, numId }
    if (type === 'numbering' && !(id in numberings)) numberings[id] = numId
  }
  return { paragraphs, numberings }
}

interface Level {
  /** The w:abstractNum it belongs to, whose instances share its count. */
  readonly abstractId: string
  /** Its w:ilvl as written: mammoth matches paragraphs to levels by the string. */
  readonly ilvl: string
  readonly ordered: boolean
  readonly paragraphStyleId: string | undefined
  readonly start: number
  /** w:lvlRestart: 0 never, n after an item of a level above the n-th; unset, after any level above. */
  readonly restartAfter: number | undefined
}

interface Numbering {
  /** The level a paragraph of instance `numId` at `ilvl` is numbered by. */
  levelOf(numId: string, ilvl: string): Level | undefined
  /** The level that numbers the paragraphs of a paragraph style, if a level names it. */
  levelOfStyle(styleId: string): Level | undefined
  /** Every level of a definition by its index, for restarts. */
  levelsOf(abstractId: string): ReadonlyMap<number, Level>
  /** The start an instance gives a level (w:lvlOverride/w:startOverride), if it does. */
  startOverride(numId: string, level: number): number | undefined
}

interface AbstractNum {
  readonly levels: Record<string, Level>
  /** w:numStyleLink: the numbering style whose instance's definition holds the levels. */
  readonly styleLink: string | undefined
}

interface Num {
  readonly abstractId: string
  /** Level index to start. */
  readonly overrides: ReadonlyMap<number, number>
}

function readNumbering(root: Element | undefined, styles: Styles): Numbering {
  const abstracts: Record<string, AbstractNum> = Object.create(null)
  const nums: Record<string, Num> = Object.create(null)
  for (const element of elementChildren(root)) {
    if (nameOf(element) === 'w:abstractNum') {
      const abstractId = attribute(element, 'w:abstractNumId') ?? 'undefined'
      const levels: Record<string, Level> = Object.create(null)
      // As mammoth: a level without w:ilvl stands for level 0 when there is no other.
      let levelWithoutIndex: Level | undefined
      for (const lvl of elementChildren(element)) {
        if (nameOf(lvl) !== 'w:lvl') continue
        const ilvl = attribute(lvl, 'w:ilvl')
        const restart = attribute(first(lvl, 'w:lvlRestart'), 'w:val')
        const level: Level = {
          abstractId,
          ilvl: ilvl ?? '0',
          ordered: attribute(first(lvl, 'w:numFmt'), 'w:val') !== 'bullet',
          paragraphStyleId: attribute(first(lvl, 'w:pStyle'), 'w:val'),
          // ECMA-376 17.9.25: a level without w:start starts at 0.
          start: first(lvl, 'w:start') ? decimal(attribute(first(lvl, 'w:start'), 'w:val')) : 0,
          restartAfter: restart === undefined ? undefined : decimal(restart)
        }
        if (ilvl === undefined) levelWithoutIndex = level
        else levels[ilvl] = level
      }
      if (levelWithoutIndex && !('0' in levels)) levels['0'] = levelWithoutIndex
      abstracts[abstractId] = { levels, styleLink: attribute(first(element, 'w:numStyleLink'), 'w:val') }
    } else if (nameOf(element) === 'w:num') {
      const abstractId = attribute(first(element, 'w:abstractNumId'), 'w:val')
      if (abstractId === undefined) continue
      const overrides = new Map<number, number>()
      for (const override of elementChildren(element)) {
        const start = first(override, 'w:startOverride')
        if (nameOf(override) === 'w:lvlOverride' && start) overrides.set(Number(attribute(override, 'w:ilvl')), decimal(attribute(start, 'w:val')))
      }
      nums[attribute(element, 'w:numId') ?? 'undefined'] = { abstractId, overrides }
    }
  }
  // mammoth's order of levels (ids that are numbers first, ascending), so that
  // when two levels name one style the same one wins.
  const byStyle: Record<string, Level> = Object.create(null)
  for (const { levels } of Object.values(abstracts))
    for (const level of Object.values(levels)) if (level.paragraphStyleId !== undefined) byStyle[level.paragraphStyleId] = level
  const byIndex = new Map<string, Map<number, Level>>()
  return {
    levelOf(numId, ilvl) {
      // A definition may stand for a numbering style, which names another instance.
      const seen = new Set<string>()
      for (let id: string | undefined = numId; id !== undefined && !seen.has(id); ) {
        seen.add(id)
        const num: Num | undefined = nums[id]
        const abstract: AbstractNum | undefined = num && abstracts[num.abstractId]
        if (!abstract) return undefined
        if (abstract.styleLink === undefined) return abstract.levels[ilvl]
        id = styles.numberings[abstract.styleLink]
      }
      return undefined
    },
    levelOfStyle: (styleId) => byStyle[styleId],
    levelsOf(abstractId) {
      let levels = byIndex.get(abstractId)
      if (!levels) {
        levels = new Map(Object.values(abstracts[abstractId]?.levels ?? {}).map((level) => [Number(level.ilvl), level]))
        byIndex.set(abstractId, levels)
      }
      return levels
    },
    startOverride: (numId, level) => nums[numId]?.overrides.get(level)
  }
}

// The paragraph rules of importDocx's style map and of mammoth's default one
// that come before its list rules: a paragraph they match is a heading, a
// quotation or a note, never a list item, numbered or not.
const NOT_ITEM_STYLE_IDS = new Set(['Heading1', 'Heading2', 'Heading3', 'Heading4', 'Heading5', 'Heading6', 'Heading'])
const NOT_ITEM_STYLE_NAMES = new Set(
  ['Title', 'Quote', 'Intense Quote', 'Heading 1', 'Heading 2', 'Heading 3', 'Heading 4', 'Heading 5', 'Heading 6', 'Heading']
    .concat(['footnote text', 'endnote text', 'annotation text', 'Footnote', 'Endnote'])
    .map((name) => name.toUpperCase())
)

/** mammoth's style map has list rules for the first five levels; deeper ones are plain paragraphs. */
const LIST_LEVELS = 5
/** Word's nine levels. */
const LEVELS = 9

/**
 * Elements mammoth reads the children of, in its body reader; the content of
 * any other element (w:del, w:moveFrom, w:fldSimple, properties...) is not
 * read. w:sdt and mc:AlternateContent are read through w:sdtContent and
 * mc:Fallback only, and w:drawing for its pictures only.
 */
const READ = new Set(
  ['w:p', 'w:r', 'w:hyperlink', 'w:tbl', 'w:tr', 'w:tc', 'w:customXml', 'w:ins', 'w:moveTo', 'w:object', 'w:smartTag', 'w:pict', 'w:txbxContent']
    .concat(['v:roundrect', 'v:shape', 'v:textbox', 'v:group', 'v:rect'])
)

/** What mammoth reads inside `element`, in order. */
function readChildren(element: Element): Element[] {
  const name = nameOf(element)
  if (name === 'w:sdt') return elementChildren(first(element, 'w:sdtContent'))
  if (name === 'mc:AlternateContent') return elementChildren(first(element, 'mc:Fallback'))
  // A deleted table row is left out whole.
  if (name === 'w:tr' && first(first(element, 'w:trPr'), 'w:del')) return []
  return READ.has(name) ? elementChildren(element) : []
}

// Not push(...elements): a body of some hundred thousand paragraphs would
// overflow the stack with arguments.
function pushReversed(stack: Element[], elements: readonly Element[]): void {
  for (let i = elements.length - 1; i >= 0; i--) stack.push(elements[i]!)
}

/** Whether mammoth writes anything for a paragraph: an empty one's `<li>` is dropped. */
function hasContent(paragraph: Element): boolean {
  const pending = readChildren(paragraph)
  for (let element = pending.pop(); element; element = pending.pop()) {
    switch (nameOf(element)) {
      case 'w:t':
        if (element.textContent) return true
        break
      case 'w:br': {
        const type = attribute(element, 'w:type')
        if (type === undefined || type === 'textWrapping') return true
        break
      }
      case 'w:bookmarkStart':
        // mammoth writes an anchor for each bookmark but Word's own _GoBack.
        if (attribute(element, 'w:name') !== '_GoBack') return true
        break
      case 'w:tab':
      case 'w:noBreakHyphen':
      case 'w:softHyphen':
      case 'w:sym':
      case 'w:footnoteReference':
      case 'w:endnoteReference':
        return true
      case 'v:imagedata':
        if (attribute(element, 'r:id')) return true
        break
      case 'w:drawing':
        if (element.getElementsByTagNameNS('*', 'blip').length > 0) return true
        break
      // A nested paragraph is one of its own, and mammoth puts what a VML
      // picture holds after the paragraph, not in it.
      case 'w:p':
      case 'w:pict':
        break
      default:
        pushReversed(pending, readChildren(element))
    }
  }
  return false
}

/** Word's running count over one document. */
class ListCounter {
  // Per definition, the last number given at each level (undefined: starts afresh).
  private readonly counts = new Map<string, Array<number | undefined>>()
  // Instance and level pairs already used: an instance's start override applies once.
  private readonly used = new Set<string>()

  constructor(
    private readonly numbering: Numbering,
    private readonly styles: Styles
  ) {}

  itemsOf(body: Element): WordListItem[] {
    const items: WordListItem[] = []
    // A paragraph whose mark is deleted is joined to the next one: mammoth
    // reads its content there, with the next one's numbering.
    let carried = false
    const pending: Element[] = []
    pushReversed(pending, elementChildren(body))
    for (let element = pending.pop(); element; element = pending.pop()) {
      if (nameOf(element) === 'w:p') {
        const properties = first(element, 'w:pPr')
        if (first(first(properties, 'w:rPr'), 'w:del')) {
          carried ||= hasContent(element)
          continue
        }
        const content = carried || hasContent(element)
        carried = false
        const styleId = attribute(first(properties, 'w:pStyle'), 'w:val') ?? null
        const numbered = this.numberingOf(properties, styleId)
        if (numbered) {
          const number = this.count(numbered.level, numbered.numId)
          const level = Number(numbered.level.ilvl)
          if (content && level >= 0 && level < LIST_LEVELS && Number.isInteger(level) && !this.isNotItem(styleId)) {
            const override = numbered.numId === undefined ? undefined : this.numbering.startOverride(numbered.numId, level)
            items.push({ ordered: numbered.level.ordered, level, number, levelStart: override ?? numbered.level.start })
          }
        }
      }
      pushReversed(pending, readChildren(element))
    }
    return items
  }

  // mammoth's readNumberingProperties; numId is the instance Word counts it by.
  private numberingOf(properties: Element | undefined, styleId: string | null): { level: Level; numId: string | undefined } | undefined {
    const numPr = first(properties, 'w:numPr')
    const ilvl = attribute(first(numPr, 'w:ilvl'), 'w:val')
    const numId = attribute(first(numPr, 'w:numId'), 'w:val')
    if (ilvl !== undefined && numId !== undefined) {
      const level = this.numbering.levelOf(numId, ilvl)
      return level && { level, numId }
    }
    if (styleId !== null) {
      const level = this.numbering.levelOfStyle(styleId)
      if (level) return { level, numId: numId ?? this.styles.paragraphs[styleId]?.numId }
    }
    if (numId !== undefined) {
      const level = this.numbering.levelOf(numId, '0')
      return level && { level, numId }
    }
    return undefined
  }

  private isNotItem(styleId: string | null): boolean {
    if (styleId === null) return false
    const name = styleId ? this.styles.paragraphs[styleId]?.name : undefined
    return NOT_ITEM_STYLE_IDS.has(styleId) || (!!name && NOT_ITEM_STYLE_NAMES.has(name.toUpperCase()))
  }

  /** The number Word gives the next paragraph numbered by `level` through instance `numId`. */
  private count(level: Level, numId: string | undefined): number {
    const index = Number(level.ilvl)
    if (!Number.isInteger(index) || index < 0 || index >= LEVELS) return NaN
    let counts = this.counts.get(level.abstractId)
    if (!counts) this.counts.set(level.abstractId, (counts = []))
    const override = numId === undefined ? undefined : this.numbering.startOverride(numId, index)
    const firstUse = numId !== undefined && !this.used.has(`${numId}\n${index}`)
    if (numId !== undefined) this.used.add(`${numId}\n${index}`)
    const previous = counts[index]
    const number = override !== undefined && firstUse ? override : previous === undefined ? level.start : previous + 1
    counts[index] = number
    for (const [other, { start, restartAfter }] of this.numbering.levelsOf(level.abstractId)) {
      // A level above that has not been used yet (a list that opens with a
      // nested item) is shown at its start and counts as used: its next item
      // is its start plus one, as LibreOffice numbers it.
      if (other < index) counts[other] ??= start
      // A level below starts again, unless its w:lvlRestart names a level
      // above this one (0: never); one that is not above it is ignored (ECMA-376 17.9.10).
      else if (other > index && (restartAfter === undefined || Number.isNaN(restartAfter) || restartAfter > other || index < restartAfter))
        counts[other] = undefined
    }
    return number
  }
}
