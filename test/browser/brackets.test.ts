/**
 * Brackets as people use them: a delegation holds and lifts a bracket from
 * its browser while the Presidency's browser shows the change at once; the
 * Presidency adds an option and chooses it, by keyboard. Needs `npm run build`
 * first and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { expectNoSeriousViolations } from './axe'
import { openStrategyAs, UI_TIMEOUT, useChromium } from './chromium'
import { DOC, login, startTestServer, workspaceToday, type TestServer } from '../support'

const POLL = { timeout: UI_TIMEOUT }
const HURRICANES = 'huracanes Eta e Iota'

const browser = useChromium()

async function call(server: TestServer, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** A server with a period open today and one bracket on HURRICANES held by Guatemala. */
async function serverWithBracket(): Promise<{ server: TestServer; bracketId: string }> {
  const server = await startTestServer()
  const token = await login(server.server.url, 'ppt')
  expect((await call(server, token, 'POST', `/api/documents/${DOC}/periods`, { start: workspaceToday(), businessDays: 5 })).status).toBe(201)
  const placed = await call(server, token, 'POST', `/api/documents/${DOC}/brackets`, {
    anchor: { type: 'TextQuoteSelector', exact: HURRICANES },
    reason: 'Mención de eventos concretos en discusión.',
    holders: ['GT']
  })
  expect(placed.status, JSON.stringify(placed.body)).toBe(201)
  return { server, bracketId: placed.body.bracket.id }
}

/** The holders the text shows after the bracket's closing mark ("" when none). */
const holdersInText = (page: Page, bracketId: string) =>
  page.evaluate((id) => {
    const marks = document.querySelectorAll(`.document-text .bracket-mark[data-bracket-id="${id}"]`)
    return marks.length === 2 ? (marks[1]?.querySelector('.bracket-holders')?.textContent ?? '') : null
  }, bracketId)

const item = (page: Page, bracketId: string) => page.locator(`.bracket-item[data-bracket-id="${bracketId}"]`)

describe('Brackets in the editor', () => {
  it("A delegation holds and lifts a bracket by keyboard, and the Presidency's browser shows each change at once, in the text and in the panel.", async () => {
    const { server, bracketId } = await serverWithBracket()
    const ppt = await openStrategyAs(browser(), server, 'ppt')
    const mx = await openStrategyAs(browser(), server, 'mx')
    await expect.poll(() => holdersInText(ppt.page, bracketId), POLL).toBe('GT')
    await expect.poll(() => mx.page.locator('.document-text .bracket-passage').first().innerText(), POLL).toBe(HURRICANES)

    const hold = item(mx.page, bracketId).getByRole('button', { name: /Mantener el corchete/ })
    await hold.focus()
    await mx.page.keyboard.press('Enter')
    await expect.poll(() => holdersInText(ppt.page, bracketId), POLL).toBe('GT MX')
    await expect.poll(() => item(ppt.page, bracketId).locator('.bracket-holders-line').innerText(), POLL).toMatch(/GT .*MX/)
    // The focus stays on the control that acted, now offering to lift.
    await expect.poll(() => mx.page.evaluate(() => document.activeElement?.textContent), POLL).toBe('Levantar el corchete')
    await expectNoSeriousViolations(mx.page, "a delegation's bracket panel", '.bracket-panel')

    await mx.page.keyboard.press('Enter')
    await expect.poll(() => holdersInText(ppt.page, bracketId), POLL).toBe('GT')
    await expect.poll(() => item(ppt.page, bracketId).locator('.bracket-holders-line').innerText(), POLL).not.toMatch(/MX/)
    expect(mx.errors).toEqual([])
    expect(ppt.errors).toEqual([])
  })

  it('The Presidency adds an option and chooses it by keyboard: the text takes the wording, and the delegation sees it; removal is not offered while a country holds the bracket, and says why.', async () => {
    const { server, bracketId } = await serverWithBracket()
    // No 409 is expected: the panel does not offer what the server would refuse.
    const ppt = await openStrategyAs(browser(), server, 'ppt')
    const gt = await openStrategyAs(browser(), server, 'gt')
    await expect.poll(() => holdersInText(gt.page, bracketId), POLL).toBe('GT')
    await expectNoSeriousViolations(ppt.page, "the Presidency's bracket panel", '.bracket-panel')

    // The box that adds an option opens from the keyboard.
    await item(ppt.page, bracketId).locator('summary', { hasText: 'Añadir opción' }).focus()
    await ppt.page.keyboard.press('Enter')
    await item(ppt.page, bracketId).getByLabel('Texto de una nueva opción').focus()
    await ppt.page.keyboard.type('fenómenos naturales extremos')
    await ppt.page.keyboard.press('Enter')
    await expect.poll(() => item(gt.page, bracketId).locator('.bracket-option').count(), POLL).toBe(1)

    await item(gt.page, bracketId).getByRole('button', { name: /Apoyar esta opción/ }).focus()
    await gt.page.keyboard.press('Enter')
    await expect.poll(() => item(ppt.page, bracketId).locator('.bracket-supporters').innerText(), POLL).toMatch(/Apoyada por GT/)

    // Guatemala holds it: no button to remove it, and the panel says why, in reading order after its controls.
    await expect.poll(() => item(ppt.page, bracketId).locator('.bracket-remove-held').innerText(), POLL).toBe(
      'Podrá retirarse cuando ninguna delegación lo mantenga: aún lo mantiene GT.'
    )
    await expectNoSeriousViolations(ppt.page, "the Presidency's panel with a bracket still held", '.bracket-panel')
    expect(await item(ppt.page, bracketId).getByRole('button', { name: /Retirar el corchete/ }).count()).toBe(0)
    // Once Guatemala lifts it, removal is offered.
    expect((await call(server, await login(server.server.url, 'gt'), 'POST', `/api/documents/${DOC}/brackets/${bracketId}/lift`)).status).toBe(200)
    await expect.poll(() => item(ppt.page, bracketId).getByRole('button', { name: /Retirar el corchete/ }).count(), POLL).toBe(1)
    expect(await item(ppt.page, bracketId).locator('.bracket-remove-held').count()).toBe(0)
    // The Presidency on that button when Guatemala holds it again: the button goes, and the focus stays in the panel, on its heading.
    await item(ppt.page, bracketId).getByRole('button', { name: /Retirar el corchete/ }).focus()
    expect((await call(server, await login(server.server.url, 'gt'), 'POST', `/api/documents/${DOC}/brackets/${bracketId}/hold`)).status).toBe(200)
    await expect.poll(() => ppt.page.evaluate(() => document.activeElement?.id), POLL).toBe('brackets-title')
    expect((await call(server, await login(server.server.url, 'gt'), 'POST', `/api/documents/${DOC}/brackets/${bracketId}/lift`)).status).toBe(200)
    await expect.poll(() => item(ppt.page, bracketId).getByRole('button', { name: /Retirar el corchete/ }).count(), POLL).toBe(1)

    await item(ppt.page, bracketId).getByRole('button', { name: /Elegir esta opción/ }).focus()
    await ppt.page.keyboard.press('Enter')
    await expect.poll(() => gt.page.locator('.document-text .bracket-passage').first().innerText(), POLL).toBe('fenómenos naturales extremos')
    await expect.poll(() => item(gt.page, bracketId).locator('.bracket-option-name').innerText(), POLL).toMatch(/Elegida/)
    expect(gt.errors).toEqual([])
    expect(ppt.errors).toEqual([])
  })

  it('Outside a comment period a delegation is not offered «Mantener el corchete» nor the support of an option, and is told why; a meeting that allows it, or a period once opened, offers them.', async () => {
    const server = await startTestServer()
    const ppt = await login(server.server.url, 'ppt')
    const placed = await call(server, ppt, 'POST', `/api/documents/${DOC}/brackets`, {
      anchor: { type: 'TextQuoteSelector', exact: HURRICANES },
      reason: 'Mención de eventos concretos en discusión.',
      holders: ['GT']
    })
    expect(placed.status, JSON.stringify(placed.body)).toBe(201)
    const bracketId = placed.body.bracket.id as string
    const option = await call(server, ppt, 'POST', `/api/documents/${DOC}/brackets/${bracketId}/options`, { text: 'eventos climáticos extremos' })
    expect(option.status, JSON.stringify(option.body)).toBe(201)
    // No 409 is expected: the panel does not offer what the server would refuse.
    const mx = await openStrategyAs(browser(), server, 'mx')
    const hold = () => item(mx.page, bracketId).getByRole('button', { name: /Mantener el corchete/ })
    const support = () => item(mx.page, bracketId).getByRole('button', { name: /Apoyar esta opción/ })
    const closed = mx.page.locator('.bracket-holds-closed')
    await expect.poll(() => closed.isVisible(), POLL).toBe(true)
    await expect(closed.innerText()).resolves.toMatch(/Las delegaciones pueden mantener y levantar corchetes y apoyar opciones solo mientras hay un periodo de comentarios abierto/)
    await expect.poll(() => item(mx.page, bracketId).locator('.bracket-option').count(), POLL).toBe(1)
    expect(await hold().count()).toBe(0)
    expect(await support().count()).toBe(0)
    await expectNoSeriousViolations(mx.page, "a delegation's bracket panel outside a period", '.bracket-panel')

    // A running meeting whose chair lets the delegations present act offers it to Mexico, present.
    const meeting = await call(server, ppt, 'POST', `/api/documents/${DOC}/meetings`, { title: 'Reunión', agenda: [], attendees: ['MX'] })
    expect(meeting.status, JSON.stringify(meeting.body)).toBe(201)
    const meetingPath = `/api/documents/${DOC}/meetings/${meeting.body.meeting.id as string}`
    expect((await call(server, ppt, 'POST', `${meetingPath}/allow`, { holds: true })).status).toBe(200)
    await expect.poll(() => hold().count(), POLL).toBe(1)
    expect(await closed.isVisible()).toBe(false)
    expect((await call(server, ppt, 'POST', `${meetingPath}/end`)).status).toBe(200)
    await expect.poll(() => hold().count(), POLL).toBe(0)

    // Once a period is open, it is offered and works, by keyboard.
    expect((await call(server, ppt, 'POST', `/api/documents/${DOC}/periods`, { start: workspaceToday(), businessDays: 5 })).status).toBe(201)
    await expect.poll(() => hold().count(), POLL).toBe(1)
    expect(await support().count()).toBe(1)
    expect(await closed.isVisible()).toBe(false)
    await hold().focus()
    await mx.page.keyboard.press('Enter')
    await expect.poll(() => holdersInText(mx.page, bracketId), POLL).toBe('GT MX')
    expect(mx.errors).toEqual([])
  })

  it('The Presidency brackets a selected passage from the panel, with its reason and the countries that asked, and a delegation sees it at once.', async () => {
    const { server } = await serverWithBracket()
    const ppt = await openStrategyAs(browser(), server, 'ppt')
    const pa = await openStrategyAs(browser(), server, 'pa')
    const phrase = 'Proceso Puebla'
    await ppt.page.evaluate((phrase) => {
      const walker = document.createTreeWalker(document.querySelector('.document-text') as Node, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(phrase) ?? -1
        if (at < 0) continue
        const range = document.createRange()
        range.setStart(node, at)
        range.setEnd(node, at + phrase.length)
        const selection = document.getSelection() as Selection
        selection.removeAllRanges()
        selection.addRange(range)
        return
      }
      throw new Error(`not in the text: ${phrase}`)
    }, phrase)
    await ppt.page.locator('.bracket-place-box summary').focus()
    await ppt.page.keyboard.press('Enter')
    await ppt.page.getByLabel('Motivo del corchete').focus()
    await ppt.page.keyboard.type('Denominación del foro en discusión.')
    await ppt.page.getByLabel('Países que lo piden').focus()
    // Panamá, by its first letter, then the button.
    await ppt.page.keyboard.press('P')
    await ppt.page.keyboard.press('Tab')
    await ppt.page.keyboard.press('Enter')
    await expect.poll(() => ppt.page.locator('.bracket-status').innerText(), POLL).toBe('Corchete colocado.')
    const placed = pa.page.locator('.bracket-item', { hasText: phrase })
    await expect.poll(() => placed.locator('.bracket-holders-line').innerText(), POLL).toMatch(/PA \(Panamá\)/)
    await expect.poll(() => placed.locator('.bracket-reason').innerText(), POLL).toBe('Denominación del foro en discusión.')
    await expect.poll(() => pa.page.locator('.document-text .bracket-passage', { hasText: phrase }).count(), POLL).toBe(1)
    await expect.poll(() => placed.getByRole('button', { name: /Levantar el corchete/ }).count(), POLL).toBe(1)
    expect(pa.errors).toEqual([])
    expect(ppt.errors).toEqual([])
  })
})
