import type { FailureCountRepository } from '../domain/storage/failureCounts.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import { failureCountUpsert, NEVER, toCount, type FailureCountRow as Row } from './failureCountSql.js';

/** Failure counts of the limits on wrong admin tokens and console passwords, on SQLite. */
export function createSqliteFailureCountRepository(db: SqliteDb): Sync<FailureCountRepository> {
  const byKey = db.prepare('SELECT failures, last_failure_at, paused_until FROM failure_counts WHERE scope = ? AND key = ?');
  // The same statement as PostgreSQL's, with named parameters.
  const upsert = db.prepare(failureCountUpsert((n) => `@p${n}`));
  const forgetOld = db.prepare('DELETE FROM failure_counts WHERE scope = ? AND last_failure_at < ? AND paused_until <= ?');
  const keepNewest = db.prepare(
    `DELETE FROM failure_counts WHERE scope = @scope AND key IN
       (SELECT key FROM failure_counts WHERE scope = @scope ORDER BY last_failure_at DESC LIMIT -1 OFFSET @keep)`,
  );
  const remove = db.prepare('DELETE FROM failure_counts WHERE scope = ? AND key = ?');
  return {
    get(scope, key, now, forgetAfterMs) {
      const row = byKey.get(scope, key) as Row | undefined;
      if (!row || (now - row.last_failure_at > forgetAfterMs && row.paused_until <= now)) return undefined;
      return toCount(row);
    },
    count(scope, key, now, rule) {
      const row = upsert.get({ p1: scope, p2: key, p3: now, p4: rule.forgetAfterMs, p5: rule.pauseAfter ?? NEVER, p6: rule.pauseForMs ?? 0 }) as Row | undefined;
      forgetOld.run(scope, now - rule.forgetAfterMs, now);
      keepNewest.run({ scope, keep: rule.maxRecords });
      return row && toCount(row);
    },
    clear: (scope, key) => void remove.run(scope, key),
  };
}
