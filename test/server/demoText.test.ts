/**
 * The demo Strategy as its readers see it, in the editor and in Word, on a
 * real server with the demo workspace seeded: what carries a number of its
 * own is not numbered again.
 */
import { describe, expect, test } from 'vitest'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { readContent } from '../../src'
import { connectSynced, DOC, docPath, signIn, startTestServer } from '../support'
import { entryText } from '../exchange/helpers'

// A line of action's own number, "1.1" or "4.7", at the start of its text.
const OWN_NUMBER = /^\d+\.\d+\b/

/** The text of every item of an ordered list, in reading order. */
function orderedItems(doc: ProseMirrorNode): string[] {
  const items: string[] = []
  doc.descendants((node) => {
    if (node.type.name !== 'ordered_list') return true
    node.forEach((item) => items.push(item.textContent))
    return true
  })
  return items
}

describe('The demo Strategy', () => {
  test('Its lines of action carry their own numbers once: no numbered list item starts with a number of its own, in the editor or in Word.', async () => {
    const { server } = await startTestServer()
    const ppt = await signIn(server, 'ppt')
    const doc = readContent((await connectSynced(server, DOC, ppt.token)).doc)
    const blocks: string[] = []
    doc.descendants((node) => {
      if (node.isTextblock) blocks.push(node.textContent)
      return !node.isTextblock
    })
    // The lines of action are there, 1.1 to 4.6, each with its number.
    for (const line of ['1.1', '1.5', '2.1', '3.6', '4.6']) expect(blocks.filter((b) => b.startsWith(`${line} `)), line).toHaveLength(1)
    expect(orderedItems(doc).filter((text) => OWN_NUMBER.test(text))).toEqual([])

    const versions = (await ppt.get(docPath('/versions'))).body.versions as Array<{ id: string; name: string }>
    expect(versions.map((v) => v.name)).toEqual(['Borrador octubre 2021', 'Borrador noviembre 2021'])
    for (const version of versions) {
      const res = await fetch(`${server.url}${docPath(`/versions/${version.id}/export?format=docx`)}`, { headers: { Authorization: `Bearer ${ppt.token}` } })
      const xml = entryText(new Uint8Array(await res.arrayBuffer()), 'word/document.xml')
      const paragraphs = xml.split('</w:p>').map((p) => ({ numbered: p.includes('<w:numPr>'), text: [...p.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('') }))
      const lines = paragraphs.filter((p) => OWN_NUMBER.test(p.text))
      expect(lines.length, version.name).toBeGreaterThanOrEqual(22)
      expect(lines.filter((p) => p.numbered).map((p) => p.text.slice(0, 12)), version.name).toEqual([])
      // November's new line 4.7 is written as the others are.
      expect(lines.some((p) => p.text.startsWith('4.7 ')), version.name).toBe(version.name === 'Borrador noviembre 2021')
    }
  })
})
