import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { readMarkup } from '../../server/exchange'
import { markedUpCopy } from './markupFile'

describe('readMarkup', () => {
  test('reads tracked changes by two authors (in the text, a table cell and a footnote) and a comment with its reply', async () => {
    const { changes, comments } = await readMarkup(markedUpCopy())
    expect(changes).toEqual([
      { quote: 'examinará', text: 'analizará', prefix: 'La reunión ', suffix: ' la migración irregular en la re', authors: ['Ana Pérez'] },
      { quote: 'borrado', text: '', prefix: 'Texto que ya no existe ', suffix: ' aquí.', authors: ['Luis Gómez'] },
      // Insertions are found by the word before them.
      { quote: 'Apertura', text: 'Apertura oficial', prefix: '', suffix: '', authors: ['Luis Gómez'] },
      { quote: 'diagnóstico ', text: 'diagnóstico regional ', prefix: ' Según el ', suffix: 'de 2021.', authors: ['Ana Pérez'] }
    ])
    expect(comments).toEqual([
      {
        quote: 'migración irregular',
        prefix: 'La reunión examinará la ',
        suffix: ' en la región.',
        body: 'Conviene precisar si incluye a personas retornadas.',
        author: 'Ana Pérez',
        replies: [{ body: 'De acuerdo; lo planteamos en la reunión.', author: 'Luis Gómez' }]
      }
    ])
  })

  test("reads the comments of mammoth's comments.docx, a comment with no passage marked as having none", async () => {
    const { changes, comments } = await readMarkup(new Uint8Array(readFileSync(new URL('../fixtures/word/comments.docx', import.meta.url))))
    expect(changes).toEqual([])
    expect(comments).toEqual([
      { quote: 'Ouch', prefix: '', suffix: '.', body: 'A tachyon walks into a bar.', author: 'Michael Williamson', replies: [] },
      { quote: '', prefix: '', suffix: '', body: 'Fin.', author: 'Michael Williamson', replies: [] }
    ])
  })
})
