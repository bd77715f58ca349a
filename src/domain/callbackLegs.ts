/**
 * How the callback dialer reads Twilio's news about its call legs, as pure functions: a leg's
 * status never goes back, and each final status of a leg decides what happens to the callback.
 * ./callbackRounds.ts applies the result in the same unit of work it read the snapshot in.
 */
import type { CallbackStatus } from './storage/callbacks.js';

/** A leg's life: ours ('requested' before calls.create, 'abandoned' if never placed), then Twilio's CallStatus. */
export const LEG_STATUSES = [
  'requested',
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
  'abandoned',
] as const;
export type LegStatus = (typeof LEG_STATUSES)[number];
export type LegKind = 'agent' | 'customer';

export const FINAL_LEG_STATUSES: readonly LegStatus[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled', 'abandoned'];

const RANK: Record<LegStatus, number> = {
  requested: 0,
  queued: 1,
  initiated: 2,
  ringing: 3,
  'in-progress': 4,
  completed: 5,
  busy: 5,
  'no-answer': 5,
  failed: 5,
  canceled: 5,
  abandoned: 5,
};

export const isLegStatus = (s: string): s is LegStatus => (LEG_STATUSES as readonly string[]).includes(s);
export const isFinalLeg = (s: LegStatus) => RANK[s] === 5;

/** The status a leg has after hearing `incoming`: later statuses win, a final one never changes. */
export function laterLegStatus(current: LegStatus, incoming: LegStatus): LegStatus {
  return RANK[incoming] > RANK[current] ? incoming : current;
}

/** Tries at the customer and the pauses between dial rounds (the service's are DIAL_POLICY in src/domain/serviceNumbers.ts). */
export interface DialPolicy {
  /** Tries at the customer before the callback is failed. */
  maxTries: number;
  /** Wait after a try the customer did not answer. */
  retrySpacingMs: number;
  /** Wait after a round in which no agent accepted (or none could be rung) before ringing agents again. */
  agentPauseMs: number;
}

export interface CallbackDialState {
  status: CallbackStatus;
  round: number;
  attempts: number;
  acceptedLegId: number | null;
}

export interface LegState {
  legId: number;
  kind: LegKind;
  round: number;
  status: LegStatus;
  callSid: string | null;
  error: string | null;
  /** Customer legs: when the customer pressed a key to be connected (a person, not a voicemail). */
  confirmedAt: number | null;
}

/** What a leg's news does to its callback. */
export type CallbackChange =
  | { to: 'connected' }
  | { to: 'completed' }
  | { to: 'pending'; attempts: number; nextAttemptAt: number; lastError: string }
  | { to: 'failed'; attempts: number; lastError: string };

const OPEN_FOR_DIALER: readonly CallbackStatus[] = ['pending', 'dialing', 'connected'];

/**
 * Applies one status of one leg. `roundLegs` are the legs of the leg's round as stored before this
 * status. A customer leg's answer alone changes nothing: a voicemail answers too. The customer's key
 * press connects the callback (onCustomerConfirmed), and the end of that confirmed leg completes it
 * (whatever the round: the customer was on the line). A customer leg of the current round that ends
 * unconfirmed (unanswered, or answered with no key pressed) is a try. An agent leg that ends matters
 * only while the callback is being dialed: the last agent of a round to end without accepting puts
 * the callback back for the next round, and so does the accepting agent hanging up before the
 * customer's phone was rung.
 */
export function onLegStatus(input: {
  callback: CallbackDialState;
  leg: LegState;
  roundLegs: readonly LegState[];
  status: LegStatus;
  now: number;
  policy: DialPolicy;
}): { legStatus: LegStatus; change?: CallbackChange } {
  const { callback, leg, now, policy } = input;
  const legStatus = laterLegStatus(leg.status, input.status);
  if (legStatus === leg.status || !OPEN_FOR_DIALER.includes(callback.status)) return { legStatus };
  const current = leg.round === callback.round && callback.status === 'dialing';

  if (leg.kind === 'customer') {
    if (leg.confirmedAt !== null) return legStatus === 'completed' ? { legStatus, change: { to: 'completed' } } : { legStatus };
    if (!isFinalLeg(legStatus) || !current) return { legStatus };
    const attempts = callback.attempts + 1;
    const why = legStatus === 'completed' ? 'answered but pressed no key (voicemail?)' : legStatus;
    const lastError = `customer ${why} (try ${attempts} of ${policy.maxTries})`;
    if (attempts >= policy.maxTries) return { legStatus, change: { to: 'failed', attempts, lastError } };
    return { legStatus, change: { to: 'pending', attempts, nextAttemptAt: now + policy.retrySpacingMs, lastError } };
  }

  if (!isFinalLeg(legStatus) || !current) return { legStatus };
  if (callback.acceptedLegId === leg.legId) {
    const customer = input.roundLegs.find((l) => l.kind === 'customer');
    if (customer && (customer.callSid !== null || customer.status !== 'requested')) return { legStatus };
    return {
      legStatus,
      change: { to: 'pending', attempts: callback.attempts, nextAttemptAt: now, lastError: 'the agent hung up before the customer was rung' },
    };
  }
  if (callback.acceptedLegId !== null) return { legStatus };
  const others = input.roundLegs.filter((l) => l.kind === 'agent' && l.legId !== leg.legId);
  if (others.some((l) => !isFinalLeg(l.status))) return { legStatus };
  const errors = [leg, ...others].map((l) => l.error).filter((e): e is string => e !== null);
  return {
    legStatus,
    change: {
      to: 'pending',
      attempts: callback.attempts,
      nextAttemptAt: now + policy.agentPauseMs,
      lastError: errors.length === others.length + 1 ? errors[0]! : 'no agent accepted',
    },
  };
}

/**
 * The customer pressed a key on their live leg: a person is on the line. The leg is confirmed and the
 * callback connected, whatever the round (as the leg's end would complete it); an unknown, ended or
 * no longer open callback's leg is not, nor one whose engineer is gone: `agentLeg` is the accepting
 * agent's leg that dialed the customer, when known, and its status callbacks may arrive before the key.
 */
export function onCustomerConfirmed(
  callback: CallbackDialState,
  leg: LegState,
  agentLeg?: Pick<LegState, 'status'>,
): { confirmed: boolean; change?: { to: 'connected' } } {
  const engineerGone = agentLeg !== undefined && isFinalLeg(agentLeg.status);
  if (leg.kind !== 'customer' || isFinalLeg(leg.status) || engineerGone || !OPEN_FOR_DIALER.includes(callback.status)) {
    return { confirmed: leg.confirmedAt !== null };
  }
  return { confirmed: true, ...(callback.status !== 'connected' && { change: { to: 'connected' as const } }) };
}

/** Whether an agent's "1" takes the callback: the first accept of the current round wins. */
export function onAccept(callback: CallbackDialState, leg: LegState): 'won' | 'already' | 'lost' {
  if (leg.kind !== 'agent') return 'lost';
  if (callback.acceptedLegId === leg.legId) return 'already';
  if (callback.status !== 'dialing' || leg.round !== callback.round || callback.acceptedLegId !== null) return 'lost';
  return isFinalLeg(leg.status) ? 'lost' : 'won';
}
