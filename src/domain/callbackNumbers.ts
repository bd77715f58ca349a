/**
 * Which numbers a callback may go to. The line pays for every callback call, so a number the caller
 * types is a way to make it call anywhere: refused ranges never, other countries only when allowed.
 */
import { callingCodeOf } from './callingCodes.js';
import { refusedRangeOf } from './numberRanges.js';

/** Why a number is not called back: a refused range (premium, shared cost, satellite) or a country not allowed. */
export type CallbackNumberRefusal = 'refused-range' | 'country-not-allowed';

/** True when the line may call the number at all: not in a refused range. */
export const isCallableNumber = (e164: string): boolean => refusedRangeOf(e164) === undefined;

/** Why a typed callback number is refused, or null when it may be booked; `anywhere` skips the country check only. */
export function callbackNumberRefusal(e164: string, allowedCountries: ReadonlySet<string> | 'anywhere'): CallbackNumberRefusal | null {
  if (!isCallableNumber(e164)) return 'refused-range';
  if (allowedCountries === 'anywhere') return null;
  const code = callingCodeOf(e164);
  return code !== undefined && allowedCountries.has(code) ? null : 'country-not-allowed';
}

/**
 * The calling codes of the given numbers (the line's own numbers and the customers' phones on file):
 * the countries the line serves, allowed when HOTLINE_CALLBACK_COUNTRIES is unset.
 */
export function countriesOf(numbers: Iterable<string>): Set<string> {
  const codes = new Set<string>();
  for (const number of numbers) {
    const code = callingCodeOf(number);
    if (code !== undefined) codes.add(code);
  }
  return codes;
}
