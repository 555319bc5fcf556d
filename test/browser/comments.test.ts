/**
 * Comments, proposed wording and comment periods as people use them: headless
 * Chromium (Debian's package, driven by playwright-core) against a real
 * server. Needs `npm run build` first (the test command does it) and
 * /usr/bin/chromium. Nothing here depends on the comments the demo workspace
 * may be seeded with: expectations are taken from the API or from comments
 * the test makes itself.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { blockText, openStrategyAs, UI_TIMEOUT, useChromium, type Person } from './chromium'
import { COUNTRIES, todayIn } from '../../src'
import { DOC, login, startTestServer, type TestServer } from '../support'

/** Where screenshots go, for a person to look at; unset, none are taken. */
const SCREENSHOTS = process.env.SCREENSHOT_DIR

const POLL = { timeout: UI_TIMEOUT }

const browser = useChromium()

// Refusals the tests provoke answer 409.
const openAs = (server: TestServer, username: string): Promise<Person> => openStrategyAs(browser(), server, username, { expectedStatuses: [409] })

/** Calls the REST API as the holder of `token`. */
async function call(server: TestServer, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** Opens a comment period as the PPT, from today in the workspace's time zone, for 5 business days. */
async function openPeriod(server: TestServer): Promise<{ id: string; deadline: string; token: string }> {
  const token = await login(server.server.url, 'ppt')
  const res = await call(server, token, 'POST', `/api/documents/${DOC}/periods`, {
    start: todayIn('America/Mexico_City', new Date()),
    businessDays: 5
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return { id: res.body.period.id, deadline: res.body.period.deadline, token }
}

/** Selects a passage with the mouse, as a person does (it must lie in one text node). */
async function selectPassage(page: Page, { phrase, blockId }: PickedPassage): Promise<void> {
  const ends = await page.evaluate(({ phrase, blockId }) => {
    const block = document.querySelector(`.document-text [data-block-id="${blockId}"]`) as Node
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(phrase) ?? -1
      if (at < 0 || (node.parentElement as Element).closest('.ProseMirror-widget')) continue
      const rectOf = (offset: number) => {
        const range = document.createRange()
        range.setStart(node, offset)
        range.setEnd(node, offset + 1)
        return range.getBoundingClientRect()
      }
      ;(node.parentElement as Element).scrollIntoView({ block: 'center' })
      const first = rectOf(at)
      const last = rectOf(at + phrase.length - 1)
      return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 }
    }
    throw new Error(`not in the text: ${phrase}`)
  }, { phrase, blockId })
  await page.mouse.move(ends.x1, ends.y1)
  await page.mouse.down()
  await page.mouse.move((ends.x1 + ends.x2) / 2, (ends.y1 + ends.y2) / 2, { steps: 5 })
  await page.mouse.move(ends.x2, ends.y2, { steps: 5 })
  await page.mouse.up()
  await expect.poll(() => page.evaluate(() => document.getSelection()?.toString()), POLL).toBe(phrase)
}

/** A passage of the text to comment on, taken from the page so that the test holds whatever the demo draft says. */
interface PickedPassage {
  /** A few words in the middle of the paragraph's longest text node. */
  readonly phrase: string
  readonly blockId: string
}

/**
 * Picks `words` words from the middle of the `n`-th top-level paragraph that
 * no comment marks yet (the demo may come with comments).
 */
async function pickPassage(page: Page, n: number, words = 3): Promise<PickedPassage> {
  return page.evaluate(
    ({ n, words }) => {
      const unmarked = [...document.querySelectorAll<HTMLElement>('.document-text > p[data-block-id]')].filter(
        (p) => !p.querySelector('.comment-passage, .ProseMirror-widget') && (p.textContent ?? '').length > 80
      )
      const paragraph = unmarked[n] as HTMLElement
      const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT)
      let longest = ''
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if ((node.parentElement as Element).closest('.ProseMirror-widget')) continue
        if ((node.textContent ?? '').length > longest.length) longest = node.textContent ?? ''
      }
      const all = longest.split(' ').filter((w) => /^[\p{L}]{3,}$/u.test(w))
      const middle = Math.max(0, Math.floor(all.length / 2) - Math.floor(words / 2))
      // Words in a row in the node itself, so that the phrase is really there.
      for (let start = middle; start + words <= all.length; start++) {
        const phrase = all.slice(start, start + words).join(' ')
        if (longest.includes(phrase)) return { phrase, blockId: paragraph.dataset.blockId as string }
      }
      throw new Error(`no passage of ${words} words in paragraph ${n}`)
    },
    { n, words }
  )
}

/** Saves a screenshot when SCREENSHOT_DIR is set. */
async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: false })
}

describe('comments and proposed wording in Chromium', () => {
  it('lets a delegate propose wording that the Presidency sees live, answers and accepts, changing the text for both', async () => {
    const server = await startTestServer()
    await openPeriod(server)
    const ppt = await openAs(server, 'ppt')
    const gt = await openAs(server, 'gt')
    await expect.poll(() => gt.page.locator('.period-banner').innerText(), POLL).toMatch(/Periodo de comentarios abierto hasta el \d+ de \w+ de \d{4}/)

    const passage = await pickPassage(gt.page, 1)
    const before = (await blockText(gt.page, passage.blockId)) as string
    const wording = 'redacción propuesta por Guatemala'
    const remark = 'Guatemala propone una redacción más precisa.'
    await selectPassage(gt.page, passage)
    await gt.page.click('.comment-button')
    const form = gt.page.locator('form.comment-form')
    await expect(form.locator('.form-quote').innerText()).resolves.toBe(passage.phrase)
    await form.locator('textarea[name=body]').fill(remark)
    await form.locator('input[name=propose]').check()
    // The proposal starts from the passage itself.
    await expect(form.locator('textarea[name=wording]').inputValue()).resolves.toBe(passage.phrase)
    await form.locator('textarea[name=wording]').fill(wording)
    await screenshot(gt.page, 'comments-1-delegate-form')
    await form.locator('button[type=submit]').click()
    await form.waitFor({ state: 'detached' })

    // The Presidency sees it arrive without reloading: in the sidebar and as a tracked change in the text.
    const card = ppt.page.locator('.comment-card', { hasText: remark })
    await card.waitFor()
    await expect(card.locator('.card-country').innerText()).resolves.toBe('Guatemala')
    await expect(card.locator('.card-passage').innerText()).resolves.toBe(passage.phrase)
    await expect(card.locator('.card-change del').innerText()).resolves.toBe(passage.phrase)
    await expect(card.locator('.card-change ins').innerText()).resolves.toBe(wording)
    await expect(card.locator('.status-badge').innerText()).resolves.toBe('abierto')
    const block = ppt.page.locator(`.document-text [data-block-id="${passage.blockId}"]`)
    const tracked = block.locator('.proposal.country-GT', { hasText: wording })
    await expect(tracked.locator('.proposal-text').innerText()).resolves.toBe(wording)
    await expect(block.locator('.comment-passage.proposal-original.country-GT').innerText()).resolves.toBe(passage.phrase)
    // Its country's colour marks it, from the stylesheet.
    const green = await tracked.locator('.proposal-country').evaluate((el) => getComputedStyle(el).backgroundColor)
    expect(green).toBe('rgb(11, 122, 53)')
    await screenshot(ppt.page, 'comments-2-ppt-sees-proposal')

    // Pointing at the passage in the text marks its card; clicking the card shows its passage.
    await block.locator('.comment-passage').hover()
    await expect.poll(() => card.getAttribute('class'), POLL).toContain('hovered')
    await card.locator('.card-body').click()
    await block.locator('.comment-passage.active').waitFor()
    await expect.poll(() => card.getAttribute('class'), POLL).toContain('active')

    // The Presidency answers, then accepts the proposal.
    const answer = 'Se incorpora la redacción propuesta.'
    await card.locator('textarea[name=answer]').fill(answer)
    await card.locator('form.card-decide button[type=submit]').click()
    await card.locator('.card-answer', { hasText: answer }).waitFor()
    await card.locator('.card-proposal button.accept').click()

    // The text changes in both browsers.
    for (const { page } of [ppt, gt]) {
      await expect.poll(() => blockText(page, passage.blockId), POLL).toBe(before.replace(passage.phrase, wording))
      await expect.poll(() => page.locator('.document-text .proposal', { hasText: wording }).count(), POLL).toBe(0)
    }
    // The delegate sees the outcome and the answer, live.
    const gtCard = gt.page.locator('.comment-card', { hasText: remark })
    await expect.poll(() => gtCard.locator('.status-badge').innerText(), POLL).toBe('incorporado')
    await expect(gtCard.locator('.card-answer .answer-body').innerText()).resolves.toBe(answer)
    await expect(gtCard.locator('.card-decision').innerText()).resolves.toContain('Aceptada')
    // Her card now quotes the passage as it reads (redrawn in the frame after the text changed), and shows what it replaced.
    await expect.poll(() => gtCard.locator('.card-passage').innerText(), POLL).toBe(wording)
    await expect(gtCard.locator('.card-change del').innerText()).resolves.toBe(passage.phrase)
    // A delegate decides nothing.
    expect(await gtCard.locator('form.card-decide').count()).toBe(0)
    await gtCard.scrollIntoViewIfNeeded()
    await screenshot(gt.page, 'comments-3-delegate-sees-outcome')
    await screenshot(ppt.page, 'comments-4-ppt-after-accept')
    expect([...ppt.errors, ...gt.errors]).toEqual([])
  })

  it('refuses a delegate’s comment when the Presidency closes the period while she writes, naming the deadline in Spanish, and then offers no form', async () => {
    const server = await startTestServer()
    const period = await openPeriod(server)
    const gt = await openAs(server, 'gt')
    await gt.page.waitForSelector('.period-banner[data-phase=open]')

    await selectPassage(gt.page, await pickPassage(gt.page, 2))
    await gt.page.click('.comment-button')
    const form = gt.page.locator('form.comment-form')
    const remark = 'Comentario enviado fuera de plazo.'
    await form.locator('textarea[name=body]').fill(remark)
    const closed = await call(server, period.token, 'PATCH', `/api/documents/${DOC}/periods/${period.id}`, { closed: true })
    expect(closed.status).toBe(200)
    // The banner follows the period live.
    await gt.page.waitForSelector('.period-banner[data-phase=closed]')
    await expect(gt.page.locator('.period-text').innerText()).resolves.toMatch(/^Periodo de comentarios cerrado el/)
    await form.locator('button[type=submit]').click()
    const error = form.locator('.form-error')
    // The server's refusal in the interface's language, its dates written out as Spanish writes them.
    const deadline = new Intl.DateTimeFormat('es', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${period.deadline}T00:00:00Z`))
    await expect.poll(() => error.innerText(), POLL).toMatch(/^La Presidencia cerró el periodo de comentarios el /)
    await expect(error.innerText()).resolves.toContain(`(el plazo vencía el ${deadline}).`)
    await screenshot(gt.page, 'comments-5-refused')
    // What she wrote is still there, and nothing was created.
    await expect(form.locator('textarea[name=body]').inputValue()).resolves.toBe(remark)
    const list = await call(server, period.token, 'GET', `/api/documents/${DOC}/comments?country=GT`)
    expect(list.body.comments.filter((c: { body: string }) => c.body === remark)).toEqual([])

    // A form opened now says the period is closed up front, with nothing to send.
    await form.locator('button', { hasText: 'Cancelar' }).click()
    await selectPassage(gt.page, await pickPassage(gt.page, 3))
    await gt.page.click('.comment-button')
    await expect(form.locator('.form-closed').innerText()).resolves.toMatch(/^Periodo de comentarios cerrado el .*solo mientras hay un periodo de comentarios abierto\.$/s)
    expect(await form.locator('button[type=submit]').count()).toBe(0)
    expect(gt.errors).toEqual([])
  })

  it('tells a delegate over her comment budget how long to wait, keeping what she wrote, and creates nothing', async () => {
    const server = await startTestServer({ config: { commentQuota: { burst: 1, perMinute: 1, bytesPerHour: 1024 * 1024 } } })
    const period = await openPeriod(server)
    const gt = await openStrategyAs(browser(), server, 'gt', { expectedStatuses: [429] })
    await gt.page.waitForSelector('.period-banner[data-phase=open]')
    const first = await pickPassage(gt.page, 2)
    // Her one comment of the burst, sent from elsewhere.
    const made = await call(server, await login(server.server.url, 'gt'), 'POST', `/api/documents/${DOC}/comments`, {
      body: 'Primer comentario.',
      anchor: { type: 'TextQuoteSelector', exact: first.phrase, blockId: first.blockId }
    })
    expect(made.status).toBe(201)

    await selectPassage(gt.page, await pickPassage(gt.page, 3))
    await gt.page.click('.comment-button')
    const form = gt.page.locator('form.comment-form')
    const remark = 'Un comentario de más.'
    await form.locator('textarea[name=body]').fill(remark)
    await form.locator('button[type=submit]').click()
    await expect
      .poll(() => form.locator('.form-error').innerText(), POLL)
      .toMatch(/^Ha enviado demasiados comentarios o demasiado texto en poco tiempo\. Su comentario no se guardó: espere \d+ segundos e inténtelo de nuevo/)
    await expect(form.locator('textarea[name=body]').inputValue()).resolves.toBe(remark)
    const list = await call(server, period.token, 'GET', `/api/documents/${DOC}/comments?country=GT`)
    expect(list.body.comments.filter((c: { body: string }) => c.body === remark)).toEqual([])
    expect(gt.errors).toEqual([])
  })

  it('narrows the sidebar by country and status, with counts that follow the filters', async () => {
    const server = await startTestServer()
    const period = await openPeriod(server)
    const { page, errors } = await openAs(server, 'ppt')
    const passages = await Promise.all([0, 1, 2, 3, 4].map((n) => pickPassage(page, n)))
    const comment = async (username: string, where: PickedPassage, body: string, suggestion?: string) => {
      const token = await login(server.server.url, username)
      const res = await call(server, token, 'POST', `/api/documents/${DOC}/comments`, {
        body,
        anchor: { type: 'TextQuoteSelector', exact: where.phrase, blockId: where.blockId },
        ...(suggestion === undefined ? {} : { suggestion: { text: suggestion } })
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return res.body.comment.id as string
    }
    const [p0, p1, p2, p3, p4] = passages as [PickedPassage, PickedPassage, PickedPassage, PickedPassage, PickedPassage]
    await comment('gt', p0, 'GT uno', 'nueva redacción de Guatemala')
    const second = await comment('gt', p1, 'GT dos')
    await comment('mx', p2, 'MX uno', 'nueva redacción de México')
    await comment('hn', p3, 'HN uno')
    const answered = await call(server, period.token, 'PATCH', `/api/documents/${DOC}/comments/${second}`, {
      status: 'not_incorporated',
      answer: 'No procede.'
    })
    expect(answered.status).toBe(200)
    // What the server holds, whatever the demo was seeded with.
    type Listed = { country: string | null; status: string; suggestion: { decision: unknown } | null }
    const all = (await call(server, period.token, 'GET', `/api/documents/${DOC}/comments`)).body.comments as Listed[]
    const count = (test: (c: Listed) => boolean) => all.filter(test).length

    // Everything arrived live.
    const cards = page.locator('.comment-card')
    await expect.poll(() => cards.count(), POLL).toBe(all.length)
    await expect.poll(() => page.locator('.sidebar-title').innerText(), POLL).toBe(`Comentarios (${all.length})`)
    const chip = (kind: 'country' | 'status', value: string) => page.locator(`.comment-counts [data-${kind}="${value}"] .count`)
    await expect(chip('country', 'GT').innerText()).resolves.toBe(String(count((c) => c.country === 'GT')))
    await expect(chip('country', 'MX').innerText()).resolves.toBe(String(count((c) => c.country === 'MX')))
    // The answer to «GT dos» comes as an event of its own, after the last of the four comments.
    await expect.poll(() => chip('status', 'not_incorporated').innerText(), POLL).toBe(String(count((c) => c.status === 'not_incorporated')))
    // Every country's colour in the stylesheet is the one the domain gives it.
    const colours = await page.evaluate(
      (codes) =>
        codes.map((code) => {
          const probe = document.createElement('span')
          probe.className = `country-chip country-${code}`
          document.body.append(probe)
          const colour = getComputedStyle(probe).backgroundColor
          probe.remove()
          return colour
        }),
      COUNTRIES.map((c) => c.code)
    )
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`
    expect(colours).toEqual(COUNTRIES.map((c) => rgb(c.color)))
    await screenshot(page, 'comments-6-all')

    // Clicking a passage in the text selects its card.
    await page.locator(`.document-text [data-block-id="${p3.blockId}"] .comment-passage.country-HN`).click()
    await expect.poll(() => page.locator('.comment-card', { hasText: 'HN uno' }).getAttribute('class'), POLL).toContain('active')

    // Guatemala only: its cards, and the status counts of its comments.
    await page.selectOption('.comment-filters select[name=country]', 'GT')
    const ofGuatemala = count((c) => c.country === 'GT')
    await expect.poll(() => cards.count(), POLL).toBe(ofGuatemala)
    expect(await page.locator('.comment-card[data-country="GT"]').count()).toBe(ofGuatemala)
    await expect(chip('status', 'open').innerText()).resolves.toBe(String(count((c) => c.country === 'GT' && c.status === 'open')))
    await expect(chip('status', 'not_incorporated').innerText()).resolves.toBe(
      String(count((c) => c.country === 'GT' && c.status === 'not_incorporated'))
    )
    await expect(page.locator('.shown-count').innerText()).resolves.toBe(`Se muestran ${ofGuatemala} de ${all.length}`)
    // The Presidency may decide all of Guatemala's open proposals at once.
    const openProposals = count((c) => c.country === 'GT' && c.status === 'open' && c.suggestion !== null && c.suggestion.decision === null)
    await expect(page.locator('.bulk-actions button.accept').innerText()).resolves.toBe(`Aceptar todas (${openProposals})`)
    // Only the passages shown are marked in the text.
    await expect.poll(() => page.locator('.document-text .comment-passage:not(.country-GT)').count(), POLL).toBe(0)
    await page.locator(`.document-text [data-block-id="${p0.blockId}"] .proposal.country-GT`).waitFor()
    await screenshot(page, 'comments-7-filter-country')

    // …and not incorporated.
    await page.selectOption('.comment-filters select[name=status]', 'not_incorporated')
    const rejected = count((c) => c.country === 'GT' && c.status === 'not_incorporated')
    await expect.poll(() => cards.count(), POLL).toBe(rejected)
    await page.locator('.comment-card', { hasText: 'GT dos' }).waitFor()
    await expect(chip('country', 'GT').innerText()).resolves.toBe(String(rejected))

    // Any country, open.
    await page.selectOption('.comment-filters select[name=country]', '')
    await page.selectOption('.comment-filters select[name=status]', 'open')
    const open = count((c) => c.status === 'open')
    await expect.poll(() => cards.count(), POLL).toBe(open)
    await expect(chip('country', 'MX').innerText()).resolves.toBe(String(count((c) => c.country === 'MX' && c.status === 'open')))
    await page.locator(`.document-text [data-block-id="${p2.blockId}"] .proposal.country-MX`).waitFor()

    // A new comment arriving live updates the cards and counts under the filter.
    await comment('mx', p4, 'MX dos')
    await expect.poll(() => cards.count(), POLL).toBe(open + 1)
    await expect(chip('country', 'MX').innerText()).resolves.toBe(String(count((c) => c.country === 'MX' && c.status === 'open') + 1))
    await screenshot(page, 'comments-8-filter-status')
    expect(errors).toEqual([])
  })

  it('shows a comment made while the event stream was down once it reconnects', async () => {
    const first = await startTestServer()
    await openPeriod(first)
    const { page, errors } = await openAs(first, 'ppt')
    const passage = await pickPassage(page, 0)
    const token = await login(first.server.url, 'cr')
    const cards = page.locator('.comment-card')
    const before = await cards.count()

    await first.server.close()
    await page.waitForSelector('.connection[data-state=reconnecting]')
    const second = await startTestServer({ dataDir: first.dataDir, config: { port: first.server.port } })
    // At once, before the browser's stream comes back (it waits 2 s): the event itself is lost to it.
    const made = await call(second, token, 'POST', `/api/documents/${DOC}/comments`, {
      body: 'Costa Rica comenta durante la reconexión.',
      anchor: { type: 'TextQuoteSelector', exact: passage.phrase, blockId: passage.blockId }
    })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    await page.locator('.comment-card', { hasText: 'Costa Rica comenta durante la reconexión.' }).waitFor({ timeout: UI_TIMEOUT })
    expect(await cards.count()).toBe(before + 1)
    await page.locator(`.document-text [data-block-id="${passage.blockId}"] .comment-passage.country-CR`).waitFor()
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([])
  })
})
