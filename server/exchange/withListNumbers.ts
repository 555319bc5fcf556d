import { Parser } from 'htmlparser2'
import { MAX_HTML_DEPTH } from './importHtml'
import type { WordListItem } from './wordListItems'

/**
 * mammoth's HTML of a Word file with its ordered lists numbered as Word
 * numbers them. An outermost `<ol>` gets the `start` of its first item, and
 * one that holds items Word does not number one after the other (two lists
 * with only an empty paragraph between them, which mammoth joins; an empty
 * numbered paragraph, which it drops) is cut there into lists that each start
 * where Word's count goes on. A nested `<ol>` starts where its level starts
 * afresh (its own start, usually 1), as Word numbers a nested list after an
 * item of the level above: a nested count that Word carries on from one
 * parent item to another, which depends on `w:lvlRestart` and on which lists
 * share a definition, is not followed.
 *
 * `items` are the Word file's list paragraphs ({@link wordListItems}). They
 * are matched to mammoth's `<li>` elements one for one, in order, and the HTML
 * is changed only if every item matches its `<li>`: same count, each in an
 * `<ol>` or a `<ul>` as it should be, at the depth of its level, with a
 * number Word gives it. Otherwise (a reading of the file that differs from
 * mammoth's, a numbering definition with no usable start) it comes back
 * unchanged, every list from 1 as before, rather than with numbers given to
 * the wrong lists.
 */
export function withListNumbers(html: string, items: readonly WordListItem[] | undefined): string {
  const found = items && htmlItemsOf(html)
  if (!items || !found) return html
  const usable = (number: number) => Number.isSafeInteger(number) && number >= 0
  const matches =
    found.length === items.length &&
    found.every(({ list, depth }, i) => {
      const item = items[i]!
      return item.ordered === list.ordered && item.level + 1 === depth && (!item.ordered || usable(depth === 1 ? item.number : item.levelStart))
    })
  if (!matches) return html
  const edits: Array<{ at: number; text: string }> = []
  const start = (number: number) => (number === 1 ? '' : ` start="${number}"`)
  const next = new Map<HtmlList, number>()
  found.forEach(({ list, at, depth }, i) => {
    if (!list.ordered) return
    const item = items[i]!
    const expected = next.get(list)
    if (expected === undefined) {
      const first = depth === 1 ? item.number : item.levelStart
      if (first !== 1) edits.push({ at: list.at + '<ol'.length, text: start(first) })
      next.set(list, first + 1)
    } else if (depth === 1) {
      if (item.number !== expected) edits.push({ at, text: `</ol><ol${start(item.number)}>` })
      next.set(list, item.number + 1)
    }
  })
  edits.sort((a, b) => a.at - b.at)
  let numbered = ''
  let from = 0
  for (const { at, text } of edits) {
    numbered += html.slice(from, at) + text
    from = at
  }
  return numbered + html.slice(from)
}

interface HtmlList {
  /** Where its start tag begins. */
  readonly at: number
  readonly ordered: boolean
}

interface HtmlItem {
  /** Where its start tag begins. */
  readonly at: number
  /** The list it is an item of. */
  readonly list: HtmlList
  /** How many lists deep it is. */
  readonly depth: number
}

const LIST_TAGS = new Set(['ol', 'ul', 'li'])

/**
 * The list items of mammoth's HTML before its notes, in order; undefined for
 * HTML mammoth would not write (an `<li>` outside a list) or that nests too
 * deep to read cheaply (importHtml refuses it anyway).
 */
function htmlItemsOf(html: string): HtmlItem[] | undefined {
  const items: HtmlItem[] = []
  const open: Array<{ name: string; list?: HtmlList }> = []
  const unreadable = new Error('unreadable')
  const done = new Error('done')
  const parser: Parser = new Parser(
    {
      onopentag(name, attributes) {
        // mammoth writes footnotes and endnotes as a last list whose items
        // have ids, then comments as a <dl>: the text's lists are all before.
        if (name === 'dl' || (name === 'li' && 'id' in attributes)) throw done
        if (open.length >= MAX_HTML_DEPTH) throw unreadable
        const at = parser.startIndex
        if (name === 'ol' || name === 'ul') {
          if (!html.startsWith(`<${name}`, at)) throw unreadable
          open.push({ name, list: { at, ordered: name === 'ol' } })
          return
        }
        if (name === 'li') {
          const list = open.at(-1)?.list
          if (!list || !html.startsWith('<li', at)) throw unreadable
          let depth = 0
          for (let i = open.length - 1; i >= 0 && LIST_TAGS.has(open[i]!.name); i--) if (open[i]!.name !== 'li') depth++
          // A nested item with no item above it to go into (after a
          // paragraph, say) gets an outer <li> of its own that holds nothing
          // but its list; an item's own <li> never starts with a list, as
          // mammoth drops the empty ones.
          const holdsOnlyAList = html.startsWith('<ol', parser.endIndex + 1) || html.startsWith('<ul', parser.endIndex + 1)
          if (!holdsOnlyAList) items.push({ at, list, depth })
        }
        open.push({ name })
      },
      onclosetag() {
        open.pop()
      }
    },
    { decodeEntities: false }
  )
  try {
    parser.end(html)
  } catch (error) {
    if (error === unreadable) return undefined
    if (error !== done) throw error
  }
  return items
}
