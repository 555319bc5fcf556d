/**
 * No role may exceed its own (issue 14, item 4): who may create, disable and
 * enable which role, and display names that pass for a role's title, on a
 * real server with the demo workspace.
 */
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD, signIn, startTestServer, type ApiSession } from '../support'

const newAccount = (username: string, role: string, name?: string, country?: string) => ({
  username,
  password: DEMO_PASSWORD,
  role,
  ...(name === undefined ? {} : { name }),
  ...(country === undefined ? {} : { country })
})

const usernames = async (session: ApiSession): Promise<string[]> => (await session.get('/api/users')).body.users.map((u: { username: string }) => u.username)

describe('Role powers', () => {
  test('The Secretariat may not make itself the Presidency: creating a PPT account is refused (403), and no account is made.', async () => {
    const { server } = await startTestServer()
    const se = await signIn(server, 'se')
    const before = await usernames(se)
    const refused = await se.post('/api/users', newAccount('ppt2', 'ppt', 'Presidencia Pro Tempore (México)'))
    expect(refused.status).toBe(403)
    expect(refused.body.error).toBe('the secretariat role may not create accounts of Presidencia Pro Tempore')
    expect(await usernames(se)).toEqual(before)
    const login = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'ppt2', password: DEMO_PASSWORD })
    })
    expect(login.status).toBe(401)

    // What it holds, it may grant.
    expect((await se.post('/api/users', newAccount('se2', 'secretariat', 'Secretaría Ejecutiva (apoyo)'))).status).toBe(201)
    expect((await se.post('/api/users', newAccount('obs2', 'observer', 'Observador de la OIM'))).status).toBe(201)
    // The Presidency may hand its role on.
    const ppt = await signIn(server, 'ppt')
    expect((await ppt.post('/api/users', newAccount('ppt-gt', 'ppt', 'Presidencia Pro Tempore (Guatemala)'))).status).toBe(201)
  })

  test('The Secretariat may not disable the Presidency (403, its sessions kept); the Presidency may disable and enable the Secretariat.', async () => {
    const { server } = await startTestServer()
    const se = await signIn(server, 'se')
    const ppt = await signIn(server, 'ppt')
    const refused = await se.patch('/api/users/ppt', { disabled: true })
    expect(refused.status).toBe(403)
    expect(refused.body.error).toBe('the secretariat role may not disable accounts of Presidencia Pro Tempore')
    expect((await ppt.get('/api/me')).status).toBe(200)
    expect((await ppt.get('/api/users')).body.users.find((u: { username: string }) => u.username === 'ppt').disabled).toBe(false)

    expect((await ppt.patch('/api/users/se', { disabled: true })).status).toBe(200)
    expect((await se.get('/api/me')).status).toBe(401)
    expect((await ppt.patch('/api/users/se', { disabled: false })).status).toBe(200)
    // A disabled Presidency account is not enabled by the Secretariat either.
    expect((await ppt.post('/api/users', newAccount('ppt-gt', 'ppt', 'Presidencia Pro Tempore (Guatemala)'))).status).toBe(201)
    expect((await ppt.patch('/api/users/ppt-gt', { disabled: true })).status).toBe(200)
    const se2 = await signIn(server, 'se')
    expect((await se2.patch('/api/users/ppt-gt', { disabled: false })).status).toBe(403)
  })

  test.each([
    ['Presidencia Pro Tempore (México)', 'observer'],
    ['presidencia pro tempore', 'delegate'],
    ['Presidencia Prо Tempore', 'observer'],
    ['P.P.T.', 'reviewer'],
    ['P.P.T. México', 'delegate'],
    ['P. P. T. de México', 'delegate'],
    ['P R E S I D E N C I A', 'observer'],
    ['PresidenciaProTempore', 'reviewer'],
    ['PPT México', 'delegate'],
    ['Pres\u200bidencia Pro Tempore', 'observer'],
    ['ＰＲＥＳＩＤＥＮＣＩＡ PRO TEMPORE', 'reviewer'],
    ['Presidéncia Pr0 Temp0re', 'observer'],
    ['Secretaría Ejecutiva', 'delegate'],
    ['Secretaria  Ejecutiva de la CRM', 'reviewer'],
    ['Executive Secretariat', 'observer'],
    ['Delegación de Guatemala', 'observer']
  ])('A display name %j that passes for another role\'s title is refused for a %s account (400), and no account is made.', async (name, role) => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const before = await usernames(ppt)
    const refused = await ppt.post('/api/users', newAccount('impostor', role, name, role === 'delegate' ? 'GT' : undefined))
    expect(refused.status, JSON.stringify(refused.body)).toBe(400)
    expect(refused.body.error).toMatch(/^name must not pass for /)
    expect(refused.body.code).toBe('name_imitates_role')
    expect(await usernames(ppt)).toEqual(before)
  })

  test('A role\'s own accounts bear its title, and ordinary names pass.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    for (const [username, role, name, country] of [
      ['se3', 'secretariat', 'Secretaría Ejecutiva de la CRM (sede)', undefined],
      ['gt9', 'delegate', 'Delegación de Guatemala (asesora)', 'GT'],
      ['rev2', 'reviewer', 'Revisora de estilo', undefined],
      ['obs3', 'observer', 'Organización Internacional para las Migraciones', undefined],
      ['obs4', 'observer', 'Pepe Pérez Torres', undefined],
      ['gt10', 'delegate', 'Vicepresidencia de Guatemala', 'GT'],
      ['obs5', 'observer', 'Equipo PPTX de la OIM', undefined]
    ] as const)
      expect((await ppt.post('/api/users', newAccount(username, role, name, country))).status, name).toBe(201)
  })
})
