/**
 * The silence procedure as people meet it: the Presidency has put its
 * latest version under procedure (a superseded one is refused); a delegation breaks the silence with the
 * keyboard on the versions page and the Presidency's page shows it; the
 * demo's November draft shows its adoption; the document shows the pending
 * procedure above its text. Needs `npm run build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { expectNoSeriousViolations } from './axe'
import { signInAs, UI_TIMEOUT, useChromium, type Person } from './chromium'
import { DOC, docPath, signIn, startTestServer, type TestServer } from '../support'

const OCTOBER = 'Borrador octubre 2021'
const NOVEMBER = 'Borrador noviembre 2021'
// Published by the test, so the latest version: the only kind a procedure may be opened on.
const LATEST = 'Borrador diciembre 2021'
const POLL = { timeout: UI_TIMEOUT }

const browser = useChromium()

async function versionsPageAs(server: TestServer, username: string): Promise<Person> {
  const person = await signInAs(browser(), server, username)
  await person.page.goto(`${server.server.url}/#/doc/${DOC}/versions`)
  await person.page.waitForSelector('.versions-page .version-list li .silence')
  return person
}

const silenceOf = (page: Page, name: string) => page.locator('.version-list li').filter({ hasText: name }).locator('.silence')

describe('Silence procedure in Chromium', () => {
  it('lets a delegation break the silence by keyboard on the versions page, and the Presidency sees its objection', async () => {
    const server = await startTestServer()
    const api = await signIn(server.server, 'ppt')
    const published = await api.post(docPath('/versions'), { name: LATEST })
    expect(published.status).toBe(201)
    expect((await api.post(docPath(`/versions/${published.body.version.id as string}/silence`), { businessDays: 5 })).status).toBe(201)

    const gt = await versionsPageAs(server, 'gt')
    const pending = silenceOf(gt.page, LATEST)
    await expect(pending.getAttribute('data-outcome')).resolves.toBe('pending')
    await expect(pending.locator('.silence-status').innerText()).resolves.toMatch(/^En procedimiento de silencio hasta el .* 23:59 \(.+\)\.$/)
    await expect(silenceOf(gt.page, NOVEMBER).locator('.silence-status').innerText()).resolves.toMatch(/^Adoptada por procedimiento de silencio: ninguna delegación rompió el silencio antes del 26 de noviembre de 2021, 23:59/)
    await expectNoSeriousViolations(gt.page, 'the versions page of a delegation with a pending procedure')

    // Keyboard only: into the reason, on to the amendment and the button, Enter.
    await pending.locator('textarea[name=reason]').focus()
    await gt.page.keyboard.type('Guatemala necesita consultar a su capital sobre el eje 3.')
    await gt.page.keyboard.press('Tab')
    await gt.page.keyboard.type('Añadir «con pleno respeto de la legislación nacional».')
    await gt.page.keyboard.press('Tab')
    await expect(gt.page.evaluate(() => document.activeElement?.className)).resolves.toBe('break-silence')
    await gt.page.keyboard.press('Enter')
    await expect.poll(() => pending.locator('.silence-broken').count(), POLL).toBe(1)
    const objection = pending.locator('.silence-objections li')
    await expect(objection.locator('.objection-by').innerText()).resolves.toMatch(/^Guatemala \(Delegación de Guatemala\), \d+ de \w+ de \d{4}, \d\d:\d\d \(.+\)$/)
    await expect(objection.locator('.objection-reason').innerText()).resolves.toBe('Guatemala necesita consultar a su capital sobre el eje 3.')
    await expect(objection.locator('.objection-amendment').innerText()).resolves.toBe('Enmienda propuesta: Añadir «con pleno respeto de la legislación nacional».')
    expect(await pending.locator('form.objection-form').count()).toBe(0)

    const ppt = await versionsPageAs(server, 'ppt')
    const seen = silenceOf(ppt.page, LATEST)
    await expect(seen.locator('.silence-objections li[data-country=GT] .objection-reason').innerText()).resolves.toBe('Guatemala necesita consultar a su capital sobre el eje 3.')
    // The Presidency does not object; it opens procedures on versions that have none.
    expect(await ppt.page.locator('form.objection-form').count()).toBe(0)
    await expectNoSeriousViolations(ppt.page, 'the versions page of the Presidency')

    // The document itself tells the delegation that the latest version is under procedure.
    await gt.page.goto(`${server.server.url}/#/doc/${DOC}`)
    await expect.poll(() => gt.page.locator('.silence-banner:not([hidden])').innerText().catch(() => ''), POLL).toContain(`La versión «${LATEST}» está en procedimiento de silencio`)
  })

  it('lets the Presidency put a version under procedure from the versions page with the keyboard', async () => {
    const server = await startTestServer()
    const published = await (await signIn(server.server, 'ppt')).post(docPath('/versions'), { name: 'Versión consolidada' })
    expect(published.status).toBe(201)
    const ppt = await versionsPageAs(server, 'ppt')
    // Only the latest version is offered: October, superseded, is not.
    expect(await silenceOf(ppt.page, OCTOBER).count()).toBe(0)
    expect(await ppt.page.locator('.silence-controls').count()).toBe(1)
    const part = silenceOf(ppt.page, 'Versión consolidada')
    await expect(part.getAttribute('data-outcome')).resolves.toBe('none')
    await part.locator('summary').focus()
    await ppt.page.keyboard.press('Enter')
    await part.locator('input[name=silence-days]').focus()
    await ppt.page.keyboard.press('Control+a')
    await ppt.page.keyboard.type('3')
    await ppt.page.keyboard.press('Tab')
    await expect(ppt.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Someter a procedimiento de silencio')
    await ppt.page.keyboard.press('Enter')
    await expect.poll(() => part.getAttribute('data-outcome'), POLL).toBe('pending')
    await expect(part.locator('.silence-none').innerText()).resolves.toBe('Ninguna delegación ha roto el silencio.')
    await expectNoSeriousViolations(ppt.page, 'the versions page after opening a procedure')

    // The audit trail names the demo's adoption in words: who settled it is the server.
    await ppt.page.goto(`${server.server.url}/#/audit`)
    await ppt.page.waitForSelector('.audit-table tbody tr')
    await ppt.page.selectOption('select[name=action]', 'silence.settled')
    const settled = ppt.page.locator('.audit-table tbody tr[data-action="silence.settled"]')
    await expect.poll(() => settled.count(), POLL).toBe(1)
    await expect(settled.innerText()).resolves.toMatch(/Procedimiento de silencio concluido[\s\S]*resultado: adoptada/)
  })
})
