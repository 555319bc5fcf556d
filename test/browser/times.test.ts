/**
 * Times as people read them: every instant in the workspace's time zone
 * (the demo's America/Mexico_City), whatever the browser's own, with a
 * 24-hour clock and the zone named; a period's deadline with its 23:59.
 * Headless Chromium against a real server with the demo; needs `npm run build`
 * first and /usr/bin/chromium. The browser here runs in Tokyo, fifteen hours
 * ahead of Mexico City: a time taken from the browser would show.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openStrategyAs, UI_TIMEOUT, useChromium } from './chromium'
import { docPath, openCommentPeriod, signIn, startTestServer } from '../support'

const browser = useChromium()
const POLL = { timeout: UI_TIMEOUT }
const TOKYO = { timezoneId: 'Asia/Tokyo' }

// Mexico City has kept standard time since 2022; in 2021 it still had summer time.
const CST = '(hora estándar central)'
const CDT = '(hora de verano central)'

/** A calendar date as the app writes it (long, no zone), computed here with the same rule. */
const day = (date: string, language = 'es') => new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`))

/** The page's visible text, for what must appear nowhere on it. */
const pageText = (page: Page) => page.locator('body').innerText()

// A 12-hour clock, as Spanish and English write it.
const TWELVE_HOUR = /\d\s?(a\.\s?m\.|p\.\s?m\.|AM|PM)/

describe('Times in the workspace time zone in Chromium', () => {
  it("shows the ended November period's start and deadline with time and zone, dates the period controls, and says a new period's deadline the same way, live", async () => {
    const server = await startTestServer()
    const { page, errors } = await openStrategyAs(browser(), server, 'ppt', TOKYO)

    // The demo's November round: from Friday 12 November 2021, five business days (Monday 15 a holiday).
    await expect(page.locator('.period-banner').getAttribute('data-phase')).resolves.toBe('closed')
    await expect(page.locator('.period-text').innerText()).resolves.toBe(
      `El periodo de comentarios terminó el 22 de noviembre de 2021, 23:59 ${CST}; se había abierto el 12 de noviembre de 2021, 00:00 ${CST}`
    )
    await page.click('.period-controls summary')
    await expect(page.locator('.period-extend .period-form-label').innerText()).resolves.toBe(
      'Último periodo, del 12 de noviembre de 2021 al 22 de noviembre de 2021, ya terminado:'
    )
    // Costa Rica's comment of 17 November 2021, 15:00 UTC.
    await expect(page.locator('.comment-card .card-byline').allInnerTexts()).resolves.toContain(
      `Delegación de Costa Rica · 17 de noviembre de 2021, 09:00 ${CST}`
    )

    const period = await openCommentPeriod(await signIn(server.server, 'ppt'))
    await expect
      .poll(() => page.locator('.period-text').innerText(), POLL)
      .toBe(`Periodo de comentarios abierto hasta el ${day(period.deadline)}, 23:59 ${CST}; 5 días hábiles desde el ${day(period.start)}, 00:00 ${CST}`)
    await expect(page.locator('.period-extend .period-form-label').innerText()).resolves.toBe(
      `Periodo actual, del ${day(period.start)} al ${day(period.deadline)}:`
    )
    expect(await pageText(page)).not.toMatch(TWELVE_HOUR)

    await page.selectOption('select.language', 'en')
    await page.waitForSelector('.document-text h2')
    await expect
      .poll(() => page.locator('.period-text').innerText(), POLL)
      .toBe(
        `Comment period open until ${day(period.deadline, 'en')}, 23:59 (Central Standard Time); 5 business days from ${day(period.start, 'en')}, 00:00 (Central Standard Time)`
      )
    expect(errors).toEqual([])
  })

  it('dates versions, shares, audit entries and accounts in the workspace time zone with a 24-hour clock, in Spanish and in English', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const { versions } = (await ppt.get(docPath('/versions'))).body as { versions: Array<{ id: string; name: string }> }
    const november = versions.find((v) => v.name === 'Borrador noviembre 2021')
    expect((await ppt.post(docPath(`/versions/${november?.id}/shares`), {})).status).toBe(201)
    const { page, errors } = await openStrategyAs(browser(), server, 'ppt', TOKYO)

    // Published 1 October 2021, 15:30 UTC (summer time then) and 8 November 2021, 17:00 UTC.
    await page.click('a.versions-link')
    await page.waitForSelector('.shares-panel .share-list li.share')
    const listed = await page.locator('.version-list li').allInnerTexts()
    expect(listed.find((v) => v.includes('Borrador octubre 2021'))).toContain(`1 de octubre de 2021, 10:30 ${CDT}`)
    expect(listed.find((v) => v.includes('Borrador noviembre 2021'))).toContain(`8 de noviembre de 2021, 11:00 ${CST}`)
    await expect(page.locator('.share-list li.share').innerText()).resolves.toMatch(/compartida por .* el \d+ de \w+ de \d{4}, \d{2}:\d{2} \(hora estándar central\)/)
    expect(await pageText(page)).not.toMatch(TWELVE_HOUR)

    // The audit trail: the November period was opened on 12 November 2021 at 16:00 UTC.
    await page.goto(`${server.server.url}/#/audit`)
    await page.waitForSelector('.audit-table tbody tr')
    const opened = page.locator('.audit-table tbody tr[data-action="period.opened"] time[datetime="2021-11-12T16:00:00.000Z"]')
    await expect(opened.innerText()).resolves.toBe(`12 de noviembre de 2021, 10:00 ${CST}`)
    expect(await pageText(page)).not.toMatch(TWELVE_HOUR)

    await page.goto(`${server.server.url}/#/accounts`)
    await page.waitForSelector('table.accounts tbody tr')
    expect(await page.locator('table.accounts tbody tr').first().innerText()).toMatch(/\d+ de \w+ de \d{4}, \d{2}:\d{2} \(hora estándar central\)/)

    await page.selectOption('select.language', 'en')
    await page.goto(`${server.server.url}/#/audit`)
    await page.waitForSelector('.audit-page h1:text-is("Audit trail")')
    await expect(opened.innerText()).resolves.toBe('November 12, 2021, 10:00 (Central Standard Time)')
    expect(await pageText(page)).not.toMatch(TWELVE_HOUR)
    expect(errors).toEqual([])
  })
})
