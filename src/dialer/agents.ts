import type { Agent, AgentRepository } from '../domain/storage/agents.js';

/** Agents the dialer may ring at `now`: on duty by switch or roster, not on a call, not just offered one. */
export type FreeAgents = (now: number) => Promise<Agent[]>;

/** The agent repository's view of who is free: the same the transfer and the P1 queue offer calls to. */
export function freeAgentsOf(agents: Pick<AgentRepository, 'freeOnDutyAt'>): FreeAgents {
  return (now) => agents.freeOnDutyAt(now);
}
