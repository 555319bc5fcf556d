/** What the benchmark's processes tell each other: the parent, the Consenso server process and the load generators. */
import type { WriteStats } from '../storage'

/** The password of the demo accounts in the benchmark's workspaces. */
export const BENCH_PASSWORD = 'benchmark password, not a secret'

/** What the server process reports of itself. */
export interface ServerStats {
  readonly rss: number
  readonly heapUsed: number
  readonly external: number
  readonly arrayBuffers: number
  /** CPU time used so far, user plus system, in ms. */
  readonly cpuMs: number
  readonly storage: WriteStats
  /** How late the event loop ran since the last reset: most and 99th percentile, ms. */
  readonly loopDelayMaxMs: number
  readonly loopDelayP99Ms: number
  /** Documents made by the benchmark that the collaboration core holds loaded. */
  readonly loadedDocuments: number
}

/** One client to open. */
export interface ClientSpec {
  /** `ws://host:port/collab` for Consenso, `ws://host:port` for y-websocket. */
  readonly serverUrl: string
  readonly room: string
  readonly params: Record<string, string>
  /** Global writer number if this client writes, else null. */
  readonly writer: number | null
}

/** How long a fresh client took to open a document, from creating its provider, ms. */
export interface SyncTimes {
  /** Until the server's answer with the document's state arrived: the server's cold open, connecting included. */
  readonly stateMs: number
  /** Until the provider's `sync` event: the above plus the client applying that state. */
  readonly syncMs: number
}

/** What one client received in a round. */
export interface ClientCount {
  readonly room: string
  readonly writer: number | null
  readonly received: number
}

/** What a load process reports after a round. */
export interface LoadReport {
  readonly histogram: { counts: number[]; max: number }
  readonly clients: ClientCount[]
  /** Tokens written, by writer number. */
  readonly sent: Record<number, number>
  /** CPU time of this process during the round, ms. */
  readonly cpuMs: number
}

/**
 * One attack of the `loop` row, as the attacker process (attackProcess.ts)
 * runs it until stopped.
 */
export type AttackSpec =
  /** `workers` loops asking for the comparison `path` again and again, as the accounts of `tokens` in turn. */
  | { readonly kind: 'compare'; readonly httpUrl: string; readonly path: string; readonly tokens: readonly string[]; readonly workers: number }
  /** `workers` loops uploading a .docx of `paragraphs` short paragraphs as a new document, as the accounts of `tokens` in turn. */
  | { readonly kind: 'upload'; readonly httpUrl: string; readonly tokens: readonly string[]; readonly paragraphs: number; readonly workers: number }
  /** `sockets` sockets of one account asking for the whole of `documentId` and spamming awareness, reconnecting when closed. */
  | { readonly kind: 'sync'; readonly collabUrl: string; readonly token: string; readonly documentId: string; readonly sockets: number }

/** What an attack got back, by HTTP status or close code (`close 4430`), with `open` for each socket opened. */
export type AttackAnswers = Record<string, number>

/** What the attacker process reports of an attack once stopped. */
export interface AttackReport {
  readonly answers: AttackAnswers
  /** CPU time the attacker process used while attacking, user plus system, ms: a share of the machine the server did not have. */
  readonly cpuMs: number
}
