/**
 * The store rows of the benchmark (issue 12) stand on two things that must
 * keep working whatever the store becomes: workspaces seeded through the
 * server's services, and sizes read from the data folder.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { silentLogger, startServer } from '../../server'
import { folderBytes } from '../../bench/folderBytes'
import { importMarkdown, postComment } from '../../bench/httpApi'
import { login } from '../../bench/processes'
import { annexQuote, spanishMarkdown } from '../../bench/spanishMarkdown'
import { DELEGATES, SeededWorkspaces } from '../../bench/workspaceSeed'

const MB = 1024 * 1024

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'consenso-bench-test-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

describe('folderBytes', () => {
  test('sums every file under the folder, and leaves the backup copies out of the data', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'documents'))
    await writeFile(join(dir, 'store.json'), Buffer.alloc(1000))
    await writeFile(join(dir, 'store.json.bak'), Buffer.alloc(700))
    await writeFile(join(dir, 'documents', 'a.log'), Buffer.alloc(300))
    expect(await folderBytes(dir)).toEqual({ total: 2000, data: 1300 })
  })
})

describe('spanishMarkdown', () => {
  test('makes the same draft of at least the size asked for from the same seed, and another from another seed', async () => {
    const a = await spanishMarkdown('Prueba', 100_000, 7)
    expect(Buffer.byteLength(a)).toBeGreaterThanOrEqual(100_000)
    expect(a.startsWith('# Prueba\n')).toBe(true)
    expect(a).toContain(annexQuote(3))
    expect(await spanishMarkdown('Prueba', 100_000, 7)).toBe(a)
    expect(await spanishMarkdown('Prueba', 100_000, 8)).not.toBe(a)
  })
})

describe('SeededWorkspaces', () => {
  test('seeds a workspace of the size asked for, whose copy a restarted server serves: delegates comment on the sweep document, the PPT imports', async () => {
    const seeds = new SeededWorkspaces(() => {})
    onTestFinished(() => seeds.close())
    const seeded = await seeds.workspace(3)
    expect(seeded.dataBytes).toBeGreaterThanOrEqual(3 * MB)
    expect(seeded.auditEntries).toBe(3000)
    expect(seeded.documents).toBeGreaterThanOrEqual(1)
    expect(await folderBytes(seeded.dir)).toEqual({ total: seeded.totalBytes, data: seeded.dataBytes })

    const copy = await seeds.copy(3)
    onTestFinished(() => rm(copy.dir, { recursive: true, force: true }))
    expect(copy.dir).not.toBe(seeded.dir)
    const running = await startServer({ port: 0, host: '127.0.0.1', dataDir: copy.dir }, { logger: silentLogger })
    onTestFinished(() => running.close())
    const url = `http://127.0.0.1:${running.port}`
    for (const delegate of DELEGATES.slice(0, 2)) {
      const ms = await postComment(url, await login(url, delegate), copy.sweepDocument, `Comentario de ${delegate}.`, copy.sweepQuote)
      expect(ms).toBeGreaterThan(0)
    }
    const imported = await importMarkdown(url, await login(url, 'ppt'), 'Importación', await spanishMarkdown('Importación', 50_000, 1))
    expect(imported.id).toBe('importacion')
  }, 120_000)
})
