import type { Tier } from '../customer.js';

export type CallbackPriority = 'P1' | 'P2';
export type CallbackReason = 'p2' | 'no-agent-answered';
export type CallbackStatus = 'pending' | 'dialing' | 'connected' | 'completed' | 'failed' | 'cancelled';

/** A promise to call a customer back before a deadline. */
export interface Callback {
  callbackId: number;
  reference: string;
  customerId: string;
  callSid: string | null;
  priority: CallbackPriority;
  tier: Tier;
  phone: string;
  /** The number the booking call came from, null when withheld: `phone` differs when the caller typed another. */
  callerPhone: string | null;
  language: string;
  reason: CallbackReason;
  recordingUrl: string | null;
  recordingDuration: number | null;
  createdAt: number;
  dueAt: number;
  status: CallbackStatus;
  updatedAt: number;
  /** Tries at the customer so far (the dialer fails the callback after 3). */
  attempts: number;
  /** Not dialed before this time (spacing between tries); null = as soon as an agent is free. */
  nextAttemptAt: number | null;
  /** Why the last dial round did not reach the customer, for agents to read. */
  lastError: string | null;
  /** When the customer was connected: pressed a key on a callback call (a voicemail presses none). */
  connectedAt: number | null;
  /** When the dialer recorded the deadline passing before the customer was reached. */
  breachedAt: number | null;
  /**
   * Booked for a caller refused by a lock or a number limit, to the account's phone on file: the
   * engineer verifies the customer another way before acting. Null for a verified caller's callback.
   */
  unverified: { reason: 'locked' | 'number-limited'; failures: number } | null;
}

/** What a call knows when it makes the promise; the dialer's fields start empty. */
export type NewCallback = Pick<
  Callback,
  'reference' | 'customerId' | 'callSid' | 'priority' | 'tier' | 'phone' | 'language' | 'reason' | 'createdAt' | 'dueAt'
> &
  Partial<Pick<Callback, 'callerPhone'>> & { unverified?: Callback['unverified'] };

export interface CallbackRepository {
  /** Records the promise; a second one for the same call is ignored. Returns the stored callback. */
  schedule(callback: NewCallback): Promise<Callback>;
  /**
   * Records a callback for an unverified caller (its `unverified` set), unless the customer already has
   * one open: a caller who keeps an ID locked cannot queue up calls to the customer. Undefined when not booked.
   */
  scheduleUnverified(callback: NewCallback): Promise<Callback | undefined>;
  get(callbackId: number): Promise<Callback | undefined>;
  byCallSid(callSid: string): Promise<Callback | undefined>;
  /** True if a callback already has this reference. */
  referenceTaken(reference: string): Promise<boolean>;
  /** Callbacks, earliest due first, optionally of given statuses. */
  list(filter: { statuses?: CallbackStatus[]; limit: number }): Promise<Callback[]>;
  /** Changes the number to call for the callback a call made. */
  changePhone(callSid: string, phone: string, at: number): Promise<boolean>;
  /** Attaches the caller's recorded description to the callback a call made. */
  attachRecording(callSid: string, url: string, durationSeconds: number, at: number): Promise<boolean>;
}
