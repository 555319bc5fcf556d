/**
 * The editor row: headless Chromium (Debian's package, through
 * playwright-core) signed in as the PPT against a Consenso server process,
 * opening a document and typing 165 keys at 25 a second at the end of a
 * paragraph while stock y-websocket clients write elsewhere in the text.
 * Measures the time from each `keydown` to the frame after it (the next
 * animation frame, and the task right after it, so that style, layout and
 * paint of that frame are counted), the long tasks while typing, and the
 * time to open the document (text visible; a typed key shown). Every case
 * runs twice in the same run: in the Consenso app, and in a baseline page
 * that mounts the same document in a bare ProseMirror + y-prosemirror view.
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core'
import { countWords, parseMarkdown, plainText } from '../../src'
import { DEMO_DOCUMENT_ID } from '../../server/demo/seedDemo'
import { BENCH_PASSWORD } from '../protocol'
import { makeDataDir, removeDataDir, ROOT, startConsenso, type ConsensoServer } from '../processes'
import { longStrategyMarkdown } from './longText'
import { startRemoteWriters } from './remoteWriters'
import { median } from '../stats'

const run = promisify(execFile)
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Keys typed per case, and how many a second. */
export const KEYS = 165
export const KEYS_PER_SECOND = 25
/** Each remote writer inserts a character this often. */
export const WRITER_INTERVAL_MS = 200

export type EditorPageKind = 'consenso' | 'baseline'

/** One case: a page, a document, a number of remote writers. */
export interface EditorCase {
  readonly page: EditorPageKind
  readonly document: 'demo' | 'long'
  readonly words: number
  readonly writers: number
  /** Rounds run: the keys of all are pooled. */
  readonly rounds: number
  /** From the route change (or the baseline's open call) to the text's first paragraph shown, ms. */
  readonly visibleMs: number
  /** From the same moment to a key typed at the end of a paragraph shown in it, ms. */
  readonly editableMs: number
  readonly keys: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  /** Long tasks (> 50 ms) while typing: how many, and the longest. */
  readonly longTasks: number
  readonly longestTaskMs: number
  /**
   * Main-thread time per key typed (Chromium's Performance metrics, all tasks
   * while typing, remote changes included): all of it, script, and style and
   * layout. Less moved by a busy machine than the latencies.
   */
  readonly taskMsPerKey: number
  readonly scriptMsPerKey: number
  readonly layoutMsPerKey: number
  /** Characters the remote writers inserted while the case ran. */
  readonly remoteInserts: number
}

export interface EditorRowResult {
  readonly cases: EditorCase[]
}

// The keys typed: a sentence of the Strategy's kind, cut to KEYS characters.
const SENTENCE =
  ' La Conferencia reafirma su compromiso con una migración ordenada, segura y regular, con pleno respeto de los derechos humanos de las personas migrantes y de sus familias en toda la región.'
const TYPED = SENTENCE.repeat(2).slice(0, KEYS)

/** What the page records: installed before any script of the page runs. */
function installProbe(): void {
  const probe = { typing: false, latencies: [] as number[], longTasks: [] as number[] }
  ;(window as unknown as { editorProbe: typeof probe }).editorProbe = probe
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (probe.typing) probe.longTasks.push(entry.duration)
  }).observe({ type: 'longtask' })
  // The message posted from the frame's callback runs once that frame is rendered.
  const channel = new MessageChannel()
  let waiting: number[] = []
  channel.port1.onmessage = () => {
    const end = performance.now()
    for (const start of waiting) probe.latencies.push(end - start)
    waiting = []
  }
  addEventListener(
    'keydown',
    (event) => {
      if (!probe.typing) return
      const start = event.timeStamp
      requestAnimationFrame(() => {
        waiting.push(start)
        channel.port2.postMessage(0)
      })
    },
    true
  )
}

interface ProbeReadout {
  latencies: number[]
  longTasks: number[]
}

const setTyping = (page: Page, typing: boolean) =>
  page.evaluate((typing) => {
    ;(window as unknown as { editorProbe: { typing: boolean } }).editorProbe.typing = typing
  }, typing)

const readProbe = (page: Page) =>
  page.evaluate(() => {
    const { latencies, longTasks } = (window as unknown as { editorProbe: ProbeReadout }).editorProbe
    return { latencies, longTasks }
  })

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

// The paragraph typed into: the third of the text, near the top of the page.
const PARAGRAPH = 2
const paragraphText = (page: Page) => page.locator('.document-text > p').nth(PARAGRAPH).innerText()

/** A CPU profile of the page (Chromium's profiler, through CDP) while it is typed into. */
async function startProfiler(page: Page): Promise<{ stop(file: string): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  return {
    async stop(file) {
      const { profile } = await cdp.send('Profiler.stop')
      await writeFile(file, JSON.stringify(profile))
      await cdp.detach()
    }
  }
}

/** The functions that took most of a profile's time themselves: name, place, ms. */
export async function topSelfTime(file: string, count = 25): Promise<Array<{ name: string; where: string; ms: number }>> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }>
    samples: number[]
    timeDeltas: number[]
  }
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, { name: string; where: string; ms: number }>()
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)?.callFrame
    if (!frame) return
    const where = `${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`
    const key = `${frame.functionName}@${where}`
    const entry = self.get(key) ?? { name: frame.functionName || '(anonymous)', where, ms: 0 }
    entry.ms += (profile.timeDeltas[i + 1] ?? 0) / 1000
    self.set(key, entry)
  })
  return [...self.values()].sort((a, b) => b.ms - a.ms).slice(0, count)
}

/** Opens the document (timed from `open`), types, and reads the probe. */
async function measure(page: Page, open: () => Promise<void>, profile: string | undefined): Promise<Measured> {
  const startedAt = performance.now()
  await open()
  // The view shows an empty paragraph until the document arrives: wait for text.
  await page.waitForFunction((n) => (document.querySelectorAll('.document-text > p')[n]?.textContent ?? '') !== '', PARAGRAPH, {
    timeout: 60_000,
    polling: 'raf'
  })
  const visibleMs = performance.now() - startedAt
  const paragraph = page.locator('.document-text > p').nth(PARAGRAPH)
  const box = await paragraph.boundingBox()
  if (!box) throw new Error('the paragraph typed into is not shown')
  // Its last line: End then goes to the end of the paragraph, not of a wrapped line.
  await paragraph.click({ position: { x: 5, y: box.height - 5 } })
  await page.keyboard.press('End')
  await page.keyboard.type('¶')
  await page.waitForFunction((n) => document.querySelectorAll('.document-text > p')[n]?.textContent?.includes('¶') === true, PARAGRAPH, {
    timeout: 60_000,
    polling: 'raf'
  })
  const editableMs = performance.now() - startedAt

  // What arrives after the text (comments, the sidebar, the word count) is not typing's cost: let it settle.
  await sleep(1500)
  const profiler = profile ? await startProfiler(page) : undefined
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const metricsBefore = await mainThreadMetrics(cdp)
  await setTyping(page, true)
  const typingStarted = performance.now()
  for (let i = 0; i < TYPED.length; i++) {
    const due = typingStarted + (i * 1000) / KEYS_PER_SECOND
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    await page.keyboard.type(TYPED[i] as string)
  }
  await sleep(500)
  await setTyping(page, false)
  if (profiler && profile) await profiler.stop(profile)
  const metricsAfter = await mainThreadMetrics(cdp)
  await cdp.detach()
  const work = {
    taskMs: metricsAfter.taskMs - metricsBefore.taskMs,
    scriptMs: metricsAfter.scriptMs - metricsBefore.scriptMs,
    layoutMs: metricsAfter.layoutMs - metricsBefore.layoutMs
  }
  const { latencies, longTasks } = await readProbe(page)
  const typed = await paragraphText(page)
  // Others write at random places, this paragraph too: the typed keys are there, perhaps with others' letters among them.
  if (!typed.includes(TYPED.slice(-20).trim().slice(0, 8)) || latencies.length < KEYS * 0.95)
    throw new Error(`the typed keys did not all arrive: ${latencies.length} measured; paragraph ends ${JSON.stringify(typed.slice(-60))}`)
  return { visibleMs, editableMs, latencies, longTasks, work }
}

/** What one round of a case measured. */
interface Measured {
  readonly visibleMs: number
  readonly editableMs: number
  readonly latencies: number[]
  readonly longTasks: number[]
  /** Main-thread time while typing, ms. */
  readonly work: { taskMs: number; scriptMs: number; layoutMs: number }
}

// Chromium's cumulative main-thread times (seconds in the protocol), in ms.
async function mainThreadMetrics(cdp: CDPSession): Promise<{ taskMs: number; scriptMs: number; layoutMs: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const value = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000
  return { taskMs: value('TaskDuration'), scriptMs: value('ScriptDuration'), layoutMs: value('LayoutDuration') + value('RecalcStyleDuration') }
}

// The rounds of a case together: keys pooled, long tasks counted over all, open times the median.
function summarise(rounds: readonly Measured[]): Pick<EditorCase, 'visibleMs' | 'editableMs' | 'keys' | 'p50Ms' | 'p99Ms' | 'maxMs' | 'longTasks' | 'longestTaskMs' | 'rounds' | 'taskMsPerKey' | 'scriptMsPerKey' | 'layoutMsPerKey'> {
  const sorted = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b)
  const longTasks = rounds.flatMap((r) => r.longTasks)
  return {
    rounds: rounds.length,
    visibleMs: median(rounds.map((r) => r.visibleMs)),
    editableMs: median(rounds.map((r) => r.editableMs)),
    keys: sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? NaN,
    longTasks: longTasks.length,
    longestTaskMs: Math.max(0, ...longTasks),
    taskMsPerKey: sum(rounds.map((r) => r.work.taskMs)) / sorted.length,
    scriptMsPerKey: sum(rounds.map((r) => r.work.scriptMs)) / sorted.length,
    layoutMsPerKey: sum(rounds.map((r) => r.work.layoutMs)) / sorted.length
  }
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } })
  await context.addInitScript(installProbe)
  const page = await context.newPage()
  page.setDefaultTimeout(60_000)
  page.on('pageerror', (err) => console.error(`[page] ${err.message}`))
  return page
}

async function runCase(opts: {
  browser: Browser
  server: ConsensoServer
  kind: EditorPageKind
  documentId: string
  token: string
  /** Where to write a CPU profile of the typing, if anywhere. */
  profile: string | undefined
}): Promise<Measured> {
  const page = await newPage(opts.browser)
  try {
    if (opts.kind === 'consenso') {
      await page.goto(opts.server.httpUrl)
      await page.fill('input[name=username]', 'ppt')
      await page.fill('input[name=password]', BENCH_PASSWORD)
      await page.click('form.login button[type=submit]')
      await page.waitForSelector('ul.document-list')
      const result = await measure(
        page,
        () => page.evaluate((id) => void (location.hash = `#/doc/${id}`), opts.documentId),
        opts.profile
      )
      return result
    }
    await page.goto(`${opts.server.httpUrl}/bench/baseline.html`)
    await page.waitForFunction(() => typeof (window as unknown as { openBaseline?: unknown }).openBaseline === 'function')
    const result = await measure(
      page,
      () =>
        page.evaluate(
          ([id, token]) => (window as unknown as { openBaseline: (r: string, t: string) => void }).openBaseline(id as string, token as string),
          [opts.documentId, opts.token]
        ),
      opts.profile
    )
    return result
  } finally {
    await page.context().close()
  }
}

/** Runs every case: both documents, 0 and 10 writers, the app and the baseline (alternating which goes first). */
export async function editorRow(opts: {
  longWords: number
  /** Rounds of each case (a new page each), their keys pooled. */
  rounds: number
  writers: number
  log: (line: string) => void
  /** A folder for CPU profiles of each case's typing (the app then built unminified, for names); none unless given. */
  profileDir?: string
}): Promise<EditorRowResult> {
  if (opts.profileDir) {
    await mkdir(opts.profileDir, { recursive: true })
    // As editor/build.mjs builds it, with the functions' names kept.
    await build({
      entryPoints: { app: join(ROOT, 'editor/main.ts'), styles: join(ROOT, 'editor/styles.css') },
      bundle: true,
      format: 'esm',
      target: 'es2022',
      outdir: join(ROOT, 'dist/editor'),
      logLevel: 'warning'
    })
    await copyFile(join(ROOT, 'editor/index.html'), join(ROOT, 'dist/editor/index.html'))
  } else await run(process.execPath, [join(ROOT, 'editor/build.mjs')], { cwd: ROOT })
  // The baseline goes where the server serves the app from, so that it meets the server as the app does (same origin, same headers).
  await build({
    entryPoints: { baseline: join(ROOT, 'bench/editor/baselinePage.ts') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: join(ROOT, 'dist/editor/bench'),
    logLevel: 'warning'
  })
  await writeFile(
    join(ROOT, 'dist/editor/bench/baseline.html'),
    '<!doctype html><meta charset="utf-8"><title>baseline</title><link rel="stylesheet" href="/styles.css"><script type="module" src="/bench/baseline.js"></script>\n'
  )
  const dataDir = await makeDataDir()
  const server = await startConsenso(dataDir)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
  })
  try {
    const token = await server.login('ppt')
    const writerTokens = [await server.login('ppt'), await server.login('se')]
    const markdown = longStrategyMarkdown(opts.longWords)
    const longId = await importDocument(server, token, markdown)
    const demoWords = wordsOfMarkdown(await readFile(join(ROOT, 'server/demo/estrategia-octubre-2021.md'), 'utf8'))
    const longWords = wordsOfMarkdown(markdown)
    opts.log(`  imported a text of ${longWords.toLocaleString('en')} words (${markdown.length.toLocaleString('en')} characters of Markdown); the demo has ${demoWords.toLocaleString('en')}`)
    const cases: EditorCase[] = []
    let turn = 0
    for (const [document, documentId, words] of [['demo', DEMO_DOCUMENT_ID, demoWords], ['long', longId, longWords]] as const) {
      for (const writers of [0, opts.writers]) {
        const kinds: EditorPageKind[] = turn++ % 2 === 0 ? ['consenso', 'baseline'] : ['baseline', 'consenso']
        for (const kind of kinds) {
          const measured: Measured[] = []
          let remoteInserts = 0
          for (let round = 0; round < opts.rounds; round++) {
            const remote =
              writers > 0
                ? await startRemoteWriters({ collabUrl: server.collabUrl, room: documentId, tokens: writerTokens, count: writers, intervalMs: WRITER_INTERVAL_MS, seed: 15 + turn * 100 + round })
                : undefined
            try {
              const profile = opts.profileDir && round === 0 ? join(opts.profileDir, `editor-${document}-${writers}-${kind}.cpuprofile`) : undefined
              measured.push(await runCase({ browser, server, kind, documentId, token, profile }))
              if (profile) for (const f of await topSelfTime(profile)) opts.log(`      ${f.ms.toFixed(0).padStart(6)} ms  ${f.name} (${f.where})`)
            } finally {
              remoteInserts += remote?.inserted() ?? 0
              remote?.stop()
            }
          }
          const done: EditorCase = { page: kind, document, words, writers, remoteInserts, ...summarise(measured) }
          cases.push(done)
          opts.log(
            `  ${document} ${String(writers).padStart(2)} writers ${kind.padEnd(8)}: open ${fmt(done.visibleMs)} / ${fmt(done.editableMs)} ms, ` +
              `keys p50 ${fmt(done.p50Ms, 1)} p99 ${fmt(done.p99Ms, 1)} max ${fmt(done.maxMs, 1)} ms, ` +
              `${done.longTasks} long tasks (longest ${fmt(done.longestTaskMs)} ms), main thread ${fmt(done.taskMsPerKey, 2)} ms/key ` +
              `(script ${fmt(done.scriptMsPerKey, 2)}, style+layout ${fmt(done.layoutMsPerKey, 2)}), ${done.remoteInserts} remote inserts, ${done.rounds} rounds`
          )
        }
      }
    }
    return { cases }
  } finally {
    await browser.close()
    await server.stop()
    await removeDataDir(dataDir)
  }
}

const fmt = (value: number, digits = 0) => value.toFixed(digits)

/** Imports Markdown through the app's own route (`POST /api/documents`), as the PPT; answers the new document's id. */
async function importDocument(server: ConsensoServer, token: string, markdown: string): Promise<string> {
  const form = new FormData()
  form.set('title', 'Estrategia con anexos')
  form.set('file', new Blob([markdown], { type: 'text/markdown' }), 'estrategia-con-anexos.md')
  const res = await fetch(`${server.httpUrl}/api/documents`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form })
  if (res.status !== 201) throw new Error(`import answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { document: { id: string } }).document.id
}

/** Words of a Markdown text, counted as the editor counts them. */
const wordsOfMarkdown = (markdown: string) => countWords(plainText(parseMarkdown(markdown)))
