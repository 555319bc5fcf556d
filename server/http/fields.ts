import { z } from 'zod'
import { isCountryCode, isIsoDate, MAX_SUGGESTION_LENGTH, type CountryCode, type IsoDate } from '../../src'

/** Validators of fields that several route modules' bodies and queries share. */

/** Trimmed text of 1 to `max` characters. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)

/** A calendar date, YYYY-MM-DD. */
export const isoDate = z.string().refine(isIsoDate, 'dates are written YYYY-MM-DD') as unknown as z.ZodType<IsoDate>

/** The ISO code of a member country. */
export const countryCode = z.string().refine(isCountryCode, 'not the ISO code of a member country') as unknown as z.ZodType<CountryCode>

/** A passage named as comments and brackets name it: a W3C TextQuoteSelector, optionally narrowed to one block. */
export const quoteSelector = z
  .object({
    type: z.literal('TextQuoteSelector'),
    exact: z.string().max(MAX_SUGGESTION_LENGTH),
    prefix: z.string().max(500).optional(),
    suffix: z.string().max(500).optional(),
    blockId: z.string().max(40).optional()
  })
  .strict()
