/**
 * One server per data folder, and what a crash leaves in the folder: a stale
 * lock, a write cut short, a damaged data file. Servers run as their own
 * processes where a crash (SIGKILL) is part of the story.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { copyFile, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { dataFileIn, DataFolderInUseError, DataFolderLock, lockFileIn, type LockHolder } from '../../storage'
import { silentLogger, startServer } from '../../server'
import { DEMO_PASSWORD, freePort, login, seededDataDir, startTestServer, WAIT } from '../support'
import { legacyDataDir } from '../storage/storeContents'
import { spawnServer, startServerAt } from './serverProcess'

async function emptyFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'consenso-lock-'))
  return dir
}

async function readHolder(dataDir: string): Promise<LockHolder> {
  return JSON.parse(await readFile(lockFileIn(dataDir), 'utf8')) as LockHolder
}

// What a lock taken by this process says: the identity a lock of this machine carries.
async function holderHere(): Promise<LockHolder> {
  const dir = await emptyFolder()
  const lock = await DataFolderLock.acquire(dir)
  await lock.release()
  await rm(dir, { recursive: true, force: true })
  return lock.holder
}

// The pid of a process that has ended (and that nothing has reused yet, most likely).
async function pidOfEndedProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await once(child, 'exit')
  return child.pid as number
}

const healthy = async (url: string) => (await fetch(`${url}/healthz`)).status

describe('The lock of the data folder', () => {
  test('A second server process on the same data folder refuses to start, names the one that runs, and leaves it serving.', async () => {
    const dataDir = await seededDataDir()
    const first = await startServerAt(dataDir, await freePort())
    const url = await first.listening

    const second = spawnServer(dataDir, await freePort())
    expect(await second.exited).toBe(1)
    expect(second.output()).toContain('The data folder is in use by another Consenso process')
    expect(second.output()).toContain(`pid ${first.pid}`)
    expect(second.output()).not.toContain('Consenso listening')
    expect(await healthy(url)).toBe(200)
    expect((await readHolder(dataDir)).pid).toBe(first.pid)
  })

  test('After a SIGKILL the lock stays behind; the next server takes it over, says so, and gives it up when stopped cleanly.', async () => {
    const dataDir = await seededDataDir()
    const port = await freePort()
    const killed = await startServerAt(dataDir, port)
    killed.kill('SIGKILL')
    expect(await killed.exited).toBe('SIGKILL')
    expect((await readHolder(dataDir)).pid).toBe(killed.pid)

    const next = await startServerAt(dataDir, port)
    expect(next.output()).toContain(`took over the data folder from process ${killed.pid}, which is no longer running`)
    expect((await readHolder(dataDir)).pid).toBe(next.pid)
    expect(await healthy(await next.listening)).toBe(200)

    next.kill('SIGTERM')
    expect(await next.exited).toBe(0)
    expect(await readdir(dataDir)).not.toContain('consenso.lock')
  })

  test('In one process, a second server on a folder in use is refused, and closing the first frees the folder.', async () => {
    const { server, dataDir } = await startTestServer()
    const refused = await startServer({ port: 0, host: '127.0.0.1', dataDir, demoPassword: DEMO_PASSWORD }, { logger: silentLogger }).then(
      () => undefined,
      (err: unknown) => err
    )
    expect(refused).toBeInstanceOf(DataFolderInUseError)
    await server.close()
    expect(await readdir(dataDir)).not.toContain('consenso.lock')
    const again = await startTestServer({ dataDir })
    await login(again.server.url, 'ppt')
  })

  test('A server that cannot open its data folder gives the lock up as it stops.', async () => {
    const dataDir = await emptyFolder()
    await writeFile(dataFileIn(dataDir), 'no es JSON')
    const refused = await startServer({ port: 0, host: '127.0.0.1', dataDir, demoPassword: DEMO_PASSWORD }, { logger: silentLogger }).catch((err: unknown) => err)
    expect((refused as Error).name).toBe('StoreFileCorruptError')
    expect(await readdir(dataDir)).toEqual(['consenso.json'])
    await rm(dataDir, { recursive: true, force: true })
  })
})

describe('DataFolderLock', () => {
  test('A lock taken is refused to a second taker until released; release removes only its own file.', async () => {
    const dir = await emptyFolder()
    const lock = await DataFolderLock.acquire(dir)
    expect(lock.tookOverFrom).toBeUndefined()
    await expect(DataFolderLock.acquire(dir)).rejects.toBeInstanceOf(DataFolderInUseError)
    expect((await DataFolderLock.holderOf(dir))?.token).toBe(lock.holder.token)
    await lock.release()
    expect(await DataFolderLock.holderOf(dir)).toBeUndefined()
    const next = await DataFolderLock.acquire(dir)
    // Releasing the old lock again must not remove the new one.
    await lock.release()
    expect((await DataFolderLock.holderOf(dir))?.token).toBe(next.holder.token)
    await next.release()
    await rm(dir, { recursive: true, force: true })
  })

  test('The lock of a process that has ended is taken over.', async () => {
    const dir = await emptyFolder()
    const dead: LockHolder = { ...(await holderHere()), pid: await pidOfEndedProcess(), token: 'dead' }
    await writeFile(lockFileIn(dir), JSON.stringify(dead))
    const lock = await DataFolderLock.acquire(dir)
    expect(lock.tookOverFrom?.pid).toBe(dead.pid)
    expect((await readHolder(dir)).pid).toBe(process.pid)
    await lock.release()
    await rm(dir, { recursive: true, force: true })
  })

  test.runIf(process.platform === 'linux')(
    'A lock whose pid now belongs to another process (a pid reused after a restart, in a container say) is taken over.',
    async () => {
      const dir = await emptyFolder()
      const mine = await holderHere()
      // This very process, with another start time: the pid was reused.
      const reused: LockHolder = { ...mine, process: { space: mine.process?.space as string, start: `${mine.process?.start as string}0` }, token: 'before-the-restart' }
      await writeFile(lockFileIn(dir), JSON.stringify(reused))
      const lock = await DataFolderLock.acquire(dir)
      expect(lock.tookOverFrom?.token).toBe('before-the-restart')
      await lock.release()
      await rm(dir, { recursive: true, force: true })
    }
  )

  test('The lock of a process that cannot be looked up (another container or machine) holds while it is touched, and is taken over once it is not.', async () => {
    const dir = await emptyFolder()
    const elsewhere: LockHolder = {
      pid: 1,
      host: 'otro-contenedor',
      since: '2026-11-25T20:00:00.000Z',
      token: 'elsewhere',
      heartbeatMs: 10_000,
      process: { space: 'another-boot/pid:[4026531836]', start: '1' }
    }
    await writeFile(lockFileIn(dir), JSON.stringify(elsewhere))
    const refused = await DataFolderLock.acquire(dir).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(DataFolderInUseError)
    expect((refused as Error).message).toContain('pid 1 on otro-contenedor')

    // Untouched for 31 s: more than three heartbeats missed.
    const then = new Date(Date.now() - 31_000)
    await utimes(lockFileIn(dir), then, then)
    const lock = await DataFolderLock.acquire(dir)
    expect(lock.tookOverFrom?.token).toBe('elsewhere')
    await lock.release()
    await rm(dir, { recursive: true, force: true })
  })

  test('A held lock is touched at every heartbeat, and no longer once released.', async () => {
    const dir = await emptyFolder()
    const lock = await DataFolderLock.acquire(dir, { heartbeatMs: 20 })
    const long = new Date(Date.now() - 60_000)
    await utimes(lockFileIn(dir), long, long)
    await vi.waitFor(async () => expect(Date.now() - (await stat(lockFileIn(dir))).mtimeMs).toBeLessThan(10_000), WAIT)
    expect((await readHolder(dir)).heartbeatMs).toBe(20)
    await lock.release()
    expect(await readdir(dir)).toEqual([])
    await rm(dir, { recursive: true, force: true })
  })

  test('A lock file that cannot be read is not taken over: the message says to remove it if no server runs.', async () => {
    const dir = await emptyFolder()
    await writeFile(lockFileIn(dir), '')
    const error = await DataFolderLock.acquire(dir).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(DataFolderInUseError)
    expect((error as Error).message).toContain('cannot be read')
    expect((error as Error).message).toContain('remove that file')
    expect(await readFile(lockFileIn(dir), 'utf8')).toBe('')
    await rm(dir, { recursive: true, force: true })
  })

  test('Of many takers at once, of a free folder or of a stale lock, exactly one gets the lock.', async () => {
    for (const stale of [false, true]) {
      const dir = await emptyFolder()
      if (stale) await writeFile(lockFileIn(dir), JSON.stringify({ ...(await holderHere()), pid: await pidOfEndedProcess(), token: 'stale' }))
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => DataFolderLock.acquire(dir)))
      const winners = results.filter((r): r is PromiseFulfilledResult<DataFolderLock> => r.status === 'fulfilled')
      expect(winners, stale ? 'stale lock' : 'free folder').toHaveLength(1)
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DataFolderInUseError)
      expect((await readHolder(dir)).token).toBe(winners[0]?.value.holder.token)
      await winners[0]?.value.release()
      expect((await readdir(dir)).filter((name) => name !== '.keep')).toEqual([])
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('What a crash leaves in the data folder', () => {
  test('A temporary file left by a write cut short is ignored at the next start and replaced by the next write.', async () => {
    // A data file of the single-file layout (the one with a temporary file to leave).
    const dataDir = await legacyDataDir()
    const data = dataFileIn(dataDir)
    const good = await readFile(data)
    // What a SIGKILL in the middle of writing the temporary file leaves: its first half.
    await writeFile(`${data}.tmp`, good.subarray(0, good.length >> 1))

    const server = await startServerAt(dataDir, await freePort())
    const url = await server.listening
    // The demo accounts are there: the data file was read, not the temporary one.
    await login(url, 'ppt')
    server.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    // The leftover is gone: replaced by the write of the login's session, or removed by the upgrade to the folder store.
    expect(await readdir(dataDir)).not.toContain('consenso.json.tmp')
  })

  for (const { name, damage } of [
    { name: 'cut short in the middle of a write', damage: (good: Buffer) => good.subarray(0, Math.floor(good.length * 0.6)) },
    { name: 'full of garbage', damage: () => Buffer.from('\u0000\u00ff garbage, not JSON at all') }
  ])
    test(`A data file ${name} makes the server process refuse to start, naming the .bak copy, and leaves both files untouched.`, async () => {
      // A data file of the single-file layout: damaged, it is neither read nor upgraded.
      const dataDir = await legacyDataDir()
      const data = dataFileIn(dataDir)
      await copyFile(data, `${data}.bak`)
      const damaged = damage(await readFile(data))
      await writeFile(data, damaged)
      const before = { data: await stat(data), bak: await stat(`${data}.bak`), bakBytes: await readFile(`${data}.bak`) }

      const server = spawnServer(dataDir, await freePort())
      expect(await server.exited).toBe(1)
      expect(server.output()).toContain(`The data file ${data} is damaged`)
      expect(server.output()).toContain(`${data}.bak`)
      expect(await readFile(data)).toEqual(damaged)
      expect(await readFile(`${data}.bak`)).toEqual(before.bakBytes)
      expect((await stat(data)).mtimeMs).toBe(before.data.mtimeMs)
      expect((await stat(`${data}.bak`)).mtimeMs).toBe(before.bak.mtimeMs)
      expect((await readdir(dataDir)).sort()).toEqual(['consenso.json', 'consenso.json.bak'])

      // Doing what the message says brings the workspace back.
      await copyFile(`${data}.bak`, data)
      const repaired = await startServerAt(dataDir, await freePort())
      await login(await repaired.listening, 'ppt')
    })
})
