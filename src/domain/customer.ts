/** Plans as sold; only Enterprise may use the emergency line. */
export const PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];
/** Enterprise comes in two tiers; Premium is answered first. */
export const TIERS = ['standard', 'premium'] as const;
export type Tier = (typeof TIERS)[number];
/** How urgent an issue is, as the caller chooses it (domain.md): P1 the most. */
export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export const CUSTOMER_STATUSES = ['active', 'suspended'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export interface Customer {
  customerId: string;
  name: string;
  plan: Plan;
  /** Set exactly when plan is enterprise. */
  tier: Tier | null;
  status: CustomerStatus;
  /** Contact phone in E.164, or null. */
  phone: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The kinds of one-time-code secret a customer can hold. */
export type SecretKind = 'dashboard' | 'authenticator' | 'authenticator-pending';
/** The factor a verified caller used. */
export type Factor = 'dashboard' | 'authenticator';

/**
 * An E.164 phone number without its anchors, as an HTML input's pattern takes it: +, a country code
 * that never starts with 0, and at most 15 digits in all (ITU-T E.164); at least 7, as the shortest
 * numbers in use have (a 3-digit country code and a 4-digit number, as in Niue).
 */
export const E164_PATTERN = '\\+[1-9][0-9]{6,14}';
/** An E.164 phone number: the one shape of number the line stores, dials, texts or counts guesses by. */
export const E164 = new RegExp(`^${E164_PATTERN}$`);

/** The From Twilio gives a caller who withholds their number: E.164 in shape, but no line anyone answers. */
export const TWILIO_ANONYMOUS_FROM = '+266696687';

/**
 * The caller's number when it is one to call back or to count guesses against; null when it is missing,
 * withheld ("anonymous", "Restricted", "unknown", Twilio's +266696687) or anything else not E.164.
 */
export function callableNumber(from: string | null | undefined): string | null {
  return from && E164.test(from) && from !== TWILIO_ANONYMOUS_FROM ? from : null;
}
/** A Twilio call SID: CA and 32 letters or digits. */
export const CALL_SID = /^CA[0-9a-zA-Z]{32}$/;

/** Masks a phone number for logs: country code and last two digits only. */
export function maskPhone(phone: string | null | undefined): string | undefined {
  if (!phone) return undefined;
  if (!E164.test(phone)) return phone.length > 12 ? 'other' : phone.replace(/[0-9]/g, '*');
  return `${phone.slice(0, 2)}${'*'.repeat(phone.length - 4)}${phone.slice(-2)}`;
}

/** Masks a customer ID for logs and whispers: its last four digits. */
export function idEnding(customerId: string): string {
  return customerId.slice(-4);
}
