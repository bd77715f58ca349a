/** Returned by CheckGate.run instead of running the check: too many are running or waiting already. */
export const BUSY = Symbol('busy');

export interface CheckLimits {
  /** Checks running at once. */
  running: number;
  /** Checks waiting, in order of arrival, for one of those places. */
  waiting: number;
  /** Checks running or waiting for any one key (an agent number). */
  perKey: number;
}

/**
 * Admits expensive checks (password hashes, which run on libuv's thread pool of 4 threads by default,
 * shared with DNS look-ups and file I/O): a burst gets a few places and a short queue, and the rest is
 * turned away at once instead of piling up on the threads. In memory: it guards this process's threads.
 */
export function createCheckGate(limits: CheckLimits) {
  let running = 0;
  const queue: Array<() => void> = [];
  const perKey = new Map<string, number>();

  function release(key: string) {
    const left = perKey.get(key)! - 1;
    if (left === 0) perKey.delete(key);
    else perKey.set(key, left);
    const next = queue.shift();
    if (next) next(); // the place passes straight to the next in line
    else running -= 1;
  }

  return {
    /** Runs `check` once a place is free, or answers BUSY at once, without running it. */
    async run<T>(key: string, check: () => Promise<T>): Promise<T | typeof BUSY> {
      const mine = perKey.get(key) ?? 0;
      if (mine >= limits.perKey) return BUSY;
      if (running >= limits.running && queue.length >= limits.waiting) return BUSY;
      perKey.set(key, mine + 1);
      if (running < limits.running) running += 1;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await check();
      } finally {
        release(key);
      }
    },
  };
}

export type CheckGate = ReturnType<typeof createCheckGate>;
