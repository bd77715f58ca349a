import { describe, expect, it } from 'vitest';
import { codeForStep, matchingStep, secondsLeftInStep, timeStepAt } from '../../src/domain/totp.js';

// RFC 6238 Appendix B, SHA-1 rows. The RFC prints 8 digits; a 6-digit code is the same HOTP value
// truncated to 10^6, so its last six digits are the code an authenticator app shows.
const SECRET = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: Array<[seconds: number, eightDigits: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('the dashboard and authenticator code (RFC 6238, SHA-1, 30 s)', () => {
  it.each(VECTORS)('at T=%i s the code is the last six digits of %s', (seconds, eightDigits) => {
    expect(codeForStep(SECRET, timeStepAt(seconds * 1000))).toBe(eightDigits.slice(-6));
  });

  it.each(VECTORS)('at T=%i s the code %s is recognised as the step it belongs to', (seconds, eightDigits) => {
    expect(matchingStep(SECRET, eightDigits.slice(-6), seconds * 1000)).toBe(Math.floor(seconds / 30));
  });

  it('counts the seconds a code has left the way the dashboard shows them', () => {
    expect(secondsLeftInStep(30_000)).toBe(30);
    expect(secondsLeftInStep(59_000)).toBe(1);
    expect(secondsLeftInStep(59_999)).toBe(1);
    expect(secondsLeftInStep(45_500)).toBe(15);
  });
});
