/**
 * The editor as people use it: headless Chromium (Debian's package, driven by
 * playwright-core) against a real server. Needs `npm run build` first (the
 * test command does it) and /usr/bin/chromium (.ci/run installs it).
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { signInAs, UI_TIMEOUT, useChromium, type Person } from './chromium'
import * as Y from 'yjs'
import { connectSynced, DOC, login, startTestServer, storedContent, type TestServer } from '../support'


const browser = useChromium()



/** A person in a browser of their own (own cookies), signed in, with the Strategy open. */
async function openAs(server: TestServer, username: string): Promise<Person> {
  const person = await signInAs(browser(), server, username, { viewport: { width: 1200, height: 900 } })
  const { page } = person
  await page.click(`a.document-link[href="#/doc/${DOC}"]`)
  await page.waitForSelector('.connection[data-state=connected]')
  await page.waitForSelector('.document-text h2')
  return person
}

const documentText = (page: Page) => page.locator('.document-text').innerText()

/** Puts the caret at the end of the n-th paragraph and types. */
async function typeAtEndOfParagraph(page: Page, n: number, text: string): Promise<void> {
  const paragraph = page.locator('.document-text > p').nth(n)
  const box = await paragraph.boundingBox()
  if (!box) throw new Error(`paragraph ${n} is not visible`)
  // Click on its last line: End then goes to the end of the paragraph, not of a wrapped line.
  await paragraph.click({ position: { x: 5, y: box.height - 5 } })
  await page.keyboard.press('End')
  await page.keyboard.type(text)
}

describe('the collaborative editor in Chromium', () => {
  it('lets the PPT and the Secretariat type into the same draft, each seeing the other’s text', async () => {
    const server = await startTestServer()
    const ppt = await openAs(server, 'ppt')
    const se = await openAs(server, 'se')

    await typeAtEndOfParagraph(ppt.page, 2, ' Texto añadido por la Presidencia.')
    await typeAtEndOfParagraph(se.page, 4, ' Precisión de la Secretaría Ejecutiva.')

    for (const { page } of [ppt, se]) {
      await expect.poll(() => documentText(page), { timeout: UI_TIMEOUT }).toContain('Texto añadido por la Presidencia.')
      await expect.poll(() => documentText(page), { timeout: UI_TIMEOUT }).toContain('Precisión de la Secretaría Ejecutiva.')
    }
    // The other person's cursor carries the name the server knows, not a client's claim.
    const cursorLabels = () => se.page.locator('.ProseMirror-yjs-cursor').allTextContents().then((l) => l.map((t) => t.replace(/\u2060/g, '').trim()))
    await expect.poll(cursorLabels, { timeout: UI_TIMEOUT }).toContain('Presidencia Pro Tempore (México)')
    await expect.poll(() => ppt.page.locator('.presence li').allInnerTexts(), { timeout: UI_TIMEOUT }).toEqual(
      expect.arrayContaining(['Presidencia Pro Tempore (México)', 'Secretaría Ejecutiva de la CRM'])
    )
    // Both edits reach the data file.
    await expect
      .poll(() => storedContent(server.dataDir), { timeout: UI_TIMEOUT })
      .toMatch(/Texto añadido por la Presidencia\.[\s\S]*Precisión de la Secretaría Ejecutiva\./)
    expect([...ppt.errors, ...se.errors]).toEqual([])
  })

  it('shows a delegate the draft read-only, with the Presidency’s edits arriving live', async () => {
    const server = await startTestServer()
    const gt = await openAs(server, 'gt')
    const ppt = await openAs(server, 'ppt')

    // Read-only, yet a text the keyboard can move through (a caret, a selection to comment on).
    expect(await gt.page.locator('.document-text').getAttribute('aria-readonly')).toBe('true')
    expect(await gt.page.locator('.toolbar').count()).toBe(0)
    await expect(gt.page.locator('.read-only-banner').innerText()).resolves.toContain('Solo lectura')

    await typeAtEndOfParagraph(ppt.page, 3, ' Redacción nueva de la PPT.')
    await expect.poll(() => documentText(gt.page), { timeout: UI_TIMEOUT }).toContain('Redacción nueva de la PPT.')

    // Typing into the read-only view changes nothing anywhere.
    await gt.page.locator('.document-text > p').nth(3).click()
    await gt.page.keyboard.type('intento de Guatemala')
    await typeAtEndOfParagraph(ppt.page, 3, ' Segunda frase.')
    await expect.poll(() => documentText(gt.page), { timeout: UI_TIMEOUT }).toContain('Segunda frase.')
    expect(await documentText(gt.page)).not.toContain('intento de Guatemala')
    expect(await documentText(ppt.page)).not.toContain('intento de Guatemala')
    expect(gt.errors).toEqual([])
  })

  it('keeps edits made while the server is down and merges them when it comes back', async () => {
    const first = await startTestServer()
    const ppt = await openAs(first, 'ppt')
    const se = await openAs(first, 'se')

    await first.server.close()
    for (const { page } of [ppt, se])
      await page.waitForSelector('.connection[data-state=reconnecting]')

    await typeAtEndOfParagraph(ppt.page, 2, ' Escrito sin conexión por la PPT.')
    await typeAtEndOfParagraph(se.page, 5, ' Escrito sin conexión por la SE.')

    const second = await startTestServer({ dataDir: first.dataDir, config: { port: first.server.port } })
    for (const { page } of [ppt, se]) {
      await page.waitForSelector('.connection[data-state=connected]', { timeout: UI_TIMEOUT })
      await expect.poll(() => documentText(page), { timeout: UI_TIMEOUT }).toContain('Escrito sin conexión por la PPT.')
      await expect.poll(() => documentText(page), { timeout: UI_TIMEOUT }).toContain('Escrito sin conexión por la SE.')
    }
    await expect
      .poll(() => storedContent(second.dataDir), { timeout: UI_TIMEOUT })
      .toMatch(/Escrito sin conexión por la PPT\.[\s\S]*Escrito sin conexión por la SE\./)
  })

  it('keeps a paragraph’s id through edits and splits, and opens a link to it at that paragraph', async () => {
    const server = await startTestServer()
    const { page } = await openAs(server, 'ppt')
    const paragraph = page.locator('.document-text > p').nth(4)
    const id = await paragraph.getAttribute('data-block-id')
    expect(id).toMatch(/^b[a-z0-9]{10}$/)

    await typeAtEndOfParagraph(page, 4, ' Frase añadida.')
    expect(await paragraph.getAttribute('data-block-id')).toBe(id)
    // Split the paragraph a few characters from its end: the longer part keeps the id.
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft')
    // ProseMirror learns where the browser moved the caret from the selectionchange
    // event, which Chromium queues apart from key events and may deliver after the
    // Enter: told now, it splits at the caret and not where it last knew it to be.
    await page.evaluate(() => document.dispatchEvent(new Event('selectionchange')))
    await page.keyboard.press('Enter')
    const ids = await page.locator('.document-text [data-block-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-block-id')))
    expect(new Set(ids).size).toBe(ids.length)
    expect(await page.locator('.document-text > p').nth(4).getAttribute('data-block-id')).toBe(id)
    expect(await page.locator('.document-text > p').nth(5).innerText()).toBe('dida.')

    const reader = await openAs(server, 'revisor')
    // The mark lasts a moment (2.5 s): note every paragraph that bears it, so
    // that a slow machine's polling cannot miss it.
    // (The link changes only the hash: the page stays, and so does the observer.)
    await reader.page.evaluate(() => {
      const seen: string[] = ((window as unknown as { cited: string[] }).cited = [])
      new MutationObserver(() => {
        for (const cited of document.querySelectorAll('.document-text .cited')) seen.push(cited.getAttribute('data-block-id') ?? '')
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] })
    })
    await reader.page.goto(`${server.server.url}/#/doc/${DOC}/${id}`)
    await expect.poll(() => reader.page.evaluate(() => (window as unknown as { cited: string[] }).cited), { timeout: 15_000 }).toContain(id)
  })

  it('keeps the word count current while someone else types without a pause', async () => {
    const server = await startTestServer()
    const ppt = await openAs(server, 'ppt')
    const count = async () => Number((await ppt.page.locator('.word-count').innerText()).replace(/\D/g, ''))
    await expect.poll(count, { timeout: UI_TIMEOUT }).toBeGreaterThan(0)
    const before = await count()

    // The Secretariat adds a word every 100 ms, never pausing, until the count has caught up.
    const se = await connectSynced(server.server, DOC, await login(server.server.url, 'se'))
    const paragraph = se.fragment.toArray().find((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === 'paragraph')
    const text = paragraph?.toArray().find((node): node is Y.XmlText => node instanceof Y.XmlText)
    if (!text) throw new Error('the demo has no paragraph with text')
    const writing = setInterval(() => text.insert(text.length, ' palabra'), 100)
    try {
      await expect.poll(count, { timeout: UI_TIMEOUT }).toBeGreaterThanOrEqual(before + 10)
    } finally {
      clearInterval(writing)
    }
    expect(ppt.errors).toEqual([])
  })

  it('speaks Spanish by default and English on request, and signs out', async () => {
    const server = await startTestServer()
    const { page } = await openAs(server, 'revisor')
    await expect(page.locator('.connection').innerText()).resolves.toBe('Conectado')
    await page.selectOption('select.language', 'en')
    // The open document is shown again, in English.
    await page.waitForSelector('text=Sign out')
    await page.waitForSelector('.connection[data-state=connected]')
    await expect(page.locator('.connection').innerText()).resolves.toBe('Connected')
    await expect(page.locator('.read-only-banner').innerText()).resolves.toContain('Read only')
    await page.click('button.sign-out')
    await page.waitForSelector('form.login')
    // The session is over on the server too.
    const status = await page.evaluate(() => fetch('/api/me').then((r) => r.status))
    expect(status).toBe(401)
  })
})
