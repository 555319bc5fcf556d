/**
 * The standing of the negotiation as people see it (issue 17): the Presidency
 * agrees a paragraph and another delegation's margin and counter follow live;
 * a delegation supports another's proposal and the Presidency's sidebar says
 * so. Needs `npm run build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import { openStrategyAs, UI_TIMEOUT, useChromium } from './chromium'
import { expectNoSeriousViolations } from './axe'
import { todayIn } from '../../src'
import { docPath, login, startTestServer, type TestServer } from '../support'

const POLL = { timeout: UI_TIMEOUT }
const browser = useChromium()

async function call(server: TestServer, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('The standing of the negotiation in the editor', () => {
  it('The Presidency agrees a paragraph with the keyboard; a delegation sees its margin and the counter change live, and can show only what is not agreed.', async () => {
    const server = await startTestServer()
    const token = await login(server.server.url, 'ppt')
    const blocks = (await call(server, token, 'GET', docPath('/blocks'))).body.blocks as Array<{ blockId: string; status: string; provenance: string[] }>
    const total = blocks.length
    const agreed = blocks.filter((b) => b.status === 'agreed').length
    // El Salvador's accepted proposal shaped this paragraph: its margin says so before anyone sets a status.
    const shaped = blocks.find((b) => b.provenance.includes('SV') && b.status === 'open')
    expect(shaped).toBeDefined()
    const blockId = shaped?.blockId as string

    const ppt = await openStrategyAs(browser(), server, 'ppt')
    const gt = await openStrategyAs(browser(), server, 'gt')
    await expect.poll(() => gt.page.locator('.agreement-counter').innerText(), POLL).toBe(`${agreed} de ${total} párrafos acordados`)
    await expect.poll(() => gt.page.locator(`.status-margin[data-margin-of="${blockId}"]`).textContent(), POLL).toContain('Procedencia: SV')

    // The caret in the paragraph, then to the form by keyboard.
    await ppt.page.click(`.document-text [data-block-id="${blockId}"]`)
    await expect.poll(() => ppt.page.locator('.block-status-target').innerText(), POLL).toMatch(/^Estado del párrafo «/)
    await ppt.page.locator('select[name=block-status]').focus()
    await ppt.page.keyboard.press('End')
    expect(await ppt.page.locator('select[name=block-status]').inputValue()).toBe('agreed')
    await ppt.page.keyboard.press('Tab')
    // The capitals pending are shown only for ad referendum: the next stop is the button.
    expect(await ppt.page.evaluate(() => document.activeElement?.textContent)).toBe('Fijar')
    await ppt.page.keyboard.press('Enter')

    await expect.poll(() => gt.page.locator(`.status-margin[data-margin-of="${blockId}"]`).textContent(), POLL).toBe('Acordado · Procedencia: SV')
    await expect.poll(() => gt.page.locator('.agreement-counter').innerText(), POLL).toBe(`${agreed + 1} de ${total} párrafos acordados`)
    await expect.poll(() => ppt.page.locator('.agreement-counter').innerText(), POLL).toBe(`${agreed + 1} de ${total} párrafos acordados`)

    // Ad referendum needs the capitals: the form shows them, and the other browser reads them.
    const other = blocks.find((b) => b.blockId !== blockId && b.status === 'open')?.blockId as string
    await ppt.page.click(`.document-text [data-block-id="${other}"]`)
    await ppt.page.selectOption('select[name=block-status]', 'ad-ref')
    await ppt.page.check('.block-pending input[value=GT]')
    await ppt.page.check('.block-pending input[value=HN]')
    await expectNoSeriousViolations(ppt.page, 'the paragraph status form', '.negotiation-bar')
    await ppt.page.click('.block-status-form button[type=submit]')
    await expect
      .poll(() => gt.page.locator(`.status-margin[data-margin-of="${other}"]`).textContent(), POLL)
      .toBe('Acordado ad referéndum · pendiente de confirmación de GT, HN')

    // Only what is not yet agreed: the agreed paragraph goes, the ad ref one stays.
    await gt.page.check('input[name=only-open]')
    await expect.poll(() => gt.page.locator(`.document-text [data-block-id="${blockId}"]`).isVisible(), POLL).toBe(false)
    expect(await gt.page.locator(`.document-text [data-block-id="${other}"]`).isVisible()).toBe(true)
    await expectNoSeriousViolations(gt.page, "a delegation's margin, counter and filter")
    expect(ppt.errors).toEqual([])
    expect(gt.errors).toEqual([])
  })

  it("A delegation supports another country's proposal from its card, by keyboard; the Presidency's card says who supports it, and can list the supported first.", async () => {
    const server = await startTestServer()
    const token = await login(server.server.url, 'ppt')
    const opened = await call(server, token, 'POST', docPath('/periods'), { start: todayIn('America/Mexico_City', new Date()), businessDays: 5 })
    expect(opened.status).toBe(201)
    const honduras = ((await call(server, token, 'GET', docPath('/comments'))).body.comments as Array<any>).find((c) => c.country === 'HN' && c.suggestion)

    const ppt = await openStrategyAs(browser(), server, 'ppt')
    const gt = await openStrategyAs(browser(), server, 'gt')
    const card = gt.page.locator(`.comment-card[data-comment-id="${honduras.id}"]`)
    const support = card.locator('button.support')
    await support.focus()
    await gt.page.keyboard.press('Enter')
    await expect.poll(() => card.locator('.card-supporters').innerText(), POLL).toBe('Apoyada por GT')
    await expect.poll(() => card.locator('button.support').innerText(), POLL).toBe('Retirar el apoyo de mi país')
    await expectNoSeriousViolations(gt.page, 'a supported proposal', `.comment-card[data-comment-id="${honduras.id}"]`)

    const pptCard = ppt.page.locator(`.comment-card[data-comment-id="${honduras.id}"]`)
    await expect.poll(() => pptCard.locator('.card-supporters').innerText(), POLL).toBe('Apoyada por GT')
    // The Presidency may not support; it sorts and filters by support instead.
    expect(await pptCard.locator('button.support').count()).toBe(0)
    // Honduras's proposal, and the two the demo's delegations support.
    const supported = ((await call(server, token, 'GET', docPath('/comments'))).body.comments as Array<any>)
      .filter((c) => c.supporters.length > 0)
      .sort((a, b) => b.supporters.length - a.supporters.length)
    expect(supported.map((c) => c.id)).toContain(honduras.id)
    // The Presidency's row of filters holds three selects and the checkbox: each select stays wide enough to read ("Todos los países", not "Todc").
    const widths = await ppt.page.locator('.comment-filters select').evaluateAll((selects) => selects.map((s) => s.getBoundingClientRect().width))
    expect(widths).toHaveLength(3)
    for (const width of widths) expect(width).toBeGreaterThanOrEqual(120)
    await ppt.page.check('input[name=supported]')
    await expect.poll(() => ppt.page.locator('.comment-card').count(), POLL).toBe(supported.length)
    await ppt.page.uncheck('input[name=supported]')
    await ppt.page.selectOption('select[name=order]', 'support')
    await expect
      .poll(() => ppt.page.locator('.comment-card').evaluateAll((cards) => cards.slice(0, 3).map((c) => c.getAttribute('data-comment-id'))), POLL)
      .toEqual(supported.map((c) => c.id))
    await expectNoSeriousViolations(ppt.page, 'the comments ordered by support', '.comment-sidebar')
    expect(ppt.errors).toEqual([])
    expect(gt.errors).toEqual([])
  })
})
