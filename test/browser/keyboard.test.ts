/**
 * Every journey of issue 10 with the keyboard alone, in headless Chromium
 * against a real server: a delegate selects a passage in the read-only text,
 * comments and proposes wording; the Presidency goes from one open proposal
 * to the next, accepts, rejects, answers and publishes a version; a reviewer
 * compares two versions and jumps between changes. Also the three faults a
 * new user hit: the sidebar's "Comentar" dead to the keyboard, the decision
 * box that would not open from its own toggle, and the false warning beside
 * "Comentar" for a selection inside one paragraph.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { blockText, openStrategyAs, UI_TIMEOUT, useChromium, type Person } from './chromium'
import { docPath, openCommentPeriod, quoteSelector, signIn, startTestServer, type ApiSession, type TestServer } from '../support'

const POLL = { timeout: UI_TIMEOUT }

const browser = useChromium()

const openAs = (server: TestServer, username: string): Promise<Person> => openStrategyAs(browser(), server, username)

/** What has the keyboard now: a short description a failure message can show. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement as HTMLElement
    return { tag: e.tagName, className: typeof e.className === 'string' ? e.className : '', text: (e.textContent ?? '').trim().slice(0, 40), id: e.dataset.commentId ?? null }
  })

/** Presses Tab until the element matching `selector` has the focus, as a person tabbing along would; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 120): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${selector}; the focus is on ${JSON.stringify(await focused(page))}`)
}

/** The text of the block the caret is in, and whether that block carries any comment yet. */
const caretBlock = (page: Page) =>
  page.evaluate(() => {
    const node = document.getSelection()?.focusNode ?? null
    const element = node instanceof Element ? node : node?.parentElement
    const block = element?.closest<HTMLElement>('.document-text > p[data-block-id]')
    if (!block) return null
    return { id: block.dataset.blockId as string, length: (block.textContent ?? '').length, marked: !!block.querySelector('.comment-passage, .ProseMirror-widget') }
  })

/**
 * From the focused text, moves the caret down with the arrow keys to the
 * first long paragraph that no comment marks, then selects three words of
 * it with Ctrl+Shift+→. Returns the block and the selection as the page shows it.
 */
async function selectWordsByKeyboard(page: Page, skipParagraphs = 0): Promise<{ blockId: string; selected: string }> {
  await page.keyboard.press('Control+Home')
  let skipped = 0
  let previous = ''
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('ArrowDown')
    const block = await caretBlock(page)
    if (!block || block.marked || block.length < 120 || block.id === previous) continue
    previous = block.id
    if (skipped++ < skipParagraphs) continue
    await page.keyboard.press('Home')
    await page.keyboard.press('Control+ArrowRight')
    await page.keyboard.press('Control+ArrowRight')
    for (let w = 0; w < 3; w++) await page.keyboard.press('Control+Shift+ArrowRight')
    const selected = await page.evaluate(() => document.getSelection()?.toString() ?? '')
    return { blockId: block.id, selected }
  }
  throw new Error('no unmarked long paragraph reached with the arrow keys')
}

/** Three whole words from the middle of the `n`-th long unmarked paragraph, for comments the API makes. */
const pickPhrase = (page: Page, n: number) =>
  page.evaluate((n) => {
    const unmarked = [...document.querySelectorAll<HTMLElement>('.document-text > p[data-block-id]')].filter(
      (p) => !p.querySelector('.comment-passage, .ProseMirror-widget') && (p.textContent ?? '').length > 120 && p.childNodes.length === 1
    )
    const paragraph = unmarked[n] as HTMLElement
    const words = (paragraph.textContent ?? '').split(' ')
    const middle = Math.floor(words.length / 2)
    return { phrase: words.slice(middle, middle + 3).join(' '), blockId: paragraph.dataset.blockId as string }
  }, n)

/**
 * A person of `username` with the Strategy open and the keyboard in its
 * text, on a new server: with a comment period opened today, or with the
 * demo's, which ended in November 2021.
 */
async function atTheText(username: string, { period }: { period: 'open' | 'ended' }): Promise<Person> {
  const server = await startTestServer()
  if (period === 'open') await openCommentPeriod(await signIn(server.server, 'ppt'))
  const person = await openAs(server, username)
  await person.page.locator('.document-text').focus()
  return person
}

describe('keyboard-only journeys in Chromium', () => {
  it('lets a delegate move a caret through the read-only text, select words with Shift and arrows, comment and propose wording without a mouse', async () => {
    const server = await startTestServer()
    await openCommentPeriod(await signIn(server.server, 'ppt'))
    const gt = await openAs(server, 'gt')
    const { page } = gt

    // The first stop of the keyboard skips the header and lands in the text.
    await page.keyboard.press('Tab')
    expect(await focused(page)).toMatchObject({ tag: 'A', text: 'Ir al texto' })
    await page.keyboard.press('Enter')
    expect((await focused(page)).className).toContain('document-text')
    await expect(page.locator('.document-text').getAttribute('aria-readonly')).resolves.toBe('true')

    const { blockId } = await selectWordsByKeyboard(page)
    const before = (await blockText(page, blockId)) as string
    // One word more, whose selectionchange reaches the page only after the
    // focus has left the text (as when a fast typist tabs away at once):
    // the comment must still be on what the browser shows selected.
    await page.evaluate(() => {
      const hold = (event: Event) => event.stopImmediatePropagation()
      window.addEventListener('selectionchange', hold, { capture: true })
      Object.assign(window, { releaseSelection: () => window.removeEventListener('selectionchange', hold, { capture: true }) })
    })
    await page.keyboard.press('Control+Shift+ArrowRight')
    const selected = await page.evaluate(() => document.getSelection()?.toString() ?? '')
    const selectedWords = selected.trim().split(/\s+/)
    expect(selectedWords.length).toBeGreaterThanOrEqual(3)

    // The floating "Comentar" is the next stop; Enter opens the form on the passage.
    await page.keyboard.press('Tab')
    expect((await focused(page)).className).toBe('comment-button')
    await page.keyboard.press('Enter')
    const form = page.locator('form.comment-form')
    await form.waitFor()
    await page.evaluate(() => (window as unknown as { releaseSelection: () => void }).releaseSelection())
    const quote = await form.locator('.form-quote').innerText()
    // The passage is the selection snapped to whole words, without spaces at its ends.
    expect(quote).toContain(selectedWords.at(-1)?.replace(/^\P{L}+|\P{L}+$/gu, ''))
    const at = before.indexOf(quote)
    expect(at).toBeGreaterThanOrEqual(0)
    const letter = (c: string | undefined) => c !== undefined && /\p{L}/u.test(c)
    if (letter(quote[0])) expect(letter(before[at - 1])).toBe(false)
    if (letter(quote.at(-1))) expect(letter(before[at + quote.length])).toBe(false)
    expect(quote).toBe(quote.trim())
    expect(await focused(page)).toMatchObject({ tag: 'TEXTAREA' })
    await page.keyboard.type('Guatemala propone precisar este pasaje.')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toMatchObject({ tag: 'INPUT' })
    await page.keyboard.press('Space')
    // The wording starts as the passage reads; its field has a name of its own.
    const wording = form.locator('textarea[name=wording]')
    await expect(wording.inputValue()).resolves.toBe(quote)
    await expect(wording.getAttribute('aria-label')).resolves.toBe('Redacción propuesta')
    expect(await focused(page)).toMatchObject({ tag: 'TEXTAREA' })
    await page.keyboard.press('Control+A')
    await page.keyboard.type('texto propuesto por Guatemala')
    await tabTo(page, 'form.comment-form button[type=submit]')
    await page.keyboard.press('Enter')
    await form.waitFor({ state: 'detached' })

    const listed = await (await signIn(server.server, 'ppt')).get(docPath('/comments'))
    const mine = listed.body.comments.find((c: { body: string }) => c.body === 'Guatemala propone precisar este pasaje.')
    expect(mine).toMatchObject({ country: 'GT', anchor: { quote }, suggestion: { text: 'texto propuesto por Guatemala' } })
    expect(await blockText(page, blockId)).toBe(before)
    expect(gt.errors).toEqual([])
  })

  it('keeps a read-only text unchanged whatever the delegate types into it, and the connection open', async () => {
    const gt = await atTheText('gt', { period: 'ended' })
    const { page } = gt
    const { blockId } = await selectWordsByKeyboard(page)
    const before = await blockText(page, blockId)
    // The count is drawn a moment after the text arrives (on a loaded machine, after the selection).
    await expect.poll(() => page.locator('.word-count').innerText(), POLL).not.toBe('')
    const words = await page.locator('.word-count').innerText()
    for (const key of ['x', 'y', 'Backspace', 'Delete', 'Enter', 'Control+x', 'Control+b']) await page.keyboard.press(key)
    await page.keyboard.type('texto que no debe entrar')
    await page.keyboard.insertText('ni por un método de entrada')
    await expect.poll(() => blockText(page, blockId), POLL).toBe(before)
    await expect(page.locator('.word-count').innerText()).resolves.toBe(words)
    await expect(page.locator('.connection').getAttribute('data-state')).resolves.toBe('connected')
    expect(gt.errors).toEqual([])
  })

  it('answers the sidebar\'s "Comentar" from the keyboard: with no passage selected it says to select one', async () => {
    const server = await startTestServer()
    const gt = await openAs(server, 'gt')
    const { page } = gt
    await tabTo(page, 'button.new-comment')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('.sidebar-hint').innerText(), POLL).toBe('Seleccione un pasaje del texto para comentarlo.')
    await page.keyboard.press('Space')
    await expect(page.locator('.sidebar-hint').isVisible()).resolves.toBe(true)
    expect(gt.errors).toEqual([])
  })

  it('opens the comment form from the sidebar\'s "Comentar" and with Ctrl+Alt+M on a keyboard selection', async () => {
    const mx = await atTheText('mx', { period: 'open' })
    const { page } = mx
    await selectWordsByKeyboard(page)
    await tabTo(page, 'button.new-comment')
    await page.keyboard.press('Enter')
    const form = page.locator('form.comment-form')
    await form.waitFor()
    await form.locator('button', { hasText: 'Cancelar' }).click()
    await form.waitFor({ state: 'detached' })

    await page.locator('.document-text').focus()
    await selectWordsByKeyboard(page, 1)
    await page.keyboard.press('Control+Alt+m')
    await form.waitFor()
    expect(await focused(page)).toMatchObject({ tag: 'TEXTAREA' })
    expect(mx.errors).toEqual([])
  })

  it('warns about one paragraph only for a selection that spans two, not for one inside a paragraph', async () => {
    const mx = await atTheText('mx', { period: 'open' })
    const { page } = mx
    await selectWordsByKeyboard(page)
    const button = page.locator('.comment-float .comment-button')
    const hint = page.locator('.comment-float .comment-hint')
    await button.waitFor({ state: 'visible' })
    await expect(hint.isVisible()).resolves.toBe(false)
    // Down to the next paragraph: now the selection spans two.
    for (let i = 0; i < 8 && (await caretBlock(page)) !== null; i++) await page.keyboard.press('Shift+ArrowDown')
    await page.keyboard.press('Shift+ArrowDown')
    await hint.waitFor({ state: 'visible' })
    await expect(button.isVisible()).resolves.toBe(false)
    await expect(hint.innerText()).resolves.toBe('Un pasaje debe estar dentro de un solo párrafo.')
    expect(mx.errors).toEqual([])
  })

  it('says up front that the comment period ended, offering no form and no reply that the server would refuse', async () => {
    const server = await startTestServer()
    // The demo's last period ended in November 2021.
    const gt = await openAs(server, 'gt')
    const { page } = gt
    await expect.poll(() => page.locator('.period-banner').getAttribute('data-phase'), POLL).toBe('closed')
    await page.locator('.document-text').focus()
    await selectWordsByKeyboard(page)
    await page.keyboard.press('Control+Alt+m')
    const form = page.locator('form.comment-form')
    await form.waitFor()
    await expect(form.locator('.form-closed').innerText()).resolves.toMatch(/2021.*solo mientras hay un periodo de comentarios abierto/s)
    expect(await form.locator('textarea, button[type=submit]').count()).toBe(0)
    expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Cerrar' })
    await page.keyboard.press('Enter')
    await form.waitFor({ state: 'detached' })
    const card = page.locator('.comment-card').first()
    await expect(card.locator('form.card-reply').isVisible()).resolves.toBe(false)
    await expect(card.locator('.replies-closed').isVisible()).resolves.toBe(true)
    expect(gt.errors).toEqual([])
  })
})

describe('the Presidency by keyboard in Chromium', () => {
  /** Three open proposals by three countries, made through the API. */
  async function threeProposals(server: TestServer, page: Page): Promise<{ bodies: string[]; sessions: ApiSession[] }> {
    const ppt = await signIn(server.server, 'ppt')
    await openCommentPeriod(ppt)
    const bodies: string[] = []
    const sessions: ApiSession[] = []
    for (const [n, username] of ['gt', 'hn', 'sv'].entries()) {
      const { phrase, blockId } = await pickPhrase(page, n)
      const session = await signIn(server.server, username)
      const body = `Propuesta de ${username.toUpperCase()} por teclado`
      const res = await session.post(docPath('/comments'), { body, anchor: quoteSelector(phrase, { blockId }), suggestion: { text: `redacción ${username}` } })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      bodies.push(body)
      sessions.push(session)
    }
    return { bodies, sessions }
  }

  it('goes from one open proposal to the next, accepts one, rejects one and answers, the focus staying on the cards', async () => {
    const server = await startTestServer()
    const ppt = await openAs(server, 'ppt')
    const { page } = ppt
    const { bodies } = await threeProposals(server, page)
    for (const body of bodies) await page.locator('.comment-card', { hasText: body }).waitFor()

    await tabTo(page, 'button.next-proposal')
    await page.keyboard.press('Enter')
    const first = await focused(page)
    expect(first.className).toContain('comment-card')
    await expect(page.locator('.proposal-position').innerText()).resolves.toMatch(/^Propuesta 1 de \d+$/)
    // The card is the active one: its passage stands out in the text.
    await expect.poll(() => page.locator(`.comment-card[data-comment-id="${first.id}"]`).getAttribute('class'), POLL).toContain('active')

    // Accept: the keyboard goes on to the next open proposal, not to the page.
    await tabTo(page, `.comment-card[data-comment-id="${first.id}"] .card-proposal button.accept`)
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused(page)).className, POLL).toContain('comment-card')
    const second = await focused(page)
    expect(second.id).not.toBe(first.id)
    await expect.poll(() => page.locator(`.comment-card[data-comment-id="${first.id}"] .status-badge`).innerText(), POLL).toBe('incorporado')

    // Reject the next one the same way.
    await tabTo(page, `.comment-card[data-comment-id="${second.id}"] .card-proposal button.reject`)
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused(page)).id, POLL).not.toBe(second.id)
    await expect.poll(() => page.locator(`.comment-card[data-comment-id="${second.id}"] .status-badge`).innerText(), POLL).toBe('no incorporado')
    const third = await focused(page)
    expect(third.className).toContain('comment-card')

    // Answer the third: its decision box is open on the active card; type and save.
    const card = page.locator(`.comment-card[data-comment-id="${third.id}"]`)
    await tabTo(page, `.comment-card[data-comment-id="${third.id}"] textarea[name=answer]`)
    await page.keyboard.type('La Presidencia lo examinará en la reunión.')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await card.locator('.card-answer', { hasText: 'La Presidencia lo examinará en la reunión.' }).waitFor()
    expect(ppt.errors).toEqual([])
  })

  it('opens "Decidir y responder" from its own toggle, by mouse and by keyboard, and closes it again', async () => {
    const server = await startTestServer()
    const ppt = await openAs(server, 'ppt')
    const { page } = ppt
    const card = page.locator('.comment-card').nth(1)
    const box = card.locator('details.card-decide-box')
    await expect(box.evaluate((d) => (d as HTMLDetailsElement).open)).resolves.toBe(false)
    await box.locator('summary').click()
    await expect.poll(() => box.evaluate((d) => (d as HTMLDetailsElement).open), POLL).toBe(true)
    await box.locator('summary').click()
    await expect.poll(() => box.evaluate((d) => (d as HTMLDetailsElement).open), POLL).toBe(false)
    // By keyboard, on another card.
    const other = page.locator('.comment-card').nth(2).locator('details.card-decide-box')
    await other.locator('summary').focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => other.evaluate((d) => (d as HTMLDetailsElement).open), POLL).toBe(true)
    await page.keyboard.press('Space')
    await expect.poll(() => other.evaluate((d) => (d as HTMLDetailsElement).open), POLL).toBe(false)
    expect(ppt.errors).toEqual([])
  })

  it('formats a selection from the toolbar with the keyboard alone', async () => {
    const server = await startTestServer()
    const ppt = await openAs(server, 'ppt')
    const { page } = ppt
    await page.locator('.document-text').focus()
    const { blockId } = await selectWordsByKeyboard(page)
    const selected = (await page.evaluate(() => document.getSelection()?.toString() ?? '')).trim()
    // Back from the text to the toolbar, to its first button (bold), and press it.
    const bold = '.toolbar button:first-child'
    for (let i = 0; i < 20 && !(await page.evaluate((s) => document.activeElement?.matches(s) ?? false, bold)); i++) await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Enter')
    await expect
      .poll(() => page.locator(`.document-text [data-block-id="${blockId}"] strong`).allInnerTexts(), POLL)
      .toContainEqual(expect.stringContaining(selected.split(/\s+/)[1] as string))
    expect(ppt.errors).toEqual([])
  })

  it('publishes a version with the keyboard alone', async () => {
    const server = await startTestServer()
    const ppt = await openAs(server, 'ppt')
    const { page } = ppt
    await tabTo(page, 'a.versions-link')
    await page.keyboard.press('Enter')
    await page.waitForSelector('form.publish-form')
    await tabTo(page, 'input[name=version-name]')
    await page.keyboard.type('Versión publicada por teclado')
    await page.keyboard.press('Enter')
    await page.locator('.version-list li', { hasText: 'Versión publicada por teclado' }).waitFor()
    expect(ppt.errors).toEqual([])
  })
})

describe('a reviewer by keyboard in Chromium', () => {
  it('compares two versions and jumps from change to change without a mouse', async () => {
    const server = await startTestServer()
    const revisor = await openAs(server, 'revisor')
    const { page } = revisor
    await tabTo(page, 'a.versions-link')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.compare-from')
    await tabTo(page, 'select.compare-from')
    // The earliest version against the latest: the select moves with the arrow keys.
    await page.keyboard.press('Home')
    await tabTo(page, 'button.compare-button')
    await page.keyboard.press('Enter')
    await page.locator('.compare-changes article.change').first().waitFor()
    const total = await page.locator('.compare-changes article.change').count()
    expect(total).toBeGreaterThan(1)
    await page.keyboard.press('n')
    expect((await focused(page)).className).toContain('change')
    await expect(page.locator('.jump').innerText()).resolves.toContain(`1 / ${total}`)
    await page.keyboard.press('n')
    await expect(page.locator('.jump').innerText()).resolves.toContain(`2 / ${total}`)
    await page.keyboard.press('p')
    await expect(page.locator('.jump').innerText()).resolves.toContain(`1 / ${total}`)
    // Side by side, by keyboard too.
    await tabTo(page, 'button.mode[data-mode=side]')
    await page.keyboard.press('Enter')
    await page.locator('.compare-changes.side').waitFor()
    expect(revisor.errors).toEqual([])
  })
})
