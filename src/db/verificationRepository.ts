import type { Factor } from '../domain/customer.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { FailureState, AuditEntry, VerificationRepository } from '../domain/storage/verification.js';

interface FailureRow {
  consecutive_failures: number;
  locks: number;
  locked_until: number | null;
  locked_for_review: number;
}

const CLEAR: FailureState = { consecutiveFailures: 0, locks: 0, lockedUntil: null, lockedForReview: false };

export function createSqliteVerificationRepository(db: SqliteDb): Sync<VerificationRepository> {
  const selectFailures = db.prepare(
    'SELECT consecutive_failures, locks, locked_until, locked_for_review FROM verification_failures WHERE customer_id = ?',
  );
  const upsertFailures = db.prepare(
    `INSERT INTO verification_failures (customer_id, consecutive_failures, locks, locked_until, locked_for_review, updated_at)
     VALUES (@customerId, @consecutiveFailures, @locks, @lockedUntil, @lockedForReview, @at)
     ON CONFLICT (customer_id) DO UPDATE SET
       consecutive_failures = excluded.consecutive_failures, locks = excluded.locks,
       locked_until = excluded.locked_until, locked_for_review = excluded.locked_for_review,
       updated_at = excluded.updated_at`,
  );
  const clearFailures = db.prepare('DELETE FROM verification_failures WHERE customer_id = ?');
  const spendStep = db.prepare(
    `UPDATE otp_secrets SET last_step = ?
     WHERE customer_id = ? AND kind = ? AND (last_step IS NULL OR last_step < ?)`,
  );
  const insertAudit = db.prepare(
    `INSERT INTO verification_audit (at, customer_id, caller, call_sid, result, reason, factor)
     VALUES (@at, @customerId, @caller, @callSid, @result, @reason, @factor)`,
  );
  const callerRefusals = db.prepare(
    `SELECT count(*) AS n FROM verification_audit WHERE caller = ? AND at >= ? AND result = 'refused'`,
  );
  const callerRefusalsFor = db.prepare(
    `SELECT count(*) AS n FROM verification_audit
     WHERE caller = ? AND at >= ? AND result = 'refused' AND reason IN (SELECT value FROM json_each(?))`,
  );
  const customerRefusalsFor = db.prepare(
    `SELECT count(*) AS n FROM verification_audit
     WHERE customer_id = ? AND at >= ? AND result = 'refused' AND reason IN (SELECT value FROM json_each(?))`,
  );
  const refusalsSince = db.prepare(
    `SELECT count(*) AS n FROM verification_audit
     WHERE result = 'refused' AND at >= ? AND reason IN (SELECT value FROM json_each(?))`,
  );

  const read = (customerId: string): FailureState => {
    const row = selectFailures.get(customerId) as FailureRow | undefined;
    return row
      ? {
          consecutiveFailures: row.consecutive_failures,
          locks: row.locks,
          lockedUntil: row.locked_until,
          lockedForReview: row.locked_for_review === 1,
        }
      : CLEAR;
  };

  const consume = db.transaction((customerId: string, factor: Factor, step: number, audit: AuditEntry) => {
    if (spendStep.run(step, customerId, factor, step).changes === 0) return false;
    clearFailures.run(customerId);
    insertAudit.run(audit);
    return true;
  });

  const spendRefused = db.transaction((customerId: string, factor: Factor, step: number, audit: AuditEntry) => {
    spendStep.run(step, customerId, factor, step);
    insertAudit.run(audit);
  });

  const saveFailure = db.transaction((customerId: string, state: FailureState, audit: AuditEntry) => {
    upsertFailures.run({
      customerId,
      consecutiveFailures: state.consecutiveFailures,
      locks: state.locks,
      lockedUntil: state.lockedUntil,
      lockedForReview: state.lockedForReview ? 1 : 0,
      at: audit.at,
    });
    insertAudit.run(audit);
  });

  return {
    failureState: read,
    failureStateForUpdate: read,
    consumeStep: (customerId, factor, step, audit) => consume.immediate(customerId, factor, step, audit),
    spendRefusedStep: (customerId, factor, step, audit) => spendRefused.immediate(customerId, factor, step, audit),
    saveFailureState: (customerId, state, audit) => saveFailure.immediate(customerId, state, audit),
    recordRefusal: (audit) => void insertAudit.run(audit),
    unlock: (customerId) => clearFailures.run(customerId).changes > 0,
    audit({ customerId, callSid, limit }) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (customerId) {
        where.push('customer_id = ?');
        params.push(customerId);
      }
      if (callSid) {
        where.push('call_sid = ?');
        params.push(callSid);
      }
      const rows = db
        .prepare(
          `SELECT * FROM verification_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY id DESC LIMIT ?`,
        )
        .all(...params, limit) as Array<{
        id: number;
        at: number;
        customer_id: string;
        caller: string | null;
        call_sid: string | null;
        result: 'verified' | 'refused';
        reason: string;
        factor: Factor | null;
      }>;
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
    refusalsFromCaller: (caller, since, reasons) =>
      (
        (reasons
          ? callerRefusalsFor.get(caller, since, JSON.stringify(reasons))
          : callerRefusals.get(caller, since)) as { n: number }
      ).n,
    refusalsForCustomer: (customerId, since, reasons) =>
      (customerRefusalsFor.get(customerId, since, JSON.stringify(reasons)) as { n: number }).n,
    refusalsSince: (since, reasons) => (refusalsSince.get(since, JSON.stringify(reasons)) as { n: number }).n,
  };
}
