/**
 * Failures counted against a key by the limits that slow or pause whoever keeps failing: wrong admin
 * tokens per client address, wrong console passwords per agent and address. Kept in the database so
 * that every instance of the service counts the same failures.
 */
export type FailureScope = 'admin-token' | 'console-address';

export interface FailureCount {
  failures: number;
  lastFailureAt: number;
  /** Until when the key is paused (0: not paused). */
  pausedUntil: number;
}

export interface FailureRule {
  /** A key with no failure for this long, and no pause in force, starts again from nothing. */
  forgetAfterMs: number;
  /** At most this many keys are kept per scope: the least recently failed are forgotten first. */
  maxRecords: number;
  /** From this many failures on, each further one pauses the key for `pauseForMs` (omitted: never paused). */
  pauseAfter?: number;
  pauseForMs?: number;
}

export interface FailureCountRepository {
  /** The key's failures at `now`, or undefined when it has none left to count (see FailureRule.forgetAfterMs). */
  get(scope: FailureScope, key: string, now: number, forgetAfterMs: number): Promise<FailureCount | undefined>;
  /**
   * Counts one failure at `now` in one guarded write, so failures on several instances all count; returns
   * the count after it. A key paused at `now` is not counted: undefined (the attempt is refused unchecked).
   */
  count(scope: FailureScope, key: string, now: number, rule: FailureRule): Promise<FailureCount | undefined>;
  /** Forgets the key's failures (the right secret was given). */
  clear(scope: FailureScope, key: string): Promise<void>;
}
