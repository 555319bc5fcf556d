/**
 * Files in and out of the editor as people use them: headless Chromium
 * (Debian's package, driven by playwright-core) against a real server.
 * Needs `npm run build` first (the test command does it) and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { signInAs, UI_TIMEOUT, useChromium } from './chromium'
import { DOC, startTestServer } from '../support'

/** Where screenshots go, for a person to look at; unset, none are taken. */
const SCREENSHOTS = process.env.SCREENSHOT_DIR

const browser = useChromium()





/** Opens the Strategy from the list and waits for its text. */
async function openStrategy(page: Page): Promise<void> {
  await page.click(`a.document-link[href="#/doc/${DOC}"]`)
  await page.waitForSelector('.connection[data-state=connected]')
  await page.waitForSelector('.document-text h2')
}

const PLAN = `# Plan de trabajo 2022

## 1. Objetivos

Reforzar la *cooperación* regional y el **intercambio** de información.

- primera viñeta
- segunda viñeta
`

describe('import and export in Chromium', () => {
  it('lets the Presidency import a Markdown file from the document list and opens the new document', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'ppt', { expectedStatuses: [415] })
    const form = page.locator('form.import-form')
    await expect(form.locator('h2').innerText()).resolves.toBe('Importar documento')
    expect(await form.locator('input[type=file]').getAttribute('accept')).toBe('.md,.markdown,.html,.htm,.docx')
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/document-list.png`, fullPage: true })

    // A format the server refuses: its refusal is shown in Spanish, naming the file.
    await form.locator('input[name=title]').fill('Un PDF')
    await form.locator('input[type=file]').setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7') })
    await form.locator('button[type=submit]').click()
    await expect.poll(() => form.locator('.form-error').innerText(), { timeout: UI_TIMEOUT }).toMatch(/^No se puede importar «plan\.pdf»: use un archivo Markdown/)

    await form.locator('input[name=title]').fill('Plan de trabajo 2022')
    await form.locator('input[type=file]').setInputFiles({ name: 'plan.md', mimeType: 'text/markdown', buffer: Buffer.from(PLAN) })
    await form.locator('button[type=submit]').click()
    await page.waitForURL(/#\/doc\/plan-de-trabajo-2022$/)
    await page.waitForSelector('.connection[data-state=connected]')
    await expect(page.locator('.document-title').innerText()).resolves.toBe('Plan de trabajo 2022')
    await expect.poll(() => page.locator('.document-text h1').innerText(), { timeout: UI_TIMEOUT }).toBe('Plan de trabajo 2022')
    await expect(page.locator('.document-text h2').innerText()).resolves.toBe('1. Objetivos')
    await expect(page.locator('.document-text em').innerText()).resolves.toBe('cooperación')
    expect(await page.locator('.document-text ul > li').count()).toBe(2)

    // It is listed with the others.
    await page.click('a.back')
    await page.waitForSelector('a.document-link[href="#/doc/plan-de-trabajo-2022"]')
    expect(errors).toEqual([])
  })

  it('offers no import and no replacement to a reviewer', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'revisor', { expectedStatuses: [415] })
    expect(await page.locator('form.import-form').count()).toBe(0)
    await openStrategy(page)
    expect(await page.locator('.replace-content').count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('links the comment matrix in the sidebar, in the interface language, and downloads it as CSV', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'revisor', { expectedStatuses: [415] })
    await openStrategy(page)
    const csv = page.locator('.comment-sidebar .sidebar-head a.matrix-csv')
    const word = page.locator('.comment-sidebar .sidebar-head a.matrix-docx')
    await expect(csv.innerText()).resolves.toContain('Matriz CSV')
    await expect(word.innerText()).resolves.toContain('Matriz Word')
    expect(await csv.getAttribute('href')).toBe(`/api/documents/${DOC}/comments/export?format=csv&lang=es`)
    expect(await word.getAttribute('href')).toBe(`/api/documents/${DOC}/comments/export?format=docx&lang=es`)
    expect(await csv.getAttribute('download')).toBe('')
    expect(await word.getAttribute('download')).toBe('')

    // With the page's cookies, as the link itself would be followed.
    const answer = await page.request.get(`${server.server.url}${await csv.getAttribute('href')}`)
    expect(answer.status()).toBe(200)
    expect(answer.headers()['content-type']).toBe('text/csv; charset=utf-8')
    expect(answer.headers()['content-disposition']).toMatch(/^attachment;/)
    const text = (await answer.body()).toString('utf8')
    expect(text.startsWith('\uFEFFSección,Párrafo,')).toBe(true)
    const wordAnswer = await page.request.get(`${server.server.url}${await word.getAttribute('href')}`)
    expect(wordAnswer.status()).toBe(200)

    await page.selectOption('select.language', 'en')
    await page.waitForSelector('.connection[data-state=connected]')
    await expect(csv.innerText()).resolves.toContain('CSV matrix')
    expect(await csv.getAttribute('href')).toBe(`/api/documents/${DOC}/comments/export?format=csv&lang=en`)
    expect(errors).toEqual([])
  })

  it('lets the Presidency replace the text with a file once it confirms, the editor showing the new text', async () => {
    const server = await startTestServer()
    const { page, errors } = await signInAs(browser(), server, 'ppt', { expectedStatuses: [415] })
    await openStrategy(page)
    const control = page.locator('.document-nav .replace-content')
    await expect(control.locator('button.replace-button').innerText()).resolves.toContain('Reemplazar el texto con un archivo…')
    // The file input itself is no tab stop: the button opens it.
    await expect(control.locator('input[type=file]').getAttribute('tabindex')).resolves.toBe('-1')
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/document-replace-and-matrix.png` })
    const file = { name: 'plan.md', mimeType: 'text/markdown', buffer: Buffer.from(PLAN) }

    // Declined: nothing is sent.
    const questions: string[] = []
    page.once('dialog', (dialog) => {
      questions.push(dialog.message())
      void dialog.dismiss()
    })
    await control.locator('input[type=file]').setInputFiles(file)
    await expect.poll(() => questions.length, { timeout: UI_TIMEOUT }).toBe(1)
    expect(questions[0]).toMatch(/plan\.md.*edición.*versiones publicadas no cambian/s)
    expect(await page.locator('.document-text').innerText()).toContain('Antecedentes')

    page.once('dialog', (dialog) => void dialog.accept())
    await control.locator('input[type=file]').setInputFiles(file)
    await expect.poll(() => control.locator('.replace-message').innerText(), { timeout: UI_TIMEOUT }).toBe('Texto reemplazado con «plan.md».')
    await expect.poll(() => page.locator('.document-text h1').innerText(), { timeout: UI_TIMEOUT }).toBe('Plan de trabajo 2022')
    expect(await page.locator('.document-text').innerText()).not.toContain('Antecedentes')
    expect(errors).toEqual([])
  })
})
