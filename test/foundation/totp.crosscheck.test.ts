import { randomBytes, randomInt } from 'node:crypto';
import { generateSync } from 'otplib';
import { describe, expect, it } from 'vitest';
import { matchingStep } from '../../src/domain/totp.js';

// The verification path computes codes with node:crypto; authenticator apps and otplib must agree with it.
describe('the code check agrees with otplib', () => {
  it('for random secrets and moments, every step of the window and no step outside it', () => {
    for (let i = 0; i < 200; i++) {
      const secret = randomBytes(20);
      const nowMs = randomInt(1_000_000, 2_000_000_000) * 1000;
      const now = Math.floor(nowMs / 30_000);
      for (const offset of [-3, -2, -1, 0, 1, 2]) {
        const code = generateSync({ secret, epoch: (now + offset) * 30 });
        const step = matchingStep(secret, code, nowMs);
        if (offset >= -2 && offset <= 1) expect(step).toBe(now + offset);
        // Outside the window a code is refused, unless by chance it equals a code inside it.
        else expect(step === null || step >= now - 2).toBe(true);
      }
    }
  });
});
