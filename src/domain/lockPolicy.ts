import type { FailureState } from './storage/verification.js';
import { LOCK_POLICY } from './serviceNumbers.js';

/** Whether an ID is locked at a moment. */
export function isLocked(state: FailureState, nowMs: number): boolean {
  return state.lockedForReview || (state.lockedUntil !== null && state.lockedUntil > nowMs);
}

/** The failure state after one more failure at nowMs. */
export function afterFailure(prev: FailureState, nowMs: number): FailureState {
  const consecutiveFailures = prev.consecutiveFailures + 1;
  if (consecutiveFailures >= LOCK_POLICY.failuresUntilReview) {
    return { ...prev, consecutiveFailures, lockedForReview: true };
  }
  if (consecutiveFailures % LOCK_POLICY.failuresPerLock !== 0) return { ...prev, consecutiveFailures };
  const duration = Math.min(LOCK_POLICY.firstLockMs * 2 ** prev.locks, LOCK_POLICY.longestLockMs);
  return { consecutiveFailures, locks: prev.locks + 1, lockedUntil: nowMs + duration, lockedForReview: false };
}
