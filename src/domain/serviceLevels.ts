import type { Plan, Priority, Tier } from './customer.js';
import { FIRST_RESPONSE_TARGETS } from './serviceNumbers.js';

export type { Priority } from './customer.js';

/** The first-response target for a tier and priority (the table is in src/domain/serviceNumbers.ts). */
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
