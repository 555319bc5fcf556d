/**
 * CSV formula injection through a separator of another locale (issue 14,
 * item 5): the comment matrix and the audit trail, downloaded from a real
 * server and read back by a CSV parser split on `,`, then each cell split
 * again on `;` and tab as a Spanish-locale Excel or a paste would.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { describe, expect, test } from 'vitest'
import type { TextBlock } from '../../src'
import { connectSynced, DOC, docPath, openCommentPeriod, plainParagraphs, quoteSelector, signIn, startTestServer, wordsOf, type ApiSession, type Reachable } from '../support'

const COMMENT = "Comentario;=cmd|' /C calc'!A0;"
const USERNAME = 'x;=1+1;'

async function downloadCsv(server: Reachable, session: ApiSession, path: string): Promise<string> {
  const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${session.token}` } })
  expect(res.status, path).toBe(200)
  return new TextDecoder().decode(await res.arrayBuffer())
}

// Every cell a CSV parser makes of the file, split on `delimiter`.
const cellsOf = (csv: string, delimiter: string): string[] => (parseCsv(csv, { bom: true, delimiter }) as string[][]).flat()

// The cells that a spreadsheet would run as a formula: as parsed on `,`, each
// of them split again on `;` and tab, and each line split on `;` and tab
// with no regard for quotes, the crudest reading a locale could make.
function formulaCells(csv: string): string[] {
  const byComma = cellsOf(csv, ',')
  const pieces = byComma.flatMap((cell) => cell.split(/[;\t]/))
  const crude = csv.replace(/^\uFEFF/, '').split('\r\n').flatMap((line) => line.split(/[;\t]/))
  return [...byComma, ...pieces, ...crude].filter((cell) => /^[=+\-@\t\r]/.test(cell))
}

describe('CSV formula injection', () => {
  test('A comment «Comentario;=cmd|…;» reaches the comment matrix quoted, whole, and with no piece starting a formula.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    await openCommentPeriod(ppt)
    const mx = await signIn(server, 'mx')
    const editor = await connectSynced(server, DOC, ppt.token)
    const block = plainParagraphs(editor.doc)[2] as TextBlock
    const made = await mx.post(docPath('/comments'), { body: COMMENT, anchor: quoteSelector(wordsOf(block, 12), { blockId: block.id as string }) })
    expect(made.status, JSON.stringify(made.body)).toBe(201)

    const csv = await downloadCsv(server, ppt, docPath('/comments/export?format=csv'))
    expect(csv).toContain(`"Comentario;'=cmd|' /C calc'!A0;"`)
    expect(cellsOf(csv, ',')).toContain("Comentario;'=cmd|' /C calc'!A0;")
    expect(formulaCells(csv)).toEqual([])
  })

  test('A failed login as «x;=1+1;» reaches the audit CSV quoted, whole, and with no piece starting a formula.', async () => {
    const { server } = await startTestServer()
    const res = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: USERNAME, password: 'wrong password' })
    })
    expect(res.status).toBe(401)
    const se = await signIn(server, 'se')
    const csv = await downloadCsv(server, se, '/api/audit?format=csv&action=login.failed')
    expect(csv).toContain(`"x;'=1+1;"`)
    const [, ...records] = parseCsv(csv, { bom: true }) as string[][]
    expect(records.map((r) => r[2])).toEqual(["x;'=1+1;"])
    expect(formulaCells(csv)).toEqual([])
  })
})
