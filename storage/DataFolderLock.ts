import { randomUUID } from 'node:crypto'
import { open, readFile, readlink, stat, unlink, utimes } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { hostname } from 'node:os'
import { lockFileIn } from './DataFolder'
import { writeFileDurably } from './writeFileDurably'

/** The process that holds a data folder, as its lock file says. */
export interface LockHolder {
  readonly pid: number
  /** Name of the machine, for the messages a person reads. */
  readonly host: string
  /** ISO time at which the lock was taken. */
  readonly since: string
  /** Tells this lock from any other one taken by the same process. */
  readonly token: string
  /**
   * How often the holder touches the lock file, in ms. A process that cannot
   * look the holder up (another container or machine) deems the lock stale
   * once it is untouched for three times this long.
   */
  readonly heartbeatMs: number
  /**
   * On Linux (`/proc`): where the pid means something (the boot and the pid
   * namespace: a container has its own) and when the process started there.
   * A pid reused by another process after a crash, in a restarted container
   * especially, has the same number but not the same start. Absent elsewhere.
   */
  readonly process?: ProcessIdentity
}

/** A process as Linux tells it apart: its pid space and its start time in it. */
export interface ProcessIdentity {
  /** `<boot id>/<pid namespace>`. */
  readonly space: string
  /** Start time in clock ticks since boot. */
  readonly start: string
}

/** How often a lock is touched by default: a lock of another container is taken over 30 s after its process stops. */
const HEARTBEAT_MS = 10_000

/**
 * Another live process holds the data folder: starting over it would let two
 * processes write the same file, each over the other's changes.
 */
export class DataFolderInUseError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder | undefined
  ) {
    super(
      holder
        ? `The data folder is in use by another Consenso process (pid ${holder.pid} on ${holder.host}, since ${holder.since}); ` +
            `its lock file is ${lockFile}. Two processes on one data folder would overwrite each other's changes: stop the other one first.`
        : `The data folder is locked by ${lockFile}, which cannot be read. If no Consenso process uses this folder, remove that file.`
    )
    this.name = 'DataFolderInUseError'
  }
}

/**
 * The right to write a data folder, held by one process at a time through the
 * lock file `consenso.lock`. The file is created whole or not at all (written
 * aside, then hard-linked into place, which fails if it exists), so a second
 * server on the same folder is refused. A lock whose process is gone (killed,
 * crashed, the machine restarted) is stale and taken over: at once where the
 * holder can be looked up (same machine and pid namespace), else once the
 * holder has stopped touching the file (a heartbeat, every
 * {@link LockHolder.heartbeatMs}): two containers sharing a volume, an old
 * and a new one during a deployment say, never write it both.
 */
export class DataFolderLock {
  private released = false
  private heartbeat: ReturnType<typeof setInterval> | undefined

  private constructor(
    /** Path of the lock file. */
    readonly file: string,
    /** What the lock file says. */
    readonly holder: LockHolder,
    /** The stale lock this one replaced, if any: worth a line in the log. */
    readonly tookOverFrom: LockHolder | undefined
  ) {}

  /**
   * Takes the lock of `dataDir` for this process. Throws
   * {@link DataFolderInUseError} if a live process holds it. `heartbeatMs`
   * (default 10 s) is how often the lock file is touched while held.
   */
  static async acquire(dataDir: string, opts: { heartbeatMs?: number } = {}): Promise<DataFolderLock> {
    const file = lockFileIn(dataDir)
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      token: randomUUID(),
      heartbeatMs: opts.heartbeatMs ?? HEARTBEAT_MS,
      process: await identityOf('self')
    }
    const bytes = new TextEncoder().encode(`${JSON.stringify(holder, null, 2)}\n`)
    let tookOverFrom: LockHolder | undefined
    let lastSeen: LockHolder | undefined
    // Rounds: the file may come and go between two steps while other processes start or stop.
    for (let round = 0; round < 50; round++) {
      try {
        await writeFileDurably(file, bytes, { replace: false })
        const lock = new DataFolderLock(file, holder, tookOverFrom)
        lock.beat()
        return lock
      } catch (err) {
        if (!isCode(err, 'EEXIST')) throw err
      }
      const current = await readHolder(file)
      if (current === 'missing') continue
      if (current === 'unreadable') throw new DataFolderInUseError(file, undefined)
      if (await isAlive(current, file)) throw new DataFolderInUseError(file, current)
      lastSeen = current
      if (await removeStale(file, current)) tookOverFrom = current
      // Another process is taking the stale lock over: see what it makes of it.
      else await sleep(20)
    }
    throw new DataFolderInUseError(file, lastSeen)
  }

  /**
   * The live process that holds `dataDir`, or undefined if none does (no
   * lock file, or a stale one). Only reads.
   */
  static async holderOf(dataDir: string): Promise<LockHolder | undefined> {
    const current = await readHolder(lockFileIn(dataDir))
    if (current === 'missing') return undefined
    if (current === 'unreadable') throw new DataFolderInUseError(lockFileIn(dataDir), undefined)
    return (await isAlive(current, lockFileIn(dataDir))) ? current : undefined
  }

  // Touches the lock file now and then, so that others see it is held.
  private beat(): void {
    this.heartbeat = setInterval(() => {
      const now = new Date()
      // A failed touch is retried at the next beat; three in a row let another container take over.
      utimes(this.file, now, now).catch(() => {})
    }, this.holder.heartbeatMs)
    // The lock never keeps a process alive by itself.
    this.heartbeat.unref()
  }

  /** Gives the folder up: removes the lock file if it is still this lock's. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    clearInterval(this.heartbeat)
    const current = await readHolder(this.file)
    if (typeof current === 'object' && current.token === this.holder.token) await unlink(this.file).catch(() => {})
  }
}

/**
 * Removes the stale lock `stale` from `file`, if it is still there. Only the
 * process that holds the guard file `<file>.takeover` (created exclusively)
 * removes a lock, and while it holds it the lock cannot change under it: a
 * lock file that exists can only be removed, and only by the guard's holder.
 * So of several processes starting at once over a stale lock, one removes it
 * and one (perhaps another) then creates the new lock. False if another
 * process holds the guard.
 */
async function removeStale(file: string, stale: LockHolder): Promise<boolean> {
  const guard = `${file}.takeover`
  try {
    await (await open(guard, 'wx')).close()
  } catch (err) {
    if (!isCode(err, 'EEXIST')) throw err
    // A takeover takes milliseconds: a guard this old was left by a process that died taking over.
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0)
    if (age > STALE_GUARD_MS) await unlink(guard).catch(() => {})
    return false
  }
  try {
    const current = await readHolder(file)
    if (typeof current !== 'object' || current.token !== stale.token) return false
    await unlink(file)
    return true
  } finally {
    await unlink(guard).catch(() => {})
  }
}

const STALE_GUARD_MS = 10_000

async function readHolder(file: string): Promise<LockHolder | 'missing' | 'unreadable'> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (isCode(err, 'ENOENT')) return 'missing'
    throw err
  }
  try {
    const json = JSON.parse(text) as Partial<LockHolder> | null
    if (json && Number.isInteger(json.pid) && typeof json.token === 'string')
      return {
        pid: json.pid as number,
        host: String(json.host),
        since: String(json.since),
        token: json.token,
        heartbeatMs: typeof json.heartbeatMs === 'number' && json.heartbeatMs > 0 ? json.heartbeatMs : HEARTBEAT_MS,
        process:
          typeof json.process?.space === 'string' && typeof json.process.start === 'string'
            ? { space: json.process.space, start: json.process.start }
            : undefined
      }
  } catch {
    // Falls through: not a lock this code wrote.
  }
  return 'unreadable'
}

// Whether the process that wrote `holder`, the lock in `file`, still runs.
async function isAlive(holder: LockHolder, file: string): Promise<boolean> {
  const ours = await identityOf('self')
  // Same boot and pid namespace: the pid and its start time name the process exactly.
  if (holder.process && ours && holder.process.space === ours.space) return (await identityOf(holder.pid))?.start === holder.process.start
  // No /proc on either side (macOS, Windows), on this machine: the pid is all there is.
  if (!holder.process && !ours && holder.host === hostname()) {
    try {
      process.kill(holder.pid, 0)
      return true
    } catch (err) {
      // EPERM: the process exists, run by another user.
      return isCode(err, 'EPERM')
    }
  }
  // Another container, machine or boot: alive while it keeps touching the file.
  const touched = await stat(file).then((s) => s.mtimeMs, () => 0)
  return Date.now() - touched < 3 * holder.heartbeatMs
}

// A process's identity on Linux (`'self'`: this one); undefined elsewhere, or if it is gone.
async function identityOf(pid: number | 'self'): Promise<ProcessIdentity | undefined> {
  try {
    const [boot, namespace, line] = await Promise.all([
      readFile('/proc/sys/kernel/random/boot_id', 'utf8'),
      readlink('/proc/self/ns/pid'),
      readFile(`/proc/${pid}/stat`, 'utf8')
    ])
    // The command name in parentheses may hold spaces; fields count from after it: starttime is field 22.
    const start = line.slice(line.lastIndexOf(')') + 2).split(' ')[19]
    // Only this process's namespace is read: `pid` is looked up in it, so it is the holder's too when the spaces match.
    return start === undefined ? undefined : { space: `${boot.trim()}/${namespace}`, start }
  } catch {
    return undefined
  }
}

const isCode = (err: unknown, code: string) => (err as NodeJS.ErrnoException | undefined)?.code === code

