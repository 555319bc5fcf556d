import { parse } from 'csv-parse/sync'
import { describe, expect, test } from 'vitest'
import { defuseFormulas, toCsv } from '../../server/csv'

describe('defuseFormulas', () => {
  test.each([
    ['plain text', 'plain text'],
    ['=1+1', "'=1+1"],
    ['+34 600', "'+34 600"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t'=1"],
    ['\r=1', "'\r=1"],
    ["Comentario;=cmd|' /C calc'!A0;", "Comentario;'=cmd|' /C calc'!A0;"],
    ['x;=1+1;', "x;'=1+1;"],
    ['a\t+b;-c;@d', "a\t'+b;'-c;'@d"],
    ['a; =b', 'a; =b'],
    ['a, =b', 'a, =b'],
    ['', '']
  ])('%j becomes %j', (input, expected) => {
    expect(defuseFormulas(input)).toBe(expected)
  })
})

describe('toCsv', () => {
  const columns = [
    { key: 'a', header: 'A' },
    { key: 'b', header: 'B' }
  ] as const
  const records = [
    { a: 'uno;dos', b: 'tres\tcuatro' },
    { a: 'con, coma', b: 'sin nada' },
    { a: 'línea\nnueva', b: 7 }
  ]

  test('quotes every field holding a separator of any locale, and reads back as the same texts', () => {
    const csv = toCsv(records, columns)
    expect(csv).toBe('\uFEFFA,B\r\n"uno;dos","tres\tcuatro"\r\n"con, coma",sin nada\r\n"línea\nnueva",7\r\n')
    expect(parse(csv, { bom: true })).toEqual([['A', 'B'], ['uno;dos', 'tres\tcuatro'], ['con, coma', 'sin nada'], ['línea\nnueva', '7']])
  })

  test('separates fields with semicolons on request, reading back the same', () => {
    const csv = toCsv(records, columns, { delimiter: ';' })
    expect(parse(csv, { bom: true, delimiter: ';' })).toEqual([['A', 'B'], ['uno;dos', 'tres\tcuatro'], ['con, coma', 'sin nada'], ['línea\nnueva', '7']])
  })
})
