/**
 * What a new user meets first: a sign-in that logs no error, a header that
 * names them once, tabs titled after their page, a text named by its title
 * for assistive technology, an audit trail that names what acts were done to.
 * Headless Chromium against a real server with the demo; needs `npm run build`
 * first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import { openStrategyAs, signInAs, useChromium } from './chromium'
import { DOC, docPath, signIn, startTestServer } from '../support'

const browser = useChromium()

const TITLE = 'Estrategia regional de atención a la migración irregular y masiva'

describe('Pages a new user meets, in Chromium', () => {
  it('signs in with nothing in the console, names the person once in the header, and titles each tab after its page', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'ppt')
    // Signed out is not an error: the sign-in page logged none (a 401 would count).
    expect(errors).toEqual([])
    await expect(page.title()).resolves.toBe('Documentos — Consenso')
    await expect(page.locator('header .who').innerText()).resolves.toBe('Presidencia Pro Tempore (México)')
    await expect(page.locator('header .who').getAttribute('title')).resolves.toBe('Presidencia Pro Tempore (México) — Presidencia Pro Tempore')

    await page.click(`a.document-link[href="#/doc/${DOC}"]`)
    await page.waitForSelector('.document-text h2')
    await expect(page.title()).resolves.toBe(`${TITLE} — Consenso`)
    await expect(page.locator('.document-text').getAttribute('aria-label')).resolves.toBe(`Texto de «${TITLE}»`)
    await page.click('a.versions-link')
    await page.waitForSelector('.version-list li')
    await expect(page.title()).resolves.toBe(`Versiones — ${TITLE} — Consenso`)
    await page.click('header a.audit-link')
    await page.waitForSelector('.audit-table tbody tr')
    await expect(page.title()).resolves.toBe('Auditoría — Consenso')
    await page.click('header a.accounts-link')
    await page.waitForSelector('table.accounts tbody tr')
    await expect(page.title()).resolves.toBe('Cuentas — Consenso')

    await page.selectOption('select.language', 'en')
    await expect.poll(() => page.title()).toBe('Accounts — Consenso')
    // The name is in Spanish, the role in English: it still says the same.
    await expect(page.locator('header .who').innerText()).resolves.toBe('Presidencia Pro Tempore (México)')
    await page.click('button.sign-out')
    await page.waitForSelector('form.login')
    await expect(page.title()).resolves.toBe('Sign in — Consenso')
    // Reloaded signed out: still nothing in the console.
    await page.reload()
    await page.waitForSelector('form.login')
    expect(errors).toEqual([])
  })

  it("says a delegate's role and country only where the name does not, and names the text by its title for a reader too", async () => {
    const server = await startTestServer()
    const gt = await openStrategyAs(browser(), server, 'gt')
    await expect(gt.page.locator('header .who').innerText()).resolves.toBe('Delegación de Guatemala')
    await expect(gt.page.locator('.document-text').getAttribute('aria-label')).resolves.toBe(`Texto de «${TITLE}»`)
    const reviewer = await signInAs(browser(), server, 'revisor')
    await expect(reviewer.page.locator('header .who').innerText()).resolves.toBe('Revisor — Revisión')
    expect([...gt.errors, ...reviewer.errors]).toEqual([])
  })

  it("names what each audit entry was done to by titles and names, never by bare ids", async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const { versions } = (await ppt.get(docPath('/versions'))).body as { versions: Array<{ id: string; name: string }> }
    const november = versions.find((v) => v.name === 'Borrador noviembre 2021')
    expect((await ppt.post(docPath(`/versions/${november?.id}/shares`), {})).status).toBe(201)
    expect((await ppt.patch('/api/users/mx', { disabled: true })).status).toBe(200)

    const { page, errors } = await signInAs(browser(), server, 'ppt')
    await page.goto(`${server.server.url}/#/audit`)
    await page.waitForSelector('.audit-table tbody tr')
    const target = (action: string, has?: string) => {
      const rows = page.locator(`.audit-table tbody tr[data-action="${action}"]`)
      return (has ? rows.filter({ has: page.locator(has) }) : rows).first().locator('.audit-target').innerText()
    }
    const documentPart = `documento «${TITLE}»`
    // Costa Rica's comment of November 2021, the November period, the share, the account.
    await expect(target('comment.created', 'time[datetime="2021-11-17T15:00:00.000Z"]')).resolves.toBe(`${documentPart} · comentario de Delegación de Costa Rica`)
    await expect(target('period.opened', 'time[datetime="2021-11-12T16:00:00.000Z"]')).resolves.toBe(
      `${documentPart} · periodo del 12 de noviembre de 2021 al 22 de noviembre de 2021`
    )
    await expect(target('share.created')).resolves.toBe(`${documentPart} · versión «Borrador noviembre 2021»`)
    await expect(target('account.disabled')).resolves.toBe('cuenta Delegación de México (mx)')
    // No id cut short is left to read.
    expect(await page.locator('.audit-target code').count()).toBe(0)
    await expect(page.locator('.audit-table tbody tr[data-action="comment.created"] .audit-target a').first().getAttribute('href')).resolves.toBe(`#/doc/${DOC}`)

    await page.selectOption('select.language', 'en')
    await page.waitForSelector('.audit-page h1:text-is("Audit trail")')
    await expect(target('period.opened', 'time[datetime="2021-11-12T16:00:00.000Z"]')).resolves.toBe(
      `document «${TITLE}» · period from November 12, 2021 to November 22, 2021`
    )
    expect(errors).toEqual([])
  })
})
