/**
 * The versions page as people use it: headless Chromium (Debian's package,
 * driven by playwright-core) against a real server with the demo, which
 * publishes «Borrador octubre 2021» and «Borrador noviembre 2021». Needs
 * `npm run build` first (the test command does it) and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { signInAs, UI_TIMEOUT, useChromium, type Person } from './chromium'
import { DOC, docPath, signIn, startTestServer, type TestServer } from '../support'

const POLL = { timeout: UI_TIMEOUT }

const OCTOBER = 'Borrador octubre 2021'
const NOVEMBER = 'Borrador noviembre 2021'
const ANTECEDENTES = '1. Antecedentes'
const OBJETIVOS = '5. Objetivos específicos'

const browser = useChromium()

/**
 * Signs in, opens the Strategy and follows its link to the versions page,
 * which compares the last two versions as it opens; waits until that is drawn.
 */
async function openVersionsAs(server: TestServer, username: string): Promise<Person> {
  const person = await signInAs(browser(), server, username)
  const { page } = person
  await page.click(`a.document-link[href="#/doc/${DOC}"]`)
  await page.waitForSelector('.connection[data-state=connected]')
  const link = page.locator('a.versions-link')
  await expect(link.innerText()).resolves.toBe('Versiones y comparación')
  await link.click()
  await page.waitForSelector('.versions-page .version-list li strong')
  // Its answer would otherwise land in the middle of the comparison a test asks for next.
  await page.waitForSelector('.compare-changes > *', { state: 'attached' })
  return person
}

/** The ids of the demo's versions, from the API. */
async function demoVersionIds(server: TestServer): Promise<{ october: string; november: string }> {
  const res = await (await signIn(server.server, 'revisor')).get(docPath('/versions'))
  const versions = res.body.versions as Array<{ id: string; name: string }>
  const id = (name: string) => versions.find((v) => v.name === name)?.id as string
  return { october: id(OCTOBER), november: id(NOVEMBER) }
}

/**
 * Chooses the two sides by their names, presses "Comparar" and waits until
 * that comparison is drawn. The page's own comparison (as it opens, after
 * publishing) must have been drawn before.
 */
async function compare(page: Page, from: string, to: string): Promise<void> {
  // What is drawn now is marked, so that the wait is for the answer to this
  // click: the comparison shown before may well be of the same two versions,
  // and its list would pass for this one's until this one's replaced it.
  await page.locator('.compare-changes > *').evaluateAll((drawn) => drawn.forEach((el) => el.setAttribute('data-earlier', '')))
  await page.selectOption('.compare-from', { label: from })
  await page.selectOption('.compare-to', { label: to })
  await page.click('.compare-button')
  await page.waitForSelector('.compare-changes > :not([data-earlier])', { state: 'attached' })
}

const changes = (page: Page) => page.locator('.compare-changes article.change')
const sectionTitles = (page: Page) => page.locator('.compare-changes .change-section h3').allTextContents()
const position = (page: Page) => page.locator('.change-position').textContent()
const focusedIndex = (page: Page) =>
  changes(page).evaluateAll((items) => items.flatMap((item, i) => (item.classList.contains('focused') ? [i] : [])))

/** The change whose text includes `words`. */
const changeWith = (page: Page, words: string) => changes(page).filter({ hasText: words })

// The sections October → November changes, in the order of the text.
const CHANGED_SECTIONS = [
  'Estrategia regional de atención a la migración irregular y masiva',
  ANTECEDENTES,
  '2. Justificación',
  OBJETIVOS,
  '9. Eje 4: Cooperación regional e intercambio de información'
]

describe('Comparing versions in Chromium', () => {
  it('lets a reviewer compare October with November and read a word-level redline, section by section', async () => {
    const server = await startTestServer()
    const { page, errors } = await openVersionsAs(server, 'revisor')
    await expect(page.locator('.version-list li strong').allTextContents()).resolves.toEqual([OCTOBER, NOVEMBER])

    // November against the live draft: nothing has changed since.
    await compare(page, NOVEMBER, 'Borrador actual (en vivo)')
    await page.waitForSelector('.compare-changes >> text=No hay diferencias en lo seleccionado.')
    expect(await changes(page).count()).toBe(0)

    await compare(page, OCTOBER, NOVEMBER)
    // Six changes, the moved paragraph shown at both ends.
    await expect.poll(() => changes(page).count(), POLL).toBe(7)
    expect(await sectionTitles(page)).toEqual(CHANGED_SECTIONS)
    await expect(page.locator('.compare-summary').textContent()).resolves.toMatch(
      /^\d+ palabras añadidas, \d+ suprimidas; 4 párrafos modificados, 1 añadidos, 0 suprimidos, 1 trasladados\.$/
    )

    // Guatemala's wording, word by word and credited.
    const puebla = changeWith(page, 'Proceso Puebla')
    await expect(puebla.count()).resolves.toBe(1)
    await expect(puebla.locator('.credit').allTextContents()).resolves.toEqual(['Propuesta de Guatemala'])
    await expect(puebla.locator('del').allTextContents()).resolves.toEqual(['conocida también como '])
    await expect(puebla.locator('ins').allTextContents()).resolves.toEqual(['también conocida como «', '»'])
    await expect(puebla.locator('.change-label').textContent()).resolves.toContain('Modificado')

    const alerts = changeWith(page, 'alertas tempranas')
    await expect(alerts.locator('.credit').allTextContents()).resolves.toEqual(['Propuesta de El Salvador'])
    await expect(alerts.locator('ins').allTextContents()).resolves.toEqual([
      ', con pleno respeto de la legislación nacional en materia de protección de datos personales'
    ])
    await expect(alerts.locator('del').count()).resolves.toBe(0)

    // The Presidency's own changes: a moved paragraph and a new line of action.
    await expect(page.locator('article.change.moved .change-label').textContent()).resolves.toContain('Trasladado')
    const line47 = page.locator('article.change.inserted')
    await expect(line47.locator('.change-label').textContent()).resolves.toContain('Añadido')
    await expect(line47.locator('ins').textContent()).resolves.toMatch(/^4\.7 Elaborar/)
    expect(errors).toEqual([])
  })

  it('shows the comparison last asked for, even when the one the page starts with answers after it', async () => {
    const server = await startTestServer()
    const { october, november } = await demoVersionIds(server)
    const { page, errors } = await signInAs(browser(), server, 'revisor')
    // The page's own first comparison (October → November) is held until the person's has been shown.
    let release = () => {}
    const held = new Promise<void>((done) => (release = done))
    const first = (url: URL) =>
      url.pathname === docPath('/diff') && url.searchParams.get('from') === october && url.searchParams.get('to') === november
    await page.route(first, async (route) => {
      await held
      await route.continue()
    })
    await page.goto(`${server.server.url}/#/doc/${DOC}/versions`)
    await page.waitForSelector('.compare-to option[value=draft]', { state: 'attached' })
    const late = page.waitForResponse((res) => first(new URL(res.url())))
    await compare(page, NOVEMBER, 'Borrador actual (en vivo)')
    await page.waitForSelector('.compare-changes >> text=No hay diferencias en lo seleccionado.')

    release()
    await (await late).finished()
    // One more round trip through the page: the late answer has been read by then.
    await page.evaluate(() => fetch('/api/me').then((r) => r.json()))
    expect(await changes(page).count()).toBe(0)
    await expect(page.locator('.compare-changes').textContent()).resolves.toBe('No hay diferencias en lo seleccionado.')
    expect(new URL(page.url()).hash).toBe(`#/doc/${DOC}/versions/${november}/draft`)
    expect(errors).toEqual([])
  })

  it('marks a moved paragraph at both ends, where it went from where it stood and where it came from where it stands, inline, side by side and in English', async () => {
    const server = await startTestServer()
    const { october, november } = await demoVersionIds(server)
    const diff = (await (await signIn(server.server, 'revisor')).get(docPath(`/diff?from=${october}&to=${november}`))).body
    const moved = (diff.blocks as Array<{ op: string; oldIndex: number; newIndex: number; oldText: string; section: string }>).find((b) => b.op === 'moved')
    if (!moved) throw new Error('the demo moves no paragraph')
    const { page, errors } = await openVersionsAs(server, 'revisor')
    await compare(page, OCTOBER, NOVEMBER)
    const arrived = page.locator('article.change.moved')
    const left = page.locator('article.change.moved-away')
    // The label, without the space left for proposal credits.
    const label = async (change: typeof arrived) => (await change.locator('.change-label').textContent())?.trim()
    await expect(label(arrived)).resolves.toBe(`Trasladado desde § ${moved.oldIndex + 1}, «${moved.section}»`)
    await expect(label(left)).resolves.toBe(`Trasladado a § ${moved.newIndex + 1}, «${moved.section}»`)
    await expect(left.locator('del').textContent()).resolves.toBe(moved.oldText)
    // Both in the section they belong to, each where the paragraph stood: the old place first if it moved down.
    const justification = page.locator('.change-section').filter({ has: page.locator('h3', { hasText: moved.section }) })
    const ends = ['change moved-away', 'change moved']
    await expect(justification.locator('article').evaluateAll((items) => items.map((item) => item.className))).resolves.toEqual(
      moved.oldIndex < moved.newIndex ? ends : ends.reverse()
    )

    await page.click('button[data-mode=side]')
    await page.waitForSelector('.compare-changes.side')
    await expect(left.locator('.side-by-side > .old').textContent()).resolves.toBe(moved.oldText)
    await expect(left.locator('.side-by-side > .new').textContent()).resolves.toBe('')

    await page.selectOption('select.language', 'en')
    await expect.poll(() => label(left), POLL).toBe(`Moved to § ${moved.newIndex + 1}, “${moved.section}”`)
    await expect(label(arrived)).resolves.toBe(`Moved from § ${moved.oldIndex + 1}, “${moved.section}”`)
    expect(errors).toEqual([])
  })

  it('shows the changes side by side, narrows them to one section and jumps from change to change', async () => {
    const server = await startTestServer()
    const { page, errors } = await openVersionsAs(server, 'revisor')
    await compare(page, OCTOBER, NOVEMBER)
    await expect.poll(() => changes(page).count(), POLL).toBe(7)

    await page.click('button[data-mode=side]')
    await page.waitForSelector('.compare-changes.side')
    await expect(page.locator('button[data-mode=side]').getAttribute('class')).resolves.toContain('active')
    expect(await page.locator('.compare-changes .side-by-side').count()).toBe(7)
    // Two columns: the old text on the left, the new one on the right, at the same height.
    const puebla = changeWith(page, 'Proceso Puebla')
    const old = puebla.locator('.side-by-side > .old')
    const next = puebla.locator('.side-by-side > .new')
    const [oldBox, newBox] = [await old.boundingBox(), await next.boundingBox()]
    expect(oldBox && newBox).toBeTruthy()
    if (!oldBox || !newBox) return
    expect(oldBox.x + oldBox.width).toBeLessThanOrEqual(newBox.x)
    expect(Math.abs(oldBox.y - newBox.y)).toBeLessThan(2)
    await expect(old.textContent()).resolves.toContain('conocida también como Proceso Puebla, es un foro')
    await expect(next.textContent()).resolves.toContain('también conocida como «Proceso Puebla», es un foro')
    expect(await page.locator('.side-by-side .old ins').count()).toBe(0)
    expect(await page.locator('.side-by-side .new del').count()).toBe(0)
    await expect(old.locator('del').allTextContents()).resolves.toEqual(['conocida también como '])

    // One section only, then all of them again.
    await page.selectOption('.compare-section', OBJETIVOS)
    await expect.poll(() => changes(page).count(), POLL).toBe(1)
    expect(await sectionTitles(page)).toEqual([OBJETIVOS])
    await expect(changes(page).textContent()).resolves.toContain('alertas tempranas')
    await expect(position(page)).resolves.toBe('1 cambios')
    await page.selectOption('.compare-section', '')
    await expect.poll(() => changes(page).count(), POLL).toBe(7)
    expect(await sectionTitles(page)).toEqual(CHANGED_SECTIONS)
    await expect(position(page)).resolves.toBe('7 cambios')

    // Next and previous, wrapping around at both ends.
    await page.click('.next-change')
    expect(await focusedIndex(page)).toEqual([0])
    await expect(position(page)).resolves.toBe('1 / 7')
    await page.click('.next-change')
    expect(await focusedIndex(page)).toEqual([1])
    await expect(position(page)).resolves.toBe('2 / 7')
    await page.click('.prev-change')
    await page.click('.prev-change')
    expect(await focusedIndex(page)).toEqual([6])
    await expect(position(page)).resolves.toBe('7 / 7')
    expect(await page.evaluate(() => document.activeElement?.classList.contains('focused'))).toBe(true)

    // Back inline the list is drawn anew: "previous" first goes to the last change.
    await page.click('button[data-mode=inline]')
    await page.waitForSelector('.compare-changes.inline')
    expect(await focusedIndex(page)).toEqual([])
    await page.click('.prev-change')
    expect(await focusedIndex(page)).toEqual([6])
    await expect(position(page)).resolves.toBe('7 / 7')
    // And from the keyboard, as the buttons' titles say.
    await page.keyboard.press('n')
    expect(await focusedIndex(page)).toEqual([0])
    await expect(position(page)).resolves.toBe('1 / 7')
    expect(errors).toEqual([])
  })

  it('keeps the comparison in the address, so that a reload or a shared link shows it again, and links its HTML page and Word file', async () => {
    const server = await startTestServer()
    const { october, november } = await demoVersionIds(server)
    const { page, errors } = await openVersionsAs(server, 'revisor')
    await compare(page, OCTOBER, NOVEMBER)
    await expect.poll(() => changes(page).count(), POLL).toBe(7)
    await expect.poll(() => new URL(page.url()).hash, POLL).toBe(`#/doc/${DOC}/versions/${october}/${november}`)

    const [html, word] = await page.locator('.downloads a').all()
    if (!html || !word) throw new Error('the two download links are missing')
    await expect(html.textContent()).resolves.toBe('Página de cambios (HTML)')
    await expect(html.getAttribute('href')).resolves.toBe(docPath(`/diff?from=${october}&to=${november}&format=html`))
    await expect(word.textContent()).resolves.toBe('Word con control de cambios')
    const wordHref = (await word.getAttribute('href')) ?? ''
    expect(wordHref).toContain(`from=${october}`)
    expect(wordHref).toContain(`to=${november}`)
    expect(wordHref).toContain('format=docx')
    // The page behind the HTML link, with the session the browser holds.
    const redline = await page.evaluate(async (href) => {
      const res = await fetch(href)
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() }
    }, (await html.getAttribute('href')) as string)
    expect(redline.status).toBe(200)
    expect(redline.type).toMatch(/^text\/html/)
    expect(redline.body).toContain('Propuesta de Guatemala')

    await page.reload()
    await expect.poll(() => changes(page).count(), POLL).toBe(7)
    await expect(page.inputValue('.compare-from')).resolves.toBe(october)
    await expect(page.inputValue('.compare-to')).resolves.toBe(november)
    expect(await sectionTitles(page)).toEqual(CHANGED_SECTIONS)
    await expect(changeWith(page, 'Proceso Puebla').locator('.credit').textContent()).resolves.toBe('Propuesta de Guatemala')

    // A link the other way round shows November → October: line 4.7 is deleted there.
    const reader = await signInAs(browser(), server, 'revisor')
    await reader.page.goto(`${server.server.url}/#/doc/${DOC}/versions/${november}/${october}`)
    await expect.poll(() => changes(reader.page).count(), POLL).toBe(7)
    await expect(reader.page.inputValue('.compare-from')).resolves.toBe(november)
    await expect(reader.page.inputValue('.compare-to')).resolves.toBe(october)
    await expect(reader.page.locator('article.change.deleted del').textContent()).resolves.toMatch(/^4\.7 Elaborar/)
    expect(await reader.page.locator('article.change.inserted').count()).toBe(0)
    expect([...errors, ...reader.errors]).toEqual([])
  })

  it('shows a delegate the versions without the publish form, and lets the PPT publish a version that joins the list and the selects', async () => {
    const server = await startTestServer()
    const gt = await openVersionsAs(server, 'gt')
    await expect(gt.page.locator('.version-list li strong').allTextContents()).resolves.toEqual([OCTOBER, NOVEMBER])
    expect(await gt.page.locator('.publish-form').count()).toBe(0)
    // The default comparison is the last two versions.
    await expect.poll(() => changes(gt.page).count(), POLL).toBe(7)

    const ppt = await openVersionsAs(server, 'ppt')
    await ppt.page.waitForSelector('.publish-form')
    await ppt.page.fill('.publish-form input[name=version-name]', 'Borrador diciembre 2021')
    await ppt.page.click('.publish-form button[type=submit]')
    await expect
      .poll(() => ppt.page.locator('.version-list li strong').allTextContents(), POLL)
      .toEqual([OCTOBER, NOVEMBER, 'Borrador diciembre 2021'])
    await expect(ppt.page.locator('.publish-form .form-message').textContent()).resolves.toBe('Publicada: Borrador diciembre 2021')
    await expect(ppt.page.inputValue('.publish-form input[name=version-name]')).resolves.toBe('')
    await expect(ppt.page.locator('.compare-from option').allTextContents()).resolves.toEqual([OCTOBER, NOVEMBER, 'Borrador diciembre 2021'])
    await expect(ppt.page.locator('.compare-to option').allTextContents()).resolves.toEqual([
      OCTOBER,
      NOVEMBER,
      'Borrador diciembre 2021',
      'Borrador actual (en vivo)'
    ])
    // November and December hold the same text: the page's own comparison of its
    // last two versions says so first, then the one asked for.
    await ppt.page.waitForSelector('.compare-changes >> text=No hay diferencias en lo seleccionado.')
    await compare(ppt.page, NOVEMBER, 'Borrador diciembre 2021')
    await ppt.page.waitForSelector('.compare-changes >> text=No hay diferencias en lo seleccionado.')

    // The delegate sees it after a reload.
    await gt.page.reload()
    await expect
      .poll(() => gt.page.locator('.version-list li strong').allTextContents(), POLL)
      .toEqual([OCTOBER, NOVEMBER, 'Borrador diciembre 2021'])
    expect(await gt.page.locator('.publish-form').count()).toBe(0)
    expect([...gt.errors, ...ppt.errors]).toEqual([])
  })

  it('opens a published version read-only, and lets the PPT start a new draft from it without changing the versions', async () => {
    const server = await startTestServer()
    const { page, errors } = await openVersionsAs(server, 'ppt')
    const october = page.locator('.version-list li').filter({ hasText: OCTOBER })
    await october.locator('a.open-version').click()
    await page.waitForSelector('.version-view .document-text h2')
    expect(await page.locator('.version-view .document-text').getAttribute('contenteditable')).toBe('false')
    await expect(page.locator('.version-view .document-text').innerText()).resolves.toContain('conocida también como Proceso Puebla')

    await page.click('a.back')
    await page.waitForSelector('.versions-page .version-list li strong')
    page.once('dialog', (dialog) => void dialog.accept())
    await page.locator('.version-list li').filter({ hasText: OCTOBER }).locator('button.start-draft').click()
    // The live draft now says what October said; the versions stay as they were.
    await page.waitForSelector('.connection[data-state=connected]')
    await expect.poll(() => page.locator('.document-text').first().innerText(), POLL).toContain('conocida también como Proceso Puebla')
    const { october: octoberId, november: novemberId } = await demoVersionIds(server)
    const api = await signIn(server.server, 'revisor')
    const november = await api.get(docPath(`/versions/${novemberId}`))
    expect(november.body.version.text).toContain('también conocida como «Proceso Puebla»')
    const diff = await api.get(docPath(`/diff?from=${octoberId}&to=draft`))
    expect(diff.body.stats).toMatchObject({ blocksChanged: 0, blocksInserted: 0 })
    expect(errors).toEqual([])
  })

  it('reports the paragraphs whose status changed between November and the live draft, each named by its opening words', async () => {
    const server = await startTestServer()
    const { page, errors } = await openVersionsAs(server, 'ppt')
    await compare(page, NOVEMBER, 'Borrador actual (en vivo)')
    const section = page.locator('.compare-brackets .status-changes')
    await expect.poll(() => section.locator('h3').innerText(), POLL).toBe('Cambios en el estado de los párrafos')
    const lines = await section.locator('li').allInnerTexts()
    // The demo's draft agrees some paragraphs and leaves one ad referendum pending two capitals.
    expect(lines.some((l) => l.startsWith('Abierto → Acordado: ') && l.includes('Conferencia Regional sobre Migración'))).toBe(true)
    expect(lines.some((l) => /^Abierto → Acordado ad referéndum · pendiente de confirmación de US, NI: .+/.test(l))).toBe(true)
    expect(errors).toEqual([])
  })
})
