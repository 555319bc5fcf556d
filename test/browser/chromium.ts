/**
 * Debian's Chromium for the editor tests, driven by playwright-core (which
 * never downloads a browser of its own), and a person signed in to it.
 */
import { afterAll, beforeAll, expect } from 'vitest'
import { chromium, type Browser, type Page, type Request } from 'playwright-core'
import { DEMO_PASSWORD, DOC, docPath, type TestServer } from '../support'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** How long a page may take to show what a test waits for: generous, a wait returns as soon as it holds. */
export const UI_TIMEOUT = 15_000

/** Launches Chromium before the file's tests and closes it after them; call at the top of a test file. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
    })
  })
  afterAll(async () => {
    await browser?.close()
  })
  return () => {
    if (!browser) throw new Error('Chromium is not running: call useChromium() at the top of the test file')
    return browser
  }
}

/** A person at a browser: the page, and the errors it logged that nobody expected. */
export interface Person {
  readonly page: Page
  readonly errors: string[]
}

export interface SignInOptions {
  readonly viewport?: { readonly width: number; readonly height: number }
  /**
   * HTTP statuses whose "failed to load" console errors are expected: the
   * refusals a test provokes. No other is: signed out is not an error, so a
   * stray 401 fails the test.
   */
  readonly expectedStatuses?: readonly number[]
  /** The browser's own time zone (IANA); the machine's unless given. Times on the page are the workspace's whatever it is. */
  readonly timezoneId?: string
  /** What shows that the home page is there; the document list unless given (an observer's home has none). */
  readonly home?: string
}

/** A person in a browser context of their own (own cookies), signed in, on the home page (the document list by default). */
export async function signInAs(browser: Browser, server: TestServer, username: string, options: SignInOptions = {}): Promise<Person> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1300, height: 900 },
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {})
  })
  const page = await context.newPage()
  page.setDefaultTimeout(UI_TIMEOUT)
  const expected = options.expectedStatuses?.length ? new RegExp(`\\b(${options.expectedStatuses.join('|')})\\b`) : undefined
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected?.test(message.text())) errors.push(message.text())
  })
  await page.goto(server.server.url)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', DEMO_PASSWORD)
  await page.click('form.login button[type=submit]')
  await page.waitForSelector(options.home ?? 'ul.document-list')
  return { page, errors }
}

/**
 * A person signed in as {@link signInAs}, with the demo Strategy open, its
 * text shown and its comments listed. The comments arrive after the text:
 * until the sidebar counts what the server holds, no passage is marked yet
 * (a passage picked then may carry a comment, and marking it redraws the
 * text, losing a selection) and the cards are still being drawn.
 */
export async function openStrategyAs(browser: Browser, server: TestServer, username: string, options: SignInOptions = {}): Promise<Person> {
  const person = await signInAs(browser, server, username, { viewport: { width: 1400, height: 950 }, ...options })
  const { page } = person
  await page.click(`a.document-link[href="#/doc/${DOC}"]`)
  await page.waitForSelector('.connection[data-state=connected]')
  await page.waitForSelector('.document-text h2')
  const listed = (await (await page.request.get(`${server.server.url}${docPath('/comments')}`)).json()) as { comments: unknown[] }
  await expect.poll(() => page.locator('.sidebar-title').innerText(), { timeout: UI_TIMEOUT }).toBe(`Comentarios (${listed.comments.length})`)
  return person
}

/**
 * Lets the first POST matching `pattern` reach the server, then drops its
 * answer, as a connection cut at the wrong moment does; later ones pass.
 * Returns the POSTs seen, to read their headers.
 */
export async function loseFirstAnswer(page: Page, pattern: RegExp): Promise<Request[]> {
  const seen: Request[] = []
  await page.route(pattern, async (route) => {
    if (route.request().method() !== 'POST') return route.continue()
    seen.push(route.request())
    if (seen.length > 1) return route.continue()
    await route.fetch()
    await route.abort('connectionreset')
  })
  return seen
}

/** The text of a block as the document has it: without the widgets that show proposals. */
export const blockText = (page: Page, blockId: string): Promise<string | null> =>
  page.evaluate((blockId) => {
    const copy = document.querySelector(`.document-text [data-block-id="${blockId}"]`)?.cloneNode(true) as HTMLElement | undefined
    copy?.querySelectorAll('.ProseMirror-widget').forEach((widget) => widget.remove())
    return copy?.textContent ?? null
  }, blockId)
