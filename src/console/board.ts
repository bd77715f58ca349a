import type { Agent } from '../domain/storage/agents.js';
import type { DeskCallback } from '../domain/storage/callbackDesk.js';
import type { Repositories } from '../domain/storage/index.js';
import type { Tier } from '../domain/customer.js';
import { slaState, type SlaState } from '../domain/sla.js';

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
export async function readBoard(sources: BoardSources, me: Agent, now: number): Promise<Board> {
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
    })),
    queue,
    open: callbacks.filter((c) => c.status !== 'completed' && c.status !== 'cancelled'),
    closed: callbacks.filter((c) => c.status === 'completed' || c.status === 'cancelled'),
    agents,
  };
}
