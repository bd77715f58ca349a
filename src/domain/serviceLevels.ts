import type { Plan, Tier } from './customer.js';

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';

const HOUR = 60 * 60 * 1000;

/** First-response targets by Enterprise tier and priority (domain.md), in milliseconds. */
export const FIRST_RESPONSE_TARGETS: Readonly<Record<Tier, Readonly<Record<Priority, number>>>> = {
  premium: { P1: 1 * HOUR, P2: 2 * HOUR, P3: 24 * HOUR, P4: 24 * HOUR },
  standard: { P1: 2 * HOUR, P2: 4 * HOUR, P3: 48 * HOUR, P4: 48 * HOUR },
};

/** The first-response target for a tier and priority. */
export function slaFor(tier: Tier, priority: Priority): number {
  return FIRST_RESPONSE_TARGETS[tier][priority];
}

/** The support channels each plan may use (domain.md), in the order they are read out. */
export type Channel = 'community' | 'discord' | 'ticket' | 'ticket-billing-only' | 'chat' | 'phone';

export const CHANNELS_BY_PLAN: Readonly<Record<Plan, readonly Channel[]>> = {
  enterprise: ['phone', 'chat', 'ticket', 'community', 'discord'],
  business: ['chat', 'ticket', 'community', 'discord'],
  pro: ['ticket', 'community', 'discord'],
  free: ['community', 'discord', 'ticket-billing-only'],
};
