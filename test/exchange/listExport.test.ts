/**
 * The numbers Word shows for the lists of an exported version or comparison,
 * read back from the file's document.xml and numbering.xml as Word counts
 * them (wordListItems, which LibreOffice agrees with): every ordered list,
 * top-level or nested, starts at its own first number, whatever lists of
 * the same start came before it.
 */
import { unzipSync } from 'fflate'
import { describe, expect, test } from 'vitest'
import { diffToDocx, importDocx, versionToDocx } from '../../server/exchange'
// Not part of the folder's public entry: it is the importer's reading of
// Word's count, used here as the oracle of what Word shows.
import { wordListItems } from '../../server/exchange/wordListItems'
import { diffDocuments, parseMarkdown } from '../../src'
import { resolveChanges, shape } from './helpers'

const meta = { title: 'Estrategia regional', versionName: 'Borrador', createdAt: '2021-10-01', author: 'Presidencia Pro Tempore' }
const diffMeta = { title: 'Estrategia regional', fromName: 'Borrador octubre', toName: 'Borrador noviembre', date: '2021-11-12', author: 'Presidencia Pro Tempore' }

/** The list paragraphs of a Word file, one line each: its number as Word shows it (• for a bullet), indented by level. */
function wordNumbers(docx: Uint8Array): string[] {
  const items = wordListItems(new Map(Object.entries(unzipSync(docx))))
  if (!items) throw new Error('the file has no readable numbering')
  return items.map((item) => `${'  '.repeat(item.level)}${item.ordered ? item.number : '•'}`)
}

const cases: Array<{ name: string; markdown: string; numbers: string[]; imports?: false }> = [
  {
    name: 'nested ordered lists under two bullet items each start at 1',
    markdown: '- a\n  1. x\n  2. y\n- b\n  1. z\n',
    numbers: ['•', '  1', '  2', '•', '  1']
  },
  {
    name: 'nested ordered lists under two numbered items each start at 1',
    markdown: '1. uno\n   1. a\n   2. b\n2. dos\n   1. c\n',
    numbers: ['1', '  1', '  2', '2', '  1']
  },
  {
    name: 'two separate lists from 1 each start at 1, and one from 3 at 3',
    markdown: '1. uno\n2. dos\n\nPárrafo.\n\n1. otra vez uno\n\nOtro párrafo.\n\n3. tres\n4. cuatro\n',
    numbers: ['1', '2', '1', '3', '4']
  },
  {
    // A list from 4 interrupts no paragraph in Markdown: the blank lines keep it a list.
    name: 'nested lists from 4 under two items each start at 4',
    markdown: '- c\n\n  4. cuatro\n  5. cinco\n- d\n\n  4. cuatro bis\n',
    numbers: ['•', '  4', '  5', '•', '  4']
  },
  {
    name: 'two nested lists in one item, a paragraph between them, each start at 1',
    markdown: '- a\n\n  1. x\n  2. y\n\n  Texto del punto.\n\n  1. z\n',
    numbers: ['•', '  1', '  2', '  1'],
    // mammoth ends a list at an item's unnumbered paragraph, so importDocx
    // brings the second list back outside the item: not a matter of numbers.
    imports: false
  },
  {
    name: 'lists three levels deep start again under every item above them',
    markdown: '1. a\n   1. b\n      1. c\n      2. d\n   2. e\n      1. f\n2. g\n   1. h\n      1. i\n',
    numbers: ['1', '  1', '    1', '    2', '  2', '    1', '2', '  1', '    1']
  }
]

describe('versionToDocx numbers lists as the text does', () => {
  for (const { name, markdown, numbers } of cases)
    test(name, async () => {
      expect(wordNumbers(await versionToDocx(parseMarkdown(markdown), meta))).toEqual(numbers)
    })

  test('all the lists above in one file, one after another, keep their numbers', async () => {
    const markdown = cases.map((c) => c.markdown).join('\nPárrafo entre listas.\n\n')
    expect(wordNumbers(await versionToDocx(parseMarkdown(markdown), meta))).toEqual(cases.flatMap((c) => c.numbers))
  })

  test('comes back through importDocx with every list starting where it did', async () => {
    const markdown = cases
      .filter((c) => c.imports !== false)
      .map((c) => c.markdown)
      .join('\nPárrafo entre listas.\n\n')
    const version = parseMarkdown(markdown)
    expect(shape(await importDocx(await versionToDocx(version, meta)))).toBe(shape(version))
  })
})

describe('diffToDocx numbers lists as the text does', () => {
  for (const { name, markdown, numbers } of cases)
    test(`${name}, around a changed paragraph`, async () => {
      const from = parseMarkdown(`Texto de octubre.\n\n${markdown}`)
      const to = parseMarkdown(`Texto de noviembre.\n\n${markdown}`)
      const docx = await diffToDocx(diffDocuments(from, to), diffMeta, { versions: { from, to } })
      expect(wordNumbers(docx)).toEqual(numbers)
    })

  test('with list items deleted and inserted, accepting every change numbers the new text and rejecting them the old', async () => {
    const from = parseMarkdown('- a\n  1. x\n  2. y\n- b\n  1. z\n\nPárrafo.\n\n3. tres\n4. cuatro\n')
    const to = parseMarkdown('- a\n  1. x\n- b\n  1. z\n  2. w\n\nPárrafo.\n\n3. tres\n4. cuatro\n5. cinco\n')
    const docx = await diffToDocx(diffDocuments(from, to), diffMeta, { versions: { from, to } })
    expect(wordNumbers(resolveChanges(docx, 'old'))).toEqual(['•', '  1', '  2', '•', '  1', '3', '4'])
    expect(wordNumbers(resolveChanges(docx, 'new'))).toEqual(['•', '  1', '•', '  1', '  2', '3', '4', '5'])
  })
})
