/**
 * The comment matrix as the Presidency downloads it from the sidebar, in
 * headless Chromium against a real server: its rows follow the text, and an
 * accepted proposal keeps the passage as the country quoted it. The comments
 * are made through the API; the file comes through the page's own link.
 */
import { readFile } from 'node:fs/promises'
import { parse as parseCsv } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type { TextBlock } from '../../src'
import { MATRIX_COLUMNS } from '../../server/exchange'
import { connectSynced, DOC, docPath, openCommentPeriod, plainParagraphs, quoteSelector, signIn, startTestServer, wordsOf } from '../support'
import { openStrategyAs, useChromium } from './chromium'

const browser = useChromium()

describe('The comment matrix from the sidebar', () => {
  it('downloads as CSV in the order of the text, an accepted proposal showing the passage as quoted, the wording and the decision', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    await openCommentPeriod(ppt)
    const cr = await signIn(server.server, 'cr')
    const reader = await connectSynced(server.server, DOC, ppt.token)
    const paragraphs = plainParagraphs(reader.doc)
    const early = paragraphs[1] as TextBlock
    const late = paragraphs[paragraphs.length - 2] as TextBlock
    const quoted = wordsOf(early, 3)
    const wording = `${quoted}, en particular`
    // The later paragraph's comment is made first.
    for (const [body, block, words, suggestion] of [
      ['Matriz: párrafo tardío.', late, wordsOf(late, 3), undefined],
      ['Matriz: párrafo temprano, propuesta.', early, quoted, wording]
    ] as const) {
      const res = await cr.post(docPath('/comments'), {
        body,
        anchor: quoteSelector(words, { blockId: block.id as string }),
        ...(suggestion ? { suggestion: { text: suggestion } } : {})
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      if (suggestion) expect((await ppt.post(docPath(`/comments/${res.body.comment.id}/accept`))).status).toBe(200)
    }

    const { page, errors } = await openStrategyAs(browser(), server, 'ppt')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.comment-sidebar a.matrix-csv')])
    expect(download.suggestedFilename()).toMatch(/matriz de comentarios\.csv$/)
    const [header, ...records] = parseCsv(await readFile(await download.path()), { bom: true }) as string[][]
    expect(header).toEqual(MATRIX_COLUMNS.map((c) => c.title.es))
    const rows = records.map((r) => Object.fromEntries(MATRIX_COLUMNS.map((c, i) => [c.key, r[i] ?? ''])))

    const ours = rows.filter((r) => r.comment?.startsWith('Matriz:'))
    expect(ours.map((r) => r.comment)).toEqual(['Matriz: párrafo temprano, propuesta.', 'Matriz: párrafo tardío.'])
    expect(ours[0]).toMatchObject({ quote: quoted, proposal: wording, decision: 'Aceptada', status: 'Incorporado', country: 'Costa Rica' })
    // Every row, the demo's too, in the order of the text; those whose passage was deleted last.
    const places = rows.map((r) => (r.paragraph === '' ? Infinity : Number(r.paragraph?.replace('§ ', ''))))
    expect(places.every((n) => !Number.isNaN(n))).toBe(true)
    expect(places).toEqual([...places].sort((a, b) => a - b))
    expect(errors).toEqual([])
  })
})
