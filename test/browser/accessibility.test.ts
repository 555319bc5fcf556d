/**
 * Accessibility as a standing check: axe-core's WCAG 2.0–2.2 A and AA rules
 * on every page and state people work in, and what axe cannot see by itself:
 * reflow at 320 CSS px and at 200 % zoom, reduced motion, and a visible focus
 * on everything the keyboard reaches. Headless Chromium (Debian's package,
 * driven by playwright-core) against a real server with the demo. Needs
 * `npm run build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { expectNoSeriousViolations } from './axe'
import { openStrategyAs, signInAs, UI_TIMEOUT, useChromium } from './chromium'
import { DOC, docPath, openCommentPeriod, quoteSelector, signIn, startTestServer, type TestServer } from '../support'

const browser = useChromium()

const NOVEMBER = 'Borrador noviembre 2021'

/**
 * Opens a period and has Mexico propose wording on three passages of the
 * demo Strategy (each appears once), so that its proposals show in the text
 * and the sidebar next to the demo's 2021 ones.
 */
async function mexicoProposes(server: TestServer): Promise<void> {
  await openCommentPeriod(await signIn(server.server, 'ppt'))
  const mx = await signIn(server.server, 'mx')
  const proposals = [
    ['Proceso Puebla', 'Proceso de Puebla', 'México prefiere el nombre completo.'],
    ['57 representantes', 'cincuenta y siete representantes', 'Las cifras en letra.'],
    ['ciclo de Reuniones de Seguimiento', 'ciclo de reuniones de seguimiento', 'Sin mayúsculas.']
  ] as const
  for (const [exact, text, body] of proposals) {
    const res = await mx.post(docPath('/comments'), { body, anchor: quoteSelector(exact), suggestion: { text } })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  }
}

/** Goes to `hash` in the app and waits for `selector`. */
async function visit(page: Page, server: TestServer, hash: string, selector: string): Promise<void> {
  await page.goto(`${server.server.url}/${hash}`)
  await page.waitForSelector(selector)
}

describe('axe finds no serious or critical WCAG A/AA violation', () => {
  it('on the sign-in page and the home page', async () => {
    const server = await startTestServer()
    const context = await browser().newContext({ viewport: { width: 1300, height: 900 } })
    const page = await context.newPage()
    page.setDefaultTimeout(UI_TIMEOUT)
    await page.goto(server.server.url)
    await page.waitForSelector('form.login')
    await expectNoSeriousViolations(page, 'the sign-in page')
    await context.close()

    const { page: home, errors } = await signInAs(browser(), server, 'ppt')
    await expectNoSeriousViolations(home, "the Presidency's home page")
    expect(errors).toEqual([])
  })

  it("in the editor as the Presidency, and in its sidebar with a card's decision box open", async () => {
    const server = await startTestServer()
    await mexicoProposes(server)
    const { page, errors } = await openStrategyAs(browser(), server, 'ppt')
    await page.waitForSelector('.document-text .proposal.country-MX')
    await expectNoSeriousViolations(page, 'the editor as the Presidency')

    const box = page.locator('.comment-card[data-country="MX"] details.card-decide-box').first()
    // Opened by its attribute rather than its summary: the toggle is being fixed separately.
    await box.evaluate((details) => details.setAttribute('open', ''))
    await box.locator('textarea').waitFor()
    await expectNoSeriousViolations(page, "the sidebar with a card's decision box open")
    expect(errors).toEqual([])
  })

  it("in the editor as Mexico's delegate, with its proposals shown", async () => {
    const server = await startTestServer()
    await mexicoProposes(server)
    const { page, errors } = await openStrategyAs(browser(), server, 'mx')
    await page.waitForSelector('.document-text .proposal.country-MX')
    await expectNoSeriousViolations(page, "the editor as Mexico's delegate")
    expect(errors).toEqual([])
  })

  it('on the versions page, comparing inline and side by side', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'ppt')
    await visit(page, server, `#/doc/${DOC}/versions`, '.versions-page .version-list li strong')
    await page.waitForSelector('.compare-changes.inline > *', { state: 'attached' })
    await expectNoSeriousViolations(page, 'the versions page comparing inline')
    await page.click('.compare-bar button.mode[data-mode=side]')
    await page.waitForSelector('.compare-changes.side .side-by-side', { state: 'attached' })
    await expectNoSeriousViolations(page, 'the versions page comparing side by side')
    expect(errors).toEqual([])
  })

  it('on the accounts page and the audit page', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'ppt')
    await visit(page, server, '#/accounts', '.accounts tbody tr')
    await expectNoSeriousViolations(page, 'the accounts page')
    await visit(page, server, '#/audit', '.audit-table tbody tr')
    await expectNoSeriousViolations(page, 'the audit page')
    expect(errors).toEqual([])
  })

  it('on a version shared with an observer, and their home', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const versions = (await ppt.get(docPath('/versions'))).body.versions as Array<{ id: string; name: string }>
    const november = versions.find((v) => v.name === NOVEMBER)
    const shared = await ppt.post(docPath(`/versions/${november?.id}/shares`), {})
    expect(shared.status, JSON.stringify(shared.body)).toBe(201)

    const { page, errors } = await signInAs(browser(), server, 'observador', { home: '.shared-versions' })
    await page.waitForSelector('a.shared-link')
    await expectNoSeriousViolations(page, "the observer's home")
    await page.click('a.shared-link')
    await page.waitForSelector('.shared-version .version-view .document-text h2')
    await expectNoSeriousViolations(page, 'the shared version')
    expect(errors).toEqual([])
  })
})

/** What overflows the page sideways: the widest elements past its right edge, as `tag.class (right edge)`. */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && getComputedStyle(el).position !== 'fixed')
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(el.getBoundingClientRect().right)})`)
      .slice(0, 15)
  })

/** Whether the element is shown and lies wholly within the page's width (reachable by scrolling down only). */
const withinWidth = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((el) => {
    const box = el.getBoundingClientRect()
    return box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= document.documentElement.clientWidth + 0.5
  })

describe('reflow (WCAG 1.4.10)', () => {
  // 320 CSS px wide; and a 1280 × 900 window zoomed to 200 %, which lays the
  // page out in 640 × 450 CSS px drawn with two device pixels to each.
  const LAYOUTS = [
    { name: '320 CSS px wide', viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 },
    { name: '200 % zoom', viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 }
  ] as const

  it.each(LAYOUTS)('the editor at $name scrolls only down, with header, navigation, toolbar and «Comentar» in reach', async (layout) => {
    const server = await startTestServer()
    await openCommentPeriod(await signIn(server.server, 'ppt'))
    const { page, errors } = await openStrategyAs(browser(), server, 'ppt', { viewport: layout.viewport })
    await page.setViewportSize(layout.viewport)
    expect(await overflowing(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    for (const selector of ['header .brand', 'header .sign-out', 'header select.language', 'a.back', 'a.versions-link', '.toolbar .menu-button:last-child', '.comment-sidebar .new-comment', '.document-text h2'])
      expect(await withinWidth(page, selector), selector).toBe(true)
    expect(errors).toEqual([])
  })

  it.each(LAYOUTS)('home, versions, accounts and audit at $name scroll only down (the tables sideways within their page), and axe finds nothing serious', async (layout) => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'ppt', { viewport: layout.viewport })
    const pages = [
      ['home', '#/', 'form.import-form'],
      ['versions', `#/doc/${DOC}/versions`, '.compare-changes > *'],
      ['accounts', '#/accounts', '.accounts tbody tr'],
      ['audit', '#/audit', '.audit-table tbody tr']
    ] as const
    for (const [name, hash, selector] of pages) {
      await visit(page, server, hash, selector)
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} scrolls sideways`).toBe(true)
      await expectNoSeriousViolations(page, `the ${name} page at ${layout.name}`)
    }
    expect(errors).toEqual([])
  })
})

describe('reduced motion (WCAG 2.3.3)', () => {
  it('asked for, nothing in the editor animates or scrolls smoothly; not asked for, choosing a comment scrolls smoothly', async () => {
    const server = await startTestServer()
    const { page, errors } = await openStrategyAs(browser(), server, 'ppt')
    await page.emulateMedia({ reducedMotion: 'reduce' })
    // Every scroll the app asks for, with the behaviour it asks for.
    await page.evaluate(() => {
      const scrolls: string[] = []
      Object.assign(window, { scrolls })
      const scrollIntoView = Element.prototype.scrollIntoView
      Element.prototype.scrollIntoView = function (this: Element, options?: boolean | ScrollIntoViewOptions) {
        scrolls.push(typeof options === 'object' ? (options.behavior ?? 'auto') : 'auto')
        return scrollIntoView.call(this, options)
      }
    })
    const scrolls = () => page.evaluate(() => (window as unknown as { scrolls: string[] }).scrolls.splice(0))

    const moving = await page.evaluate(() =>
      [...document.querySelectorAll('*')].flatMap((el) => {
        const style = getComputedStyle(el)
        const still = style.transitionDuration.split(',').every((d) => parseFloat(d) === 0) && style.animationName === 'none'
        return still ? [] : [`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`]
      })
    )
    expect(moving).toEqual([])

    // A card chosen in the sidebar shows its passage; a passage chosen in the text shows its card.
    const cards = page.locator('.comment-card')
    await cards.nth(2).locator('.card-byline').first().click()
    await page.locator('.document-text .comment-passage').first().click()
    await expect.poll(scrolls, { timeout: UI_TIMEOUT }).toEqual(['auto', 'auto'])

    await page.emulateMedia({ reducedMotion: 'no-preference' })
    await cards.nth(4).locator('.card-byline').first().click()
    await expect.poll(scrolls, { timeout: UI_TIMEOUT }).toEqual(['smooth'])
    expect(errors).toEqual([])
  })
})

/** The focused element as `tag.class "text"`, and whether an outline or a box-shadow shows it. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return null
    const style = getComputedStyle(el)
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && style.outlineColor !== 'rgba(0, 0, 0, 0)'
    const label = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)
    return { name: `${el.tagName.toLowerCase()}${[...el.classList].map((c) => `.${c}`).join('')} "${label}"`, shown: outlined || style.boxShadow !== 'none' }
  })

describe('visible focus (WCAG 2.4.7)', () => {
  it('Tab reaches nothing in the editor without a visible focus indicator', async () => {
    const server = await startTestServer()
    await mexicoProposes(server)
    const { page, errors } = await openStrategyAs(browser(), server, 'ppt')
    await page.waitForSelector('.document-text .proposal.country-MX')
    const seen: string[] = []
    const hidden: string[] = []
    // Through the header, the navigation, the toolbar, the text and the sidebar, until focus comes round again.
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab')
      const now = await focused(page)
      if (!now) continue
      if (seen[0] === now.name && seen.length > 1) break
      seen.push(now.name)
      if (!now.shown) hidden.push(now.name)
    }
    expect(seen.length, seen.join("\n")).toBeGreaterThan(20)
    expect([...new Set(hidden)]).toEqual([])
    expect(errors).toEqual([])
  })
})
