/**
 * The colours that mark each country's input (and the roles' cursors) stay
 * legible and distinct: WCAG 2.2 contrast (1.4.3, 4.5:1 for text; 1.4.11, 3:1
 * for marks) on every background the stylesheet shows them on, and a
 * perceptible difference (CIEDE2000) between any two of them.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { colorOf, COUNTRIES } from '../../src'
import { ROOT } from '../support'
import { contrastRatio, deltaE2000, deltaE2000Lab, mix } from './contrast'

const WHITE = '#ffffff'

/**
 * Where a country's colour is text (`.count-chip .code`, `.proposal-text`,
 * `.card-change ins`, `.comment-point`), with the backgrounds of
 * editor/styles.css under it; white text on it (chips, cursor labels) is
 * the white row.
 */
const TEXT_BACKGROUNDS: ReadonlyArray<readonly [string, (colour: string) => string]> = [
  ['white (the paper, and white text on the colour)', () => WHITE],
  ['its own 9 % tint (.proposal)', (c) => mix(c, WHITE, 0.09)],
  ['its own 4 % tint (.comment-card.active)', (c) => mix(c, WHITE, 0.04)],
  ['.card-proposal #f6f8fa', () => '#f6f8fa'],
  ['.card-proposal.accepted #ecf7ef', () => '#ecf7ef'],
  ['.card-proposal.rejected #fbefef', () => '#fbefef']
]

/** Where it is a mark: the underline of a passage over the passage's own tint, plain and active. */
const MARK_BACKGROUNDS: ReadonlyArray<readonly [string, (colour: string) => string]> = [
  ['its own 13 % tint (.comment-passage)', (c) => mix(c, WHITE, 0.13)],
  ['its own 30 % tint (.comment-passage.active)', (c) => mix(c, WHITE, 0.3)]
]

const ROLES = ['ppt', 'secretariat', 'delegate', 'reviewer', 'observer'] as const

/** Every colour that marks someone: the 11 countries', then the roles' (for accounts without a country). */
const COLOURS: ReadonlyArray<readonly [string, string]> = [
  ...COUNTRIES.map((c) => [c.code, c.color] as const),
  ...ROLES.map((role) => [role, colorOf({ role, country: null })] as const)
]

describe('country and role colours', () => {
  test.each(COLOURS.flatMap(([who, colour]) => TEXT_BACKGROUNDS.map(([on, bg]) => [who, colour, on, bg(colour)] as const)))(
    '%s (%s) reads at 4.5:1 as text on %s',
    (_who, colour, _on, background) => {
      expect(contrastRatio(colour, background)).toBeGreaterThanOrEqual(4.5)
    }
  )

  test.each(COUNTRIES.flatMap((c) => MARK_BACKGROUNDS.map(([on, bg]) => [c.code, c.color, on, bg(c.color)] as const)))(
    '%s (%s) stands out at 3:1 as a mark on %s',
    (_code, colour, _on, background) => {
      expect(contrastRatio(colour, background)).toBeGreaterThanOrEqual(3)
    }
  )

  // The Presidency's own notes (.country-none) share the Presidency's colour;
  // Mexico, its country, must still look different from it.
  const distinct = [...COUNTRIES.map((c) => [c.code, c.color] as const), ['ppt', colorOf({ role: 'ppt', country: null })] as const]
  test.each(distinct.flatMap(([a, ca], i) => distinct.slice(i + 1).map(([b, cb]) => [a, b, ca, cb] as const)))(
    '%s and %s look different (CIEDE2000 ≥ 10)',
    (_a, _b, ca, cb) => {
      expect(deltaE2000(ca, cb)).toBeGreaterThanOrEqual(10)
    }
  )

  test('the stylesheet gives each country, and the Presidency’s notes, the colour the domain does', () => {
    const css = readFileSync(join(ROOT, 'editor/styles.css'), 'utf8')
    const declared = Object.fromEntries([...css.matchAll(/\.country-(\w+) \{ --country: (#[0-9a-f]{6}); \}/g)].map((m) => [m[1], m[2]]))
    expect(declared).toEqual({
      ...Object.fromEntries(COUNTRIES.map((c) => [c.code, c.color])),
      none: colorOf({ role: 'ppt', country: null })
    })
  })
})

test('contrastRatio and deltaE2000 agree with published values', () => {
  expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5)
  // WebAIM's checker: #777 on white is 4.48:1.
  expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2)
  // Sharma, Wu and Dalal (2005), test data pairs 1 and 17.
  expect(deltaE2000Lab([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4)
  expect(deltaE2000Lab([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 4)
  expect(deltaE2000('#123456', '#123456')).toBe(0)
})
