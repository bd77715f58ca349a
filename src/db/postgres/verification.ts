import type { Factor } from '../../domain/customer.js';
import type { AuditEntry, FailureState, VerificationRepository } from '../../domain/storage/verification.js';
import { lockKeys } from './locks.js';
import type { Sql } from './sql.js';

interface FailureRow {
  consecutive_failures: number;
  locks: number;
  locked_until: number | null;
  locked_for_review: boolean;
}

const CLEAR: FailureState = { consecutiveFailures: 0, locks: 0, lockedUntil: null, lockedForReview: false };

const toState = (row: FailureRow | undefined): FailureState =>
  row
    ? { consecutiveFailures: row.consecutive_failures, locks: row.locks, lockedUntil: row.locked_until, lockedForReview: row.locked_for_review }
    : CLEAR;

const audit = (q: Sql, a: AuditEntry) =>
  q.run(
    `INSERT INTO verification_audit (at, customer_id, caller, call_sid, result, reason, factor) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [a.at, a.customerId, a.caller, a.callSid, a.result, a.reason, a.factor],
  );

// The step is spent only if later than the last accepted one: the row's lock decides between racers.
const SPEND = `UPDATE otp_secrets SET last_step = $3 WHERE customer_id = $1 AND kind = $2 AND (last_step IS NULL OR last_step < $3)`;

const count = async (q: Sql, text: string, values: unknown[]) => (await q.row<{ n: number }>(text, values))!.n;

/** Spent time steps, failure counts, locks and the audit on PostgreSQL. */
export function createPgVerificationRepository(sql: Sql): VerificationRepository {
  return {
    failureState: async (customerId) =>
      toState(
        await sql.row<FailureRow>(
          'SELECT consecutive_failures, locks, locked_until, locked_for_review FROM verification_failures WHERE customer_id = $1',
          [customerId],
        ),
      ),
    consumeStep: (customerId, factor: Factor, step, entry) =>
      sql.transaction(async (q) => {
        if ((await q.run(SPEND, [customerId, factor, step])) === 0) return false;
        await q.run('DELETE FROM verification_failures WHERE customer_id = $1', [customerId]);
        await audit(q, entry);
        return true;
      }),
    spendRefusedStep: (customerId, factor, step, entry) =>
      sql.transaction(async (q) => {
        await q.run(SPEND, [customerId, factor, step]);
        await audit(q, entry);
      }),
    async failureStateForUpdate(customerId) {
      // The row is created if missing so the lock holds until the unit of work ends, even for a first failure.
      await sql.run('INSERT INTO verification_failures (customer_id, updated_at) VALUES ($1, 0) ON CONFLICT (customer_id) DO NOTHING', [customerId]);
      return toState(
        await sql.row<FailureRow>(
          'SELECT consecutive_failures, locks, locked_until, locked_for_review FROM verification_failures WHERE customer_id = $1 FOR UPDATE',
          [customerId],
        ),
      );
    },
    saveFailureState: (customerId, state, entry) =>
      sql.transaction(async (q) => {
        await q.run(
          `INSERT INTO verification_failures (customer_id, consecutive_failures, locks, locked_until, locked_for_review, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (customer_id) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, locks = excluded.locks,
             locked_until = excluded.locked_until, locked_for_review = excluded.locked_for_review, updated_at = excluded.updated_at`,
          [customerId, state.consecutiveFailures, state.locks, state.lockedUntil, state.lockedForReview, entry.at],
        );
        await audit(q, entry);
      }),
    async recordRefusal(entry) {
      await audit(sql, entry);
    },
    // A row with nothing counted (left by failureStateForUpdate) is no lock to clear.
    unlock: async (customerId) =>
      (await count(
        sql,
        `WITH gone AS (DELETE FROM verification_failures WHERE customer_id = $1 RETURNING *)
         SELECT count(*)::int AS n FROM gone WHERE consecutive_failures > 0 OR locks > 0 OR locked_until IS NOT NULL OR locked_for_review`,
        [customerId],
      )) > 0,
    async audit({ customerId, callSid, limit }) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (customerId) {
        values.push(customerId);
        where.push(`customer_id = $${values.length}`);
      }
      if (callSid) {
        values.push(callSid);
        where.push(`call_sid = $${values.length}`);
      }
      values.push(limit);
      const rows = await sql.rows<{
        id: number;
        at: number;
        customer_id: string;
        caller: string | null;
        call_sid: string | null;
        result: 'verified' | 'refused';
        reason: string;
        factor: Factor | null;
      }>(`SELECT * FROM verification_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`, values);
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        customerId: r.customer_id,
        caller: r.caller,
        callSid: r.call_sid,
        result: r.result,
        reason: r.reason,
        factor: r.factor,
      }));
    },
    // Inside a verification's unit of work the number's lock is held until it commits: instances
    // counting the same number's guesses at once take turns, so none reads a count another is about to
    // raise. (A separate statement after the lock: its snapshot then includes what the other committed.)
    refusalsFromCaller: async (caller, since, reasons) => {
      await lockKeys(sql, 'caller-guesses', [caller]);
      return reasons
        ? count(sql, `SELECT count(*) AS n FROM verification_audit WHERE caller = $1 AND at >= $2 AND result = 'refused' AND reason = ANY($3)`, [
            caller,
            since,
            reasons,
          ])
        : count(sql, `SELECT count(*) AS n FROM verification_audit WHERE caller = $1 AND at >= $2 AND result = 'refused'`, [caller, since]);
    },
    refusalsForCustomer: (customerId, since, reasons) =>
      count(sql, `SELECT count(*) AS n FROM verification_audit WHERE customer_id = $1 AND at >= $2 AND result = 'refused' AND reason = ANY($3)`, [
        customerId,
        since,
        reasons,
      ]),
    refusalsSince: (since, reasons) =>
      count(sql, `SELECT count(*) AS n FROM verification_audit WHERE result = 'refused' AND at >= $1 AND reason = ANY($2)`, [since, reasons]),
  };
}
