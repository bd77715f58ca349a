import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSync, type CryptoPlugin } from 'otplib';

/** RFC 6238 parameters shared by the dashboard code and authenticator apps: SHA-1, 6 digits, 30 s. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Accepted steps around now: the caller reads the code, dials, hears prompts, then types it. */
export const ACCEPTED_STEPS = { past: 2, future: 1 } as const;

const CODE_SHAPE = /^[0-9]{6}$/;

/** otplib's HMAC through node:crypto, several times faster than its pure-JS default. */
const nodeCrypto: CryptoPlugin = {
  name: 'node-crypto',
  hmac: (algorithm, key, data) => new Uint8Array(createHmac(algorithm, key).update(data).digest()),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
  constantTimeEqual: (a, b) => {
    const x = typeof a === 'string' ? Buffer.from(a) : Buffer.from(a);
    const y = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  },
};

/** True when the text is exactly six ASCII digits: the only shape otplib is ever given. */
export function isCodeShaped(code: string): boolean {
  return CODE_SHAPE.test(code);
}

/** The time step of a moment in milliseconds. */
export function timeStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** Seconds until the code of the step containing nowMs is replaced. */
export function secondsLeftInStep(nowMs: number): number {
  const periodMs = TOTP_PERIOD_SECONDS * 1000;
  return Math.ceil((periodMs - (nowMs % periodMs)) / 1000);
}

/** The code for a given time step. */
export function codeForStep(secret: Uint8Array, step: number): string {
  return generateSync({
    secret,
    epoch: step * TOTP_PERIOD_SECONDS,
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: 'sha1',
    crypto: nodeCrypto,
  });
}

/** RFC 4226 HOTP of one counter value, 6 digits, HMAC-SHA-1: the same codes otplib makes. */
function hotp(secret: Uint8Array, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** TOTP_DIGITS;
  return String(value).padStart(TOTP_DIGITS, '0');
}

/**
 * The time step whose code equals `code` within the accepted window around nowMs, or null.
 * The code must already be six digits. Checked with node:crypto directly: this runs twice for every
 * code a caller types, and otplib's general-purpose path costs about five times as much per factor.
 * Every step of the window is computed and compared in constant time, whatever matches.
 */
export function matchingStep(secret: Uint8Array, code: string, nowMs: number): number | null {
  const now = timeStepAt(nowMs);
  const typed = Buffer.from(code);
  let found: number | null = null;
  for (let step = Math.max(0, now - ACCEPTED_STEPS.past); step <= now + ACCEPTED_STEPS.future; step++) {
    const expected = Buffer.from(hotp(secret, step));
    if (expected.length === typed.length && timingSafeEqual(expected, typed) && found === null) found = step;
  }
  return found;
}

/** A fresh 160-bit secret, the size RFC 4226 recommends for SHA-1. */
export function newOtpSecret(): Buffer {
  return randomBytes(20);
}
