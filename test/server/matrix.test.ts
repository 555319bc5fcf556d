/**
 * The comment matrix and the Word files as the people who receive them read
 * them, on a real server per test with the demo workspace: the matrix in the
 * order of the text, an accepted proposal's original passage, and who the
 * Word files say made them.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { TextBlock } from '../../src'
import { MATRIX_COLUMNS } from '../../server/exchange'
import {
  connectSynced,
  DOC,
  docPath,
  openCommentPeriod,
  plainParagraphs,
  quoteSelector,
  signIn,
  startTestServer,
  wordsOf,
  type ApiSession,
  type Reachable
} from '../support'
import { entryText } from '../exchange/helpers'

async function download(server: Reachable, session: ApiSession, path: string): Promise<Uint8Array> {
  const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${session.token}` } })
  expect(res.status, path).toBe(200)
  return new Uint8Array(await res.arrayBuffer())
}

/** The matrix as CSV, each row as an object keyed by column. */
async function matrixRows(server: Reachable, session: ApiSession): Promise<Array<Record<string, string>>> {
  const text = new TextDecoder().decode(await download(server, session, docPath('/comments/export?format=csv')))
  const [, ...records] = parseCsv(text, { bom: true }) as string[][]
  return records.map((record) => Object.fromEntries(MATRIX_COLUMNS.map((c, i) => [c.key, record[i] ?? ''])))
}

describe('The comment matrix', () => {
  test('The matrix follows the text, by paragraph and then by where the passage starts, comments on deleted passages last, whatever order they were made in.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    await openCommentPeriod(ppt)
    const mx = await signIn(server, 'mx')
    const editor = await connectSynced(server, DOC, ppt.token)
    const paragraphs = plainParagraphs(editor.doc)
    const early = paragraphs[2] as TextBlock
    const late = paragraphs[paragraphs.length - 3] as TextBlock
    const gone = paragraphs[5] as TextBlock
    // Made in an order unlike the text's: the later paragraph first, its end before its start.
    const made: Array<{ body: string; block: TextBlock; words: string }> = [
      { body: 'Orden: tardío, final.', block: late, words: wordsOf(late, 12) },
      { body: 'Orden: suprimido.', block: gone, words: wordsOf(gone, 4) },
      { body: 'Orden: temprano.', block: early, words: wordsOf(early, 6) },
      { body: 'Orden: tardío, inicio.', block: late, words: wordsOf(late, 2) },
      { body: 'Orden: temprano, mismo pasaje, después.', block: early, words: wordsOf(early, 6) }
    ]
    for (const { body, block, words } of made) {
      const res = await mx.post(docPath('/comments'), { body, anchor: quoteSelector(words, { blockId: block.id as string }) })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }
    // The passage of one comment is deleted: the comment is detached.
    const goneText = gone.element.get(0) as Y.XmlText
    const goneWords = made[1]?.words as string
    goneText.delete(gone.text.indexOf(goneWords), goneWords.length)

    await expect.poll(async () => (await matrixRows(server, ppt)).find((r) => r.comment === 'Orden: suprimido.')?.section).toBe('(pasaje suprimido)')
    const rows = await matrixRows(server, ppt)
    // Ours, in the order of the text.
    expect(rows.map((r) => r.comment).filter((c) => c?.startsWith('Orden:'))).toEqual([
      'Orden: temprano.',
      'Orden: temprano, mismo pasaje, después.',
      'Orden: tardío, inicio.',
      'Orden: tardío, final.',
      'Orden: suprimido.'
    ])
    // And every row, the demo's too: paragraph numbers never go down, the detached come last.
    const numbers = rows.map((r) => (r.paragraph === '' ? Infinity : Number(r.paragraph?.replace('§ ', ''))))
    expect(numbers.every((n) => Number.isFinite(n) || n === Infinity)).toBe(true)
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    const firstDetached = rows.findIndex((r) => r.section === '(pasaje suprimido)')
    expect(rows.slice(firstDetached).every((r) => r.section === '(pasaje suprimido)')).toBe(true)
    // Exported again, the same order.
    expect((await matrixRows(server, ppt)).map((r) => r.comment)).toEqual(rows.map((r) => r.comment))
  })

  test('For an accepted proposal the matrix shows the passage as the country quoted it, the wording it proposed and the decision, though the text now reads as proposed.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    await openCommentPeriod(ppt)
    const gt = await signIn(server, 'gt')
    const editor = await connectSynced(server, DOC, ppt.token)
    const block = plainParagraphs(editor.doc)[3] as TextBlock
    const quoted = wordsOf(block, 5)
    const wording = `${quoted} y sus familias`
    const made = await gt.post(docPath('/comments'), {
      body: 'Proponemos incluir a las familias.',
      anchor: quoteSelector(quoted, { blockId: block.id as string }),
      suggestion: { text: wording }
    })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const accepted = await ppt.post(docPath(`/comments/${made.body.comment.id}/accept`))
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200)
    expect(accepted.body.comment.anchor.text).toBe(wording)

    const row = (await matrixRows(server, ppt)).find((r) => r.comment === 'Proponemos incluir a las familias.')
    expect(row).toMatchObject({ quote: quoted, proposal: wording, decision: 'Aceptada', status: 'Incorporado', country: 'Guatemala' })
  })
})

describe('Who the Word files say made them', () => {
  test('A comparison’s changes that no proposal brought, and the file itself, are the Presidency’s, not «Consenso»’s; a version is its publisher’s.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const versions = (await revisor.get(docPath('/versions'))).body.versions as Array<{ id: string; name: string; author: { role: string } }>
    const october = versions.find((v) => v.name === 'Borrador octubre 2021') ?? expect.fail('no October draft')
    const november = versions.find((v) => v.name === 'Borrador noviembre 2021') ?? expect.fail('no November draft')
    expect(november.author.role).toBe('ppt')

    const diff = await download(server, revisor, docPath(`/diff/export?from=${october.id}&to=${november.id}&format=docx`))
    const xml = entryText(diff, 'word/document.xml')
    const authors = new Set([...xml.matchAll(/w:author="([^"]*)"/g)].map((m) => m[1]))
    expect(authors).toContain('Presidencia Pro Tempore')
    expect(authors).toContain('Guatemala')
    expect(authors).not.toContain('Consenso')
    const core = entryText(diff, 'docProps/core.xml')
    expect(core).toContain('<dc:creator>Presidencia Pro Tempore</dc:creator>')
    expect(core).toContain('<cp:lastModifiedBy>Presidencia Pro Tempore</cp:lastModifiedBy>')

    const version = entryText(await download(server, revisor, docPath(`/versions/${october.id}/export?format=docx`)), 'docProps/core.xml')
    expect(version).toContain('<dc:creator>Presidencia Pro Tempore</dc:creator>')
    expect(version).toContain('<cp:lastModifiedBy>Presidencia Pro Tempore</cp:lastModifiedBy>')
    expect(version).not.toContain('Un-named')
  })
})

describe('A moved paragraph in Word', () => {
  test('The comparison of the demo drafts writes the paragraph the Presidency moved as one Word move, w:moveFrom and w:moveTo under one name.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const versions = (await revisor.get(docPath('/versions'))).body.versions as Array<{ id: string; name: string }>
    const [october, november] = versions
    const diff = (await revisor.get(docPath(`/diff?from=${october?.id}&to=${november?.id}`))).body
    const moved = (diff.blocks as Array<{ op: string; newText: string }>).filter((b) => b.op === 'moved')
    expect(moved).toHaveLength(1)
    const xml = entryText(await download(server, revisor, docPath(`/diff/export?from=${october?.id}&to=${november?.id}&format=docx`)), 'word/document.xml')
    const names = (kind: string) => [...xml.matchAll(new RegExp(`<w:${kind}RangeStart w:id="\\d+" w:name="([^"]+)"`, 'g'))].map((m) => m[1])
    expect(names('moveFrom')).toHaveLength(1)
    expect(names('moveFrom')).toEqual(names('moveTo'))
    const opening = (moved[0]?.newText ?? '').slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    expect(xml).toMatch(new RegExp(`<w:moveFrom [^>]*><w:r><w:t xml:space="preserve">${opening}`))
    expect(xml).toMatch(new RegExp(`<w:moveTo [^>]*><w:r><w:t xml:space="preserve">${opening}`))
  })

  test('The redline page marks the moved paragraph at both ends: «Trasladado a» where it stood, «Trasladado desde» where it stands.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const [october, november] = (await revisor.get(docPath('/versions'))).body.versions as Array<{ id: string }>
    const query = `/diff?from=${october?.id}&to=${november?.id}`
    const moved = ((await revisor.get(docPath(query))).body.blocks as Array<{ op: string; oldIndex: number; newIndex: number; section: string }>).find(
      (b) => b.op === 'moved'
    )
    if (!moved) throw new Error('the demo moves no paragraph')
    const html = new TextDecoder().decode(await download(server, revisor, docPath(`${query}&format=html`)))
    const from = html.indexOf(`<div class="label">Trasladado desde § ${moved.oldIndex + 1}, «${moved.section}»`)
    const to = html.indexOf(`<div class="block moved-away"><div class="label">Trasladado a § ${moved.newIndex + 1}, «${moved.section}»</div>`)
    expect(from).toBeGreaterThan(-1)
    expect(to).toBeGreaterThan(-1)
    // The old place is where the paragraph stood: before the new one if it moved down.
    expect(to < from).toBe(moved.oldIndex < moved.newIndex)
  })
})
