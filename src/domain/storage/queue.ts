import type { Tier } from '../customer.js';

export type QueueStatus = 'waiting' | 'offered' | 'callback-requested' | 'connected' | 'left';

/** A verified P1 caller waiting for a free agent. */
export interface QueueEntry {
  callSid: string;
  customerId: string;
  tier: Tier;
  language: string;
  enqueuedAt: number;
  status: QueueStatus;
  offeredAgentId: number | null;
  offeredAt: number | null;
}

/** The P1 queue: Premium before Standard, then longest waiting first. */
export interface QueueRepository {
  /** Puts the caller in the queue, or back at their original place after an offer fell through. */
  enqueue(entry: Pick<QueueEntry, 'callSid' | 'customerId' | 'tier' | 'language'>, at: number): Promise<void>;
  get(callSid: string): Promise<QueueEntry | undefined>;
  /** Callers waiting, in the order they will be offered. */
  waiting(): Promise<QueueEntry[]>;
  /** 1-based place of a waiting caller, or null. Counted in the database: each hold-music refresh asks. */
  position(callSid: string): Promise<number | null>;
  /** How many callers are waiting (the queue-length gauge). */
  waitingCount(): Promise<number>;
  /**
   * Offers the caller to an agent if they are still first in line and waiting; one transaction, so
   * two wait requests cannot both take the head. False if someone else was first or it was taken.
   */
  offerHead(callSid: string, agentId: number, at: number): Promise<boolean>;
  /** The caller pressed 1: they leave the queue for a P1 callback. False if no longer waiting. */
  requestCallback(callSid: string, at: number): Promise<boolean>;
  /** The caller left the queue for good (connected, or the call ended). */
  close(callSid: string, status: 'connected' | 'left', at: number): Promise<void>;
  /** The call ended while the caller was still in line or being offered: they are gone. */
  abandon(callSid: string, at: number): Promise<void>;
}
