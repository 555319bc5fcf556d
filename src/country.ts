/** ISO 3166 alpha-2 code of a member country of the Regional Conference on Migration. */
export type CountryCode = 'BZ' | 'CA' | 'CR' | 'SV' | 'US' | 'GT' | 'HN' | 'MX' | 'NI' | 'PA' | 'DO'

/** A member country, with its name in the working languages. */
export interface Country {
  readonly code: CountryCode
  readonly name: { readonly es: string; readonly en: string }
  /** The colour that marks this country's cursors, comments and proposals. */
  readonly color: string
}

/** The 11 member countries, in the order the Conference lists them. */
export const COUNTRIES: readonly Country[] = [
  { code: 'BZ', name: { es: 'Belice', en: 'Belize' }, color: '#1b7f79' },
  { code: 'CA', name: { es: 'Canadá', en: 'Canada' }, color: '#c0392b' },
  { code: 'CR', name: { es: 'Costa Rica', en: 'Costa Rica' }, color: '#2c5aa0' },
  { code: 'SV', name: { es: 'El Salvador', en: 'El Salvador' }, color: '#1f8fd6' },
  { code: 'US', name: { es: 'Estados Unidos', en: 'United States' }, color: '#6c3fa0' },
  { code: 'GT', name: { es: 'Guatemala', en: 'Guatemala' }, color: '#0f8b3a' },
  { code: 'HN', name: { es: 'Honduras', en: 'Honduras' }, color: '#b8860b' },
  { code: 'MX', name: { es: 'México', en: 'Mexico' }, color: '#8e2c48' },
  { code: 'NI', name: { es: 'Nicaragua', en: 'Nicaragua' }, color: '#d35400' },
  { code: 'PA', name: { es: 'Panamá', en: 'Panama' }, color: '#7f8c1d' },
  { code: 'DO', name: { es: 'República Dominicana', en: 'Dominican Republic' }, color: '#a0522d' }
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
