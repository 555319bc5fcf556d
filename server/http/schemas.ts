import { z } from 'zod'
import { isCountryCode, type CountryCode } from '../../src'

/** A member country's ISO code in a request (a body's or a query's field); anything else is refused with one message. */
export const countryCode = z.string().refine(isCountryCode, 'not the ISO code of a member country') as unknown as z.ZodType<CountryCode>
