import { parentPort } from 'node:worker_threads'
import { ImportError } from '../exchange/ImportError'
import { runJob, type JobKind } from './jobs'
import type { JobReply, JobRequest } from './WorkerPool'

// A worker thread of the pool: runs the jobs it is sent, one at a time, and
// answers each with its output or its error (an ImportError keeps its
// failure, so that the route answers as it would have in the main thread).
const port = parentPort
if (!port) throw new Error('workerMain runs in a worker thread')
port.on('message', (request: JobRequest) => {
  runJob(request.kind as JobKind, request.input as never).then(
    (output) => port.postMessage({ id: request.id, ok: output } satisfies JobReply),
    (err: unknown) =>
      port.postMessage({
        id: request.id,
        error: {
          message: err instanceof Error ? err.message : String(err),
          ...(err instanceof ImportError ? { importFailure: err.failure } : {})
        }
      } satisfies JobReply)
  )
})
port.postMessage({ ready: true } satisfies JobReply)
