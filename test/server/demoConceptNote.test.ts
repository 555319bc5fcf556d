import { describe, expect, test } from 'vitest'
import { CONCEPT_NOTE_ID } from '../../server'
import type { DocumentId } from '../../src'
import { signIn, startTestServer, storedContent } from '../support'

describe('the demo workspace', () => {
  test('holds the concept note of the third meeting, its agenda a real table and with a footnote, listed to the Presidency and the delegations', async () => {
    const { server, dataDir } = await startTestServer()
    for (const username of ['ppt', 'gt']) {
      const list = await (await signIn(server, username)).get('/api/documents')
      expect(list.body.documents.map((d: { id: string; title: string }) => [d.id, d.title])).toContainEqual([CONCEPT_NOTE_ID, 'Nota conceptual de la tercera reunión'])
    }
    const content = await storedContent(dataDir, CONCEPT_NOTE_ID as DocumentId)
    for (const section of ['Objetivo', 'Metodología', 'Participantes', 'Agenda']) expect(content).toContain(`>${section}</`)
    // The agenda: a header row (duration, topic, who coordinates) and five items.
    expect(content.match(/<table_row>/g)).toHaveLength(6)
    expect(content.match(/<table_header /g)).toHaveLength(3)
    expect(content).toContain('Revisión por secciones: diagnóstico, principios y líneas de acción')
    expect(content.match(/<footnote>/g)).toHaveLength(1)
  })
})
