/**
 * Helpers for the exchange tests: a compact picture of a document, reading
 * and writing zip archives (with fflate, not the docx library, so that the
 * fixtures come from another generator than the exporter), a Word file
 * written by hand, and Word's "accept all" and "reject all" done on the XML.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate'
import type { Node as ProseMirrorNode } from 'prosemirror-model'

/**
 * A document as `type(attrs)[children]`, text as its string with its marks,
 * e.g. `paragraph["a", em"b"]`. Ids are left out.
 */
export function shape(node: ProseMirrorNode): string {
  if (node.isText) {
    const marks = node.marks.map((m) => (m.type.name === 'link' ? `link(${m.attrs.href as string})` : m.type.name))
    return `${marks.join('+')}${JSON.stringify(node.text)}`
  }
  const attrs = Object.entries(node.attrs)
    .filter(([name, value]) => name !== 'id' && value !== null)
    .map(([name, value]) => `${name}=${String(value)}`)
  const children: string[] = []
  node.forEach((child) => children.push(shape(child)))
  return `${node.type.name}${attrs.length ? `(${attrs.join(',')})` : ''}${children.length ? `[${children.join(', ')}]` : ''}`
}

/** The text blocks of a document as `type: text` lines (headings with their level). */
export function outline(doc: ProseMirrorNode): string[] {
  const lines: string[] = []
  doc.descendants((node) => {
    if (!node.isTextblock) return true
    const kind = node.type.name === 'heading' ? `h${node.attrs.level as number}` : 'p'
    lines.push(`${kind}: ${node.textContent}`)
    return false
  })
  return lines
}

/** The text of one entry of a zip archive. */
export function entryText(zip: Uint8Array, name: string): string {
  const entry = unzipSync(zip, { filter: (file) => file.name === name })[name]
  if (!entry) throw new Error(`no ${name} in the archive`)
  return strFromU8(entry)
}

/** A zip archive of the given texts or bytes, deflated. */
export function zip(files: Record<string, string | Uint8Array>): Uint8Array {
  const zippable: Zippable = {}
  for (const [name, content] of Object.entries(files)) zippable[name] = typeof content === 'string' ? strToU8(content) : content
  return zipSync(zippable, { level: 6 })
}

/**
 * `archive` with every entry's uncompressed size, in its local header and
 * in the central directory, rewritten to `size`: an archive that lies about
 * what it unpacks to.
 */
export function withDeclaredSize(archive: Uint8Array, size: number): Uint8Array {
  const patched = archive.slice()
  const view = new DataView(patched.buffer)
  for (let at = 0; at + 4 <= patched.length; at++) {
    const signature = view.getUint32(at, true)
    if (signature === 0x04034b50) view.setUint32(at + 22, size, true)
    if (signature === 0x02014b50) view.setUint32(at + 24, size, true)
  }
  return patched
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

/**
 * The parts of a minimal Word file written by hand, as Spanish Word names its
 * styles (ids `Ttulo1`… with the built-in names `heading 1`…), with a bullet
 * and a decimal numbering, a hyperlink relationship `rIdLink` to
 * https://www.crmsv.org, and `body` as the content of w:body.
 */
export function handMadeDocxParts(body: string): Record<string, string> {
  const heading = (id: string, name: string) =>
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>`
  const level = (ilvl: number, format: string, text: string) =>
    `<w:lvl w:ilvl="${ilvl}"><w:start w:val="1"/><w:numFmt w:val="${format}"/><w:lvlText w:val="${text}"/><w:pPr><w:ind w:left="${720 * (ilvl + 1)}" w:hanging="360"/></w:pPr></w:lvl>`
  return {
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
  <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
  <Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/>
</Relationships>`,
    'word/_rels/document.xml.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="${REL}/styles" Target="styles.xml"/>
  <Relationship Id="rId2" Type="${REL}/numbering" Target="numbering.xml"/>
  <Relationship Id="rIdLink" Type="${REL}/hyperlink" Target="https://www.crmsv.org" TargetMode="External"/>
</Relationships>`,
    'word/styles.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="${W}">
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
  ${heading('Heading1', 'heading 1')}
  ${heading('Ttulo2', 'heading 2')}
  ${heading('Ttulo4', 'heading 4')}
  <w:style w:type="paragraph" w:styleId="Prrafodelista"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/></w:style>
</w:styles>`,
    'word/numbering.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="${W}">
  <w:abstractNum w:abstractNumId="0">${level(0, 'bullet', '•')}${level(1, 'bullet', 'o')}</w:abstractNum>
  <w:abstractNum w:abstractNumId="1">${level(0, 'decimal', '%1.')}${level(1, 'lowerLetter', '%2)')}</w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="${W}" xmlns:r="${R}"><w:body>${body}<w:sectPr/></w:body></w:document>`
  }
}

/** Word markup for a paragraph of the given style (or none) and runs. */
export const para = (style: string | null, ...runs: string[]) =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}${runs.join('')}</w:p>`

/** Word markup for a list paragraph of numbering `numId` at level `ilvl`. */
export const item = (numId: number, ilvl: number, ...runs: string[]) =>
  `<w:p><w:pPr><w:pStyle w:val="Prrafodelista"/><w:numPr><w:ilvl w:val="${ilvl}"/><w:numId w:val="${numId}"/></w:numPr></w:pPr>${runs.join('')}</w:p>`

/** Word markup for a run of text, optionally bold and italic. */
export const run = (text: string, props: { bold?: boolean; italics?: boolean } = {}) =>
  `<w:r>${props.bold || props.italics ? `<w:rPr>${props.bold ? '<w:b/>' : ''}${props.italics ? '<w:i/>' : ''}</w:rPr>` : ''}<w:t xml:space="preserve">${text}</w:t></w:r>`

/**
 * Word's "reject all changes" (`keep: 'old'`) or "accept all changes"
 * (`keep: 'new'`) applied to a .docx file's document.xml: enough of it for
 * the files Consenso writes (runs inside w:ins and w:del, the two ends of a
 * move, w:moveFrom and w:moveTo, paragraph marks marked with any of them,
 * whose paragraphs then go, and table rows inserted or deleted whole).
 */
export function resolveChanges(docx: Uint8Array, keep: 'old' | 'new'): Uint8Array {
  const files = unzipSync(docx)
  let xml = strFromU8(files['word/document.xml'] as Uint8Array)
  xml = xml.replace(/<w:move(?:From|To)Range(?:Start|End) [^>]*\/>/g, '')
  const pairs = keep === 'new' ? [['del', 'ins'], ['moveFrom', 'moveTo']] : [['ins', 'del'], ['moveTo', 'moveFrom']]
  for (const [drop, unwrap] of pairs) {
    // Table rows marked as the dropped kind of change go whole; the kept kind's mark goes.
    xml = xml.replace(new RegExp(`<w:tr>(?:(?!</w:tr>).)*?<w:trPr>(?:(?!</w:trPr>).)*<w:${drop} [^>]*/>.*?</w:tr>`, 'gs'), '')
    xml = xml.replace(new RegExp(`(<w:trPr>(?:(?!</w:trPr>).)*)<w:${unwrap} [^>]*/>`, 'g'), '$1')
    // Paragraphs whose mark is the dropped kind of change go whole: all their
    // content is of that kind too.
    xml = xml.replace(new RegExp(`<w:p>(?:(?!</w:p>).)*?<w:rPr><w:${drop} [^>]*/></w:rPr></w:pPr>.*?</w:p>`, 'gs'), '')
    xml = xml.replace(new RegExp(`<w:${drop} [^>]*>.*?</w:${drop}>`, 'gs'), '')
    xml = xml.replace(new RegExp(`<w:rPr><w:${unwrap} [^>]*/></w:rPr>`, 'g'), '')
    xml = xml.replace(new RegExp(`<w:${unwrap} [^>]*>(.*?)</w:${unwrap}>`, 'gs'), '$1')
  }
  xml = xml.replace(/<w:delText( [^>]*)?>/g, '<w:t$1>').replace(/<\/w:delText>/g, '</w:t>')
  files['word/document.xml'] = strToU8(xml)
  return zipSync(files)
}
