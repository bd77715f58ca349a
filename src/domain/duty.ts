import type { Agent, DutyMode } from './storage/agents.js';
import { isOnRoster, type Roster } from './roster.js';

/*
 * The rules of who may be offered a call. Storage only keeps the facts (duty mode, roster, the call an
 * agent is on, when they were last offered one); these decide what the facts mean at an instant.
 */

/** Whether an agent is on duty at an instant under their duty mode. */
export function onDutyAt(agent: { duty: DutyMode; roster: Roster | null }, now: number): boolean {
  if (agent.duty === 'roster') return agent.roster !== null && isOnRoster(agent.roster, now);
  return agent.duty === 'on';
}

/**
 * Whether an agent may be offered a call at `now`: not on a call, and not offered one in the last
 * `offerHoldMs` (that phone may still be ringing). The transfer, the P1 queue and the dialer all use it.
 */
export function isFreeAt(agent: Pick<Agent, 'onCall' | 'lastOfferedAt'>, now: number, offerHoldMs: number): boolean {
  return agent.onCall === null && (agent.lastOfferedAt === null || now - agent.lastOfferedAt >= offerHoldMs);
}
