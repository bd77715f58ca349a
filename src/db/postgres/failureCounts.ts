import type { FailureCountRepository } from '../../domain/storage/failureCounts.js';
import { failureCountUpsert, NEVER, toCount, type FailureCountRow as Row } from '../failureCountSql.js';
import type { Sql } from './sql.js';

const UPSERT = failureCountUpsert((n) => `$${n}`);

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
