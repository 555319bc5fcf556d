import type { Router } from 'express'
import { mayManageAccounts, mayReadSettings } from '../../src'
import { settingsSchema, type WorkspaceSettings } from '../settings'
import type { Workspace } from '../Workspace'
import { signedInOf } from './locals'
import { bodyOf, HttpError, valueOf } from './request'

/**
 * The workspace settings (its calendar and time zone), behind `requireSession`:
 * - `GET /settings` → `{ settings }`, for every role that reads documents (not observers);
 * - `PUT /settings` → `{ settings }` (the Presidency and the Secretariat).
 */
export function settingsRoutes(api: Router, workspace: Workspace): void {
  api.get('/settings', async (_req, res) => {
    const { account } = signedInOf(res)
    if (!mayReadSettings(account.role)) throw new HttpError(403, `the ${account.role} role may not read the workspace settings`)
    res.json({ settings: await workspace.settings.load() })
  })

  api.put('/settings', async (req, res) => {
    const { account } = signedInOf(res)
    if (!mayManageAccounts(account.role)) throw new HttpError(403, 'only the Presidency or the Secretariat change the workspace settings')
    const settings = bodyOf(req, settingsSchema) as WorkspaceSettings
    res.json({ settings: valueOf(await workspace.settings.change(account, settings)) })
  })
}
