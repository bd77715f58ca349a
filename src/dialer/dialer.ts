/**
 * The callback dialer: a worker that keeps callback promises. Each tick it records deadlines that
 * passed, checks on calls whose lease ran out, then claims due callbacks one at a time (earliest
 * due first, Premium before Standard, P1 before P2) and rings a free on-duty agent - every free
 * agent at once when the callback is at risk. What happens next is driven by the calls' webhooks
 * (src/dialer/callbackCalls.ts). Crash safety comes from storage: a callback is claimed with
 * a lease in a transaction before any call is placed, and legs are recorded before calls.create; each
 * of those writes is awaited, so it is on disk before the call is asked of Twilio.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Agent, AgentRepository } from '../domain/storage/agents.js';
import type { CallbackLeg, ClaimedCallback } from '../domain/storage/callbackDialer.js';
import { speakersFirst } from '../domain/agentLanguages.js';
import { CALLBACK_AGENT_RING_SECONDS, DIAL_POLICY, MAX_AGENTS_AT_ONCE } from '../domain/serviceNumbers.js';
import { needsEveryAgent } from '../domain/sla.js';
import type { TwilioClient } from '../twilio/client.js';
import { errorSummary } from '../twilio/errors.js';
import type { FreeAgents } from './agents.js';
import { callerIdFor } from './callerId.js';
import { isFinalLeg, isLegStatus } from '../domain/callbackLegs.js';
import type { DialingDeps } from './deps.js';

export interface CallbackDialerDeps extends DialingDeps {
  agents: Pick<AgentRepository, 'markCallEnded'>;
  freeAgents: FreeAgents;
  /** How often the worker looks for due callbacks. */
  pollMs: number;
  /** This worker's name in leases; default host:pid:random. */
  owner?: string;
}

/** What one tick did. */
export interface TickReport {
  breached: number;
  claimed: number;
  callsPlaced: number;
  reconciled: number;
}

export interface CallbackDialer {
  readonly owner: string;
  /** Ticks now and every pollMs; logs once if it cannot dial (local mode). */
  start(): void;
  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void>;
  /** One pass (tests drive the dialer with this and a manual clock); never runs two at once. */
  tick(): Promise<TickReport>;
}

export function createCallbackDialer(deps: CallbackDialerDeps): CallbackDialer {
  const { dialer, rounds, clock, logger, urls } = deps;
  const policy = deps.policy ?? DIAL_POLICY;
  const owner = deps.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickReport> | undefined;

  async function recordBreaches(now: number): Promise<number> {
    const breached = await dialer.markBreaches(now);
    for (const c of breached) {
      logger.warn(
        { callbackId: c.callbackId, reference: c.reference, priority: c.priority, tier: c.tier, status: c.status, dueAt: new Date(c.dueAt).toISOString() },
        'callback deadline passed before the customer was reached',
      );
    }
    return breached.length;
  }

  /** Legs of rounds whose lease ran out with no final news: ask Twilio how they stand. */
  async function reconcile(client: TwilioClient, now: number): Promise<number> {
    const legs = await dialer.liveLegsOfExpiredLeases(now);
    const watched = new Map<number, number>();
    for (const leg of legs) {
      watched.set(leg.callbackId, leg.round);
      try {
        const call = await client.calls(leg.callSid!).fetch();
        if (!isLegStatus(call.status)) continue;
        const result = await rounds.applyLegNews({ legId: leg.legId, callSid: leg.callSid, status: call.status, sequenceNumber: null }, clock.now(), policy);
        if (!result.duplicate) logger.info({ callbackId: leg.callbackId, legId: leg.legId, status: call.status }, 'callback leg status fetched from Twilio');
        if (leg.kind === 'agent' && isFinalLeg(call.status)) await deps.agents.markCallEnded(leg.callSid!, clock.now());
      } catch (err) {
        logger.warn({ callbackId: leg.callbackId, legId: leg.legId, ...errorSummary(err) }, 'could not fetch a callback leg from Twilio');
      }
    }
    // Still dialing after the news: the calls are live, so this worker watches the round for another lease.
    for (const [callbackId, round] of watched) await dialer.extendLease(callbackId, round, owner, clock.now() + deps.leaseMs);
    return legs.length;
  }

  async function placeLeg(client: TwilioClient, claim: ClaimedCallback, leg: CallbackLeg, agent: Agent, from: string): Promise<boolean> {
    const { callbackId } = claim.callback;
    try {
      const call = await client.calls.create({
        to: agent.phone,
        from,
        url: urls.agent(callbackId, leg.legId),
        method: 'POST',
        statusCallback: urls.status(callbackId, leg.legId),
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        timeout: CALLBACK_AGENT_RING_SECONDS,
      });
      const now = clock.now();
      await dialer.recordCallPlaced(leg.legId, call.sid, now, now + deps.leaseMs);
      logger.info({ callbackId, reference: claim.callback.reference, legId: leg.legId, agentId: agent.agentId, callSid: call.sid }, 'callback: agent rung');
      return true;
    } catch (err) {
      const summary = errorSummary(err);
      logger.error({ callbackId, legId: leg.legId, agentId: agent.agentId, ...summary }, 'callback: could not ring an agent');
      await rounds.applyLegNews({ legId: leg.legId, callSid: null, status: 'failed', error: `calls.create failed: ${summary.message}` }, clock.now(), policy);
      return false;
    }
  }

  /**
   * Rings the chosen agents still free for a claimed callback; returns how many calls Twilio took, or
   * null when another round took every one of them first (the callback is handed back, due now).
   */
  async function dialRound(client: TwilioClient, claim: ClaimedCallback, chosen: Agent[], now: number): Promise<number | null> {
    const { callback, round } = claim;
    const from = await callerIdFor(deps.callerIds, callback.callSid);
    if (!from) {
      logger.error({ callbackId: callback.callbackId }, 'callback not dialed: no number to call from (set HOTLINE_CALLER_ID)');
      await dialer.releaseForRetry(callback.callbackId, round, owner, now + policy.retrySpacingMs, 'no number to call from: set HOTLINE_CALLER_ID', now);
      return 0;
    }
    // Awaited: the legs are on disk before Twilio is asked for the calls, so a crash leaves them to find.
    const legs = await rounds.requestAgentLegs(callback.callbackId, round, owner, chosen.map((a) => a.agentId), now);
    if (!legs) return 0;
    if (legs.length === 0) {
      logger.info({ callbackId: callback.callbackId }, 'callback handed back: its agents were taken by another round first');
      await dialer.releaseForRetry(callback.callbackId, round, owner, now, null, now);
      return null;
    }
    const placed = await Promise.all(legs.map((leg) => placeLeg(client, claim, leg, chosen.find((a) => a.agentId === leg.agentId)!, from)));
    return placed.filter(Boolean).length;
  }

  async function tickOnce(): Promise<TickReport> {
    const now = clock.now();
    const report: TickReport = { breached: await recordBreaches(now), claimed: 0, callsPlaced: 0, reconciled: 0 };
    const client = deps.twilio;
    if (!client) return report;
    report.reconciled = await reconcile(client, now);
    // Who is free is read again before each claim: a round placed meanwhile, by this worker or another,
    // may have taken an agent (requestAgentLegs refuses them in any case).
    for (;;) {
      const at = clock.now();
      const ringing = new Set(await dialer.agentsBeingRung(at));
      const free = (await deps.freeAgents(at)).filter((a) => !ringing.has(a.agentId));
      if (free.length === 0) break;
      const claim = await dialer.claimNext(owner, at, deps.leaseMs);
      if (!claim) break;
      report.claimed += 1;
      if (claim.takenOver) {
        logger.warn({ callbackId: claim.callback.callbackId, abandonedLegs: claim.abandonedLegs }, 'callback taken over from a worker whose lease expired');
      }
      const everyone = needsEveryAgent(claim.callback, at);
      const first = speakersFirst(free, claim.callback.language)[0];
      const chosen = everyone ? free.slice(0, MAX_AGENTS_AT_ONCE) : first ? [first] : [];
      if (everyone) logger.info({ callbackId: claim.callback.callbackId, agents: chosen.length }, 'callback at risk: ringing every free agent');
      const placed = await dialRound(client, claim, chosen, at);
      // Another worker is taking the agents this one reads as free: the next tick reads afresh.
      if (placed === null) break;
      report.callsPlaced += placed;
    }
    return report;
  }

  function tick(): Promise<TickReport> {
    running ??= tickOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    owner,
    start() {
      if (timer) return;
      if (!deps.twilio) {
        logger.warn('callback dialer: no Twilio credentials (local mode), so callbacks are not dialed; deadlines are still tracked');
      } else {
        logger.info({ owner, pollMs: deps.pollMs, leaseMs: deps.leaseMs }, 'callback dialer started');
      }
      const run = () => void tick().catch((err: unknown) => logger.error({ err }, 'callback dialer tick failed'));
      timer = setInterval(run, deps.pollMs);
      run();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    tick,
  };
}
