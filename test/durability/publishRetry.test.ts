/**
 * The editor's side of idempotent publishing, in Chromium: when publishing a
 * version or opening a comment period reaches the server but its answer is
 * lost, sending again sends the same Idempotency-Key, and the server does the
 * act once. Needs `npm run build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Request } from 'playwright-core'
import { loseFirstAnswer, openStrategyAs, useChromium, UI_TIMEOUT } from '../browser/chromium'
import { docPath, signIn, startTestServer, type ApiSession } from '../support'

const browser = useChromium()
const POLL = { timeout: UI_TIMEOUT }

const keysOf = (requests: readonly Request[]) => Promise.all(requests.map(async (r) => (await r.allHeaders())['idempotency-key']))

async function listed(session: ApiSession, what: 'versions' | 'periods'): Promise<Array<{ id: string; name?: string }>> {
  const res = await session.get(docPath(`/${what}`))
  expect(res.status).toBe(200)
  return what === 'versions' ? res.body.versions : res.body.periods
}

// What a dropped answer makes the browser log: expected here.
const unexpected = (errors: string[]) => errors.filter((e) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(e))

describe('Publishing again after a lost answer, in Chromium', () => {
  it('publishes a version once: the form says the server could not be reached, and publishing again sends the same key', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const before = await listed(ppt, 'versions')
    const person = await openStrategyAs(browser(), server, 'ppt')
    const requests = await loseFirstAnswer(person.page, /\/versions$/)
    await person.page.click('a.versions-link')
    const form = person.page.locator('form.publish-form')
    await form.waitFor()
    // The form checks names against the versions the page lists: once they are
    // in, they are the ones from before any publishing here.
    const shown = person.page.locator('.version-list li strong')
    await expect.poll(() => shown.allTextContents(), POLL).toEqual(before.map((v) => v.name))

    await form.locator('input[name=version-name]').fill('Borrador diciembre 2021')
    await form.locator('button[type=submit]').click()
    await expect.poll(() => form.locator('.form-message').innerText(), POLL).toBe('No se pudo contactar con el servidor.')
    // The first request did arrive: the version exists already.
    expect((await listed(ppt, 'versions')).filter((v) => v.name === 'Borrador diciembre 2021')).toHaveLength(1)

    await form.locator('button[type=submit]').click()
    await expect.poll(() => form.locator('.form-message').innerText(), POLL).toBe('Publicada: Borrador diciembre 2021')
    // The list is asked for again after that message: the checks below need it in, and not yet «Borrador enero 2022».
    await expect.poll(() => shown.allTextContents(), POLL).toEqual([...before.map((v) => v.name), 'Borrador diciembre 2021'])
    const keys = await keysOf(requests)
    expect(keys).toHaveLength(2)
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(keys[1]).toBe(keys[0])
    expect((await listed(ppt, 'versions')).length).toBe(before.length + 1)

    // Publishing a name the page already lists (in any case) is refused in place, sending nothing.
    await form.locator('input[name=version-name]').fill(' borrador DICIEMBRE 2021 ')
    await form.locator('button[type=submit]').click()
    await expect
      .poll(() => form.locator('.form-message').innerText(), POLL)
      .toBe('Ya hay una versión llamada «borrador DICIEMBRE 2021». Elija otro nombre.')
    expect(requests).toHaveLength(2)
    // A name published meanwhile by someone else: a new request, with a new key, that the server refuses.
    expect((await ppt.post(docPath('/versions'), { name: 'Borrador enero 2022' })).status).toBe(201)
    await form.locator('input[name=version-name]').fill('Borrador enero 2022')
    await form.locator('button[type=submit]').click()
    await expect
      .poll(() => form.locator('.form-message').innerText(), POLL)
      .toBe('Ya hay una versión llamada «Borrador enero 2022». Elija otro nombre.')
    expect(requests).toHaveLength(3)
    expect((await keysOf(requests))[2]).not.toBe(keys[0])
    expect((await listed(ppt, 'versions')).length).toBe(before.length + 2)
    expect(unexpected(person.errors)).toEqual([])
  })

  it('opens a comment period once when the same period is opened again after a lost answer', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    const before = await listed(ppt, 'periods')
    const person = await openStrategyAs(browser(), server, 'ppt')
    const requests = await loseFirstAnswer(person.page, /\/periods$/)
    await person.page.click('.period-controls summary')
    const open = () => person.page.locator('form.period-open button[type=submit]').click()

    await open()
    await expect.poll(() => requests.length, POLL).toBe(1)
    // The period was opened: the banner hears of it even though the answer was lost.
    await person.page.waitForSelector('.period-banner[data-phase=open]')
    expect(await listed(ppt, 'periods')).toHaveLength(before.length + 1)

    const answered = person.page.waitForResponse((r) => r.request().method() === 'POST' && /\/periods$/.test(r.url()))
    await open()
    const answer = await answered
    expect(answer.status()).toBe(201)
    const keys = await keysOf(requests)
    expect(keys).toHaveLength(2)
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(keys[1]).toBe(keys[0])
    const periods = await listed(ppt, 'periods')
    expect(periods).toHaveLength(before.length + 1)
    expect(((await answer.json()) as { period: { id: string } }).period.id).toBe(periods.at(-1)?.id)
    expect(unexpected(person.errors)).toEqual([])
  })
})
