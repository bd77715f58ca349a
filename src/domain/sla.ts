import type { CallbackStatus } from './storage/callbacks.js';
import { AT_RISK_MS } from './serviceNumbers.js';

/** Where a callback stands against its deadline. */
export const SLA_STATES = ['on_time', 'at_risk', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** What the SLA state is derived from. */
export interface SlaFacts {
  dueAt: number;
  status: CallbackStatus;
  /** When the customer was connected (pressed a key on a callback call), if they were. */
  connectedAt?: number | null;
  /** When the dialer recorded the deadline passing unconnected, if it did. */
  breachedAt?: number | null;
}

/**
 * The SLA state of a callback at `now`:
 * - connected or completed: breached if the deadline had passed by then (or a breach was recorded), else on time;
 * - cancelled: on time, nothing is owed any more;
 * - pending, dialing or failed: breached once due, at risk with under 15 minutes left, on time before that.
 *   A failed callback keeps its clock: the dialer gave up, but the promise is still owed.
 */
export function slaState(callback: SlaFacts, now: number): SlaState {
  const { status, dueAt } = callback;
  if (status === 'cancelled') return 'on_time';
  if (status === 'connected' || status === 'completed') {
    if (callback.breachedAt != null) return 'breached';
    return callback.connectedAt != null && callback.connectedAt > dueAt ? 'breached' : 'on_time';
  }
  const left = dueAt - now;
  if (left <= 0) return 'breached';
  return left < AT_RISK_MS ? 'at_risk' : 'on_time';
}

/** True when the dialer should ring every free agent at once rather than one after another. */
export function needsEveryAgent(callback: SlaFacts, now: number): boolean {
  return slaState(callback, now) !== 'on_time';
}
