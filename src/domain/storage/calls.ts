import type { NewCallback } from './callbacks.js';

/** The persisted snapshot of one call in a flow, keyed by Twilio's CallSid. */
export interface CallRecord<C = unknown> {
  callSid: string;
  flow: string;
  state: string;
  context: C;
  /** How many inputs have been applied; action URLs carry it so retries are recognised. */
  step: number;
  lastInputKey: string | null;
  lastResponse: string | null;
  from: string | null;
  to: string | null;
  language: string;
  customerId: string | null;
  priority: string | null;
  outcome: string | null;
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
}

/** Domain data a step changes together with the call's snapshot, in the same transaction. */
export interface CallWrites {
  scheduleCallback?: NewCallback;
  changeCallbackPhone?: string;
  attachRecording?: { url: string; durationSeconds: number };
  offeredAgent?: number;
  /** Puts the caller in the P1 queue (back at their original place if they were in it). */
  enqueue?: { customerId: string; tier: 'standard' | 'premium'; language: string };
  /** Takes the caller out of the P1 queue for good. */
  leaveQueue?: 'connected' | 'left';
}

export interface CallRepository {
  get<C>(callSid: string): Promise<CallRecord<C> | undefined>;
  /** Records a new call; false if one with this CallSid exists. */
  start(call: CallRecord): Promise<boolean>;
  /**
   * Advances a call by one step: stores the new snapshot if the stored step is still `fromStep`, and
   * applies the step's writes, in one transaction. False if another request advanced it first.
   */
  advance(call: CallRecord, fromStep: number, writes: CallWrites): Promise<boolean>;
  /** Marks the call ended (idempotent), setting the outcome if the flow left none; a caller still in the P1 queue leaves it. */
  end(callSid: string, at: number, outcomeIfNone: string): Promise<void>;
  /** Calls not yet ended, oldest first. */
  live(limit: number): Promise<CallRecord[]>;
}
