import { stat } from 'node:fs/promises'

/** Whether something is at `path`; any error but "not there" is thrown. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
