import { parseHTML } from 'linkedom'
import { DOMSerializer, type Node as ProseMirrorNode } from 'prosemirror-model'
import { schema } from '../../src'
import type { VersionMeta } from './versionToDocx'

const serializer = DOMSerializer.fromSchema(schema)

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A version as a standalone HTML page: the schema's own rendering (tables
 * with their header cells and merged cells, pictures, links with
 * rel="noopener noreferrer nofollow"), block ids left out, and footnotes as
 * the web writes them: a numbered reference in the text (`<sup><a
 * href="#fn-1">`) and the notes in a numbered list after it, each with a link
 * back, which `importHtml` folds back into footnotes. The title, version
 * name, date and author are in the page's head only, so that importing the
 * page gives back the text alone, except for a silence procedure's record,
 * which closes the body.
 */
export function versionToHtml(doc: ProseMirrorNode, meta: VersionMeta): string {
  const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>')
  const body = document.createElement('div')
  body.append(serializer.serializeFragment(doc.content, { document: document as unknown as Document }) as unknown as Node)
  for (const element of Array.from(body.querySelectorAll('[data-block-id]'))) element.removeAttribute('data-block-id')
  const notes = document.createElement('ol')
  notes.setAttribute('class', 'footnotes')
  // Outermost first, so that a note's number is its marker's place in reading order.
  Array.from(body.querySelectorAll('span[data-footnote]')).forEach((marker, i) => {
    const n = i + 1
    const item = document.createElement('li')
    item.setAttribute('id', `fn-${n}`)
    item.append(...Array.from(marker.childNodes))
    const back = document.createElement('a')
    back.setAttribute('href', `#fnref-${n}`)
    back.textContent = '↩'
    ;(item.lastElementChild ?? item).append(' ', back)
    notes.append(item)
    const sup = document.createElement('sup')
    const link = document.createElement('a')
    link.setAttribute('href', `#fn-${n}`)
    link.setAttribute('id', `fnref-${n}`)
    link.textContent = String(n)
    sup.append(link)
    marker.replaceWith(sup)
  })
  if (notes.childNodes.length) body.append(document.createElement('hr'), notes)
  if (meta.silence) {
    // After the text and its notes, as the Word file closes with it.
    const record = document.createElement('section')
    record.setAttribute('class', 'silence-record')
    const heading = document.createElement('h2')
    heading.textContent = meta.silence.heading
    record.append(heading)
    for (const fact of meta.silence.facts) {
      const p = document.createElement('p')
      p.textContent = fact
      record.append(p)
    }
    if (meta.silence.objections.length) {
      const list = document.createElement('ul')
      for (const line of meta.silence.objections) {
        const item = document.createElement('li')
        item.textContent = line
        list.append(item)
      }
      record.append(list)
    }
    body.append(record)
  }
  return (
    `<!doctype html>\n<html lang="es"><head><meta charset="utf-8"><title>${escape(meta.title)} — ${escape(meta.versionName)}</title>` +
    '<style>table{border-collapse:collapse}td,th{border:1px solid #888;padding:.25em .5em;vertical-align:top}</style>' +
    `<meta name="date" content="${escape(meta.createdAt)}"><meta name="author" content="${escape(meta.author)}">` +
    `</head><body>${body.innerHTML}</body></html>\n`
  )
}
