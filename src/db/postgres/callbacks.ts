import type { Callback, CallbackRepository, NewCallback } from '../../domain/storage/callbacks.js';
import { toCallback, type CallbackRow } from '../callbackRepository.js';
import { lockKeys } from './locks.js';
import type { Sql } from './sql.js';

const COLUMNS = `reference, customer_id, call_sid, priority, tier, phone, caller_phone, language, reason, created_at, due_at, status, updated_at`;
const paramsOf = (c: NewCallback) => [
  c.reference,
  c.customerId,
  c.callSid,
  c.priority,
  c.tier,
  c.phone,
  c.callerPhone ?? null,
  c.language,
  c.reason,
  c.createdAt,
  c.dueAt,
];
const VALUES = `$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $10`;

const maybe = (row: CallbackRow | undefined): Callback | undefined => row && toCallback(row);

/** Callback promises on PostgreSQL. */
export function createPgCallbackRepository(sql: Sql): CallbackRepository {
  const bySid = (q: Sql, callSid: string) => q.row<CallbackRow>('SELECT * FROM callbacks WHERE call_sid = $1', [callSid]);
  return {
    schedule: (c) =>
      sql.transaction(async (q) => {
        const row = await q.row<CallbackRow>(`INSERT INTO callbacks (${COLUMNS}) VALUES (${VALUES}) ON CONFLICT (call_sid) DO NOTHING RETURNING *`, paramsOf(c));
        return toCallback(row ?? (await bySid(q, c.callSid!))!);
      }),
    scheduleUnverified: (c) =>
      sql.transaction(async (q) => {
        // One open unverified callback per customer, whichever instance books it: the check and the insert
        // run under the customer's lock.
        await lockKeys(q, 'unverified-callback', [c.customerId]);
        const row = await q.row<CallbackRow>(
          `INSERT INTO callbacks (${COLUMNS}, unverified, unverified_failures)
           SELECT ${VALUES}, $12, $13
           WHERE NOT EXISTS (SELECT 1 FROM callbacks WHERE customer_id = $2 AND unverified IS NOT NULL
                             AND status IN ('pending', 'dialing', 'connected'))
           ON CONFLICT (call_sid) DO NOTHING RETURNING *`,
          [...paramsOf(c), c.unverified?.reason ?? 'locked', c.unverified?.failures ?? 0],
        );
        if (row) return toCallback(row);
        return c.callSid ? maybe(await bySid(q, c.callSid)) : undefined;
      }),
    async get(callbackId) {
      return maybe(await sql.row<CallbackRow>('SELECT * FROM callbacks WHERE callback_id = $1', [callbackId]));
    },
    async byCallSid(callSid) {
      return maybe(await bySid(sql, callSid));
    },
    async referenceTaken(reference) {
      return (await sql.row('SELECT 1 FROM callbacks WHERE reference = $1', [reference])) !== undefined;
    },
    async list({ statuses, limit }) {
      const rows = statuses?.length
        ? await sql.rows<CallbackRow>('SELECT * FROM callbacks WHERE status = ANY($1) ORDER BY due_at, callback_id LIMIT $2', [statuses, limit])
        : await sql.rows<CallbackRow>('SELECT * FROM callbacks ORDER BY due_at, callback_id LIMIT $1', [limit]);
      return rows.map(toCallback);
    },
    async changePhone(callSid, phone, at) {
      return (await sql.run('UPDATE callbacks SET phone = $2, updated_at = $3 WHERE call_sid = $1', [callSid, phone, at])) > 0;
    },
    async attachRecording(callSid, url, duration, at) {
      return (
        (await sql.run('UPDATE callbacks SET recording_url = $2, recording_duration = $3, updated_at = $4 WHERE call_sid = $1', [
          callSid,
          url,
          duration,
          at,
        ])) > 0
      );
    },
  };
}
