/**
 * A callback's dial rounds as units of work: which agents are rung, what each leg's news does to the
 * callback, whose accept wins, and when the customer's key connects it. Each operation reads what it
 * needs (the callback locked first, see CallbackDialerRepository.callbackForUpdate), decides with the
 * pure transitions of ./callbackLegs.ts, and writes through the port's guarded primitives, so every
 * storage engine runs the same rules.
 */
import { FINAL_LEG_STATUSES, onAccept, onCustomerConfirmed, onLegStatus, type CallbackChange, type CallbackDialState, type DialPolicy, type LegStatus } from './callbackLegs.js';
import type { Callback } from './storage/callbacks.js';
import type { CallbackLeg, DialingCallback } from './storage/callbackDialer.js';
import type { Repositories, Store } from './storage/index.js';
import { callbackOffer } from './duty.js';

/** What a round's unit of work reads and writes. */
export type RoundRepositories = Pick<Repositories, 'dialer' | 'agents'>;

/** One piece of news about a leg: a status callback, a Dial action, a fetched call, or a failed calls.create. */
export interface LegNews {
  legId: number;
  /** The leg's CallSid; null only for a calls.create that failed (no call exists). */
  callSid: string | null;
  status: LegStatus;
  sequenceNumber?: number | null;
  error?: string | null;
}

export interface LegNewsResult {
  /** Already applied once (same CallSid and status): nothing changed. */
  duplicate: boolean;
  /** No such leg, or the CallSid does not belong to it: nothing changed. */
  unknown: boolean;
  leg?: CallbackLeg;
  callback?: Callback;
  change?: CallbackChange;
}

export type AcceptResult =
  | { result: 'won'; callback: Callback; leg: CallbackLeg; customerLegId: number }
  | { result: 'lost'; callback: Callback | undefined };

export type Standing = { callback: Callback; leg: CallbackLeg; verdict: 'won' | 'already' | 'lost' };

const dialState = (d: DialingCallback): CallbackDialState => ({
  status: d.callback.status,
  round: d.round,
  attempts: d.callback.attempts,
  acceptedLegId: d.acceptedLegId,
});

/** The leg and its callback, locked, with the leg read again under the lock (news of the same callback waited for it). */
async function lockedLeg(tx: RoundRepositories, legId: number): Promise<{ leg: CallbackLeg; dial: DialingCallback } | undefined> {
  const seen = await tx.dialer.leg(legId);
  const dial = seen && (await tx.dialer.callbackForUpdate(seen.callbackId));
  const leg = dial && (await tx.dialer.leg(legId));
  return leg && dial && { leg, dial };
}

/**
 * Reserves those of `agentIds` still free to ring (free by the agent repository's reserve, and no live
 * leg of any callback) and records their legs, about to be placed: an agent is never rung for two
 * callbacks at once, whichever worker asks. Empty when none is free; undefined if `owner` no longer
 * holds the round.
 */
export async function requestAgentLegs(
  tx: RoundRepositories,
  callbackId: number,
  round: number,
  owner: string,
  agentIds: number[],
  now: number,
): Promise<CallbackLeg[] | undefined> {
  const dial = await tx.dialer.callbackForUpdate(callbackId);
  if (!dial || dial.callback.status !== 'dialing' || dial.round !== round || dial.leaseOwner !== owner) return undefined;
  const ringing = new Set(await tx.dialer.agentsBeingRung(now));
  const legs: CallbackLeg[] = [];
  for (const agentId of agentIds) {
    if (ringing.has(agentId) || !(await tx.agents.reserve(agentId, now, callbackOffer(callbackId)))) continue;
    legs.push(await tx.dialer.addLeg(callbackId, round, 'agent', agentId, now));
    ringing.add(agentId);
  }
  return legs;
}

/** Applies news about a leg once; moves the callback as the news decides (see onLegStatus). */
export async function applyLegNews(tx: RoundRepositories, news: LegNews, now: number, policy: DialPolicy): Promise<LegNewsResult> {
  const found = await lockedLeg(tx, news.legId);
  if (!found || (news.callSid !== null && found.leg.callSid !== null && found.leg.callSid !== news.callSid)) {
    return { duplicate: false, unknown: true };
  }
  const { dial } = found;
  const sequenceNumber = news.sequenceNumber ?? null;
  if (news.callSid !== null && !(await tx.dialer.recordLegEvent(news.legId, news.callSid, news.status, sequenceNumber, now))) {
    return { duplicate: true, unknown: false, leg: found.leg };
  }
  const error = news.error ?? null;
  const { legStatus, change } = onLegStatus({
    callback: dialState(dial),
    leg: { ...found.leg, error: error ?? found.leg.error },
    roundLegs: await tx.dialer.roundLegs(dial.callback.callbackId, found.leg.round),
    status: news.status,
    now,
    policy,
  });
  const leg = (await tx.dialer.updateLeg(news.legId, { status: legStatus, callSid: news.callSid, sequenceNumber, error }, now))!;
  // The agent's leg is over: their offer of this callback ends with it, and they are free at once.
  if (leg.kind === 'agent' && leg.agentId !== null && FINAL_LEG_STATUSES.includes(leg.status)) {
    await tx.agents.endOffer(leg.agentId, callbackOffer(dial.callback.callbackId));
  }
  const moved = change && (await tx.dialer.moveCallback(dial.callback.callbackId, { round: dial.round, status: dial.callback.status }, change, now));
  return { duplicate: false, unknown: false, leg, callback: moved ?? dial.callback, ...(moved && { change }) };
}

/**
 * The customer pressed a key on their live leg: records it (once) and connects the callback if it is
 * still open and the accepting agent's leg has not ended (see onCustomerConfirmed). Undefined for an
 * unknown leg or one that is not a customer's.
 */
export async function confirmCustomer(
  tx: RoundRepositories,
  legId: number,
  now: number,
): Promise<{ callback: Callback; leg: CallbackLeg; change?: CallbackChange } | undefined> {
  const found = await lockedLeg(tx, legId);
  if (!found || found.leg.kind !== 'customer') return undefined;
  const { leg, dial } = found;
  // The agent leg that accepted this customer leg's round, whose Dial rang the customer.
  const accepted = dial.acceptedLegId === null ? undefined : await tx.dialer.leg(dial.acceptedLegId);
  const agentLeg = accepted?.round === leg.round ? accepted : undefined;
  const { confirmed, change } = onCustomerConfirmed(dialState(dial), leg, agentLeg);
  const stored = confirmed && leg.confirmedAt === null ? ((await tx.dialer.confirmLeg(legId, now)) ?? leg) : leg;
  const moved = change && (await tx.dialer.moveCallback(dial.callback.callbackId, { round: dial.round, status: dial.callback.status }, change, now));
  return { callback: moved ?? dial.callback, leg: stored, ...(moved && { change }) };
}

/** An agent pressed 1: the first accept of the current round wins and a customer leg is recorded (once). */
export async function accept(tx: RoundRepositories, legId: number, now: number, leaseUntil: number): Promise<AcceptResult> {
  const found = await lockedLeg(tx, legId);
  if (!found) return { result: 'lost', callback: undefined };
  const { leg, dial } = found;
  const verdict = onAccept(dialState(dial), leg);
  if (verdict === 'lost') return { result: 'lost', callback: dial.callback };
  let customer = (await tx.dialer.roundLegs(leg.callbackId, leg.round)).find((l) => l.kind === 'customer');
  let callback = dial.callback;
  if (verdict === 'won' || !customer) {
    const taken = await tx.dialer.recordAccept(leg.callbackId, leg.round, legId, leg.agentId, leaseUntil, now);
    if (!taken) return { result: 'lost', callback: dial.callback };
    callback = taken;
    customer ??= await tx.dialer.addLeg(leg.callbackId, leg.round, 'customer', null, now);
  }
  return { result: 'won', callback, leg, customerLegId: customer.legId };
}

/** Whether the leg's agent may still take its callback ('won' = open, 'already' = theirs), changing nothing. */
export async function standing(repos: Pick<Repositories, 'dialer'>, legId: number): Promise<Standing | undefined> {
  const leg = await repos.dialer.leg(legId);
  const dial = leg && (await repos.dialer.callbackForUpdate(leg.callbackId));
  if (!leg || !dial) return undefined;
  return { callback: dial.callback, leg, verdict: onAccept(dialState(dial), leg) };
}

/** The operations above over a store, each its own unit of work. */
export interface CallbackRounds {
  requestAgentLegs(callbackId: number, round: number, owner: string, agentIds: number[], now: number): Promise<CallbackLeg[] | undefined>;
  applyLegNews(news: LegNews, now: number, policy: DialPolicy): Promise<LegNewsResult>;
  confirmCustomer(legId: number, now: number): Promise<{ callback: Callback; leg: CallbackLeg; change?: CallbackChange } | undefined>;
  accept(legId: number, now: number, leaseUntil: number): Promise<AcceptResult>;
  /** A read: no unit of work. */
  standing(legId: number): Promise<Standing | undefined>;
}

/** A callback's rounds over `store`: each operation one unit of work. */
export function callbackRounds(store: Pick<Store, 'unitOfWork' | 'dialer'>): CallbackRounds {
  return {
    requestAgentLegs: (callbackId, round, owner, agentIds, now) =>
      store.unitOfWork((tx) => requestAgentLegs(tx, callbackId, round, owner, agentIds, now)),
    applyLegNews: (news, now, policy) => store.unitOfWork((tx) => applyLegNews(tx, news, now, policy)),
    confirmCustomer: (legId, now) => store.unitOfWork((tx) => confirmCustomer(tx, legId, now)),
    accept: (legId, now, leaseUntil) => store.unitOfWork((tx) => accept(tx, legId, now, leaseUntil)),
    standing: (legId) => standing(store, legId),
  };
}
