/**
 * Published versions, their comparison and restoring a draft from one, on a
 * real server per test with the demo workspace: the demo publishes «Borrador
 * octubre 2021», replays the delegations' proposals, and publishes «Borrador
 * noviembre 2021» with the accepted ones and the Presidency's own edits.
 */
import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, test, vi } from 'vitest'
import { countWords, plainText, readContent } from '../../src'
import { openWorkspaceStore } from '../../storage'
import {
  apiSession,
  connectSynced,
  DOC,
  docPath,
  findQuote,
  login,
  quoteSelector,
  signIn,
  startTestServer,
  WAIT,
  type ApiSession,
  type Reachable,
  type TestClient
} from '../support'

const OCTOBER = 'Borrador octubre 2021'
const NOVEMBER = 'Borrador noviembre 2021'
// A paragraph of the Antecedentes no one comments on and no draft changes.
const HURRICANES = 'huracanes Eta e Iota'

interface Run {
  op: 'equal' | 'insert' | 'delete'
  text: string
}
interface Block {
  op: 'equal' | 'changed' | 'inserted' | 'deleted' | 'moved'
  section: string
  oldSection?: string
  oldText: string
  newText: string
  runs?: Run[]
  blockId: string | null
  oldIndex: number | null
  newIndex: number | null
  proposals?: Array<{ commentId: string; country: string | null; text: string }>
}
interface Counts {
  wordsAdded: number
  wordsRemoved: number
  blocksChanged: number
  blocksInserted: number
  blocksDeleted: number
  blocksMoved: number
}
interface Diff {
  from: { id: string; name: string }
  to: { id: string; name: string }
  blocks: Block[]
  stats: Counts & { sections: Record<string, Counts> }
}

/** The demo's two published versions, as the list gives them (oldest first). */
async function demoVersions(session: ApiSession) {
  const res = await session.get(docPath('/versions'))
  expect(res.status).toBe(200)
  const versions = res.body.versions as Array<{ id: string; name: string; contentHash: string; createdAt: string }>
  const byName = (name: string) => {
    const found = versions.find((v) => v.name === name)
    expect(found, `version «${name}»`).toBeDefined()
    return found as (typeof versions)[number]
  }
  return { versions, october: byName(OCTOBER), november: byName(NOVEMBER) }
}

/** A version in full: summary, `content`, `text` and `comments`. */
async function fetchVersion(session: ApiSession, id: string) {
  const res = await session.get(docPath(`/versions/${id}`))
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.version
}

/** The JSON comparison of two versions (or of a version and "draft"). */
async function fetchDiff(session: ApiSession, from: string, to: string): Promise<Diff> {
  const res = await session.get(docPath(`/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`))
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as Diff
}

/** Publishes the live draft as `name`; it must be published. */
async function publish(session: ApiSession, name: string) {
  const res = await session.post(docPath('/versions'), { name })
  expect(res.status, `publishing: ${JSON.stringify(res.body)}`).toBe(201)
  return res.body.version as { id: string; name: string; contentHash: string }
}

/** One side of the comparison, rebuilt from its blocks in that side's order. */
const side = (blocks: readonly Block[], index: 'oldIndex' | 'newIndex', text: 'oldText' | 'newText') => {
  const present = blocks.filter((b) => b[index] !== null).sort((a, b) => (a[index] as number) - (b[index] as number))
  // Every position of that side appears once.
  expect(present.map((b) => b[index])).toEqual(present.map((_, i) => i))
  return present.map((b) => b[text]).join('\n\n')
}

const runsText = (runs: readonly Run[], skip: Run['op']) => runs.filter((r) => r.op !== skip).map((r) => r.text).join('')

/** The live draft as a stock client of the PPT reads it: the same plain text the server gives versions. */
const liveText = (client: TestClient) => plainText(readContent(client.doc))

/** The comments of the live draft. */
async function liveComments(session: ApiSession) {
  const res = await session.get(docPath('/comments'))
  expect(res.status).toBe(200)
  return res.body.comments as Array<{ id: string; anchor: { detached: boolean; text: string | null; blockId: string } }>
}

/** Signs the PPT in and connects a stock y-websocket client of the Strategy for it. */
async function pptWithClient(server: Reachable) {
  const token = await login(server.url, 'ppt')
  return { ppt: apiSession(server, token), client: await connectSynced(server, DOC, token) }
}

describe('Published versions', () => {
  test('The demo holds the October and November 2021 drafts, each with its ProseMirror content and its plain text.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { versions, october, november } = await demoVersions(revisor)
    expect(versions.map((v) => v.name)).toEqual([OCTOBER, NOVEMBER])
    // The list is light: no content, no comments.
    expect(versions[0]).not.toHaveProperty('content')
    expect(versions[0]).not.toHaveProperty('comments')

    const oct = await fetchVersion(revisor, october.id)
    const nov = await fetchVersion(revisor, november.id)
    for (const version of [oct, nov]) {
      expect(version.content.type).toBe('doc')
      expect(Array.isArray(version.content.content)).toBe(true)
      expect(version.contentHash).toMatch(/^[0-9a-f]{64}$/)
      expect(version.words).toBe(countWords(version.text))
      // Blocks are separated by one blank line; no block is cut by one.
      expect(version.text.split('\n\n').length).toBeGreaterThan(50)
      expect(version.text).not.toMatch(/\n{3}/)
    }
    expect(oct.text.split('\n\n')[0]).toBe('Estrategia regional de atención a la migración irregular y masiva')
    expect(oct.text).toContain('conocida también como Proceso Puebla')
    expect(oct.text).not.toContain('también conocida como «Proceso Puebla»')
    expect(nov.text).toContain('también conocida como «Proceso Puebla»')
    expect(nov.text).not.toContain('conocida también como Proceso Puebla')
    expect(oct.contentHash).not.toBe(nov.contentHash)
  })

  test('Publishing content equal to a version gives the same content hash.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const { november } = await demoVersions(ppt)
    // Since November only a comment was added: the draft's text is November's.
    const again = await publish(ppt, 'Borrador noviembre 2021 (copia)')
    expect(again.contentHash).toBe(november.contentHash)
    expect((await fetchVersion(ppt, again.id)).content).toEqual((await fetchVersion(ppt, november.id)).content)
  })

  test('A version is stored as its ProseMirror JSON and comments, with no copy of the Yjs state, and reads the same after a restart.', async () => {
    const { server, dataDir } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const published = await publish(ppt, 'Versión sin estado Yjs')
    const before = await fetchVersion(ppt, published.id)
    await server.close()
    const { store } = await openWorkspaceStore(dataDir)
    try {
      expect((await store.records.list({ kind: 'versionState', scope: DOC })).records).toEqual([])
      expect(await store.records.get({ kind: 'version', scope: DOC }, published.id)).toBeDefined()
    } finally {
      await store.close()
    }
    const restarted = await startTestServer({ dataDir })
    const after = await fetchVersion(await signIn(restarted.server, 'ppt'), published.id)
    expect(after.content).toEqual(before.content)
    expect(after.text).toBe(before.text)
  })

  test('An unknown version is answered with 404 and a JSON error.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const res = await revisor.get(docPath('/versions/no-such-version'))
    expect(res.status).toBe(404)
    expect(res.body.error).toMatch(/no-such-version/)
  })
})

describe('Comparing October with November', () => {
  test('The reviewer gets the blocks in the new order, whose runs and texts rebuild both versions exactly.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { october, november } = await demoVersions(revisor)
    const diff = await fetchDiff(revisor, october.id, november.id)
    expect(diff.from).toMatchObject({ id: october.id, name: OCTOBER })
    expect(diff.to).toMatchObject({ id: november.id, name: NOVEMBER })

    for (const block of diff.blocks) {
      expect(Object.keys(block)).toEqual(expect.arrayContaining(['op', 'section', 'oldText', 'newText']))
      if (block.op === 'equal') expect(block.newText).toBe(block.oldText)
      if (block.op === 'changed') {
        const runs = block.runs as Run[]
        expect(runs.length).toBeGreaterThan(1)
        expect(runsText(runs, 'insert')).toBe(block.oldText)
        expect(runsText(runs, 'delete')).toBe(block.newText)
      }
      if (block.op === 'inserted') expect([block.oldText, block.oldIndex]).toEqual(['', null])
    }
    // In the new version's order (deleted blocks, with no new position, where they stood).
    const newOrder = diff.blocks.map((b) => b.newIndex).filter((n) => n !== null)
    expect(newOrder).toEqual(newOrder.map((_, i) => i))

    const oct = await fetchVersion(revisor, october.id)
    const nov = await fetchVersion(revisor, november.id)
    expect(side(diff.blocks, 'oldIndex', 'oldText')).toBe(oct.text)
    expect(side(diff.blocks, 'newIndex', 'newText')).toBe(nov.text)
  })

  test('The changes are the accepted proposals of Guatemala and El Salvador, one moved paragraph and the new line 4.7.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { october, november } = await demoVersions(revisor)
    const diff = await fetchDiff(revisor, october.id, november.id)
    const changes = diff.blocks.filter((b) => b.op !== 'equal')
    expect(changes.map((b) => b.op).sort()).toEqual(['changed', 'changed', 'changed', 'changed', 'inserted', 'moved'])

    const puebla = changes.find((b) => b.oldText.includes('conocida también como Proceso Puebla'))
    expect(puebla).toMatchObject({ op: 'changed', section: '1. Antecedentes' })
    expect(puebla?.newText).toContain('también conocida como «Proceso Puebla»')
    expect(puebla?.proposals?.map((p) => p.country)).toEqual(['GT'])
    expect(puebla?.proposals?.[0]?.text).toBe('también conocida como «Proceso Puebla»')
    // Word by word: the words that changed, not the whole paragraph.
    expect(puebla?.runs?.filter((r) => r.op !== 'equal')).toEqual([
      { op: 'delete', text: 'conocida también como ' },
      { op: 'insert', text: 'también conocida como «' },
      { op: 'insert', text: '»' }
    ])

    const alerts = changes.find((b) => b.section === '5. Objetivos específicos')
    expect(alerts?.op).toBe('changed')
    expect(alerts?.proposals?.map((p) => p.country)).toEqual(['SV'])
    expect(alerts?.runs?.filter((r) => r.op !== 'equal')).toEqual([
      { op: 'insert', text: ', con pleno respeto de la legislación nacional en materia de protección de datos personales' }
    ])

    // The Presidency's own edits carry no country's credit.
    const own = changes.filter((b) => b !== puebla && b !== alerts)
    for (const b of own) expect(b.proposals).toBeUndefined()

    // "Por último…" and the paragraph on the Reuniones de Seguimiento swapped places:
    // one of the two reads as moved, its text untouched.
    const moved = changes.find((b) => b.op === 'moved') as Block
    expect(moved.section).toBe('2. Justificación')
    expect(moved.oldSection).toBeUndefined()
    expect(moved.newText).toBe(moved.oldText)
    expect(moved.runs).toBeUndefined()
    expect(moved.oldText).toMatch(/^(Por último, la Estrategia recoge las voces|En particular, la Estrategia plantea consolidar)/)
    expect(Math.abs((moved.oldIndex as number) - (moved.newIndex as number))).toBe(1)

    const line47 = changes.find((b) => b.op === 'inserted') as Block
    expect(line47.section).toBe('9. Eje 4: Cooperación regional e intercambio de información')
    expect(line47.newText).toMatch(/^4\.7 Elaborar, con el apoyo de la Secretaría Ejecutiva, un informe semestral de tendencias/)
  })

  test('The statistics count words and blocks per section, and the sections add up to the totals.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { october, november } = await demoVersions(revisor)
    const { blocks, stats } = await fetchDiff(revisor, october.id, november.id)
    const line47 = blocks.find((b) => b.op === 'inserted') as Block

    expect(stats.sections['5. Objetivos específicos']).toEqual({
      wordsAdded: 14,
      wordsRemoved: 0,
      blocksChanged: 1,
      blocksInserted: 0,
      blocksDeleted: 0,
      blocksMoved: 0
    })
    expect(stats.sections['9. Eje 4: Cooperación regional e intercambio de información']).toMatchObject({
      wordsAdded: countWords(line47.newText),
      wordsRemoved: 0,
      blocksInserted: 1
    })
    expect(stats.sections['2. Justificación']).toMatchObject({ wordsAdded: 0, wordsRemoved: 0, blocksMoved: 1, blocksChanged: 0 })
    // "octubre" became "noviembre" in the status line under the title.
    expect(stats.sections['Estrategia regional de atención a la migración irregular y masiva']).toMatchObject({
      wordsAdded: 1,
      wordsRemoved: 1,
      blocksChanged: 1
    })
    expect(stats.sections['1. Antecedentes']).toMatchObject({ blocksChanged: 2 })
    expect(stats.sections['1. Antecedentes']?.wordsRemoved).toBeGreaterThan(3)
    expect(stats.sections['13. Glosario'] ?? { wordsAdded: 0, wordsRemoved: 0 }).toMatchObject({ wordsAdded: 0, wordsRemoved: 0 })

    for (const key of ['wordsAdded', 'wordsRemoved', 'blocksChanged', 'blocksInserted', 'blocksDeleted', 'blocksMoved'] as const)
      expect(Object.values(stats.sections).reduce((sum, s) => sum + s[key], 0), key).toBe(stats[key])
    expect(stats).toMatchObject({ blocksChanged: 4, blocksInserted: 1, blocksDeleted: 0, blocksMoved: 1 })
  })

  test('Comparing with "draft" shows the live text, including an edit just made through a stock client.', async () => {
    const { server } = await startTestServer()
    const { ppt, client } = await pptWithClient(server)
    const { november } = await demoVersions(ppt)
    expect((await fetchDiff(ppt, november.id, 'draft')).blocks.filter((b) => b.op !== 'equal')).toEqual([])

    const { text, index } = findQuote(client.doc, HURRICANES)
    text.insert(index + HURRICANES.length, ' y el terremoto de Haití')
    const changed = async () => (await fetchDiff(ppt, november.id, 'draft')).blocks.filter((b) => b.op !== 'equal')
    await vi.waitFor(async () => expect(await changed()).toHaveLength(1), WAIT)
    const [edit] = await changed()
    expect(edit).toMatchObject({ op: 'changed', section: '1. Antecedentes' })
    expect(edit?.runs?.filter((r) => r.op !== 'equal')).toEqual([{ op: 'insert', text: ' y el terremoto de Haití' }])
    const diff = await fetchDiff(ppt, november.id, 'draft')
    expect(diff.to.id).toBe('draft')
    expect(diff.stats.wordsAdded).toBe(5)
  })

  test('An unknown version is answered with 404 and a missing side with 400, both as JSON.', async () => {
    const { server } = await startTestServer()
    const revisor = await signIn(server, 'revisor')
    const { october } = await demoVersions(revisor)
    for (const query of [`from=no-such-version&to=${october.id}`, `from=${october.id}&to=no-such-version`]) {
      const res = await revisor.get(docPath(`/diff?${query}`))
      expect(res.status, query).toBe(404)
      expect(res.body.error).toMatch(/no-such-version/)
    }
    for (const query of [`to=${october.id}`, `from=${october.id}`, '', `from=&to=${october.id}`]) {
      const res = await revisor.get(docPath(`/diff?${query}`))
      expect(res.status, query).toBe(400)
      expect(typeof res.body.error).toBe('string')
    }
  })

  test('Asked again, a comparison of two versions answers the same JSON, with the same ETag.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'revisor')
    const { october, november } = await demoVersions(apiSession(server, token))
    const ask = () => fetch(`${server.url}${docPath(`/diff?from=${october.id}&to=${november.id}`)}`, { headers: { Authorization: `Bearer ${token}` } })
    const first = await ask()
    const second = await ask()
    expect(first.status).toBe(200)
    expect(second.headers.get('content-type')).toMatch(/^application\/json/)
    const [firstText, secondText] = [await first.text(), await second.text()]
    expect(secondText).toBe(firstText)
    expect((JSON.parse(firstText) as Diff).blocks.length).toBeGreaterThan(0)
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^W\/"/)
    expect(second.headers.get('etag')).toBe(etag)
  })

  test('The HTML redline is a self-contained page with no script and a policy of its own that allows none.', async () => {
    const { server } = await startTestServer()
    const token = await login(server.url, 'revisor')
    const { october, november } = await demoVersions(apiSession(server, token))
    const res = await fetch(`${server.url}${docPath(`/diff?from=${october.id}&to=${november.id}&format=html`)}`, {
      headers: { Authorization: `Bearer ${token}` }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await res.text()
    expect(html).toMatch(/^<!doctype html>/i)
    expect(html).not.toMatch(/<script/i)
    // Nothing loads from elsewhere: no external style sheet, image or frame.
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i)
    expect(html).not.toMatch(/\bsrc=|\bhref=/i)
    expect(html).toMatch(/<ins>[^<]*también conocida como «/)
    expect(html).toMatch(/<del>conocida también como <\/del>/)
    expect(html).toContain('Propuesta de Guatemala')
    expect(html).toContain('Propuesta de El Salvador')
    expect(html).toContain('<h2>2. Justificación</h2>')

    const policy = new Map(
      (res.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name as string, values])
    )
    // Scripts fall under script-src, or default-src without it: either way, none.
    expect(policy.get('script-src') ?? policy.get('default-src')).toEqual(["'none'"])
    expect(policy.get('default-src')).toEqual(["'none'"])
    expect(policy.get('frame-ancestors')).toEqual(["'none'"])
  })
})

describe('Comparing texts made to be costly (issue 14, item 1)', () => {
  test('A paragraph of 8,000 punctuation marks replaced by 8,000 others is compared coarsely, and the JSON, the redline and the Word export say so.', async () => {
    const { server } = await startTestServer()
    const { ppt, client } = await pptWithClient(server)
    const marks = (seed: number) => Array.from({ length: 8_000 }, (_, i) => '.,;:!?¿¡«»()-'[(i * seed + (i >> 3)) % 13]).join('')
    const rewrite = (text: string) => {
      const { text: ytext } = findQuote(client.doc, HURRICANES)
      const whole = ytext.toString()
      ytext.delete(0, whole.length)
      ytext.insert(0, `${text} ${HURRICANES}`)
    }
    const edited = async (text: string) => {
      rewrite(text)
      await vi.waitFor(async () => expect((await fetchDiff(ppt, (await demoVersions(ppt)).november.id, 'draft')).blocks.some((b) => b.newText.startsWith(text))).toBe(true), WAIT)
    }
    await edited(marks(7))
    const first = await publish(ppt, 'Signos 1')
    await edited(marks(11))
    const second = await publish(ppt, 'Signos 2')

    const diff = await fetchDiff(ppt, first.id, second.id)
    expect(diff).toMatchObject({ coarse: true })
    const changed = diff.blocks.filter((b) => b.op !== 'equal')
    expect(changed).toHaveLength(1)
    expect(changed[0]).toMatchObject({ op: 'changed', coarse: true })
    expect(runsText(changed[0]?.runs ?? [], 'insert')).toBe(changed[0]?.oldText)
    expect(runsText(changed[0]?.runs ?? [], 'delete')).toBe(changed[0]?.newText)

    const html = await fetch(`${server.url}${docPath(`/diff?from=${first.id}&to=${second.id}&format=html`)}`, { headers: { Authorization: `Bearer ${ppt.token}` } })
    expect(html.status).toBe(200)
    const page = await html.text()
    expect(page).toContain('Comparación aproximada')
    expect(page).toContain('(párrafo comparado entero)')

    const word = await fetch(`${server.url}${docPath(`/diff/export?from=${first.id}&to=${second.id}&format=docx`)}`, { headers: { Authorization: `Bearer ${ppt.token}` } })
    expect(word.status).toBe(200)
    const files = unzipSync(new Uint8Array(await word.arrayBuffer()))
    const headers = Object.entries(files).filter(([name]) => /^word\/header\d*\.xml$/.test(name)).map(([, bytes]) => strFromU8(bytes))
    expect(headers.join('')).toContain('comparación aproximada')
  })
})

describe('Publishing a version', () => {
  test('The PPT and the Secretariat may publish; a delegate and the reviewer may not, and a name is required.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const se = await signIn(server, 'se')
    const byPpt = await publish(ppt, 'Borrador diciembre 2021')
    const bySe = await publish(se, '  Borrador de la Secretaría  ')
    expect(bySe.name).toBe('Borrador de la Secretaría')
    expect((await fetchVersion(se, byPpt.id)).author.username).toBe('ppt')
    expect((await fetchVersion(ppt, bySe.id)).author.username).toBe('se')

    for (const username of ['gt', 'revisor']) {
      const res = await (await signIn(server, username)).post(docPath('/versions'), { name: `Versión de ${username}` })
      expect(res.status, username).toBe(403)
      expect(typeof res.body.error).toBe('string')
    }
    for (const body of [{ name: '' }, { name: '   ' }, {}]) {
      const res = await ppt.post(docPath('/versions'), body)
      expect(res.status, JSON.stringify(body)).toBe(400)
    }
    const { versions } = await demoVersions(ppt)
    expect(versions.map((v) => v.name)).toEqual([OCTOBER, NOVEMBER, 'Borrador diciembre 2021', 'Borrador de la Secretaría'])
  })

  test('A version keeps the comments as they stood when it was published.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const before = await liveComments(ppt)
    const version = await publish(ppt, 'Borrador diciembre 2021')
    const later = await ppt.post(docPath('/comments'), { body: 'Nota de la PPT tras publicar.', anchor: quoteSelector(HURRICANES) })
    expect(later.status).toBe(201)

    const kept = (await fetchVersion(ppt, version.id)).comments as Array<{ id: string }>
    expect(kept.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort())
    expect(kept.map((c) => c.id)).not.toContain(later.body.comment.id)
    expect((await liveComments(ppt)).map((c) => c.id)).toContain(later.body.comment.id)
    // October was published before any comment.
    const { october } = await demoVersions(ppt)
    expect((await fetchVersion(ppt, october.id)).comments).toEqual([])
  })

  test('A published version never changes when the draft does.', async () => {
    const { server } = await startTestServer()
    const { ppt, client } = await pptWithClient(server)
    const version = await publish(ppt, 'Borrador diciembre 2021')
    const before = await fetchVersion(ppt, version.id)

    const { text, index } = findQuote(client.doc, HURRICANES)
    text.delete(index, HURRICANES.length)
    text.insert(index, 'huracanes de 2020')
    await vi.waitFor(async () => expect((await fetchDiff(ppt, version.id, 'draft')).stats.blocksChanged).toBe(1), WAIT)

    const after = await fetchVersion(ppt, version.id)
    expect(after.contentHash).toBe(before.contentHash)
    expect(after.content).toEqual(before.content)
    expect(after.text).toBe(before.text)
    expect(after.text).toContain(HURRICANES)
    expect(liveText(client)).not.toContain(HURRICANES)
  })
})

describe('Starting a draft from a version', () => {
  test('Restoring October makes the live text October’s, leaves the versions intact and keeps anchors in unchanged paragraphs.', async () => {
    const { server } = await startTestServer()
    const { ppt, client } = await pptWithClient(server)
    const { october, november } = await demoVersions(ppt)
    const oct = await fetchVersion(ppt, october.id)
    const nov = await fetchVersion(ppt, november.id)
    const note = await ppt.post(docPath('/comments'), { body: 'Nota en un párrafo que no cambia.', anchor: quoteSelector(HURRICANES) })
    expect(note.status).toBe(201)
    const noteId = note.body.comment.id as string
    const noteBlock = note.body.comment.anchor.blockId as string

    const res = await ppt.post(docPath(`/versions/${october.id}/restore`))
    expect(res.status, JSON.stringify(res.body)).toBe(200)

    // The stock client receives the restore as an ordinary edit.
    await vi.waitFor(() => expect(liveText(client)).toBe(oct.text), WAIT)
    expect((await fetchDiff(ppt, october.id, 'draft')).blocks.filter((b) => b.op !== 'equal')).toEqual([])
    expect((await fetchDiff(ppt, october.id, 'draft')).stats).toMatchObject({ wordsAdded: 0, wordsRemoved: 0 })

    // The versions are as they were.
    const { versions } = await demoVersions(ppt)
    expect(versions.map((v) => v.name)).toEqual([OCTOBER, NOVEMBER])
    expect(await fetchVersion(ppt, october.id)).toEqual(oct)
    expect(await fetchVersion(ppt, november.id)).toEqual(nov)

    // The comment in the untouched paragraph still points at its words.
    const kept = (await liveComments(ppt)).find((c) => c.id === noteId)
    expect(kept?.anchor).toMatchObject({ detached: false, text: HURRICANES, blockId: noteBlock })
    // Guatemala's accepted wording is gone again, so its comment lost its passage.
    const detached = (await liveComments(ppt)).filter((c) => c.anchor.detached)
    expect(detached.length).toBeGreaterThan(0)
    expect(detached.map((c) => c.id)).not.toContain(noteId)

    // The restored text published again is October's content.
    expect((await publish(ppt, 'Borrador octubre 2021 (restaurado)')).contentHash).toBe(october.contentHash)
  })

  test('A delegate and the reviewer may not restore a version, and an unknown version is answered with 404.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const { october, november } = await demoVersions(ppt)
    for (const username of ['gt', 'revisor']) {
      const res = await (await signIn(server, username)).post(docPath(`/versions/${october.id}/restore`))
      expect(res.status, username).toBe(403)
    }
    expect((await fetchDiff(ppt, november.id, 'draft')).blocks.filter((b) => b.op !== 'equal')).toEqual([])
    const missing = await ppt.post(docPath('/versions/no-such-version/restore'))
    expect(missing.status).toBe(404)
  })
})
