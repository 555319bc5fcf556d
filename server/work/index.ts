/** Heavy work off the event loop: a pool of worker threads and the jobs it runs. */
export { pooledDiffer, refusalOf, WorkerPool, type Differ, type WorkRefused } from './WorkerPool'
export { runJob, type JobInput, type JobKind, type JobOutput, type Jobs } from './jobs'
