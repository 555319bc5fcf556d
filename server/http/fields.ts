import { z } from 'zod'
import { isCountryCode, isIsoDate, type CountryCode, type IsoDate } from '../../src'

/** Validators of fields that several route modules' bodies and queries share. */

/** Trimmed text of 1 to `max` characters. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)

/** A calendar date, YYYY-MM-DD. */
export const isoDate = z.string().refine(isIsoDate, 'dates are written YYYY-MM-DD') as unknown as z.ZodType<IsoDate>

/** The ISO code of a member country. */
export const countryCode = z.string().refine(isCountryCode, 'not the ISO code of a member country') as unknown as z.ZodType<CountryCode>
