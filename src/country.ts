/** ISO 3166 alpha-2 code of a member country of the Regional Conference on Migration. */
export type CountryCode = 'BZ' | 'CA' | 'CR' | 'SV' | 'US' | 'GT' | 'HN' | 'MX' | 'NI' | 'PA' | 'DO'

/** A member country, with its name in the working languages. */
export interface Country {
  readonly code: CountryCode
  readonly name: { readonly es: string; readonly en: string }
  /**
   * The colour that marks this country's cursors, comments and proposals:
   * text in it, and white text on it, reads at 4.5:1 or more on the
   * backgrounds the editor shows it on, and it differs plainly from every
   * other country's (test/unit/countryColors.test.ts).
   */
  readonly color: string
}

/** The 11 member countries, in the order the Conference lists them. */
export const COUNTRIES: readonly Country[] = [
  { code: 'BZ', name: { es: 'Belice', en: 'Belize' }, color: '#0f6e62' },
  { code: 'CA', name: { es: 'Canadá', en: 'Canada' }, color: '#b8321f' },
  { code: 'CR', name: { es: 'Costa Rica', en: 'Costa Rica' }, color: '#2b4ba6' },
  { code: 'SV', name: { es: 'El Salvador', en: 'El Salvador' }, color: '#00708f' },
  { code: 'US', name: { es: 'Estados Unidos', en: 'United States' }, color: '#6c3fa0' },
  { code: 'GT', name: { es: 'Guatemala', en: 'Guatemala' }, color: '#0b7a35' },
  { code: 'HN', name: { es: 'Honduras', en: 'Honduras' }, color: '#836006' },
  { code: 'MX', name: { es: 'México', en: 'Mexico' }, color: '#8e2c48' },
  { code: 'NI', name: { es: 'Nicaragua', en: 'Nicaragua' }, color: '#b04800' },
  { code: 'PA', name: { es: 'Panamá', en: 'Panama' }, color: '#5c6a12' },
  { code: 'DO', name: { es: 'República Dominicana', en: 'Dominican Republic' }, color: '#6b3a1f' }
]

const byCode = new Map<string, Country>(COUNTRIES.map((c) => [c.code, c]))

/** Whether `value` is the code of a member country (upper case, as in ISO 3166). */
export const isCountryCode = (value: unknown): value is CountryCode => typeof value === 'string' && byCode.has(value)

/** The member country with this code. Throws a `RangeError` for any other code. */
export function countryOf(code: string): Country {
  const country = byCode.get(code)
  if (!country) throw new RangeError(`Not a member country: ${JSON.stringify(code)}`)
  return country
}
