/** Returned by CheckGate.run instead of running the check, naming the limit that was reached. */
export class Busy {
  constructor(readonly limit: 'address' | 'agent' | 'all') {}
}

export interface CheckLimits {
  /** Checks running at once. */
  running: number;
  /** Checks waiting, in order of arrival, for one of those places. */
  waiting: number;
  /** Checks running or waiting for any one client address. */
  perAddress: number;
  /** Checks running or waiting for any one agent number. */
  perAgent: number;
}

/** Who a check is for: the client's address and the agent number typed. */
export interface CheckKeys {
  address: string;
  agent: string;
}

/** How many places each key holds; a key is dropped as soon as it holds none, so the map never outgrows the gate. */
function placeCounter() {
  const held = new Map<string, number>();
  return {
    count: (key: string) => held.get(key) ?? 0,
    take: (key: string) => void held.set(key, (held.get(key) ?? 0) + 1),
    give: (key: string) => {
      const left = (held.get(key) ?? 1) - 1;
      if (left === 0) held.delete(key);
      else held.set(key, left);
    },
  };
}

/**
 * Admits expensive checks (password hashes, which run on libuv's thread pool of 4 threads by default,
 * shared with DNS look-ups and file I/O): a burst gets a few places and a short queue, and the rest is
 * turned away at once instead of piling up on the threads. In memory: it guards this process's threads.
 */
export function createCheckGate(limits: CheckLimits) {
  let running = 0;
  const queue: Array<() => void> = [];
  const byAddress = placeCounter();
  const byAgent = placeCounter();

  function release(keys: CheckKeys) {
    byAddress.give(keys.address);
    byAgent.give(keys.agent);
    const next = queue.shift();
    if (next) next(); // the place passes straight to the next in line
    else running -= 1;
  }

  return {
    /** Runs `check` once a place is free, or answers Busy at once, without running it. */
    async run<T>(keys: CheckKeys, check: () => Promise<T>): Promise<T | Busy> {
      // The address first: a flood from one address is told so, whatever agent numbers it tries.
      if (byAddress.count(keys.address) >= limits.perAddress) return new Busy('address');
      if (byAgent.count(keys.agent) >= limits.perAgent) return new Busy('agent');
      if (running >= limits.running && queue.length >= limits.waiting) return new Busy('all');
      byAddress.take(keys.address);
      byAgent.take(keys.agent);
      if (running < limits.running) running += 1;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await check();
      } finally {
        release(keys);
      }
    },
  };
}

export type CheckGate = ReturnType<typeof createCheckGate>;
