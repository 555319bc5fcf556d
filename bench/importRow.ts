/**
 * The import row (issue 12): a 3 MB Markdown draft (the Strategy's prose,
 * see spanishMarkdown.ts) imported over HTTP, as the PPT imports one, into a
 * copy of the largest seeded workspace and into the empty one, each served
 * by a Consenso server process; rounds alternate between the two. The time
 * is from the upload's request to the 201 answer, medians compared.
 */
import { rm } from 'node:fs/promises'
import { importMarkdown } from './httpApi'
import { startConsenso } from './processes'
import { median } from './stats'
import { spanishMarkdown } from './spanishMarkdown'
import type { SeededWorkspaces } from './workspaceSeed'

export interface ImportResult {
  readonly targetMb: number
  readonly dataBytes: number
  readonly markdownBytes: number
  /** Medians, ms. */
  readonly importMs: number
  readonly emptyImportMs: number
  readonly ratio: number
  readonly rounds: { large: boolean; ms: number }[]
}

export async function importRow(opts: {
  seeds: SeededWorkspaces
  targetMb: number
  markdownBytes: number
  rounds: number
  log: (line: string) => void
}): Promise<ImportResult> {
  const markdown = await spanishMarkdown('Importación de prueba', opts.markdownBytes, 2021)
  const large = await opts.seeds.copy(opts.targetMb)
  const empty = await opts.seeds.copy(0)
  const largeServer = await startConsenso(large.dir)
  const emptyServer = await startConsenso(empty.dir)
  try {
    const tokens = new Map([
      [largeServer, await largeServer.login('ppt')],
      [emptyServer, await emptyServer.login('ppt')]
    ])
    const rounds: ImportResult['rounds'] = []
    for (let r = 0; r < opts.rounds; r++) {
      for (const server of r % 2 === 0 ? [largeServer, emptyServer] : [emptyServer, largeServer]) {
        const { ms } = await importMarkdown(server.httpUrl, tokens.get(server) as string, `Importación ${r + 1}`, markdown)
        rounds.push({ large: server === largeServer, ms })
        opts.log(`  round ${r + 1}, ${server === largeServer ? `${opts.targetMb} MB` : 'empty'}: ${(Buffer.byteLength(markdown) / 2 ** 20).toFixed(2)} MB imported in ${ms.toFixed(0)} ms`)
      }
    }
    const importMs = median(rounds.filter((r) => r.large).map((r) => r.ms))
    const emptyImportMs = median(rounds.filter((r) => !r.large).map((r) => r.ms))
    return {
      targetMb: opts.targetMb,
      dataBytes: large.dataBytes,
      markdownBytes: Buffer.byteLength(markdown),
      importMs,
      emptyImportMs,
      ratio: importMs / emptyImportMs,
      rounds
    }
  } finally {
    await largeServer.stop()
    await emptyServer.stop()
    await rm(large.dir, { recursive: true, force: true })
    await rm(empty.dir, { recursive: true, force: true })
  }
}
