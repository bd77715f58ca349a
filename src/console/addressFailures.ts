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
 * Wrong passwords per (agent, client address), in memory. The map is kept in order of last failure
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
