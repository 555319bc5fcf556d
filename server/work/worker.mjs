// The entry of a worker thread of the pool (see WorkerPool.ts). The server
// runs its TypeScript through tsx; a worker thread does not inherit a loader
// registered at run time, so this plain module loads the jobs through tsx's
// API (under `tsx server/main.ts` as under the tests' runner alike).
import { tsImport } from 'tsx/esm/api'

await tsImport('./workerMain.ts', import.meta.url)
