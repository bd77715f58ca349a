import type { FailureCountRepository } from '../domain/storage/failureCounts.js';

/** When wrong passwords from one address pause an agent's sign-in from there, and how much is remembered. */
export interface AddressLock {
  after: number;
  forMs: number;
  forgetAfterMs: number;
  maxRecords: number;
}

/**
 * Wrong passwords per (agent, client address), counted in the database: an address alternating between
 * instances is paused as by one. `count` is the guarded write: an attempt from a paused pair is not
 * counted and answers false, so parallel attempts, on any instance, get no more checks than sequential ones.
 */
export function storedAddressFailures(counts: FailureCountRepository, lock: AddressLock) {
  const keyOf = (agentId: number, address: string) => `${agentId} ${address}`.slice(0, 300);
  const rule = { forgetAfterMs: lock.forgetAfterMs, maxRecords: lock.maxRecords, pauseAfter: lock.after, pauseForMs: lock.forMs };
  return {
    /** Whether sign-in as this agent from this address is paused at `now`. */
    paused: async (agentId: number, address: string, now: number): Promise<boolean> =>
      ((await counts.get('console-address', keyOf(agentId, address), now, lock.forgetAfterMs))?.pausedUntil ?? 0) > now,
    /**
     * Counts an attempt about to be checked, as a failure until `clear` says it was right. Answers whether
     * the pair is paused after it ('counted-paused' when this attempt set the pause, which it still checks),
     * or 'refused', counting nothing, when a pause was already in force.
     */
    async count(agentId: number, address: string, now: number): Promise<'counted' | 'counted-paused' | 'refused'> {
      const after = await counts.count('console-address', keyOf(agentId, address), now, rule);
      if (!after) return 'refused';
      return after.pausedUntil > now ? 'counted-paused' : 'counted';
    },
    /** The password was right: this address starts again from nothing for this agent. */
    clear: (agentId: number, address: string): Promise<void> => counts.clear('console-address', keyOf(agentId, address)),
  };
}
