import { zipSync } from 'fflate'
import mammoth from 'mammoth'
import type { Node as ProseMirrorNode } from 'prosemirror-model'
import { ImportError } from './ImportError'
import { defaultImportLimits, type ImportLimits } from './ImportLimits'
import { IMAGE_TYPES, MAX_IMAGE_BYTES, type LeftOut } from '../../src'
import { importHtmlReporting, type Imported } from './importHtml'
import { unpackArchive } from './unpackArchive'
import { withListNumbers } from './withListNumbers'
import { wordListItems } from './wordListItems'

// Mammoth's defaults map Heading 1–6, lists, bold, italic and links; these
// add the styles a negotiated text uses for its title and its quotations.
// Built-in Word styles keep their English names in the file, whatever the
// language of Word that wrote it. wordListItems knows which paragraph rules
// come before mammoth's list rules: a rule added here goes there too.
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh"
]

/**
 * A Word (.docx) file as a document of {@link schema} with fresh block ids:
 * headings (Heading 1–3, deeper ones as level 3; Title as level 1),
 * numbered and bulleted lists with their nesting, quotations, bold, italic,
 * line breaks, links to the web or to mail, tables (header rows, cells merged
 * across columns and down rows), footnotes and pictures (see
 * {@link importDocxReporting}). Comments and tracked deletions are left out;
 * tracked insertions are kept.
 *
 * Numbered lists keep the numbers Word shows: a list that starts at 5, or
 * goes on after an unnumbered paragraph, starts there ({@link withListNumbers}).
 * When the file's numbering cannot be read as mammoth reads its paragraphs,
 * every list starts at 1 instead: no list is given another's numbers.
 *
 * The archive is unpacked and checked first ({@link unpackArchive}), and
 * mammoth then reads a copy rebuilt from those checked entries only, so that
 * no declared size, entry count or central directory trick reaches it. Nothing
 * outside the file is read (external images stay unread). Throws
 * {@link ImportError}: `too_large` over the limits, `malformed` for a file that
 * is not a Word document, `empty` when it has no text.
 */
export async function importDocx(bytes: Uint8Array, limits: ImportLimits = defaultImportLimits): Promise<ProseMirrorNode> {
  return (await importDocxReporting(bytes, limits)).doc
}

/**
 * {@link importDocx}, saying what was left out: pictures that are not PNG,
 * JPEG, GIF or WebP (a drawing, an EMF chart) or are over `MAX_IMAGE_BYTES`.
 * The pictures kept are in the document, as data: URLs.
 */
export async function importDocxReporting(bytes: Uint8Array, limits: ImportLimits = defaultImportLimits): Promise<Imported> {
  if (bytes.byteLength > limits.maxFileBytes)
    throw new ImportError('too_large', `the file is ${bytes.byteLength} bytes long; the limit is ${limits.maxFileBytes}`)
  const entries = await unpackArchive(bytes, limits)
  if (!entries.has('[Content_Types].xml'))
    throw new ImportError('malformed', 'the archive is not an Office document: it has no [Content_Types].xml')
  // Counted on the XML before any conversion, whose cost grows with them.
  const body = entries.get('word/document.xml')
  const paragraphs = body ? (new TextDecoder().decode(body).match(/<w:p[\s>/]/g)?.length ?? 0) : 0
  if (paragraphs > limits.maxBlocks)
    throw new ImportError('too_large', `the Word document has ${paragraphs} paragraphs; the limit is ${limits.maxBlocks}`)
  // Stored, not compressed: the copy only lives until mammoth has read it.
  const checked = zipSync(Object.fromEntries(entries), { level: 0 })
  let html: string
  // Each picture is read once, here; the HTML only names it, so that its
  // length (which the text limit bounds) does not grow with the pictures.
  const pictures = new Map<string, { readonly src: string } | LeftOut>()
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(checked.buffer, checked.byteOffset, checked.byteLength) },
      {
        styleMap: STYLE_MAP,
        // A style map embedded in the file would let the file decide its own mapping.
        includeEmbeddedStyleMap: false,
        externalFileAccess: false,
        convertImage: mammoth.images.imgElement(async (image) => {
          const name = `consenso-picture:${pictures.size}`
          const type = image.contentType
          const alt = `picture ${pictures.size + 1}`
          if (!IMAGE_TYPES.includes(type)) pictures.set(name, { what: 'image', reason: `${alt} is ${type}; only PNG, JPEG, GIF and WebP pictures are kept` })
          else {
            const data = await image.readAsBase64String()
            pictures.set(
              name,
              Math.floor((data.length * 3) / 4) > MAX_IMAGE_BYTES
                ? { what: 'image', reason: `${alt} is over ${MAX_IMAGE_BYTES / 1024 / 1024} MiB, the largest picture kept` }
                : { src: `data:${type};base64,${data}` }
            )
          }
          return { src: name }
        })
      }
    )
    html = result.value
  } catch (error) {
    throw new ImportError('malformed', `the file is not a readable Word document: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error
    })
  }
  // mammoth numbers every list from 1 (it reads no w:start); most files have
  // no ordered list, and need no second reading.
  if (html.includes('<ol')) html = withListNumbers(html, wordListItems(entries))
  try {
    return importHtmlReporting(html, limits, pictures)
  } catch (error) {
    // Said of the Word document, not of the HTML the reader never sees.
    if (error instanceof ImportError && error.failure === 'empty') throw new ImportError('empty', 'the Word document has no text')
    if (error instanceof ImportError && error.failure === 'too_large')
      throw new ImportError('too_large', `the Word document's text is over ${limits.maxTextLength} characters long`)
    throw error
  }
}
