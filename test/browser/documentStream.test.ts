/**
 * One event stream per open document: the editor's parts (comments,
 * brackets, meeting, paragraph statuses, silence) share it, so that two tabs
 * of a document leave the browser connections for its fetches (6 per host
 * over HTTP/1.1). Needs `npm run build` first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { signInAs, UI_TIMEOUT, useChromium } from './chromium'
import { DOC, docPath, openCommentPeriod, quoteSelector, signIn, startTestServer } from '../support'

const POLL = { timeout: UI_TIMEOUT }
// A version the test publishes, then the latest: the only kind the Presidency may put under silence procedure.
const LATEST = 'Borrador diciembre 2021'

const browser = useChromium()

/** The EventSource requests the page makes to a document's events, as the browser sends them. */
function countStreams(page: Page): () => number {
  let streams = 0
  page.on('request', (request) => {
    if (request.resourceType() === 'eventsource' && /\/api\/documents\/[^/]+\/events$/.test(new URL(request.url()).pathname)) streams++
  })
  return () => streams
}

/** Opens the demo Strategy from the document list and waits until its text and its comments are there. */
async function openStrategy(page: Page): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/#/doc/${DOC}`)
  await page.waitForSelector('.connection[data-state=connected]')
  await page.waitForSelector('.document-text h2')
  await expect.poll(() => page.locator('.sidebar-title').innerText(), POLL).toMatch(/^Comentarios \(\d+\)$/)
}

const commentCount = async (page: Page) => Number(/\((\d+)\)/.exec(await page.locator('.sidebar-title').innerText())?.[1])

describe('The event stream of an open document', () => {
  it('is one EventSource per open document, and comments, brackets, meetings and silence procedures made elsewhere still show at once', async () => {
    const server = await startTestServer()
    const ppt = await signIn(server.server, 'ppt')
    await openCommentPeriod(ppt)
    const person = await signInAs(browser(), server, 'ppt')
    const streams = countStreams(person.page)
    await openStrategy(person.page)
    expect(streams()).toBe(1)
    const before = await commentCount(person.page)

    const gt = await signIn(server.server, 'gt')
    const made = await gt.post(docPath('/comments'), { body: 'Un comentario en vivo.', anchor: quoteSelector('huracanes Eta e Iota') })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    await expect.poll(() => commentCount(person.page), POLL).toBe(before + 1)

    const placed = await ppt.post(docPath('/brackets'), { anchor: quoteSelector('huracanes Eta e Iota'), reason: 'En discusión.', holders: ['GT'] })
    expect(placed.status, JSON.stringify(placed.body)).toBe(201)
    await person.page.waitForSelector(`.bracket-item[data-bracket-id="${placed.body.bracket.id as string}"]`)

    const se = await signIn(server.server, 'se')
    const started = await se.post(docPath('/meetings'), { title: 'Reunión en vivo', agenda: [], attendees: ['GT', 'MX'] })
    expect(started.status, JSON.stringify(started.body)).toBe(201)
    await expect.poll(() => person.page.locator('.meeting-live').innerText(), POLL).toContain('Reunión en curso: Reunión en vivo')

    // A silence procedure opened elsewhere shows in the banner above the text.
    const published = await ppt.post(docPath('/versions'), { name: LATEST })
    expect(published.status).toBe(201)
    expect((await ppt.post(docPath(`/versions/${published.body.version.id as string}/silence`), { businessDays: 5 })).status).toBe(201)
    await expect.poll(() => person.page.locator('.silence-banner').innerText(), POLL).toContain(`La versión «${LATEST}» está en procedimiento de silencio`)

    // Guatemala's proposal accepted elsewhere: the margin of its paragraph names Guatemala.
    type Standing = Array<{ blockId: string; provenance: string[] }>
    const shapedByGt = async () => ((await ppt.get(docPath('/blocks'))).body.blocks as Standing).filter((b) => b.provenance.includes('GT')).map((b) => b.blockId)
    const alreadyShaped = await shapedByGt()
    const proposed = await gt.post(docPath('/comments'), { body: 'Una propuesta.', anchor: quoteSelector('huracanes Eta e Iota'), suggestion: { text: 'huracanes Eta, Iota y otros' } })
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201)
    expect((await ppt.post(docPath(`/comments/${proposed.body.comment.id as string}/accept`))).status).toBe(200)
    const shaped = (await shapedByGt()).filter((id) => !alreadyShaped.includes(id))
    expect(shaped).toHaveLength(1)
    await expect.poll(() => person.page.locator(`.status-margin[data-margin-of="${shaped[0]}"]`).textContent(), POLL).toMatch(/Procedencia: .*GT/)

    // Nothing opened a second stream meanwhile.
    expect(streams()).toBe(1)
    expect(person.errors).toEqual([])
  })

  it('leaves two tabs of one document room for the fetches of a third page', async () => {
    const server = await startTestServer()
    const person = await signInAs(browser(), server, 'ppt')
    const second = await person.page.context().newPage()
    second.setDefaultTimeout(UI_TIMEOUT)
    await second.goto(person.page.url())
    await openStrategy(person.page)
    await openStrategy(second)

    // The versions page loads while both tabs keep their document open.
    const third = await person.page.context().newPage()
    third.setDefaultTimeout(UI_TIMEOUT)
    await third.goto(`${server.server.url}/#/doc/${DOC}/versions`)
    await third.waitForSelector('.version-list li')
    await expect(third.title()).resolves.toMatch(/^Versiones — /)
    expect(person.errors).toEqual([])
  })
})
