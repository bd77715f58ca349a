import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSync, verifySync, type CryptoPlugin } from 'otplib';

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

/**
 * The time step whose code equals `code` within the accepted window around nowMs, or null.
 * The code must already be six digits (otplib throws on anything else).
 */
export function matchingStep(secret: Uint8Array, code: string, nowMs: number): number | null {
  const result = verifySync({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: [
      ACCEPTED_STEPS.past * TOTP_PERIOD_SECONDS,
      ACCEPTED_STEPS.future * TOTP_PERIOD_SECONDS,
    ],
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: 'sha1',
    crypto: nodeCrypto,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** A fresh 160-bit secret, the size RFC 4226 recommends for SHA-1. */
export function newOtpSecret(): Buffer {
  return randomBytes(20);
}
