import type { Logger } from 'pino';
import type { AgentRepository } from '../domain/storage/agents.js';
import type { Repositories, Store } from '../domain/storage/index.js';
import { speakersFirst } from '../domain/agentLanguages.js';
import type { Clock } from '../domain/clock.js';
import type { Language } from '../../voice-flows/prompts/index.js';
import { agentOffer, type AgentOffer, type QueueOffer } from './flow.js';
import { sayNode } from './render.js';
import { el, twimlDocument } from './twiml.js';

interface Deps {
  store: Store;
  /** Agents on duty now, in the order they should be offered calls, each marked free or not. */
  agentsOnDuty(agents: AgentRepository): Promise<Array<AgentOffer & { free: boolean }>>;
  clock: Clock;
  logger: Logger;
  urls: { wait(callSid: string): string; key(callSid: string): string; holdMusic: string };
}

/**
 * The P1 queue as callers experience it. Twilio keeps the caller on hold (<Enqueue>) and fetches the
 * wait URL again each time its TwiML ends; each fetch either hands the caller, if first in line, to a
 * free agent (<Leave/>, then the flow dials that agent with the whisper) or tells the caller their
 * place and plays the hold tune, with 1 to take a callback instead.
 */
export function createP1Queue(deps: Deps) {
  const { store, clock, logger, urls } = deps;
  const leave = twimlDocument([el('Leave')]);

  return {
    /** The wait URL's TwiML for a waiting caller: one unit of work, as it may hand the caller to an agent. */
    wait(callSid: string): Promise<string> {
      return store.unitOfWork((tx) => waitStep(tx, callSid));
    },

    /** A key pressed while waiting: 1 leaves the queue for a P1 callback. */
    async key(callSid: string, digits: string | undefined): Promise<string> {
      if (digits === '1' && (await store.queue.requestCallback(callSid, clock.now()))) {
        logger.info({ callSid }, 'caller left the queue for a callback');
        return leave;
      }
      return twimlDocument([el('Redirect', { method: 'POST' }, urls.wait(callSid))]);
    },

    /** Why the caller left the queue, for the flow's next step. */
    async offerFor(tx: Repositories, callSid: string): Promise<QueueOffer> {
      const entry = await tx.queue.get(callSid);
      if (entry?.status === 'callback-requested') return { kind: 'callback-requested' };
      if (entry?.status === 'offered' && entry.offeredAgentId !== null) {
        const agent = await tx.agents.get(entry.offeredAgentId);
        if (agent) return { kind: 'offered', agent: agentOffer(agent) };
      }
      return { kind: 'none' };
    },
  };

  async function waitStep(tx: Repositories, callSid: string): Promise<string> {
    const { queue } = tx;
    const entry = await queue.get(callSid);
    if (!entry || entry.status !== 'waiting') return leave;
    const language = ((await tx.calls.get(callSid))?.language ?? 'en-US') as Language;
    const now = clock.now();
    const onDuty = await deps.agentsOnDuty(tx.agents);
    if (onDuty.length === 0 && (await queue.requestCallback(callSid, now))) {
      // The last agent went off duty (the roster's end, a switch, a removal) while callers waited:
      // nobody will free up, so each caller gets the P1 callback rather than hold music for ever.
      logger.warn({ callSid, waitedMs: now - entry.enqueuedAt }, 'nobody on duty: queued caller handed to a P1 callback');
      return leave;
    }
    // The head is taken first (one taker at a time across instances), then a free agent reserved; an
    // agent another offer took since the agents were read is skipped, and with none left the caller
    // goes back to their place.
    for (const agent of speakersFirst(onDuty.filter((a) => a.free), entry.language)) {
      if (!(await queue.offerHead(callSid, agent.agentId, now))) break;
      if (await tx.agents.reserve(agent.agentId, now, callSid)) {
        logger.info({ callSid, agentId: agent.agentId, waitedMs: now - entry.enqueuedAt }, 'queue head offered to a free agent');
        return leave;
      }
      await queue.enqueue(entry, now);
    }
    const position = (await queue.position(callSid)) ?? 1;
    return twimlDocument([
      el(
        'Gather',
        { input: 'dtmf', numDigits: 1, action: urls.key(callSid), method: 'POST', timeout: 1 },
        sayNode({ key: 'queuePosition', params: { position } }, language),
        el('Play', {}, urls.holdMusic),
      ),
    ]);
  }
}

export type P1Queue = ReturnType<typeof createP1Queue>;
