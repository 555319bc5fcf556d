/**
 * Sessions as people meet them in Chromium: an account disabled while its
 * owner has the draft open, signing out on every device, a session that
 * expires, and a login form that is throttled. Needs `npm run build` first.
 */
import { describe, expect, it } from 'vitest'
import { signInAs, UI_TIMEOUT, useChromium, type Person } from './chromium'
import { DEMO_PASSWORD, DOC, startTestServer, type TestServer } from '../support'
import { defaultLoginThrottle } from '../../server'

const browser = useChromium()

/**
 * A person signed in, with the Strategy open and connected, whose session the
 * test ends: the 401s that follow (the app asking whether its session still
 * stands once its socket is closed) are expected.
 */
async function openAs(server: TestServer, username: string): Promise<Person> {
  const person = await signInAs(browser(), server, username, { expectedStatuses: [401] })
  await person.page.click(`a.document-link[href="#/doc/${DOC}"]`)
  await person.page.waitForSelector('.connection[data-state=connected]')
  return person
}

/** Waits for the sign-in form and returns the notice shown above it. */
async function signInScreenNotice(person: Person): Promise<string> {
  await person.page.waitForSelector('form.login')
  return person.page.locator('.notice').innerText()
}

describe('sessions in the browser app', () => {
  it('lets the Secretariat disable a delegate who has the draft open, who is sent to the sign-in screen and told why, and enable it again', async () => {
    const server = await startTestServer()
    const gt = await openAs(server, 'gt')
    const se = await signInAs(browser(), server, 'se')
    await se.page.click('a.accounts-link')
    const row = se.page.locator('tr[data-username=gt]')
    await expect.poll(() => row.locator('.account-state').innerText(), { timeout: UI_TIMEOUT }).toBe('activa')
    // Nobody can disable their own account from here.
    expect(await se.page.locator('tr[data-username=se] button').count()).toBe(0)

    // A first press asks, a second one disables.
    await row.locator('button.disable-account').click()
    await expect(row.locator('.disable-question').innerText()).resolves.toContain('¿Desactivar la cuenta gt?')
    await row.locator('button.disable-account').click()
    await expect.poll(() => row.locator('.account-state').innerText(), { timeout: UI_TIMEOUT }).toBe('desactivada')
    await expect(se.page.locator('.access-done').innerText()).resolves.toContain('Cuenta gt desactivada')
    expect(await signInScreenNotice(gt)).toContain('Su cuenta ha sido desactivada')

    await row.locator('button.enable-account').click()
    await expect.poll(() => row.locator('.account-state').innerText(), { timeout: UI_TIMEOUT }).toBe('activa')
    await gt.page.fill('input[name=username]', 'gt')
    await gt.page.fill('input[name=password]', DEMO_PASSWORD)
    await gt.page.click('form.login button[type=submit]')
    await gt.page.waitForSelector('ul.document-list')
    expect([...gt.errors, ...se.errors]).toEqual([])
  })

  it('signs a person out on every device with «Cerrar sesión en todos los dispositivos», closing the draft open on another', async () => {
    const server = await startTestServer()
    const laptop = await openAs(server, 'cr')
    const phone = await signInAs(browser(), server, 'cr')
    await phone.page.click('button.sign-out-everywhere')
    expect(await signInScreenNotice(phone)).toContain('Se cerró su sesión en todos los dispositivos.')
    expect(await signInScreenNotice(laptop)).toContain('Se cerró su sesión en todos los dispositivos.')
    const status = await laptop.page.evaluate(() => fetch('/api/me').then((r) => r.status))
    expect(status).toBe(401)
    expect([...laptop.errors, ...phone.errors]).toEqual([])
  })

  it('returns a person whose session expired to the sign-in screen, saying so', async () => {
    const server = await startTestServer({
      config: { sessions: { idleMs: 3000, absoluteMs: 3_600_000, secureCookie: false }, sessionCheckMs: 100 }
    })
    const person = await openAs(server, 'revisor')
    expect(await signInScreenNotice(person)).toContain('Su sesión ha caducado')
    expect(person.errors).toEqual([])
  })

  it('tells a person who failed to sign in too often to wait, in minutes', async () => {
    const server = await startTestServer({ config: { loginThrottle: { ...defaultLoginThrottle, freePerPair: 1, firstDelayMs: 15 * 60_000 } } })
    const context = await browser().newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(UI_TIMEOUT)
    await page.goto(server.server.url)
    const attempt = async () => {
      await page.fill('input[name=username]', 'mx')
      await page.fill('input[name=password]', 'not the password')
      await page.click('form.login button[type=submit]')
    }
    await attempt()
    await expect.poll(() => page.locator('form.login .error').innerText(), { timeout: UI_TIMEOUT }).toBe('Usuario o contraseña incorrectos.')
    await attempt()
    await expect
      .poll(() => page.locator('form.login .error').innerText(), { timeout: UI_TIMEOUT })
      .toBe('Demasiados intentos fallidos. Inténtelo de nuevo dentro de 15 min.')
    await context.close()
  })
})
