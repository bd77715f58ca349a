/**
 * Number ranges the line never calls back, whatever HOTLINE_CALLBACK_COUNTRIES says: a callback to
 * one of them pays its owner (premium rate, shared cost) or costs dollars a minute (satellite,
 * international networks), which is what toll fraud through a typed callback number is after.
 *
 * From the ITU-T E.164 assignments and the national numbering plans. A pattern is the digits after
 * the `+`; `x` stands for any one digit.
 */

export type RefusedKind = 'premium' | 'shared-cost' | 'satellite' | 'international-service';

export interface RefusedRange {
  pattern: string;
  kind: RefusedKind;
  what: string;
}

export const REFUSED_RANGES: readonly RefusedRange[] = [
  // International codes with no country behind them (ITU-T E.164 non-geographic assignments).
  { pattern: '800', kind: 'international-service', what: 'Universal International Freephone Numbers (ITU-T E.169.1)' },
  { pattern: '808', kind: 'shared-cost', what: 'Universal International Shared Cost Numbers (ITU-T E.169.3)' },
  { pattern: '870', kind: 'satellite', what: 'Inmarsat SNAC, maritime and aeronautical satellite terminals' },
  { pattern: '878', kind: 'international-service', what: 'Universal Personal Telecommunications (VISNET and others): a number that follows its owner anywhere' },
  { pattern: '881', kind: 'satellite', what: 'Global Mobile Satellite System: Iridium (8816, 8817), Globalstar (8818, 8819)' },
  { pattern: '882', kind: 'satellite', what: 'International Networks: Thuraya satellite (88216) and carrier networks, billed at satellite rates' },
  { pattern: '883', kind: 'international-service', what: 'International Networks (iNum 883510 and others)' },
  { pattern: '888', kind: 'international-service', what: 'Reserved for OCHA, telecommunications for disaster relief' },
  { pattern: '979', kind: 'premium', what: 'International Premium Rate Service (ITU-T E.169.2)' },
  { pattern: '991', kind: 'international-service', what: 'International Telecommunications Public Correspondence Service trial (ITPCS)' },

  // North American Numbering Plan (+1). Its Caribbean countries are separate calling codes in
  // callingCodes.ts, so `1` never admits them; the 976 exchange is refused in their area codes too.
  { pattern: '1900', kind: 'premium', what: 'NANP 900 premium-rate services' },
  { pattern: '1xxx976', kind: 'premium', what: 'NANP 976 exchange: premium information lines in any area code, Caribbean ones included' },

  // Japan (+81).
  { pattern: '81990', kind: 'premium', what: 'Japan 0990 Dial Q2 premium information service' },
  { pattern: '81570', kind: 'shared-cost', what: 'Japan 0570 Navi Dial: the caller pays a rate the number owner chose' },
  { pattern: '81180', kind: 'premium', what: 'Japan 0180 Teledome: mass-calling and information lines charged to the caller' },

  // United Kingdom (+44).
  { pattern: '449', kind: 'premium', what: 'UK 09 premium-rate services' },
  { pattern: '44871', kind: 'premium', what: 'UK 0871 revenue-sharing service numbers' },
  { pattern: '44872', kind: 'premium', what: 'UK 0872 revenue-sharing service numbers' },
  { pattern: '44873', kind: 'premium', what: 'UK 0873 revenue-sharing service numbers' },
  { pattern: '4484', kind: 'shared-cost', what: 'UK 084 service numbers (formerly lo-call shared cost), with a service charge' },
  { pattern: '4470', kind: 'premium', what: 'UK 070 personal numbering: looks like a mobile, charged far above one, a classic fraud range' },

  // Germany (+49).
  { pattern: '49900', kind: 'premium', what: 'Germany 0900 premium-rate services' },
  { pattern: '49137', kind: 'premium', what: 'Germany 0137 mass-calling (televoting) numbers' },
  { pattern: '49180', kind: 'shared-cost', what: 'Germany 0180 shared-cost service numbers' },

  // France (+33).
  { pattern: '3389', kind: 'premium', what: 'France 089 premium-rate (surtaxé) numbers' },
  { pattern: '3381', kind: 'shared-cost', what: 'France 081 special-rate (shared-cost) numbers' },
  { pattern: '3382', kind: 'shared-cost', what: 'France 082 special-rate (shared-cost) numbers' },

  // Spain (+34).
  { pattern: '34803', kind: 'premium', what: 'Spain 803 premium-rate (adult) services' },
  { pattern: '34806', kind: 'premium', what: 'Spain 806 premium-rate (entertainment) services' },
  { pattern: '34807', kind: 'premium', what: 'Spain 807 premium-rate (professional) services' },
  { pattern: '34901', kind: 'shared-cost', what: 'Spain 901 shared-cost numbers' },
  { pattern: '34902', kind: 'shared-cost', what: 'Spain 902 single-rate numbers paid by the caller' },
  { pattern: '34905', kind: 'premium', what: 'Spain 905 mass-calling (televoting) numbers' },

  // Italy (+39), the Netherlands (+31), Belgium (+32), Switzerland (+41).
  { pattern: '3989', kind: 'premium', what: 'Italy 89x premium-rate services' },
  { pattern: '31900', kind: 'premium', what: 'Netherlands 0900 premium-rate information lines' },
  { pattern: '31906', kind: 'premium', what: 'Netherlands 0906 premium-rate (adult) lines' },
  { pattern: '31909', kind: 'premium', what: 'Netherlands 0909 premium-rate (entertainment) lines' },
  { pattern: '3290', kind: 'premium', what: 'Belgium 090x premium-rate services' },
  { pattern: '41900', kind: 'premium', what: 'Switzerland 0900 premium-rate (business) services' },
  { pattern: '41901', kind: 'premium', what: 'Switzerland 0901 premium-rate (entertainment) services' },
  { pattern: '41906', kind: 'premium', what: 'Switzerland 0906 premium-rate (adult) services' },

  // Australia (+61).
  { pattern: '611900', kind: 'premium', what: 'Australia 1900 premium-rate services' },
  { pattern: '6113', kind: 'shared-cost', what: 'Australia 13 and 1300 local-rate (shared-cost) numbers' },
];

const matches = (pattern: string, digits: string): boolean =>
  digits.length >= pattern.length && [...pattern].every((p, i) => p === 'x' || p === digits[i]);

/** The refused range an E.164 number falls in, or undefined when it may be called. */
export function refusedRangeOf(e164: string): RefusedRange | undefined {
  const digits = e164.startsWith('+') ? e164.slice(1) : e164;
  return REFUSED_RANGES.find((range) => matches(range.pattern, digits));
}
