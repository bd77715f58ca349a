import type { FailureCount, FailureCountRepository } from '../../domain/storage/failureCounts.js';
import type { Sql } from './sql.js';

interface Row {
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

const toCount = (r: Row): FailureCount => ({ failures: r.failures, lastFailureAt: r.last_failure_at, pausedUntil: r.paused_until });

const UPSERT = failureCountUpsert((n) => `$${n}`);

/** Never paused: a count no key reaches. */
const NEVER = 2 ** 31 - 1;

/** Failure counts of the limits on wrong admin tokens and console passwords, on PostgreSQL. */
export function createPgFailureCountRepository(sql: Sql): FailureCountRepository {
  return {
    async get(scope, key, now, forgetAfterMs) {
      const row = await sql.row<Row>('SELECT failures, last_failure_at, paused_until FROM failure_counts WHERE scope = $1 AND key = $2', [scope, key]);
      if (!row) return undefined;
      const count = toCount(row);
      return now - count.lastFailureAt > forgetAfterMs && count.pausedUntil <= now ? undefined : count;
    },
    count: (scope, key, now, rule) =>
      sql.transaction(async (q) => {
        const row = await q.row<Row>(UPSERT, [scope, key, now, rule.forgetAfterMs, rule.pauseAfter ?? NEVER, rule.pauseForMs ?? 0]);
        await q.run('DELETE FROM failure_counts WHERE scope = $1 AND last_failure_at < $2 AND paused_until <= $3', [scope, now - rule.forgetAfterMs, now]);
        await q.run(
          `DELETE FROM failure_counts WHERE scope = $1 AND key IN
             (SELECT key FROM failure_counts WHERE scope = $1 ORDER BY last_failure_at DESC OFFSET $2)`,
          [scope, rule.maxRecords],
        );
        return row && toCount(row);
      }),
    async clear(scope, key) {
      await sql.run('DELETE FROM failure_counts WHERE scope = $1 AND key = $2', [scope, key]);
    },
  };
}
