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

/** What an offer is for: a P1 call (its CallSid), or a callback the dialer rings the agent for. */
export const callbackOffer = (callbackId: number): string => `callback:${callbackId}`;
const isCallbackOffer = (offeredFor: string): boolean => offeredFor.startsWith('callback:');

/** What `activity` reads of an agent: their duty now, the call they are on, and the offer they hold. */
export type AgentFacts = Pick<Agent, 'onDuty' | 'onCall' | 'lastOfferedAt' | 'offeredFor'>;

/**
 * Whether an offer still holds the agent at `now`: until it ends (its end clears `offeredFor`), and
 * for a P1 call at most `offerHoldMs` after it was made, in case its end is never reported. A callback's
 * offer lasts while the dialer's leg to the agent lives (the agent may be talking to the customer on
 * it), up to `callbackOfferMs`.
 */
function offerHolds(agent: AgentFacts, now: number, offerHoldMs: number, callbackOfferMs: number): boolean {
  if (agent.offeredFor === null || agent.lastOfferedAt === null) return false;
  return now - agent.lastOfferedAt < (isCallbackOffer(agent.offeredFor) ? callbackOfferMs : offerHoldMs);
}

/** The states an agent can be in, from the stored facts alone: what the console, CLI, API and metrics show. */
export const AGENT_ACTIVITIES = ['off-duty', 'available', 'offered', 'ringing-callback', 'on-call'] as const;
export type AgentActivity = (typeof AGENT_ACTIVITIES)[number];

/**
 * An agent's state at `now`: on a call; else being offered a P1 call, or ringing for a callback; else
 * available when on duty, off duty otherwise. The flow, the queue, the dialer and every view read it.
 */
export function activity(agent: AgentFacts, now: number, offerHoldMs: number, callbackOfferMs: number): AgentActivity {
  if (agent.onCall !== null) return 'on-call';
  if (offerHolds(agent, now, offerHoldMs, callbackOfferMs)) return isCallbackOffer(agent.offeredFor!) ? 'ringing-callback' : 'offered';
  return agent.onDuty ? 'available' : 'off-duty';
}

/**
 * Whether an agent may be offered a call at `now`: not on a call, and not held by an offer that has
 * not ended (see activity). The transfer, the P1 queue and the dialer all use it.
 */
export function isFreeAt(agent: Pick<AgentFacts, 'onCall' | 'lastOfferedAt' | 'offeredFor'>, now: number, offerHoldMs: number, callbackOfferMs: number): boolean {
  return agent.onCall === null && !offerHolds({ ...agent, onDuty: true }, now, offerHoldMs, callbackOfferMs);
}
