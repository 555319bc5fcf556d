/**
 * A long negotiated text for the editor row: the demo Strategy (about 4,400
 * words of Spanish Markdown) repeated as annexes until it reaches the words
 * asked for, each copy varied (its headings renumbered, sentences of a
 * paragraph rotated, some words exchanged for synonyms) so that no two annexes
 * read the same and the text's blocks are as many and as long as a real one's.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Random } from '../random'

const SYNONYMS: ReadonlyArray<readonly [string, string]> = [
  ['región', 'zona'],
  ['personas migrantes', 'personas en movilidad'],
  ['Países Miembros', 'Estados participantes'],
  ['fortalecer', 'reforzar'],
  ['promover', 'impulsar'],
  ['cooperación', 'colaboración'],
  ['acciones', 'medidas'],
  ['necesidad', 'urgencia'],
  ['desafíos', 'retos'],
  ['autoridades', 'instituciones']
]

const words = (text: string) => text.split(/\s+/).filter((w) => w !== '').length

// One paragraph of the copy: its sentences rotated, some words exchanged.
function vary(paragraph: string, random: Random): string {
  if (/^(#|>|\d+\.|[-*] )/.test(paragraph)) return paragraph
  const sentences = paragraph.match(/[^.!?]+[.!?]+(\s+|$)/g)
  let text = sentences && sentences.length > 2 ? rotate(sentences, random.int(0, sentences.length - 1)).join('').trim() : paragraph
  for (const [a, b] of SYNONYMS) if (random.next() < 0.3) text = text.split(a).join(b)
  return text
}

const rotate = <T>(items: readonly T[], by: number): T[] => [...items.slice(by), ...items.slice(0, by)]

/** Spanish Markdown of at least `minWords` words (seeded: the same for the same arguments). */
export function longStrategyMarkdown(minWords: number, seed = 2021): string {
  const source = readFileSync(join(import.meta.dirname, '../../server/demo/estrategia-octubre-2021.md'), 'utf8')
  const paragraphs = source.split(/\n{2,}/).map((p) => p.trim()).filter((p) => p !== '')
  const random = new Random(seed)
  const annexes: string[] = []
  let total = 0
  for (let n = 1; total < minWords; n++) {
    const copy = paragraphs.map((p) =>
      p
        .replace(/^# (.*)$/m, `# Anexo ${n}. $1`)
        .replace(/^(#{2,3}) (\d+)/m, `$1 ${n}.$2`)
    )
    const text = copy.map((p) => vary(p, random)).join('\n\n')
    annexes.push(text)
    total += words(text)
  }
  return annexes.join('\n\n') + '\n'
}
