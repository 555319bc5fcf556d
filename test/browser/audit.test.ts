/**
 * The audit trail page as the Presidency uses it, and as a delegate is
 * refused it: headless Chromium (Debian's package, driven by playwright-core)
 * against a real server with the demo. Needs `npm run build` first and
 * /usr/bin/chromium. The acts it looks for are made by the test through the API.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { signInAs, useChromium } from './chromium'
import { docPath, openCommentPeriod, quoteSelector, signIn, startTestServer, workspaceToday, type ApiSession } from '../support'

const browser = useChromium()

// A passage of the demo Strategy that appears once.
const PUEBLA = 'Proceso Puebla'

/** Guatemala comments on a passage through the API, in a period the PPT opens; returns the comment's id. */
async function guatemalaComments(server: Parameters<typeof signIn>[0], ppt: ApiSession): Promise<string> {
  await openCommentPeriod(ppt)
  const gt = await signIn(server, 'gt')
  const res = await gt.post(docPath('/comments'), { body: 'Guatemala propone citar la Declaración de Los Ángeles.', anchor: quoteSelector(PUEBLA) })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.comment.id
}

/** The actions of the rows the table shows, top to bottom. */
const shownActions = (page: Page) => page.locator('.audit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))

describe('The audit trail in Chromium', () => {
  it("shows the Presidency a delegate's comment, narrows the table by that country and action, and the CSV link carries the same filters", async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const commentId = await guatemalaComments(server.server, ppt)

    const { page, errors } = await signInAs(browser(), server, 'ppt')
    await page.click('header a.audit-link')
    await page.waitForSelector('.audit-table tbody tr')
    expect(page.url()).toMatch(/#\/audit$/)
    await expect(page.locator('.audit-page h1').innerText()).resolves.toBe('Auditoría')
    await expect(page.locator('.audit-chain.intact').innerText()).resolves.toMatch(/^Integridad verificada/)

    // The comment's row: in words, with the account, its country and what it was done to.
    const row = page.locator('.audit-table tbody tr[data-action="comment.created"]').filter({ has: page.locator(`.audit-target-part[title="${commentId}"]`) })
    expect(await row.count()).toBe(1)
    const cells = await row.locator('td').allInnerTexts()
    expect(cells.slice(1, 5)).toEqual(['gt', 'Delegación', 'GT', 'Comentario enviado'])
    expect(cells[5]).toBe('documento «Estrategia regional de atención a la migración irregular y masiva» · comentario de Delegación de Guatemala')
    // The time is the recorded instant in the workspace's time zone.
    const at = await row.locator('time').getAttribute('datetime')
    expect(Date.parse(at ?? '')).toBeGreaterThan(Date.now() - 10 * 60_000)
    expect(cells[0]?.trim()).not.toBe('')

    // Unfiltered, the newest entries are the Presidency's sign-in or Guatemala's comment, not 2021's.
    expect(await shownActions(page)).toContain('period.opened')

    await page.selectOption('select[name=country]', 'GT')
    await page.selectOption('select[name=action]', 'comment.created')
    await page.fill('input[name=from]', workspaceToday())
    await page.locator('input[name=from]').dispatchEvent('change')
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.audit-table tbody tr')]
      return rows.length === 1 && rows[0]?.getAttribute('data-action') === 'comment.created'
    })
    await expect(page.locator('.audit-table tbody tr .country-chip').allInnerTexts()).resolves.toEqual(['GT'])
    await expect(page.locator('.audit-count').innerText()).resolves.toBe('1 de 1 entradas')

    const href = (await page.locator('a.audit-csv').getAttribute('href')) ?? ''
    const url = new URL(href, server.server.url)
    expect(url.pathname).toBe('/api/audit')
    expect(Object.fromEntries(url.searchParams)).toEqual({ country: 'GT', action: 'comment.created', from: workspaceToday(), format: 'csv', lang: 'es' })
    // The link works with the page's own session, and lists just that comment.
    const csv = await page.request.get(url.toString())
    expect(csv.status()).toBe(200)
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(commentId)

    // Clearing the filters brings every entry back.
    await page.click('button.audit-clear')
    await page.waitForFunction(() => document.querySelectorAll('.audit-table tbody tr').length > 1)
    expect(new URL((await page.locator('a.audit-csv').getAttribute('href')) ?? '', server.server.url).search).toBe('?format=csv&lang=es')
    expect(errors).toEqual([])
  })

  it("reads each entry's details in Spanish, and in English once the language is switched", async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const period = await openCommentPeriod(ppt)
    // Mexico holds one session when the Presidency disables the account.
    await signIn(server.server, 'mx')
    expect((await ppt.patch('/api/users/mx', { disabled: true })).status).toBe(200)

    const { page, errors } = await signInAs(browser(), server, 'ppt')
    await page.goto(`${server.server.url}/#/audit`)
    await page.waitForSelector('.audit-table tbody tr')
    const details = (action: string) => page.locator(`.audit-table tbody tr[data-action="${action}"] .audit-details`).first().innerText()
    // Calendar dates as the language writes them, computed here with the same rule (long, no time zone).
    const day = (date: string, language: string) => new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`))

    await expect(details('period.opened')).resolves.toBe(`inicio: ${day(period.start, 'es')} · plazo: ${day(period.deadline, 'es')} · días hábiles: 5`)
    await expect(details('account.disabled')).resolves.toBe('sesiones cerradas: 1')
    // A version's name is said once, in the target column.
    const published = page.locator('.audit-table tbody tr[data-action="version.published"]').first()
    const name = /«(.+)»/.exec(await published.locator('.audit-target').innerText())?.[1] ?? ''
    expect(name).not.toBe('')
    const publishedDetails = await published.locator('.audit-details').innerText()
    expect(publishedDetails).toMatch(/^palabras: [\d.]+$/)
    expect(publishedDetails).not.toContain(name)

    await page.selectOption('select.language', 'en')
    await page.waitForSelector('.audit-page h1:text-is("Audit trail")')
    await expect(details('period.opened')).resolves.toBe(`start: ${day(period.start, 'en')} · deadline: ${day(period.deadline, 'en')} · business days: 5`)
    await expect(details('account.disabled')).resolves.toBe('sessions ended: 1')
    await expect(page.locator('.audit-table tbody tr[data-action="version.published"] .audit-details').first().innerText()).resolves.toMatch(/^words: [\d,]+$/)
    expect(errors).toEqual([])
  })

  it('loads older entries with «Cargar más» after the first 200', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const { total } = (await ppt.get('/api/audit?limit=1')).body
    const { settings } = (await ppt.get('/api/settings')).body
    // Enough acts that the trail outgrows one page: the settings saved again and again.
    await Promise.all(
      Array.from({ length: 210 - total }, async () => expect((await ppt.put('/api/settings', settings)).status).toBe(200))
    )

    const { page, errors } = await signInAs(browser(), server, 'ppt')
    await page.goto(`${server.server.url}/#/audit`)
    await page.waitForSelector('.audit-table tbody tr')
    expect(await page.locator('.audit-table tbody tr').count()).toBe(200)
    const count = /^200 de (\d+) entradas$/.exec(await page.locator('.audit-count').innerText())
    const shown = Number(count?.[1])
    expect(shown).toBeGreaterThan(200)
    await page.click('button.audit-more')
    await page.waitForFunction((n) => document.querySelectorAll('.audit-table tbody tr').length === n, shown)
    // Every entry once, newest first, numbered without gaps.
    const seqs = await page.locator('.audit-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))))
    expect(seqs).toEqual(Array.from({ length: shown }, (_, i) => shown - i))
    await expect(page.locator('.audit-count').innerText()).resolves.toBe(`${shown} de ${shown} entradas`)
    expect(await page.locator('button.audit-more').isHidden()).toBe(true)
    expect(errors).toEqual([])
  })

  it('shows a delegate no link to the audit trail, and refuses them at #/audit', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'mx')
    expect(await page.locator('header a.audit-link').count()).toBe(0)
    await page.goto(`${server.server.url}/#/audit`)
    await expect(page.locator('.audit-refusal').innerText()).resolves.toBe(
      'Solo la Presidencia Pro Tempore y la Secretaría Ejecutiva pueden consultar la auditoría.'
    )
    expect(await page.locator('.audit-table').count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('refuses an observer at #/accounts in place, naming the accounts rather than a document', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'observador', { home: '.shared-versions' })
    await page.goto(`${server.server.url}/#/accounts`)
    await expect(page.locator('.accounts-refusal').innerText()).resolves.toBe('Solo la Presidencia Pro Tempore y la Secretaría Ejecutiva gestionan las cuentas.')
    expect(await page.locator('.accounts-page').count()).toBe(0)
    expect(errors).toEqual([])
  })
})
