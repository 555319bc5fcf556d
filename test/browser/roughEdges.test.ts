/**
 * Rough edges a walk through the app found, each fixed and kept fixed: date
 * fields say the chosen date in words (Chromium draws them in its own
 * locale's order, whatever the page's language), disabling an account asks
 * first, and the comparison's section filter waits, disabled and saying
 * why, until there is something to choose, and leaving a document ends
 * its event stream rather than aborting it. Needs `npm run build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import { expectNoSeriousViolations } from './axe'
import { openStrategyAs, signInAs, UI_TIMEOUT, useChromium } from './chromium'
import { DOC, startTestServer } from '../support'

const POLL = { timeout: UI_TIMEOUT }
const browser = useChromium()

describe('Rough edges', () => {
  it('writes out the date chosen in a date field, in the interface language, whatever order the browser draws it in', async () => {
    const server = await startTestServer()
    const ppt = await signInAs(browser(), server, 'ppt')
    await ppt.page.goto(`${server.server.url}/#/audit`)
    const from = ppt.page.locator('input[name=from]')
    await from.waitFor()
    // The page is Spanish; the field itself follows the browser's locale.
    await expect(ppt.page.evaluate(() => document.documentElement.lang)).resolves.toBe('es')
    await from.fill('2021-10-15')
    const echo = ppt.page.locator(`#${await from.getAttribute('aria-describedby')}`)
    await expect.poll(() => echo.innerText(), POLL).toBe('15 de octubre de 2021')
    await ppt.page.click('button.audit-clear')
    await expect.poll(() => echo.innerText(), POLL).toBe('')
    await expectNoSeriousViolations(ppt.page, 'the audit page with its date echoes')

    // The Presidency's comment-period form, on the document, says it too.
    await ppt.page.goto(`${server.server.url}/#/doc/${DOC}`)
    await ppt.page.locator('.period-controls summary').click()
    const start = ppt.page.locator('.period-open input[name=start]')
    await start.fill('2021-11-12')
    const startEcho = ppt.page.locator(`#${await start.getAttribute('aria-describedby')}`)
    await expect.poll(() => startEcho.innerText(), POLL).toBe('12 de noviembre de 2021')
  })

  it('asks before disabling an account: a first press asks, Escape keeps the account, a second press disables it', async () => {
    const server = await startTestServer()
    const ppt = await signInAs(browser(), server, 'ppt')
    await ppt.page.click('a.accounts-link')
    const row = ppt.page.locator('tr[data-username=gt]')
    await expect.poll(() => row.locator('.account-state').innerText(), POLL).toBe('activa')
    const button = row.locator('button.disable-account')
    await button.focus()
    await ppt.page.keyboard.press('Enter')
    await expect(row.locator('.disable-question').innerText()).resolves.toBe('¿Desactivar la cuenta gt? Sus sesiones se cerrarán.')
    await expect(button.innerText()).resolves.toBe('Confirmar: desactivar gt')
    await expect(row.locator('.account-state').innerText()).resolves.toBe('activa')
    await expectNoSeriousViolations(ppt.page, 'the accounts page asking before disabling')
    await ppt.page.keyboard.press('Escape')
    expect(await row.locator('.disable-question').count()).toBe(0)
    await expect(button.innerText()).resolves.toBe('Desactivar')
    await ppt.page.keyboard.press('Enter')
    await ppt.page.keyboard.press('Enter')
    await expect.poll(() => row.locator('.account-state').innerText(), POLL).toBe('desactivada')
  })

  it('keeps the section filter disabled with a hint until a comparison gives it sections', async () => {
    const server = await startTestServer()
    const revisor = await signInAs(browser(), server, 'revisor')
    // The concept note has no versions: nothing is ever compared.
    await revisor.page.goto(`${server.server.url}/#/doc/nota-conceptual/versions`)
    const select = revisor.page.locator('select.compare-section')
    await select.waitFor()
    await expect(select.isDisabled()).resolves.toBe(true)
    await expect(revisor.page.locator('.section-hint').innerText()).resolves.toBe('(disponible al comparar dos versiones)')
    await expectNoSeriousViolations(revisor.page, 'the versions page with nothing to compare')

    await revisor.page.goto(`${server.server.url}/#/doc/${DOC}/versions`)
    await expect.poll(() => revisor.page.locator('select.compare-section').isEnabled(), POLL).toBe(true)
    await expect(revisor.page.locator('.section-hint').isHidden()).resolves.toBe(true)
    await expect(revisor.page.locator('select.compare-section option').count()).resolves.toBeGreaterThan(1)
  })

  it('ends the document\'s event stream when leaving the editor, so that its request completes instead of being aborted', async () => {
    const server = await startTestServer()
    const gt = await openStrategyAs(browser(), server, 'gt')
    const failed: string[] = []
    const finished: string[] = []
    gt.page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`))
    gt.page.on('requestfinished', (r) => finished.push(r.url()))
    await gt.page.locator('a[href$="/versions"]').first().click()
    await gt.page.waitForSelector('.versions-page')
    await expect.poll(() => finished.filter((url) => url.endsWith(`/api/documents/${DOC}/events`)).length, POLL).toBe(1)
    expect(failed).toEqual([])
    expect(gt.errors).toEqual([])
  })
})
