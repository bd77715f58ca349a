import type { FailureCount } from '../domain/storage/failureCounts.js';

/** A row of failure_counts, as both engines read it. */
export interface FailureCountRow {
  failures: number;
  last_failure_at: number;
  paused_until: number;
}

/**
 * One failure more at $3 for ($1, $2), in one statement whichever instance runs it: a record idle for
 * $4 ms with no pause in force starts again from 1; from $5 failures on, each pauses the key for $6 ms.
 * A key paused at $3 is not counted (no row is returned).
 * `param(n)` writes parameter n as the engine spells it; both engines read the same statement.
 */
export function failureCountUpsert(param: (n: number) => string): string {
  const [now, forgetAfter, pauseAfter, pauseFor] = [3, 4, 5, 6].map((n) => `CAST(${param(n)} AS BIGINT)`);
  const counted = `CASE WHEN f.last_failure_at < ${now} - ${forgetAfter} AND f.paused_until <= ${now} THEN 1 ELSE f.failures + 1 END`;
  return `
  INSERT INTO failure_counts AS f (scope, key, failures, last_failure_at, paused_until)
  VALUES (${param(1)}, ${param(2)}, 1, ${now}, CASE WHEN 1 >= ${pauseAfter} THEN ${now} + ${pauseFor} ELSE 0 END)
  ON CONFLICT (scope, key) DO UPDATE SET
    failures = ${counted},
    last_failure_at = ${now},
    paused_until = CASE WHEN ${counted} >= ${pauseAfter} THEN ${now} + ${pauseFor} ELSE f.paused_until END
  WHERE f.paused_until <= ${now}
  RETURNING failures, last_failure_at, paused_until`;
}

export const toCount = (r: FailureCountRow): FailureCount => ({ failures: r.failures, lastFailureAt: r.last_failure_at, pausedUntil: r.paused_until });

/** Never paused: a count no key reaches. */
export const NEVER = 2 ** 31 - 1;
