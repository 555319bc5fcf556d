/**
 * A marked-up Word copy written by hand, as a delegation sends one back: the
 * draft with tracked changes by two people of its delegation (one inside a
 * table cell, one inside a footnote, one on a passage the draft has since
 * lost) and a comment with a reply (comments.xml, commentsExtended.xml), in
 * the parts and relationships Word itself writes, so that Word opens it.
 */
import { handMadeDocxParts, para, run, zip } from './helpers'

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
const W14 = 'http://schemas.microsoft.com/office/word/2010/wordml'
const W15 = 'http://schemas.microsoft.com/office/word/2012/wordml'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml'

/** The Markdown of the draft the copy was made from. */
export const MARKUP_BASE =
  '# Nota conceptual\n\nLa reunión examinará la migración irregular en la región[^1].\n\nTexto que ya no existe borrado aquí.\n\n' +
  '| Tema | Coordina |\n| --- | --- |\n| Apertura | PPT |\n\n[^1]: Según el diagnóstico de 2021.\n'

const ANA = 'w:author="Ana Pérez" w:date="2021-10-15T10:00:00Z"'
const LUIS = 'w:author="Luis Gómez" w:date="2021-10-15T11:00:00Z"'
const ins = (id: number, who: string, text: string) => `<w:ins w:id="${id}" ${who}><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:ins>`
const del = (id: number, who: string, text: string) => `<w:del w:id="${id}" ${who}><w:r><w:delText xml:space="preserve">${text}</w:delText></w:r></w:del>`
const cell = (...runs: string[]) => `<w:tc><w:tcPr><w:tcW w:w="4000" w:type="dxa"/></w:tcPr>${para(null, ...runs)}</w:tc>`

/** The marked-up copy of {@link MARKUP_BASE}. */
export function markedUpCopy(): Uint8Array {
  const body =
    para('Heading1', run('Nota conceptual')) +
    para(
      null,
      run('La reunión '),
      del(1, ANA, 'examinará'),
      ins(2, ANA, 'analizará'),
      run(' la '),
      '<w:commentRangeStart w:id="0"/>',
      run('migración irregular'),
      '<w:commentRangeEnd w:id="0"/><w:commentRangeStart w:id="1"/><w:commentRangeEnd w:id="1"/>',
      '<w:r><w:commentReference w:id="0"/></w:r><w:r><w:commentReference w:id="1"/></w:r>',
      run(' en la región'),
      '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>',
      run('.')
    ) +
    para(null, run('Texto que ya no existe '), del(3, LUIS, 'borrado'), run(' aquí.')) +
    '<w:tbl><w:tblPr><w:tblW w:w="8000" w:type="dxa"/></w:tblPr><w:tblGrid><w:gridCol w:w="4000"/><w:gridCol w:w="4000"/></w:tblGrid>' +
    `<w:tr><w:trPr><w:tblHeader/></w:trPr>${cell(run('Tema'))}${cell(run('Coordina'))}</w:tr>` +
    `<w:tr>${cell(run('Apertura'), ins(4, LUIS, ' oficial'))}${cell(run('PPT'))}</w:tr>` +
    '</w:tbl>' +
    para(null)
  const parts = handMadeDocxParts(body)
  parts['[Content_Types].xml'] = parts['[Content_Types].xml']!.replace(
    '</Types>',
    `<Override PartName="/word/comments.xml" ContentType="${MAIN}.comments+xml"/>` +
      `<Override PartName="/word/commentsExtended.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/>` +
      `<Override PartName="/word/footnotes.xml" ContentType="${MAIN}.footnotes+xml"/></Types>`
  )
  parts['word/_rels/document.xml.rels'] = parts['word/_rels/document.xml.rels']!.replace(
    '</Relationships>',
    `<Relationship Id="rIdComments" Type="${REL}/comments" Target="comments.xml"/>` +
      `<Relationship Id="rIdCommentsEx" Type="http://schemas.microsoft.com/office/2011/relationships/commentsExtended" Target="commentsExtended.xml"/>` +
      `<Relationship Id="rIdNotes" Type="${REL}/footnotes" Target="footnotes.xml"/></Relationships>`
  )
  parts['word/comments.xml'] =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="${W}" xmlns:w14="${W14}">` +
    `<w:comment w:id="0" ${ANA} w:initials="AP"><w:p w14:paraId="1A2B3C01"><w:r><w:t>Conviene precisar si incluye a personas retornadas.</w:t></w:r></w:p></w:comment>` +
    `<w:comment w:id="1" ${LUIS} w:initials="LG"><w:p w14:paraId="1A2B3C02"><w:r><w:t>De acuerdo; lo planteamos en la reunión.</w:t></w:r></w:p></w:comment>` +
    '</w:comments>'
  parts['word/commentsExtended.xml'] =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx xmlns:w15="${W15}">` +
    '<w15:commentEx w15:paraId="1A2B3C01" w15:done="0"/><w15:commentEx w15:paraId="1A2B3C02" w15:paraIdParent="1A2B3C01" w15:done="0"/></w15:commentsEx>'
  parts['word/footnotes.xml'] =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="${W}">` +
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>' +
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>' +
    `<w:footnote w:id="1"><w:p><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>${run(' Según el diagnóstico ')}${ins(5, ANA, 'regional ')}${run('de 2021.')}</w:p></w:footnote>` +
    '</w:footnotes>'
  return zip(parts)
}
