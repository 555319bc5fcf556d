/**
 * `npm run backup` while the server runs, and `npm run restore` while it does
 * not: the commands as an operator types them, against a real data folder.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import { backupStore, checkStoreFile, InvalidStoreFileError, restoreStore } from '../../storage'
import { contentsAt, damageStore, storeIn } from '../storage/storeContents'
import {
  connectSynced,
  contentOf,
  DOC,
  docPath,
  login,
  paragraphTexts,
  quoteSelector,
  ROOT,
  seededDataDir,
  signIn,
  startTestServer,
  storedContent,
  WAIT,
  type TestClient
} from '../support'

/** Runs a command of `npm run` (`backup` or `restore`) with `args`; resolves with its exit code and output. */
async function npmRun(script: 'backup' | 'restore', args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)))
  return { code, output }
}

async function scratchFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'consenso-backups-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Inserts `word ` at the start of the client's first paragraph. */
function insertWord(client: TestClient, word: string): void {
  const first = paragraphTexts(client.doc)[0]
  if (!first) throw new Error('the document has no paragraph')
  first.insert(0, `${word} `)
}

describe('Backup and restore', () => {
  test('A backup taken while an editor types holds everything stored before it began, and restores into a server that has exactly that.', async () => {
    const { server, dataDir } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const editor = await connectSynced(server, DOC, ppt.token)
    const note = await ppt.post(docPath('/comments'), { body: 'Nota guardada antes de la copia.', anchor: quoteSelector('Proceso Puebla') })
    expect(note.status).toBe(201)
    const before = Array.from({ length: 20 }, (_, i) => `ANTES${i}X`)
    for (const word of before) insertWord(editor, word)
    await vi.waitFor(async () => expect(await storedContent(dataDir)).toContain(before.at(-1)), WAIT)

    // The editor keeps typing, and the server keeps writing, while the backup runs.
    const during: string[] = []
    let typing = true
    const typist = (async () => {
      while (typing) {
        const word = `DURANTE${during.length}X`
        insertWord(editor, word)
        during.push(word)
        // Paces the typist: a burst every few ms, like a person typing fast.
        await sleep(5)
      }
    })()
    const backups = await scratchFolder()
    const made = await npmRun('backup', ['--data-dir', dataDir, '--out', `${backups}/`])
    typing = false
    await typist
    expect(during.length).toBeGreaterThan(0)
    const typedAfter = 'DESPUESX'
    insertWord(editor, typedAfter)
    expect(made.code, made.output).toBe(0)
    const file = /backup written: (\S+)/.exec(made.output)?.[1] as string
    expect(file).toMatch(new RegExp(`^${backups}/consenso-backup-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ\\.json$`))
    const bytes = await readFile(file)
    expect(made.output).toContain(`sha256: ${sha256(bytes)}`)
    expect(made.output).toContain(`size: `)
    expect(made.output).toContain(`(${bytes.length} bytes)`)
    expect(checkStoreFile(file, bytes)).toBeGreaterThan(0)
    // The server went on storing what was typed meanwhile, and after.
    await vi.waitFor(async () => {
      const stored = await storedContent(dataDir)
      for (const word of [...during, typedAfter]) expect(stored).toContain(`${word} `)
    }, WAIT)
    await server.close()

    const replaced = await contentsAt(await storeIn(dataDir))
    const restored = await npmRun('restore', [file, '--data-dir', dataDir])
    expect(restored.code, restored.output).toBe(0)
    const kept = /kept as (\S+)/.exec(restored.output)?.[1] as string
    expect(kept).toMatch(/(consenso\.json|store)\.before-restore-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/)
    expect(await contentsAt(kept)).toEqual(replaced)
    expect(await contentsAt(await storeIn(dataDir))).toEqual(await contentsAt(file))

    const back = await startTestServer({ dataDir })
    const stored = await storedContent(dataDir)
    for (const word of before) expect(stored).toContain(`${word} `)
    // Typed after the backup had finished: not in it.
    expect(stored).not.toContain(typedAfter)
    const reader = await connectSynced(back.server, DOC, await login(back.server.url, 'se'))
    expect(contentOf(reader.doc)).toBe(stored)
    const comments = (await (await signIn(back.server, 'ppt')).get(docPath('/comments'))).body.comments as Array<{ body: string }>
    expect(comments.filter((c) => c.body === 'Nota guardada antes de la copia.')).toHaveLength(1)
  })

  test('Restore refuses while a server runs on the data folder, says to stop it first and why, and changes nothing.', async () => {
    const { server, dataDir } = await startTestServer()
    const backups = await scratchFolder()
    const copy = await backupStore(dataDir, { folder: backups })
    const current = await contentsAt(await storeIn(dataDir))

    const refused = await npmRun('restore', [copy.path, '--data-dir', dataDir])
    expect(refused.code).toBe(1)
    expect(refused.output).toContain('Restore refused, nothing changed')
    expect(refused.output).toContain('Stop the server first')
    expect(refused.output).toContain('holds the workspace in memory')
    expect(await contentsAt(await storeIn(dataDir))).toEqual(current)
    expect((await readdir(dataDir)).filter((name) => name.includes('before-restore'))).toEqual([])
    // The server still serves.
    await login(server.url, 'ppt')
  })

  test('Restore refuses a damaged or foreign backup, says so, and changes nothing.', async () => {
    const dataDir = await seededDataDir()
    const backups = await scratchFolder()
    const good = await readFile((await backupStore(dataDir, { folder: backups })).path)
    const current = await contentsAt(await storeIn(dataDir))
    const layout = await readdir(dataDir)
    const cases = [
      { name: 'cut short', bytes: good.subarray(0, Math.floor(good.length / 2)), reason: /not JSON/ },
      { name: 'garbage', bytes: Buffer.from('\u0000\u0001 basura'), reason: /not JSON/ },
      { name: 'other JSON', bytes: Buffer.from('{"users":[]}'), reason: /another kind/ },
      { name: 'a later version', bytes: Buffer.from('{"format":"consenso-store","version":2,"chunks":{}}'), reason: /version 2/ },
      { name: 'a damaged chunk', bytes: Buffer.from('{"format":"consenso-store","version":1,"chunks":{"[\\"a\\"]":"no es base64!"}}'), reason: /not base64/ },
      { name: 'a damaged key', bytes: Buffer.from('{"format":"consenso-store","version":1,"chunks":{"a":"AA=="}}'), reason: /malformed key/ }
    ]
    for (const { name, bytes, reason } of cases) {
      const file = join(backups, `${name}.json`)
      await writeFile(file, bytes)
      const error = await restoreStore(file, dataDir).catch((err: unknown) => err)
      expect(error, name).toBeInstanceOf(InvalidStoreFileError)
      expect((error as Error).message, name).toMatch(reason)
    }
    const refused = await npmRun('restore', [join(backups, 'cut short.json'), '--data-dir', dataDir])
    expect(refused.code).toBe(1)
    expect(refused.output).toContain('Restore refused, nothing changed')
    expect(refused.output).toContain('is not a whole Consenso store')
    expect(await contentsAt(await storeIn(dataDir))).toEqual(current)
    expect((await readdir(dataDir)).sort()).toEqual(layout.sort())
  })

  test('A backup is refused over a damaged data file, never overwrites a file, and two in the same second get two names.', async () => {
    const dataDir = await seededDataDir()
    const backups = await scratchFolder()
    const at = new Date('2026-11-25T20:15:00.123Z')
    const first = await backupStore(dataDir, { folder: backups }, at)
    const second = await backupStore(dataDir, { folder: backups }, at)
    expect(first.path).toBe(join(backups, 'consenso-backup-2026-11-25T20-15-00Z.json'))
    expect(second.path).toBe(join(backups, 'consenso-backup-2026-11-25T20-15-00Z-2.json'))
    expect(second.sha256).toBe(first.sha256)

    const named = await npmRun('backup', ['--data-dir', dataDir, '--out', first.path])
    expect(named.code).toBe(1)
    expect(named.output).toContain('never overwrites')

    await damageStore(dataDir)
    const damaged = await npmRun('backup', ['--data-dir', dataDir, '--out', join(backups, 'x.json')])
    expect(damaged.code).toBe(1)
    expect(damaged.output).toContain('No backup written')
    expect(damaged.output).toContain('is not a whole Consenso store')
    expect((await readdir(backups)).sort()).toEqual([
      'consenso-backup-2026-11-25T20-15-00Z-2.json',
      'consenso-backup-2026-11-25T20-15-00Z.json'
    ])
  })
})
