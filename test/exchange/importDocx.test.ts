import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { defaultImportLimits, importDocx, type ImportFailure, type ImportLimits } from '../../server/exchange'
import { handMadeDocxParts, item, para, run, shape, withDeclaredSize, zip } from './helpers'

const handMade = (body: string) => zip(handMadeDocxParts(body))

const refusal = async (bytes: Uint8Array, limits?: ImportLimits) => {
  try {
    await importDocx(bytes, limits)
  } catch (error) {
    return error
  }
  throw new Error('the file was imported')
}

describe('importDocx', () => {
  test('reads a Word file written by hand, keeping headings, nested lists, bold, italic, links and breaks', async () => {
    const doc = await importDocx(
      handMade(
        para('Heading1', run('Estrategia regional')) +
          para(
            null,
            run('Texto '),
            run('negrita', { bold: true }),
            run(' y '),
            run('cursiva', { italics: true }),
            run(' '),
            '<w:hyperlink r:id="rIdLink"><w:r><w:t>CRM</w:t></w:r></w:hyperlink>',
            '<w:r><w:br/></w:r>',
            run('segunda línea')
          ) +
          item(1, 0, run('uno')) +
          item(1, 1, run('uno.uno')) +
          item(1, 0, run('dos')) +
          item(2, 0, run('primero')) +
          item(2, 0, run('segundo')) +
          para('Ttulo2', run('1. Antecedentes')) +
          para('Ttulo4', run('Detalle'))
      )
    )
    expect(shape(doc)).toBe(
      'doc[heading(level=1)["Estrategia regional"], ' +
        'paragraph["Texto ", strong"negrita", " y ", em"cursiva", " ", link(https://www.crmsv.org)"CRM", hard_break, "segunda línea"], ' +
        'bullet_list[list_item[paragraph["uno"], bullet_list[list_item[paragraph["uno.uno"]]]], list_item[paragraph["dos"]]], ' +
        'ordered_list(order=1)[list_item[paragraph["primero"]], list_item[paragraph["segundo"]]], ' +
        'heading(level=2)["1. Antecedentes"], heading(level=3)["Detalle"]]'
    )
  })

  test('keeps tracked insertions and leaves tracked deletions out', async () => {
    const change = 'w:author="México" w:date="2021-10-15T00:00:00Z"'
    const doc = await importDocx(
      handMade(
        para(
          null,
          run('Se '),
          `<w:del w:id="1" ${change}><w:r><w:delText>quitó</w:delText></w:r></w:del>`,
          `<w:ins w:id="2" ${change}><w:r><w:t>añadió</w:t></w:r></w:ins>`,
          run(' texto.')
        )
      )
    )
    expect(doc.textContent).toBe('Se añadió texto.')
  })

  test('gives every block a fresh id', async () => {
    const doc = await importDocx(handMade(para(null, run('uno')) + para(null, run('dos'))))
    const ids: unknown[] = []
    doc.forEach((block) => ids.push(block.attrs.id))
    expect(ids).toEqual([expect.stringMatching(/^b[a-z0-9]{10}$/), expect.stringMatching(/^b[a-z0-9]{10}$/)])
  })

  const document = handMade(para(null, run('Texto')))
  const small: ImportLimits = { ...defaultImportLimits, maxUnpackedBytes: 1024 * 1024 }
  const zeros = (bytes: number) => new Uint8Array(bytes)
  for (const { name, bytes, limits, failure } of [
    { name: 'random bytes', bytes: () => new Uint8Array(randomBytes(4096)), failure: 'malformed' },
    { name: 'no bytes at all', bytes: () => new Uint8Array(), failure: 'malformed' },
    { name: 'a PDF', bytes: () => new TextEncoder().encode('%PDF-1.4\n%âãÏÓ\n1 0 obj'), failure: 'malformed' },
    { name: 'a zip of something else', bytes: () => zip({ 'hola.txt': 'hola' }), failure: 'malformed' },
    {
      name: 'a package without word/document.xml',
      bytes: () => {
        const { 'word/document.xml': _, ...rest } = handMadeDocxParts('')
        return zip(rest)
      },
      failure: 'malformed'
    },
    { name: 'a document.xml that is not XML', bytes: () => zip({ ...handMadeDocxParts(''), 'word/document.xml': '<w:document><<<' }), failure: 'malformed' },
    { name: 'a truncated file', bytes: () => document.slice(0, Math.floor(document.length / 2)), failure: 'malformed' },
    { name: 'an entry with a path out of the archive', bytes: () => zip({ ...handMadeDocxParts(''), '../../etc/evil.xml': 'x' }), failure: 'malformed' },
    {
      name: 'an entry declaring 3.75 GiB unpacked',
      bytes: () => withDeclaredSize(zip({ 'word/document.xml': 'x' }), 0xf000_0000),
      failure: 'too_large'
    },
    {
      name: 'an entry that inflates to more than it declares',
      bytes: () => withDeclaredSize(zip({ 'word/document.xml': zeros(2 * 1024 * 1024) }), 100),
      failure: 'malformed'
    },
    { name: 'an entry that inflates past the limit', bytes: () => zip({ ...handMadeDocxParts(''), 'word/media/big.bin': zeros(2 * 1024 * 1024) }), limits: small, failure: 'too_large' },
    {
      name: 'entries that together inflate past the limit',
      bytes: () => zip({ ...handMadeDocxParts(''), 'word/media/a.bin': zeros(600 * 1024), 'word/media/b.bin': zeros(600 * 1024) }),
      limits: small,
      failure: 'too_large'
    },
    {
      name: 'more entries than the limit',
      bytes: () => zip(Object.fromEntries(Array.from({ length: defaultImportLimits.maxEntries + 1 }, (_, i) => [`word/media/${i}.xml`, '']))),
      failure: 'too_large'
    },
    { name: 'a file over the size limit', bytes: () => document, limits: { ...defaultImportLimits, maxFileBytes: 100 }, failure: 'too_large' },
    { name: 'a document with no text', bytes: () => handMade(para(null) + para('Heading1', run('  '))), failure: 'empty' }
  ] satisfies Array<{ name: string; bytes: () => Uint8Array; limits?: ImportLimits; failure: ImportFailure }>) {
    test(`refuses ${name} with ImportError ${failure}`, async () => {
      const error = await refusal(bytes(), limits)
      expect(error).toMatchObject({ name: 'ImportError', failure, message: expect.any(String) })
    })
  }

  test('refuses a zip bomb before inflating it', async () => {
    // 4 GiB of zeros cannot be built here; a small entry that says so is
    // refused on its word, so the check must come before any inflating.
    const started = Date.now()
    const error = await refusal(withDeclaredSize(zip({ ...handMadeDocxParts(''), 'word/media/bomb.bin': zeros(1024) }), 0xffff_fff0))
    expect(error).toMatchObject({ failure: 'too_large', message: expect.stringContaining('limit is 52428800') })
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})
