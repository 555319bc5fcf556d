/**
 * What a new user meets first: a sign-in that logs no error, a header that
 * names them once, tabs titled after their page, a text named by its title
 * for assistive technology.
 * Headless Chromium against a real server with the demo; needs `npm run build`
 * first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import { openStrategyAs, signInAs, useChromium } from './chromium'
import { DOC, startTestServer } from '../helpers'

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

})
