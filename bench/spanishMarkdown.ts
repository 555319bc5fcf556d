/**
 * Long Markdown drafts of real Spanish prose for the benchmark's imports: the
 * demo Strategy (October 2021) repeated as numbered annexes, each copy varied
 * by a seeded shuffle of the sentences within its paragraphs, so that no two
 * annexes are the same text (a store that dedupes or compresses gets no free
 * ride) and every run generates the same bytes.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Random } from './random'

const STRATEGY_FILE = join(import.meta.dirname, '../server/demo/estrategia-octubre-2021.md')

/** The text an annex starts with, unique in a draft: a comment can quote it (`Anexo 1:` is no part of `Anexo 11:`). */
export const annexQuote = (annex: number): string => `Anexo ${annex}:`

/** A passage that the Strategy holds once, for comments on a document made from it. */
export const STRATEGY_QUOTE = 'conocida también como Proceso Puebla'

/** The demo Strategy, as Markdown. */
export const strategyMarkdown = (): Promise<string> => readFile(STRATEGY_FILE, 'utf8')

/**
 * A draft titled `title` of at least `bytes` bytes (UTF-8) of Markdown: annexes
 * `## Anexo n: …`, each the Strategy's body with its sentences shuffled.
 */
export async function spanishMarkdown(title: string, bytes: number, seed: number): Promise<string> {
  const random = new Random(seed)
  // The Strategy without its title line; its headings become the annex's.
  const body = (await strategyMarkdown()).split('\n').slice(1).join('\n').trim()
  const paragraphs = body.split(/\n\n+/)
  const parts = [`# ${title}\n`]
  let size = Buffer.byteLength(parts[0] as string)
  for (let annex = 1; size < bytes; annex++) {
    const copy = [`## ${annexQuote(annex)} ${random.pick(HEADINGS)}`, ...paragraphs.map((p) => (isProse(p) ? shuffleSentences(p, random) : p))].join('\n\n')
    parts.push(copy)
    size += Buffer.byteLength(copy) + 2
  }
  return parts.join('\n\n') + '\n'
}

const HEADINGS = ['Antecedentes ampliados', 'Observaciones de las delegaciones', 'Texto de referencia', 'Propuesta consolidada', 'Versión de trabajo']

// Headings, lists, quotes and tables keep their shape; only plain paragraphs are shuffled.
const isProse = (paragraph: string): boolean => !/^(#|>|\||\s*[-*]\s|\s*\d+\.\s)/.test(paragraph)

function shuffleSentences(paragraph: string, random: Random): string {
  const sentences = paragraph.split(/(?<=\.)\s+(?=[A-ZÁÉÍÓÚÑ¿«])/)
  for (let i = sentences.length - 1; i > 0; i--) {
    const j = random.int(0, i)
    ;[sentences[i], sentences[j]] = [sentences[j] as string, sentences[i] as string]
  }
  return sentences.join(' ')
}
