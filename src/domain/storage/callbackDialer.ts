import type { CallbackChange, LegKind, LegState, LegStatus } from '../callbackLegs.js';
import type { Callback } from './callbacks.js';

/** One outbound leg of a callback: the call to an agent, or the agent's Dial to the customer. */
export interface CallbackLeg extends LegState {
  callbackId: number;
  agentId: number | null;
  sequenceNumber: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A callback as the dialer moves it: the record, its current dial round, the leg that accepted it, who holds its lease. */
export interface DialingCallback {
  callback: Callback;
  round: number;
  acceptedLegId: number | null;
  leaseOwner: string | null;
}

/** What a leg's news writes to it; `status` is the one the domain decided (see laterLegStatus). */
export interface LegUpdate {
  status: LegStatus;
  /** The leg's CallSid, kept if the leg already has one; null when unknown. */
  callSid: string | null;
  /** Twilio's SequenceNumber; the leg keeps the highest seen. */
  sequenceNumber: number | null;
  /** Null keeps the error the leg had. */
  error: string | null;
}

/** A callback this worker holds the lease on, in dial round `round`. */
export interface ClaimedCallback {
  callback: Callback;
  round: number;
  /** Legs of the previous round that were requested but never confirmed placed (a worker died): now abandoned. */
  abandonedLegs: number;
  takenOver: boolean;
}

/**
 * The dialer's side of callbacks: leases, rounds, legs and the status callbacks already applied. It
 * stores and guards only; what a leg's news or an agent's accept does is decided in
 * src/domain/callbackRounds.ts, in units of work over these methods.
 */
export interface CallbackDialerRepository {
  /**
   * Claims the next callback to dial for `owner` until now + leaseMs: pending ones whose next try is
   * due, and dialing ones whose lease expired with no call known to be live (a worker died between
   * claim and call). Earliest due first, Premium before Standard, P1 before P2. A callback an agent
   * holds (claimed in the console) is left to that agent, and one whose booking call is still live
   * (for at most 15 minutes after that call's last step) waits for the caller to hang up.
   */
  claimNext(owner: string, now: number, leaseMs: number): Promise<ClaimedCallback | undefined>;
  /** calls.create answered: the leg's CallSid is known; the lease runs to `leaseUntil`. */
  recordCallPlaced(legId: number, callSid: string, now: number, leaseUntil: number): Promise<void>;
  /**
   * Gives the callback back to the queue (no try counted), with `error` as its last error (null keeps
   * the one it had); false if `owner` no longer holds the round.
   */
  releaseForRetry(callbackId: number, round: number, owner: string, nextAttemptAt: number, error: string | null, now: number): Promise<boolean>;
  /** Marks callbacks that passed their deadline unconnected (once each); returns them. */
  markBreaches(now: number): Promise<Callback[]>;
  /** Legs believed live (CallSid known, no final status) of callbacks whose lease expired. */
  liveLegsOfExpiredLeases(now: number): Promise<CallbackLeg[]>;
  /** Keeps a dialing callback's lease (for `owner`) while its legs are live. */
  extendLease(callbackId: number, round: number, owner: string, until: number): Promise<boolean>;
  /**
   * The callback and its dial state, for a unit of work that decides from them and then writes the
   * callback or its legs. An implementation shared by several instances locks the callback's row until
   * the unit ends (PostgreSQL: SELECT ... FOR UPDATE), so such units of one callback run one after the
   * other; a unit reads the callback's legs after this call. SQLite's units run one at a time already.
   * Outside a unit of work, a plain read.
   */
  callbackForUpdate(callbackId: number): Promise<DialingCallback | undefined>;
  /** The legs of one round of a callback, oldest first. */
  roundLegs(callbackId: number, round: number): Promise<CallbackLeg[]>;
  /**
   * Records a status of a leg's call once, keyed by (CallSid, status): false if it was recorded already
   * (Twilio repeats a status callback it did not see answered).
   */
  recordLegEvent(legId: number, callSid: string, status: LegStatus, sequenceNumber: number | null, now: number): Promise<boolean>;
  /** Writes a leg's news (see LegUpdate); returns the leg as stored, undefined for an unknown leg. */
  updateLeg(legId: number, update: LegUpdate, now: number): Promise<CallbackLeg | undefined>;
  /**
   * Moves a callback as a leg's news decided (CallbackChange), if it is still in round `from.round`
   * with status `from.status`: returns it as stored, or undefined (nothing changed) when it moved since.
   * Connected and completed keep the first connection time and end the lease; pending and failed set
   * the tries, the next try and the last error, and end the lease and the round's accept.
   */
  moveCallback(callbackId: number, from: { round: number; status: Callback['status'] }, change: CallbackChange, now: number): Promise<Callback | undefined>;
  /** The customer pressed a key on this leg: its confirmation time is set once. Returns the leg as stored. */
  confirmLeg(legId: number, now: number): Promise<CallbackLeg | undefined>;
  /**
   * Records that `legId` (of agent `agentId`) accepted round `round` and keeps the lease to at least
   * `leaseUntil`, if the callback is dialing that round and no other leg accepted it: returns the
   * callback as stored, or undefined (nothing changed).
   */
  recordAccept(callbackId: number, round: number, legId: number, agentId: number | null, leaseUntil: number, now: number): Promise<Callback | undefined>;
  /** Records a new leg of a round, about to be placed ('requested', no CallSid yet). */
  addLeg(callbackId: number, round: number, kind: LegKind, agentId: number | null, now: number): Promise<CallbackLeg>;
  leg(legId: number): Promise<CallbackLeg | undefined>;
  legs(callbackId: number): Promise<CallbackLeg[]>;
  /** Agents being rung or whispered for a callback at `now`. */
  agentsBeingRung(now: number): Promise<number[]>;
}
