import type { Logger } from 'pino';
import type { VerificationRepository } from './storage/verification.js';
import type { Clock } from './clock.js';
import { GUESS_REASONS } from './verifyCaller.js';

/**
 * The line-wide guard against guessing. The per-ID lock and the per-number limit bound one ID and one
 * number; an attacker spoofing numbers across many known IDs stays under both. Refused codes across
 * every ID above `refusals` within `windowMs` make the guard active: the gauge
 * hotline_verification_guard_active turns 1 (the runbook alarms on it) and one warning is logged.
 * 50 in 10 minutes is far above a real outage's typos (200 callers in 10 minutes, one in ten
 * mistyping once, refuse 20).
 */
export interface GuardPolicy {
  refusals: number;
  windowMs: number;
}

export const DEFAULT_GUARD_POLICY: GuardPolicy = { refusals: 50, windowMs: 10 * 60 * 1000 };

export interface VerificationGuard {
  /**
   * Counts the line's refused codes in the window now; logs once when the guard turns active, and when it
   * clears. Inside a unit of work pass its repository: the count is then that transaction's, which needs
   * no second connection while it holds one (on PostgreSQL, callers holding every connection of the pool
   * would wait for one another).
   */
  check(within?: Pick<VerificationRepository, 'refusalsSince'>): Promise<boolean>;
}

export function createVerificationGuard(deps: {
  verification: Pick<VerificationRepository, 'refusalsSince'>;
  clock: Clock;
  logger: Logger;
  policy: GuardPolicy;
}): VerificationGuard {
  const { verification, clock, logger, policy } = deps;
  let active = false;
  return {
    async check(within = verification) {
      const refused = await within.refusalsSince(clock.now() - policy.windowMs, GUESS_REASONS);
      const now = refused >= policy.refusals;
      if (now && !active) {
        logger.warn(
          { refusedCodes: refused, windowMinutes: policy.windowMs / 60_000, threshold: policy.refusals },
          'verification guard active: refused codes across the line are above the guessing threshold',
        );
      } else if (!now && active) {
        logger.info({ refusedCodes: refused }, 'verification guard cleared');
      }
      active = now;
      return now;
    },
  };
}
