/**
 * The editor's side of idempotent writes, in Chromium: when a comment or a
 * reply reaches the server but its answer is lost, the person sees that the
 * server could not be reached, sends again, and the server makes it once,
 * because the form sent the same Idempotency-Key both times. Needs `npm run
 * build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loseFirstAnswer, openStrategyAs, UI_TIMEOUT, useChromium } from '../browser/chromium'
import { docPath, openCommentPeriod, quoteSelector, signIn, startTestServer, type ApiSession } from '../support'

const browser = useChromium()

const POLL = { timeout: UI_TIMEOUT }

// A passage of the demo Strategy that appears once, in one text node.
const PUEBLA = 'Proceso Puebla'

/** Selects `phrase` in the text (it must lie in one text node), as a drag of the mouse would. */
async function select(page: Page, phrase: string): Promise<void> {
  await page.evaluate((phrase) => {
    const walker = document.createTreeWalker(document.querySelector('.document-text') as Node, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(phrase) ?? -1
      if (at < 0) continue
      ;(node.parentElement as Element).scrollIntoView({ block: 'center' })
      document.getSelection()?.setBaseAndExtent(node, at, node, at + phrase.length)
      return
    }
    throw new Error(`not in the text: ${phrase}`)
  }, phrase)
  await expect.poll(() => page.evaluate(() => document.getSelection()?.toString()), POLL).toBe(phrase)
}

async function commentsOf(session: ApiSession): Promise<Array<{ id: string; body: string; replies: Array<{ body: string }> }>> {
  const res = await session.get(docPath('/comments'))
  expect(res.status).toBe(200)
  return res.body.comments
}

// What a dropped answer makes the browser log: expected here.
const unexpected = (errors: string[]) => errors.filter((e) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(e))

describe('Sending again after a lost answer, in Chromium', () => {
  it('makes a comment once: the form says the server could not be reached, and sending again sends the same key', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    await openCommentPeriod(ppt)
    const gt = await openStrategyAs(browser(), server, 'gt')
    const requests = await loseFirstAnswer(gt.page, /\/comments$/)

    await select(gt.page, PUEBLA)
    await gt.page.click('.comment-button')
    const form = gt.page.locator('form.comment-form')
    const remark = 'Guatemala pide citar el Proceso Puebla completo.'
    await form.locator('textarea[name=body]').fill(remark)
    await form.locator('button[type=submit]').click()
    await expect.poll(() => form.locator('.form-error').innerText(), POLL).toBe('No se pudo contactar con el servidor.')
    // The first request did arrive: the comment exists already.
    expect((await commentsOf(ppt)).filter((c) => c.body === remark)).toHaveLength(1)

    await form.locator('button[type=submit]').click()
    await form.waitFor({ state: 'detached' })
    await gt.page.locator('.comment-card', { hasText: remark }).waitFor()
    expect(requests).toHaveLength(2)
    const keys = await Promise.all(requests.map(async (r) => (await r.allHeaders())['idempotency-key']))
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(keys[1]).toBe(keys[0])
    expect((await commentsOf(ppt)).filter((c) => c.body === remark)).toHaveLength(1)
    expect(unexpected(gt.errors)).toEqual([])
  })

  it('adds a reply once, and the next reply gets a key of its own', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const made = await ppt.post(docPath('/comments'), { body: 'Nota de la Presidencia.', anchor: quoteSelector(PUEBLA) })
    expect(made.status).toBe(201)
    const se = await openStrategyAs(browser(), server, 'se')
    const requests = await loseFirstAnswer(se.page, /\/replies$/)

    const card = se.page.locator('.comment-card', { hasText: 'Nota de la Presidencia.' })
    await card.waitFor()
    const reply = card.locator('form.card-reply')
    await reply.locator('textarea').fill('La Secretaría toma nota.')
    await reply.locator('button[type=submit]').click()
    await expect.poll(() => card.innerText(), POLL).toContain('No se pudo contactar con el servidor.')
    await reply.locator('button[type=submit]').click()
    await card.locator('.reply-body', { hasText: 'La Secretaría toma nota.' }).waitFor()
    await expect.poll(() => reply.locator('textarea').inputValue(), POLL).toBe('')

    await reply.locator('textarea').fill('Y enviará el texto revisado.')
    await reply.locator('button[type=submit]').click()
    await card.locator('.reply-body', { hasText: 'Y enviará el texto revisado.' }).waitFor()

    const keys = await Promise.all(requests.map(async (r) => (await r.allHeaders())['idempotency-key']))
    expect(keys).toHaveLength(3)
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).not.toBe(keys[0])
    const comment = (await commentsOf(ppt)).find((c) => c.id === made.body.comment.id)
    expect(comment?.replies.map((r) => r.body)).toEqual(['La Secretaría toma nota.', 'Y enviará el texto revisado.'])
    expect(unexpected(se.errors)).toEqual([])
  })
})
