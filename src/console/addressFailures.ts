import type { FailureCountRepository } from '../domain/storage/failureCounts.js';

/** When wrong passwords from one address pause an agent's sign-in from there, and how much is remembered. */
export interface AddressLock {
  after: number;
  forMs: number;
  forgetAfterMs: number;
  maxRecords: number;
}

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
  pausedUntil: number;
}

/**
 * Wrong passwords per (agent, client address), in memory: for a process on its own (the console counts
 * in the database, storedAddressFailures below). The map is kept in order of last failure
 * (a record is re-inserted on each), so the oldest is the first forgotten when it is full.
 */
export function createAddressFailures(lock: AddressLock) {
  const records = new Map<string, FailureRecord>();
  const keyOf = (agentId: number, address: string) => `${agentId} ${address}`;

  function current(key: string, now: number): FailureRecord | undefined {
    const record = records.get(key);
    if (record && now - record.lastFailureAt > lock.forgetAfterMs && record.pausedUntil <= now) {
      records.delete(key);
      return undefined;
    }
    return record;
  }

  return {
    /** Whether sign-in as this agent from this address is paused at `now`. */
    paused: (agentId: number, address: string, now: number): boolean => (current(keyOf(agentId, address), now)?.pausedUntil ?? 0) > now,

    /**
     * Counts an attempt about to be checked, as a failure until `clear` says it was right: parallel
     * attempts from one address are counted before any of them is checked.
     */
    count(agentId: number, address: string, now: number): void {
      const key = keyOf(agentId, address);
      const record = current(key, now) ?? { failures: 0, lastFailureAt: now, pausedUntil: 0 };
      record.failures += 1;
      record.lastFailureAt = now;
      if (record.failures >= lock.after) record.pausedUntil = now + lock.forMs;
      records.delete(key);
      records.set(key, record);
      if (records.size > lock.maxRecords) records.delete(records.keys().next().value!);
    },

    /** The password was right: this address starts again from nothing for this agent. */
    clear: (agentId: number, address: string): void => void records.delete(keyOf(agentId, address)),

    /** Records held (for tests of the bound). */
    get size(): number {
      return records.size;
    },
  };
}

export type AddressFailures = ReturnType<typeof createAddressFailures>;

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
