import type { Agent } from '../domain/storage/agents.js';
import type { DeskCallback } from '../domain/storage/callbackDesk.js';
import type { Repositories } from '../domain/storage/index.js';
import type { Tier } from '../domain/customer.js';
import { slaState, type SlaState } from '../domain/sla.js';
import { en, type Messages } from './i18n/en.js';

/** The words of live calls in one language. */
export type LiveWords = Messages['live'];

/** A P1 caller waiting for an agent, as the console lists them (the queue's own order). */
export interface QueuedCaller {
  callSid: string;
  customerId: string;
  tier: Tier;
  enqueuedAt: number;
  status: string;
}

export interface BoardCall {
  callSid: string;
  state: string;
  customerId: string | null;
  priority: string | null;
  startedAt: number;
  /** Where the caller is, in words: "verifying", "ringing Avery", "number 2 in queue", "talking to Avery". */
  words: string;
  /** The agent the call is with or ringing, to link them both ways. */
  agentId: number | null;
}

/** What the emergency flow's context says of the agents it is ringing (src/voice/flow.ts, AgentOffer). */
interface RingingContext {
  agents?: Array<{ agentId: number }>;
  agentIndex?: number;
}

/** A live call in an agent's words, from its state, the agent on it and its place in the P1 queue. */
export function callInWords(
  call: { callSid: string; state: string; context: unknown },
  agents: readonly Agent[],
  queue: readonly QueuedCaller[],
  w: LiveWords = en.live,
): { words: string; agentId: number | null } {
  const talking = agents.find((a) => a.onCall?.callSid === call.callSid);
  if (talking) return { words: w.talking(talking.name), agentId: talking.agentId };
  const place = queue.findIndex((q) => q.callSid === call.callSid);
  if (place >= 0) return { words: w.inQueue(place + 1), agentId: null };
  if (call.state === 'transfer') {
    const ctx = (call.context ?? {}) as RingingContext;
    const offered = ctx.agents?.[ctx.agentIndex ?? 0];
    const agent = offered && agents.find((a) => a.agentId === offered.agentId);
    return agent ? { words: w.ringing(agent.name), agentId: agent.agentId } : { words: w.ringingSomeone, agentId: null };
  }
  return { words: Object.hasOwn(w.states, call.state) ? w.states[call.state]! : w.state(call.state), agentId: null };
}

export interface BoardCallback extends DeskCallback {
  sla: SlaState;
}

/** Everything the dashboard shows, read at one instant. */
export interface Board {
  now: number;
  me: Agent;
  calls: BoardCall[];
  queue: QueuedCaller[];
  open: BoardCallback[];
  closed: BoardCallback[];
  agents: Agent[];
}

export interface BoardSources {
  store: Pick<Repositories, 'calls' | 'desk' | 'agents'>;
  /** The P1 queue in offer order; swappable so the console does not depend on how the queue is kept. */
  queue: () => Promise<QueuedCaller[]>;
}

const CLOSED_SHOWN_MS = 12 * 60 * 60 * 1000;
const LIMIT = 200;

/** Reads the dashboard: live calls, the queue, callbacks with their SLA state, and the agents. */
export async function readBoard(sources: BoardSources, me: Agent, now: number, words: LiveWords = en.live): Promise<Board> {
  const { store } = sources;
  const [desk, live, queue, agents] = await Promise.all([
    store.desk.board(now - CLOSED_SHOWN_MS, LIMIT),
    store.calls.live(LIMIT),
    sources.queue(),
    store.agents.list(),
  ]);
  const withSla = (c: DeskCallback): BoardCallback => ({ ...c, sla: slaState(c, now) });
  const callbacks = desk.map(withSla);
  return {
    now,
    me,
    calls: live.map((c) => ({
      callSid: c.callSid,
      state: c.state,
      customerId: c.customerId,
      priority: c.priority,
      startedAt: c.startedAt,
      ...callInWords(c, agents, queue, words),
    })),
    queue,
    open: callbacks.filter((c) => c.status !== 'completed' && c.status !== 'cancelled'),
    closed: callbacks.filter((c) => c.status === 'completed' || c.status === 'cancelled'),
    agents,
  };
}
