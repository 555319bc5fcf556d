/**
 * A moderated meeting as people hold it: the chair (the Secretariat) and two
 * delegations (Guatemala, Costa Rica) in three browsers against a real
 * server. Needs `npm run build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { plainText } from '../../src'
import { importDocx } from '../../server/exchange'
import { expectNoSeriousViolations } from './axe'
import { openStrategyAs, UI_TIMEOUT, useChromium } from './chromium'
import { startTestServer } from '../support'

const POLL = { timeout: UI_TIMEOUT }

const browser = useChromium()

/** The block ids of the text's paragraphs, in reading order, as the page numbers them. */
const paragraphIds = (page: Page): Promise<string[]> =>
  page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.document-text [data-block-id]')].filter((el) => !el.querySelector('[data-block-id]')).map((el) => el.dataset.blockId as string))

/** The paragraph marked as presented in this page, if any. */
const focused = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.querySelector<HTMLElement>('.document-text .meeting-focus')?.dataset.blockId ?? null)

/** Whether the block is (at least partly) in the visible part of the page. */
const inView = (page: Page, blockId: string): Promise<boolean> =>
  page.evaluate((blockId) => {
    const rect = document.querySelector(`.document-text [data-block-id="${blockId}"]`)?.getBoundingClientRect()
    return rect !== undefined && rect.bottom > 0 && rect.top < window.innerHeight
  }, blockId)

/** Puts the caret at the start of a paragraph, by clicking it. */
async function clickParagraph(page: Page, blockId: string): Promise<void> {
  const block = page.locator(`.document-text [data-block-id="${blockId}"]`)
  await block.scrollIntoViewIfNeeded()
  await block.click({ position: { x: 5, y: 5 } })
}

describe('Meeting mode', () => {
  it('the chair moves the focus and both followers follow; one browses freely and rejoins with Alt+Shift+F; Guatemala asks for the floor by keyboard and gets it; the intervention recorded reaches everyone; the minutes download', async () => {
    const server = await startTestServer()
    const chair = await openStrategyAs(browser(), server, 'se')
    const gt = await openStrategyAs(browser(), server, 'gt')
    const cr = await openStrategyAs(browser(), server, 'cr')
    const followers = [gt, cr]
    const ids = await paragraphIds(chair.page)
    expect(ids.length).toBeGreaterThan(30)

    // The chair starts the meeting from the form: title, agenda (an item on § 3), countries present.
    // With no meeting a delegate is offered nothing; the chair only a small «Iniciar una reunión».
    // (The seeded last meeting's minutes stay within reach, on one line.)
    await expect.poll(() => gt.page.locator('.meeting-minutes').count(), POLL).toBe(1)
    expect(await gt.page.locator('.meeting-panel button:visible, .meeting-panel summary:visible').count()).toBe(0)
    expect(await gt.page.locator('.meeting-panel').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThan(70)
    await expect.poll(() => chair.page.locator('.meeting-panel').evaluate((el) => el.getBoundingClientRect().height), POLL).toBeLessThan(100)
    await expect(chair.page.locator('.meeting-start-details summary').innerText()).resolves.toBe('Iniciar una reunión')
    await chair.page.click('.meeting-start-details summary')
    await chair.page.fill('#meeting-title', 'Tercera reunión de seguimiento')
    await chair.page.fill('#meeting-agenda', 'Apertura y bienvenida | 10 | PPT / SE CRM\nPresentación de la Estrategia | 50 | PPT / Países Miembros | § 3')
    for (const code of ['GT', 'CR', 'PA']) await chair.page.check(`#attendee-${code}`)
    await expectNoSeriousViolations(chair.page, 'the chair, starting a meeting', '.meeting-panel')
    await chair.page.click('.meeting-start button[type=submit]')
    for (const { page } of [chair, ...followers])
      await expect.poll(() => page.locator('.meeting-live').innerText(), POLL).toContain('Reunión en curso: Tercera reunión de seguimiento')
    // Running, the panel is one line (title, focus, who speaks) until the chair unfolds it, by keyboard.
    expect(await chair.page.locator('.meeting-panel').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThan(90)
    expect(await chair.page.locator('.meeting-panel').innerText()).not.toContain('Nadie ha pedido la palabra')
    await chair.page.locator('.meeting-more').focus()
    await chair.page.keyboard.press('Enter')
    await expect.poll(() => chair.page.locator('.meeting-more').getAttribute('aria-expanded'), POLL).toBe('true')
    // «Nadie tiene la palabra» once; no following offered to the chair, who presents; the intervention's country not guessed.
    expect((await chair.page.locator('.meeting-panel').innerText()).split('Nadie tiene la palabra').length - 1).toBe(1)
    expect(await chair.page.locator('.follow-toggle').count()).toBe(0)
    expect(await chair.page.locator('#intervention-country').inputValue()).toBe('')
    expect(await gt.page.locator('.follow-toggle').count()).toBe(1)

    // An agenda item presents its paragraph: every follower's view goes there.
    await chair.page.click('.agenda-item')
    // A redraw keeps the controls unfolded.
    await expect.poll(() => chair.page.locator('.meeting-live').innerText(), POLL).toContain('§ 3')
    expect(await chair.page.locator('.meeting-more').getAttribute('aria-expanded')).toBe('true')
    for (const { page } of followers) {
      await expect.poll(() => focused(page), POLL).toBe(ids[2])
      await expect.poll(() => inView(page, ids[2] as string), POLL).toBe(true)
    }
    // "Presentar este párrafo" presents the one under the chair's cursor, far down the text.
    const far = ids[ids.length - 5] as string
    await clickParagraph(chair.page, far)
    await chair.page.click('.present-paragraph')
    for (const { page } of followers) {
      await expect.poll(() => focused(page), POLL).toBe(far)
      await expect.poll(() => inView(page, far), POLL).toBe(true)
    }

    // Costa Rica browses freely: the next paragraph presented does not move it; Alt+Shift+F brings it back.
    await cr.page.click('.browse-freely')
    const next = ids[10] as string
    await clickParagraph(chair.page, next)
    await chair.page.click('.present-paragraph')
    await expect.poll(() => focused(gt.page), POLL).toBe(next)
    await expect.poll(() => inView(gt.page, next), POLL).toBe(true)
    expect(await focused(cr.page)).toBeNull()
    expect(await inView(cr.page, next)).toBe(false)
    await cr.page.keyboard.press('Alt+Shift+F')
    await expect.poll(() => focused(cr.page), POLL).toBe(next)
    await expect.poll(() => inView(cr.page, next), POLL).toBe(true)
    await expect(cr.page.locator('.browse-freely').count()).resolves.toBe(1)

    // Guatemala asks for the floor with the keyboard; everyone sees the queue; the chair gives it.
    await gt.page.locator('.ask-floor').focus()
    await gt.page.keyboard.press('Enter')
    for (const { page } of [chair, ...followers]) await expect.poll(() => page.locator('.floor-queue').innerText(), POLL).toContain('Guatemala')
    await expect.poll(() => gt.page.evaluate(() => document.activeElement?.className), POLL).toBe('own-floor withdraw-request')
    // The chair's button stands apart from the country's name it follows ("Guatemala  [Dar la palabra a Guatemala]").
    const gap = await chair.page.evaluate(() => {
      const item = document.querySelector('.floor-queue li')
      const button = item?.querySelector('.give-floor')
      const name = item?.firstChild
      if (!button || !name) return null
      const range = document.createRange()
      range.selectNodeContents(name)
      return button.getBoundingClientRect().left - range.getBoundingClientRect().right
    })
    expect(gap).toBeGreaterThanOrEqual(6)
    await chair.page.click('.give-floor')
    for (const { page } of [chair, ...followers]) await expect.poll(() => page.locator('.floor-speaking').innerText(), POLL).toBe('Tiene la palabra: Guatemala')

    // The Secretariat records what Guatemala said, on the paragraph under discussion; the others see it at once.
    expect(await chair.page.locator('#intervention-country').inputValue()).toBe('GT')
    await chair.page.fill('#intervention-summary', 'Guatemala pide incluir datos desagregados por sexo y edad.')
    await chair.page.click('.meeting-intervention button[type=submit]')
    for (const { page } of followers) {
      const card = page.locator('.comment-card', { hasText: 'Guatemala pide incluir datos desagregados' })
      await expect.poll(() => card.count(), POLL).toBe(1)
      await expect.poll(() => card.locator('.kind-badge').innerText(), POLL).toBe('Intervención en sesión')
      await expect.poll(() => card.getAttribute('data-country'), POLL).toBe('GT')
    }
    // Presence, per delegation.
    await expect.poll(() => chair.page.locator('.presence-by-country').innerText(), POLL).toMatch(/Guatemala: 1[\s\S]*Costa Rica: 1|Costa Rica: 1[\s\S]*Guatemala: 1/)
    // The chair lets the delegations present hold and support in the room, by keyboard; the server records it.
    await chair.page.focus('.allow-delegations')
    await chair.page.keyboard.press('Space')
    await expect.poll(async () => (await (await chair.page.request.get(`${server.server.url}/api/audit?action=meeting.delegations`)).json()).entries[0]?.details?.allowed, POLL).toBe(true)
    await expect.poll(() => chair.page.locator('.allow-delegations').isChecked(), POLL).toBe(true)
    await expectNoSeriousViolations(chair.page, 'the chair, during the meeting', '.meeting-panel')
    await expectNoSeriousViolations(gt.page, 'a delegate holding the floor', '.meeting-panel')

    // The chair ends the meeting; everyone gets the minutes.
    chair.page.once('dialog', (dialog) => void dialog.accept())
    await chair.page.click('.end-meeting')
    for (const { page } of [chair, ...followers]) await expect.poll(() => page.locator('.meeting-minutes').count(), POLL).toBe(1)
    await expect.poll(() => focused(gt.page), POLL).toBeNull()
    const docxHref = (await gt.page.locator('.meeting-minutes a').first().getAttribute('href')) as string
    const docx = await gt.page.request.get(`${server.server.url}${docxHref}`)
    expect(docx.status()).toBe(200)
    const text = plainText(await importDocx(new Uint8Array(await docx.body())))
    expect(text).toContain('Acta: Tercera reunión de seguimiento')
    expect(text).toContain('Guatemala pide incluir datos desagregados por sexo y edad.')
    expect(text).toMatch(/Guatemala: \d\d:\d\d–\d\d:\d\d/)
    const md = await (await gt.page.request.get(`${server.server.url}${(await gt.page.locator('.meeting-minutes a').nth(1).getAttribute('href')) as string}`)).text()
    expect(md).toContain('Presentación de la Estrategia (50 min) — PPT / Países Miembros — § 3')
    expect(md).toContain('Costa Rica')
    for (const person of [chair, ...followers]) expect(person.errors).toEqual([])
  }, 180_000)
})
