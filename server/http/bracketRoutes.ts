import type { Router } from 'express'
import { z } from 'zod'
import { MAX_BRACKET_REASON_LENGTH, MAX_OPTION_LENGTH } from '../../src'
import type { Workspace } from '../Workspace'
import { countryCode, quoteSelector, text } from './fields'
import { documentOf, signedInOf } from './locals'
import { bodyOf, requestKeyOf, valueOf } from './request'

// Fields the body does not define (a client's "placedBy", "country") are dropped, never trusted.
const newBracketBody = z.object({
  anchor: quoteSelector,
  reason: text(MAX_BRACKET_REASON_LENGTH),
  holders: z.array(countryCode).max(11).optional()
})
const newOptionBody = z.object({ text: text(MAX_OPTION_LENGTH) })

/**
 * The routes of brackets, under `/api/documents/:id` (`document`, behind
 * `requireDocument`, which already refuses observers); who may do what is the workspace's to say:
 * - `GET /brackets` → `{ brackets }`, the standing ones, each quoting its passage as it is now
 * - `POST /brackets` `{ anchor, reason, holders? }` (`Idempotency-Key`) → 201 `{ bracket }` (Presidency, Secretariat)
 * - `POST /brackets/:bid/hold|lift` → `{ bracket }` (a delegation, for its own country)
 * - `DELETE /brackets/:bid` → `{ bracket }` (Presidency, Secretariat; 409 naming the holders while any remain)
 * - `POST /brackets/:bid/options` `{ text }` → 201 `{ bracket }` (Presidency, Secretariat)
 * - `POST|DELETE /brackets/:bid/options/:oid/support` → `{ bracket }` (a delegation, for its own country)
 * - `POST /brackets/:bid/options/:oid/choose` → `{ bracket }` (Presidency, Secretariat), the passage replaced by the option
 */
export function bracketRoutes({ document, workspace }: { document: Router; workspace: Workspace }): void {
  const { brackets } = workspace
  document.get('/brackets', async (_req, res) => {
    res.json({ brackets: await brackets.list(documentOf(res).id) })
  })

  document.post('/brackets', async (req, res) => {
    const input = bodyOf(req, newBracketBody)
    res.status(201).json({ bracket: valueOf(await brackets.place(signedInOf(res).account, documentOf(res).id, input, requestKeyOf(req))) })
  })

  document.post('/brackets/:bid/hold', async (req, res) => {
    res.json({ bracket: valueOf(await brackets.hold(signedInOf(res).account, documentOf(res).id, String(req.params.bid))) })
  })

  document.post('/brackets/:bid/lift', async (req, res) => {
    res.json({ bracket: valueOf(await brackets.lift(signedInOf(res).account, documentOf(res).id, String(req.params.bid))) })
  })

  document.delete('/brackets/:bid', async (req, res) => {
    res.json({ bracket: valueOf(await brackets.remove(signedInOf(res).account, documentOf(res).id, String(req.params.bid))) })
  })

  document.post('/brackets/:bid/options', async (req, res) => {
    const { text: wording } = bodyOf(req, newOptionBody)
    res.status(201).json({ bracket: valueOf(await brackets.addOption(signedInOf(res).account, documentOf(res).id, String(req.params.bid), wording)) })
  })

  document.post('/brackets/:bid/options/:oid/support', async (req, res) => {
    const { bid, oid } = req.params
    res.json({ bracket: valueOf(await brackets.support(signedInOf(res).account, documentOf(res).id, String(bid), String(oid))) })
  })

  document.delete('/brackets/:bid/options/:oid/support', async (req, res) => {
    const { bid, oid } = req.params
    res.json({ bracket: valueOf(await brackets.withdrawSupport(signedInOf(res).account, documentOf(res).id, String(bid), String(oid))) })
  })

  document.post('/brackets/:bid/options/:oid/choose', async (req, res) => {
    const { bid, oid } = req.params
    res.json({ bracket: valueOf(await brackets.choose(signedInOf(res).account, documentOf(res).id, String(bid), String(oid))) })
  })
}
