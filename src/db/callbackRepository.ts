import type { Tier } from '../domain/customer.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { CallbackPriority, CallbackReason, CallbackStatus, Callback, NewCallback, CallbackRepository } from '../domain/storage/callbacks.js';
export interface CallbackRow {
  callback_id: number;
  reference: string;
  customer_id: string;
  call_sid: string | null;
  priority: CallbackPriority;
  tier: Tier;
  phone: string;
  caller_phone: string | null;
  language: string;
  reason: CallbackReason;
  recording_url: string | null;
  recording_duration: number | null;
  created_at: number;
  due_at: number;
  status: CallbackStatus;
  updated_at: number;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  connected_at: number | null;
  breached_at: number | null;
  unverified: 'locked' | 'number-limited' | null;
  unverified_failures: number | null;
}

export const toCallback = (r: CallbackRow): Callback => ({
  callbackId: r.callback_id,
  reference: r.reference,
  customerId: r.customer_id,
  callSid: r.call_sid,
  priority: r.priority,
  tier: r.tier,
  phone: r.phone,
  callerPhone: r.caller_phone,
  language: r.language,
  reason: r.reason,
  recordingUrl: r.recording_url,
  recordingDuration: r.recording_duration,
  createdAt: r.created_at,
  dueAt: r.due_at,
  status: r.status,
  updatedAt: r.updated_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  connectedAt: r.connected_at,
  breachedAt: r.breached_at,
  unverified: r.unverified ? { reason: r.unverified, failures: r.unverified_failures ?? 0 } : null,
});

/** Callback promises. */

const toMaybe = (row: unknown): Callback | undefined => (row ? toCallback(row as CallbackRow) : undefined);

export function createSqliteCallbackRepository(db: SqliteDb): Sync<CallbackRepository> {
  const insert = db.prepare(
    `INSERT INTO callbacks (reference, customer_id, call_sid, priority, tier, phone, caller_phone, language, reason,
                            created_at, due_at, status, updated_at)
     VALUES (@reference, @customerId, @callSid, @priority, @tier, @phone, @callerPhone, @language, @reason,
             @createdAt, @dueAt, 'pending', @createdAt)
     ON CONFLICT (call_sid) DO NOTHING`,
  );
  // One open unverified callback per customer: a caller who keeps the ID locked cannot queue up calls to the customer.
  const insertUnverified = db.prepare(
    `INSERT INTO callbacks (reference, customer_id, call_sid, priority, tier, phone, caller_phone, language, reason,
                            created_at, due_at, status, updated_at, unverified, unverified_failures)
     SELECT @reference, @customerId, @callSid, @priority, @tier, @phone, @callerPhone, @language, @reason,
            @createdAt, @dueAt, 'pending', @createdAt, @unverified, @unverifiedFailures
     WHERE NOT EXISTS (SELECT 1 FROM callbacks WHERE customer_id = @customerId AND unverified IS NOT NULL
                       AND status IN ('pending', 'dialing', 'connected'))
     ON CONFLICT (call_sid) DO NOTHING`,
  );
  const byId = db.prepare('SELECT * FROM callbacks WHERE callback_id = ?');
  const bySid = db.prepare('SELECT * FROM callbacks WHERE call_sid = ?');
  const byReference = db.prepare('SELECT 1 FROM callbacks WHERE reference = ?').pluck();
  const phone = db.prepare('UPDATE callbacks SET phone = ?, updated_at = ? WHERE call_sid = ?');
  const recording = db.prepare(
    'UPDATE callbacks SET recording_url = ?, recording_duration = ?, updated_at = ? WHERE call_sid = ?',
  );
  const scheduleUnverified = db.transaction((c: NewCallback) => {
    const { unverified, ...rest } = c;
    const booked = insertUnverified.run({ ...rest, callerPhone: rest.callerPhone ?? null, unverified: unverified?.reason ?? 'locked', unverifiedFailures: unverified?.failures ?? 0 });
    if (booked.changes === 0) return c.callSid ? toMaybe(bySid.get(c.callSid)) : undefined;
    return toMaybe(c.callSid ? bySid.get(c.callSid) : byId.get(booked.lastInsertRowid));
  });
  const schedule = db.transaction((c: NewCallback) => {
    insert.run({ ...c, callerPhone: c.callerPhone ?? null });
    const row = (c.callSid ? bySid.get(c.callSid) : byId.get(db.prepare('SELECT last_insert_rowid() AS id').pluck().get())) as CallbackRow;
    return toCallback(row);
  });

  return {
    schedule: (c) => schedule.immediate(c),
    scheduleUnverified: (c) => scheduleUnverified.immediate(c),
    get(callbackId) {
      const row = byId.get(callbackId) as CallbackRow | undefined;
      return row && toCallback(row);
    },
    byCallSid(callSid) {
      const row = bySid.get(callSid) as CallbackRow | undefined;
      return row && toCallback(row);
    },
    referenceTaken: (reference) => byReference.get(reference) !== undefined,
    list({ statuses, limit }) {
      const where = statuses?.length ? `WHERE status IN (${statuses.map(() => '?').join(', ')})` : '';
      const rows = db
        .prepare(`SELECT * FROM callbacks ${where} ORDER BY due_at, callback_id LIMIT ?`)
        .all(...(statuses ?? []), limit) as CallbackRow[];
      return rows.map(toCallback);
    },
    changePhone: (callSid, number, at) => phone.run(number, at, callSid).changes > 0,
    attachRecording: (callSid, url, duration, at) => recording.run(url, duration, at, callSid).changes > 0,
  };
}
