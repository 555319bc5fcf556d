import type { Router } from 'express'
import { z } from 'zod'
import { mayManageAccounts, ROLES, type Role } from '../../src'
import type { ServerConfig } from '../config'
import type { Workspace } from '../Workspace'
import { countryCode } from './fields'
import { signedInOf } from './locals'
import { bodyOf, HttpError, valueOf } from './request'
import { clearSessionCookie, sessionView } from './sessionRoutes'

const newUserBody = z
  .object({
    username: z.string().max(40),
    password: z.string().max(200),
    name: z.string().max(120).optional(),
    role: z.enum(ROLES as [Role, ...Role[]]),
    country: countryCode.nullable().optional()
  })
  .strict()
const accountChangeBody = z.object({ disabled: z.boolean() }).strict()

/**
 * The routes of one's own session and of accounts, behind `requireSession`:
 *
 * - `GET /me` → `{ user, csrfToken, timeZone }`, as `/login` answers beside the token;
 * - `POST /logout/everywhere` → `{ ok, sessions }`, every session of the account ended;
 * - `GET /users`, `POST /users`, `PATCH /users/:username` `{ disabled }`
 *   (the Presidency and the Secretariat; the workspace checks again).
 */
export function accountRoutes(api: Router, workspace: Workspace, config: ServerConfig): void {
  api.get('/me', async (_req, res) => {
    const { account, token } = signedInOf(res)
    res.json(await sessionView(workspace, account, token))
  })

  api.post('/logout/everywhere', async (_req, res) => {
    const sessions = await workspace.access.logoutEverywhere(signedInOf(res).account)
    clearSessionCookie(res, config)
    res.json({ ok: true, sessions })
  })

  api.get('/users', async (_req, res) => {
    res.json({ users: valueOf(await workspace.access.list(signedInOf(res).account)) })
  })

  api.post('/users', async (req, res) => {
    const { account } = signedInOf(res)
    // Refused before the body is looked at, whatever it holds (the workspace checks again).
    if (!mayManageAccounts(account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat manage accounts')
    const input = bodyOf(req, newUserBody)
    const country = input.country ?? null
    const made = await workspace.access.create(
      account,
      { ...input, country, name: input.name?.trim() || (country && input.role === 'delegate' ? `Delegación de ${country} (${input.username})` : input.username) }
    )
    res.status(201).json({ user: valueOf(made) })
  })

  api.patch('/users/:username', async (req, res) => {
    const { account } = signedInOf(res)
    if (!mayManageAccounts(account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat manage accounts')
    const { disabled } = bodyOf(req, accountChangeBody)
    const changed = await workspace.access.setDisabled(account, String(req.params.username), disabled)
    res.json({ user: valueOf(changed) })
  })
}
