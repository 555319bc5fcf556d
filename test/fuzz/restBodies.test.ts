/**
 * Random request bodies on every route that changes something, sent as every
 * kind of account: random JSON values, malformed JSON, and objects shaped like
 * the real bodies whose fields take random types, lengths and Unicode. The
 * server never answers 5xx; every refusal is JSON `{ error: string }`; and a
 * 4xx leaves the workspace as it was (comments, periods, versions, accounts,
 * settings, documents and the text).
 */
import fc from 'fast-check'
import { expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import { COMMENT_STATUSES, ROLES, type DocumentId } from '../../src'
import type { Workspace } from '../../server'
import {
  appendParagraph,
  connectSynced,
  contentOf,
  DEMO_PASSWORD,
  DOC,
  docPath,
  login,
  openCommentPeriod,
  signIn,
  startTestServer,
  WAIT,
  workspaceToday
} from '../support'
import { anyJson, checkProperty, expectErrorShape, nastyString, request } from './fuzzing'

/** Everything a refused request must leave as it was. */
async function workspaceState(workspace: Workspace) {
  const id = DOC as DocumentId
  return {
    comments: await workspace.comments.list(id),
    brackets: await workspace.brackets.stored(id),
    periods: await workspace.periods.view(id),
    versions: await workspace.versions.list(id),
    accounts: await workspace.accounts.list(),
    settings: await workspace.settings.load(),
    documents: (await workspace.documents.listDocuments()).sort((a, b) => a.id.localeCompare(b.id)),
    text: await workspace.collaboration.withDocument(id, (doc) => ({ stateVector: Y.encodeStateVector(doc), content: contentOf(doc) }))
  }
}

/** A field that is usually valid, sometimes anything at all. */
const field = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: nastyString })

/**
 * An object of `fields`: usually all of them, sometimes some missing,
 * sometimes with a stray extra field (so that valid bodies come often enough
 * to reach past validation).
 */
function shaped(fields: Record<string, fc.Arbitrary<unknown>>, optional: string[] = []): fc.Arbitrary<unknown> {
  const required = Object.keys(fields).filter((key) => !optional.includes(key))
  const record = fc.oneof({ weight: 3, arbitrary: fc.record(fields, { requiredKeys: required }) }, { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) })
  const extra = fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(nastyString, anyJson) })
  return fc.tuple(record, extra).map(([body, more]) => (more ? { ...body, [more[0]]: more[1] } : body))
}

const quote = fc.constantFrom('Proceso Puebla', 'tres líneas complementarias', 'huracanes Eta e Iota', 'texto que no está')
const words = fc.oneof(fc.lorem({ maxCount: 8 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }))
const isoDate = fc.oneof(
  fc.constant(workspaceToday()),
  fc.constantFrom('2021-10-01', '2021-11-12', '2030-02-28', '2021-02-30', '2021-13-01'),
  fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
)
const country = fc.constantFrom('MX', 'GT', 'BZ', 'US', 'XX', 'mx')
const businessDays = fc.oneof(fc.integer({ min: -5, max: 40 }), fc.double(), fc.constant(1e308))

/** A path segment: any text, percent-encoded (lone surrogates as U+FFFD), or a broken escape. */
const segment = fc.oneof(
  nastyString.map((text) => encodeURIComponent(Buffer.from(text).toString())),
  fc.constantFrom('%E0%A4%A', '%', '%00', '..', '%2F', '%2e%2e')
)

/** A route that changes something, with the bodies worth sending it. */
interface Route {
  readonly name: string
  readonly method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  readonly path: fc.Arbitrary<string>
  readonly body: fc.Arbitrary<unknown>
}

function routes(ids: { comments: string[]; periods: string[]; versions: string[]; brackets: string[]; options: string[] }): Route[] {
  const someId = (known: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: segment })
  const comment = someId(ids.comments)
  const bracket = someId(ids.brackets)
  const option = fc.tuple(bracket, someId(ids.options))
  return [
    { name: 'login', method: 'POST', path: fc.constant('/api/login'), body: shaped({ username: field(fc.constantFrom('ppt', 'mx', 'nadie', 'PPT')), password: field(fc.constantFrom(DEMO_PASSWORD, 'wrong password')) }) },
    {
      name: 'new comment',
      method: 'POST',
      path: fc.constant(docPath('/comments')),
      body: shaped({
        body: field(words),
        anchor: field(
          shaped({ type: field(fc.constant('TextQuoteSelector')), exact: field(quote), prefix: field(words), suffix: field(words), blockId: field(words) }, [
            'prefix',
            'suffix',
            'blockId'
          ])
        ),
        suggestion: field(shaped({ text: field(words) })),
        requestKey: field(fc.uuid())
      }, ['suggestion', 'requestKey'])
    },
    { name: 'reply', method: 'POST', path: comment.map((c) => docPath(`/comments/${c}/replies`)), body: shaped({ body: field(words) }) },
    {
      name: 'comment status',
      method: 'PATCH',
      path: comment.map((c) => docPath(`/comments/${c}`)),
      body: shaped({ status: field(fc.constantFrom(...COMMENT_STATUSES)), answer: field(words) }, ['answer'])
    },
    { name: 'accept or reject', method: 'POST', path: fc.tuple(comment, fc.constantFrom('accept', 'reject')).map(([c, d]) => docPath(`/comments/${c}/${d}`)), body: anyJson },
    { name: 'decide all', method: 'POST', path: fc.constant(docPath('/proposals/decide')), body: shaped({ country: field(country), outcome: field(fc.constantFrom('accept', 'reject')) }) },
    { name: 'new period', method: 'POST', path: fc.constant(docPath('/periods')), body: shaped({ start: field(isoDate), businessDays: field(businessDays), deadline: field(isoDate) }, ['businessDays', 'deadline']) },
    {
      name: 'period change',
      method: 'PATCH',
      path: someId(ids.periods).map((p) => docPath(`/periods/${p}`)),
      body: shaped({ businessDays: field(businessDays), deadline: field(isoDate), closed: field(fc.boolean()) }, ['businessDays', 'deadline', 'closed'])
    },
    {
      name: 'new bracket',
      method: 'POST',
      path: fc.constant(docPath('/brackets')),
      body: shaped({
        anchor: field(shaped({ type: field(fc.constant('TextQuoteSelector')), exact: field(quote) })),
        reason: field(words),
        holders: field(fc.array(country, { maxLength: 3 }))
      }, ['holders'])
    },
    { name: 'hold or lift', method: 'POST', path: fc.tuple(bracket, fc.constantFrom('hold', 'lift')).map(([b, act]) => docPath(`/brackets/${b}/${act}`)), body: anyJson },
    { name: 'remove a bracket', method: 'DELETE', path: bracket.map((b) => docPath(`/brackets/${b}`)), body: anyJson },
    { name: 'new option', method: 'POST', path: bracket.map((b) => docPath(`/brackets/${b}/options`)), body: shaped({ text: field(words) }) },
    {
      name: 'support or choose',
      method: 'POST',
      path: fc.tuple(option, fc.constantFrom('support', 'choose')).map(([[b, o], act]) => docPath(`/brackets/${b}/options/${o}/${act}`)),
      body: anyJson
    },
    { name: 'withdraw support', method: 'DELETE', path: option.map(([b, o]) => docPath(`/brackets/${b}/options/${o}/support`)), body: anyJson },
    { name: 'new version', method: 'POST', path: fc.constant(docPath('/versions')), body: shaped({ name: field(words) }) },
    { name: 'draft from a version', method: 'POST', path: someId(ids.versions).map((v) => docPath(`/versions/${v}/restore`)), body: anyJson },
    {
      name: 'new account',
      method: 'POST',
      path: fc.constant('/api/users'),
      body: shaped({
        username: field(fc.stringMatching(/^[a-z][a-z0-9._-]{1,12}$/)),
        password: field(fc.string({ minLength: 10, maxLength: 30 })),
        name: field(words),
        role: field(fc.constantFrom(...ROLES)),
        country: field(fc.option(country, { nil: null }))
      }, ['name', 'country'])
    },
    {
      name: 'account change',
      method: 'PATCH',
      path: fc.oneof(fc.constantFrom('bz', 'nadie'), segment).map((u) => `/api/users/${u}`),
      body: shaped({ disabled: field(fc.boolean()) })
    },
    {
      name: 'settings',
      method: 'PUT',
      path: fc.constant('/api/settings'),
      body: shaped({ timeZone: field(fc.constantFrom('America/Mexico_City', 'Europe/Madrid', 'Mars/Olympus')), holidays: field(fc.array(isoDate, { maxLength: 5 })) })
    },
    { name: 'content upload without a file', method: 'PUT', path: fc.constant(docPath('/content')), body: anyJson },
    { name: 'document import without a file', method: 'POST', path: fc.constant('/api/documents'), body: shaped({ title: field(words) }) }
  ]
}

/** A request body: shaped for the route, any JSON value, or text that is not JSON. */
const bodyFor = (route: Route) =>
  fc.oneof(
    { weight: 4, arbitrary: route.body.map((json) => ({ json })) },
    { weight: 1, arbitrary: anyJson.map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"body": }', 'nul', '[1,2', '"\\u12"', '\u0000').map((raw) => ({ raw })) }
  )

test('Random bodies on every state-changing route, as every kind of account, never cause a server error; refusals are JSON and change nothing.', async () => {
  const { server } = await startTestServer({
    // Wrong passwords are part of the fuzzing: the login throttle must not lock the test out.
    config: { loginThrottle: { windowMs: 1000, freePerPair: 1_000_000, firstDelayMs: 0, maxDelayMs: 0, maxPerAddress: 1_000_000 } }
  })
  const ppt = await signIn(server, 'ppt')
  await openCommentPeriod(ppt)
  // Holds the Strategy open, so that reading the state does not load it each time.
  const editor = await connectSynced(server, DOC, await login(server.url, 'se'))
  const tokens = {
    ppt: ppt.token,
    se: await login(server.url, 'se'),
    mx: await login(server.url, 'mx'),
    gt: await login(server.url, 'gt'),
    revisor: await login(server.url, 'revisor'),
    observador: await login(server.url, 'observador')
  }
  const ws = server.workspace
  const ids = {
    comments: (await ws.comments.list(DOC as DocumentId)).map((c) => c.id),
    periods: (await ws.periods.view(DOC as DocumentId)).periods.map((p) => p.id),
    versions: (await ws.versions.list(DOC as DocumentId)).map((v) => v.id),
    brackets: (await ws.brackets.stored(DOC as DocumentId)).map((b) => b.id),
    options: (await ws.brackets.stored(DOC as DocumentId)).flatMap((b) => b.options.map((o) => o.id))
  }
  const all = routes(ids)
  const outcomes = new Map<string, number>()
  let state = await workspaceState(ws)

  await checkProperty(
    'REST bodies',
    fc.asyncProperty(
      // The route by name: the value printed for a counterexample holds no arbitraries.
      fc.constantFrom(...all).chain((route) => fc.record({ name: fc.constant(route.name), method: fc.constant(route.method), path: route.path, body: bodyFor(route) })),
      fc.constantFrom(...(Object.keys(tokens) as Array<keyof typeof tokens>)),
      async ({ name, method, path, body }, who) => {
        const answer = await request(server, tokens[who], method, path, body)
        const what = `${who}: ${method} ${path.slice(0, 200)} ${JSON.stringify(body).slice(0, 300)}`
        outcomes.set(`${name} ${answer.status}`, (outcomes.get(`${name} ${answer.status}`) ?? 0) + 1)
        expectErrorShape(answer, what)
        const after = await workspaceState(ws)
        if (answer.status >= 400) expect(after, `${what}: refused with ${answer.status}, and changed nothing`).toEqual(state)
        state = after
      }
    ),
    450
  )
  console.info('REST bodies, by route and status:', Object.fromEntries([...outcomes].sort()))
  // The fuzzing got past validation somewhere: some requests were accepted.
  expect([...outcomes.keys()].some((k) => / 20\d$/.test(k))).toBe(true)

  // Still serving, and the text still syncs.
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  const reader = await connectSynced(server, DOC, await login(server.url, 'gt'))
  appendParagraph(editor.doc, 'Tras el bombardeo, todo sigue.')
  await vi.waitFor(() => expect(contentOf(reader.doc)).toContain('Tras el bombardeo, todo sigue.'), WAIT)
}, 90_000)
