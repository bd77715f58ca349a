import { notFound } from '../domain/errors.js';
import { removedAgent } from '../http/api/agents.js';
import type { Hotline } from '../hotline.js';
import { UsageError } from './command.js';

/** A record's number typed on the command line (an agent's, a callback's), or a usage error naming it. */
export function numberArg(text: string | undefined, what: string, command: string): number {
  if (text === undefined) throw new UsageError(`missing ${what}`, `hotline ${command} --help`);
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) === 0) throw new UsageError(`${what} must be a number such as 12`, `hotline ${command} --help`);
  return Number(text);
}

/** The agent an action is taken as: one who exists and was not removed. */
export async function currentAgent(hotline: Hotline, agentId: number) {
  const agent = await hotline.store.agents.get(agentId);
  if (!agent) throw notFound(`agent ${agentId}`);
  if (agent.removedAt !== null) throw removedAgent(agentId);
  return agent;
}

/** Milliseconds since the epoch as ISO 8601, null kept. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
