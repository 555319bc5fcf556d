/**
 * Sharing a published version with observers, as people do it: the PPT in
 * one Chromium context, the observer in another, against a real server with
 * the demo (versions «Borrador octubre 2021» and «Borrador noviembre 2021»).
 * Needs `npm run build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { signInAs, UI_TIMEOUT, useChromium, type Person } from './chromium'
import { DOC, docPath, signIn, startTestServer, type TestServer } from '../support'

const POLL = { timeout: UI_TIMEOUT }

const NOVEMBER = 'Borrador noviembre 2021'
const TITLE = 'Estrategia regional de atención a la migración irregular y masiva'
// How each draft names the Puebla Process: November reworded October's phrase.
const IN_NOVEMBER = 'también conocida como «Proceso Puebla»'
const IN_OCTOBER = 'conocida también como Proceso Puebla'

const browser = useChromium()

/** Signs in and goes straight to the versions page of the Strategy. */
async function versionsPageAs(server: TestServer, username: string): Promise<Person> {
  const person = await signInAs(browser(), server, username)
  await person.page.goto(`${server.server.url}/#/doc/${DOC}/versions`)
  await person.page.waitForSelector('.versions-page .version-list li strong')
  await person.page.waitForSelector('.shares-panel .share-list li')
  return person
}

/** Signs an observer in: their home lists what is shared with them, never documents. */
function observerSignsIn(server: TestServer, username = 'observador'): Promise<Person> {
  // 404: a shared version withdrawn while its page is open, asked for again on reload.
  return signInAs(browser(), server, username, { home: '.shared-versions', expectedStatuses: [404] })
}

const versionItem = (page: Page, name: string) => page.locator('.version-list li').filter({ hasText: name })
const shareItems = (page: Page) => page.locator('.share-list li.share')

describe('Sharing a version with observers in Chromium', () => {
  it('lets the PPT share the November draft, the observer read it read-only without comments, and withdraw it again', async () => {
    const server = await startTestServer()
    const ppt = await versionsPageAs(server, 'ppt')
    await expect(ppt.page.locator('.share-list').innerText()).resolves.toBe('Ninguna versión se ha compartido con observadores.')

    await versionItem(ppt.page, NOVEMBER).locator('button.share-version').click()
    const form = versionItem(ppt.page, NOVEMBER).locator('form.share-form')
    await expect(form.locator('input[value=all]').isChecked()).resolves.toBe(true)
    await form.locator('button[type=submit]').click()
    await ppt.page.waitForSelector('.share-list li.share[data-state=active]')
    await expect(shareItems(ppt.page).innerText()).resolves.toMatch(/^Borrador noviembre 2021 — todos los observadores · compartida por Presidencia Pro Tempore \(México\) el .* vigente/)
    await expect(ppt.page.locator('.share-message').innerText()).resolves.toBe(`«${NOVEMBER}» compartida con observadores.`)
    expect(await form.count()).toBe(0)

    const observer = await observerSignsIn(server)
    const { page } = observer
    await expect(page.locator('.shared-versions h1').innerText()).resolves.toBe('Versiones compartidas con usted')
    await expect.poll(() => page.locator('a.shared-link').allInnerTexts(), POLL).toEqual([`${TITLE} — ${NOVEMBER}`])
    await page.click('a.shared-link')
    await page.waitForSelector('.shared-version .version-view .document-text h2')
    const text = page.locator('.version-view .document-text')
    expect(await text.getAttribute('contenteditable')).toBe('false')
    await expect(text.innerText()).resolves.toContain(IN_NOVEMBER)
    await expect(text.innerText()).resolves.not.toContain(IN_OCTOBER)
    await expect(page.locator('.read-only-banner').innerText()).resolves.toBe('Versión compartida por la Presidencia Pro Tempore: solo lectura.')
    await expect(page.locator('.version-meta').innerText()).resolves.toMatch(/^Borrador noviembre 2021 — publicada el 8 de noviembre de 2021/)
    // No comments, no editing, no way to the draft or to other versions: besides the
    // links the text itself holds, the page only links home and to this version's downloads.
    expect(await page.locator('.comment-sidebar, .comment-button, .menu-button, .period-banner').count()).toBe(0)
    const links = await page
      .locator('main a')
      .evaluateAll((anchors) => anchors.filter((a) => !a.closest('.document-text')).map((a) => a.getAttribute('href')))
    const shareId = page.url().split('#/shared/')[1] as string
    expect(links).toEqual(['#/', `/api/shared/${shareId}/export?format=docx`, `/api/shared/${shareId}/export?format=md`, `/api/shared/${shareId}/export?format=html`])
    const html = await page.evaluate(async (url) => {
      const res = await fetch(url)
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
    }, `/api/shared/${shareId}/export?format=html`)
    expect(html.status).toBe(200)
    expect(html.type).toMatch(/^text\/html/)
    expect(html.text).toContain(IN_NOVEMBER)

    ppt.page.once('dialog', (dialog) => void dialog.accept())
    await shareItems(ppt.page).locator('button.withdraw-share').click()
    await ppt.page.waitForSelector('.share-list li.share[data-state=withdrawn]')
    await expect(shareItems(ppt.page).innerText()).resolves.toContain('retirada por Presidencia Pro Tempore (México) el')
    expect(await shareItems(ppt.page).locator('button.withdraw-share').count()).toBe(0)

    // The open page asks again on reload: the version is gone, and so is the list entry.
    await page.reload()
    await page.waitForSelector('.shared-versions .no-shared')
    await expect(page.locator('.notice').innerText()).resolves.toBe('Esa versión no está compartida con usted o ya fue retirada.')
    await expect(page.locator('.no-shared').innerText()).resolves.toBe('No hay versiones compartidas con usted.')
    await page.reload()
    await page.waitForSelector('.shared-versions .no-shared')
    expect(await page.locator('a.shared-link').count()).toBe(0)
    expect([...ppt.errors, ...observer.errors]).toEqual([])
  })

  it('shares with a chosen observer only, and shows the Secretariat the shares without letting it share', async () => {
    const server = await startTestServer()
    const created = await (await signIn(server.server, 'se')).post('/api/users', {
      username: 'oim',
      password: 'contraseña de prueba larga',
      name: 'Organización Internacional para las Migraciones',
      role: 'observer'
    })
    expect(created.status).toBe(201)
    const ppt = await versionsPageAs(server, 'ppt')
    await versionItem(ppt.page, NOVEMBER).locator('button.share-version').click()
    const form = versionItem(ppt.page, NOVEMBER).locator('form.share-form')
    // The form appears once the observer accounts have loaded.
    await expect.poll(() => form.locator('.observer-choices label').allInnerTexts(), POLL).toEqual([
      'Observador (observador)',
      'Organización Internacional para las Migraciones (oim)'
    ])
    // Choosing nobody is refused in place.
    await form.locator('input[value=chosen]').check()
    await form.locator('button[type=submit]').click()
    await expect.poll(() => form.locator('.form-message').innerText(), POLL).toBe('Elija al menos un observador.')
    await form.locator('input[name=observer][value=oim]').check()
    await form.locator('button[type=submit]').click()
    await ppt.page.waitForSelector('.share-list li.share[data-state=active]')
    await expect(shareItems(ppt.page).innerText()).resolves.toContain('observadores: oim')

    const se = await versionsPageAs(server, 'se')
    await expect(shareItems(se.page).innerText()).resolves.toContain('observadores: oim')
    expect(await se.page.locator('button.share-version, button.withdraw-share').count()).toBe(0)

    const observer = await observerSignsIn(server)
    await expect(observer.page.locator('.no-shared').innerText()).resolves.toBe('No hay versiones compartidas con usted.')
    const shares = (await (await signIn(server.server, 'ppt')).get(docPath('/shares'))).body.shares
    expect(shares).toMatchObject([{ versionName: NOVEMBER, observers: ['oim'], withdrawn: null }])
    expect([...ppt.errors, ...se.errors, ...observer.errors]).toEqual([])
  })
})
