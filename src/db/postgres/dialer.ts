import { FINAL_LEG_STATUSES, type LegKind, type LegStatus } from '../../domain/callbackLegs.js';
import { BOOKING_CALL_HOLD_MS, LIVE_LEG_HORIZON_MS } from '../../domain/serviceNumbers.js';
import type { CallbackDialerRepository, CallbackLeg } from '../../domain/storage/callbackDialer.js';
import { toCallback, type CallbackRow } from '../callbackRepository.js';
import type { Sql } from './sql.js';

interface LegRow {
  leg_id: number;
  callback_id: number;
  round: number;
  kind: LegKind;
  agent_id: number | null;
  call_sid: string | null;
  status: LegStatus;
  sequence_number: number | null;
  error: string | null;
  confirmed_at: number | null;
  created_at: number;
  updated_at: number;
}

type DialRow = CallbackRow & { round: number; accepted_leg_id: number | null; lease_owner: string | null };

const toLeg = (r: LegRow): CallbackLeg => ({
  legId: r.leg_id,
  callbackId: r.callback_id,
  round: r.round,
  kind: r.kind,
  agentId: r.agent_id,
  callSid: r.call_sid,
  status: r.status,
  sequenceNumber: r.sequence_number,
  error: r.error,
  confirmedAt: r.confirmed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const FINALS = FINAL_LEG_STATUSES.map((s) => `'${s}'`).join(', ');

// An agent's leg that may still ring or whisper; one never confirmed placed counts only while its round's lease holds.
const LIVE_AGENT_LEG = `l.kind = 'agent' AND l.agent_id IS NOT NULL AND l.status NOT IN (${FINALS})
  AND c.status IN ('dialing', 'connected') AND l.created_at >= $2
  AND NOT (l.call_sid IS NULL AND coalesce(c.lease_expires_at, 0) <= $1)`;

/**
 * The dialer's side of callbacks on PostgreSQL (the decisions are in src/domain/callbackRounds.ts):
 * claims read FOR UPDATE SKIP LOCKED, so dialers on several instances take different callbacks; every
 * change to a callback's round locks the callback's row first.
 */
export function createPgCallbackDialerRepository(sql: Sql): CallbackDialerRepository {
  const leg = (q: Sql, id: number) => q.row<LegRow>('SELECT * FROM callback_legs WHERE leg_id = $1', [id]);
  const lockedCallback = (q: Sql, id: number) => q.row<DialRow>('SELECT * FROM callbacks WHERE callback_id = $1 FOR UPDATE', [id]);
  const roundLegs = async (q: Sql, callbackId: number, round: number) =>
    (await q.rows<LegRow>('SELECT * FROM callback_legs WHERE callback_id = $1 AND round = $2 ORDER BY leg_id', [callbackId, round])).map(toLeg);
  const insertLeg = async (q: Sql, callbackId: number, round: number, kind: LegKind, agentId: number | null, now: number) =>
    (await q.row<LegRow>(
      'INSERT INTO callback_legs (callback_id, round, kind, agent_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING *',
      [callbackId, round, kind, agentId, now],
    ))!;

  return {
    claimNext: (owner, now, leaseMs) =>
      sql.transaction(async (q) => {
        // A callback an agent claimed is theirs; one whose booking call is live waits for the caller to hang up.
        const row = await q.row<DialRow>(
          `SELECT * FROM callbacks c
           WHERE c.claimed_by IS NULL
             AND NOT EXISTS (SELECT 1 FROM calls k
                             WHERE k.call_sid = c.call_sid AND k.ended_at IS NULL AND k.updated_at > $1::bigint - ${BOOKING_CALL_HOLD_MS})
             AND ((c.status = 'pending' AND coalesce(c.next_attempt_at, 0) <= $1)
              OR (c.status = 'dialing' AND coalesce(c.lease_expires_at, 0) <= $1
                  AND NOT EXISTS (SELECT 1 FROM callback_legs l
                                  WHERE l.callback_id = c.callback_id AND l.round = c.round
                                    AND l.call_sid IS NOT NULL AND l.status NOT IN (${FINALS}))))
           ORDER BY c.due_at, CASE c.tier WHEN 'premium' THEN 0 ELSE 1 END, c.priority, c.callback_id
           LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
          [now],
        );
        if (!row) return undefined;
        const takenOver = row.status === 'dialing';
        // The agents of a round taken over are no longer held by its offers (see src/domain/duty.ts).
        if (takenOver) await q.run("UPDATE agents SET offered_for = NULL WHERE offered_for = 'callback:' || $1", [row.callback_id]);
        const abandonedLegs = takenOver
          ? await q.run(
              `UPDATE callback_legs SET status = 'abandoned', error = 'never confirmed placed; the worker stopped', updated_at = $3
               WHERE callback_id = $1 AND round = $2 AND call_sid IS NULL AND status = 'requested'`,
              [row.callback_id, row.round, now],
            )
          : 0;
        const claimed = (await q.row<DialRow>(
          `UPDATE callbacks SET status = 'dialing', round = round + 1, lease_owner = $2, lease_expires_at = $3,
             accepted_leg_id = NULL, accepted_agent_id = NULL, updated_at = $4
           WHERE callback_id = $1 RETURNING *`,
          [row.callback_id, owner, now + leaseMs, now],
        ))!;
        return { callback: toCallback(claimed), round: claimed.round, abandonedLegs, takenOver };
      }),
    recordCallPlaced: (legId, callSid, now, leaseUntil) =>
      sql.transaction(async (q) => {
        const placed = await q.row<LegRow>(
          `UPDATE callback_legs SET call_sid = coalesce(call_sid, $2),
             status = CASE status WHEN 'requested' THEN 'queued' ELSE status END, updated_at = $3
           WHERE leg_id = $1 RETURNING *`,
          [legId, callSid, now],
        );
        if (placed) {
          await q.run(
            `UPDATE callbacks SET lease_expires_at = greatest(coalesce(lease_expires_at, 0), $3)
             WHERE callback_id = $1 AND round = $2 AND status = 'dialing'`,
            [placed.callback_id, placed.round, leaseUntil],
          );
        }
      }),
    async callbackForUpdate(callbackId) {
      const row = await lockedCallback(sql, callbackId);
      return row && { callback: toCallback(row), round: row.round, acceptedLegId: row.accepted_leg_id, leaseOwner: row.lease_owner };
    },
    roundLegs: (callbackId, round) => roundLegs(sql, callbackId, round),
    recordLegEvent: async (legId, callSid, status, sequenceNumber, now) =>
      (await sql.run(
        `INSERT INTO callback_status_events (call_sid, call_status, sequence_number, leg_id, received_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [callSid, status, sequenceNumber, legId, now],
      )) > 0,
    async updateLeg(legId, update, now) {
      const row = await sql.row<LegRow>(
        `UPDATE callback_legs SET status = $2, call_sid = coalesce(call_sid, $3),
           sequence_number = CASE WHEN $4::int IS NULL THEN sequence_number ELSE greatest(coalesce(sequence_number, -1), $4::int) END,
           error = coalesce($5, error), updated_at = $6
         WHERE leg_id = $1 RETURNING *`,
        [legId, update.status, update.callSid ?? null, update.sequenceNumber ?? null, update.error ?? null, now],
      );
      return row && toLeg(row);
    },
    async moveCallback(callbackId, from, change, now) {
      const guarded = 'WHERE callback_id = $1 AND round = $2 AND status = $3';
      const row =
        change.to === 'connected' || change.to === 'completed'
          ? await sql.row<CallbackRow>(
              `UPDATE callbacks SET status = $4, connected_at = coalesce(connected_at, $5), lease_owner = NULL,
                 lease_expires_at = NULL, last_error = NULL, updated_at = $5 ${guarded} RETURNING *`,
              [callbackId, from.round, from.status, change.to, now],
            )
          : await sql.row<CallbackRow>(
              `UPDATE callbacks SET status = $4, attempts = $5, next_attempt_at = $6, last_error = $7,
                 lease_owner = NULL, lease_expires_at = NULL, accepted_leg_id = NULL, accepted_agent_id = NULL, updated_at = $8
               ${guarded} RETURNING *`,
              [callbackId, from.round, from.status, change.to, change.attempts, change.to === 'pending' ? change.nextAttemptAt : null, change.lastError, now],
            );
      return row && toCallback(row);
    },
    async confirmLeg(legId, now) {
      const row = await sql.row<LegRow>(
        'UPDATE callback_legs SET confirmed_at = coalesce(confirmed_at, $2), updated_at = $2 WHERE leg_id = $1 RETURNING *',
        [legId, now],
      );
      return row && toLeg(row);
    },
    async recordAccept(callbackId, round, legId, agentId, leaseUntil, now) {
      const row = await sql.row<CallbackRow>(
        `UPDATE callbacks SET accepted_leg_id = $3, accepted_agent_id = $4,
           lease_expires_at = greatest(coalesce(lease_expires_at, 0), $5), updated_at = $6
         WHERE callback_id = $1 AND round = $2 AND status = 'dialing'
           AND (accepted_leg_id IS NULL OR accepted_leg_id = $3) RETURNING *`,
        [callbackId, round, legId, agentId, leaseUntil, now],
      );
      return row && toCallback(row);
    },
    addLeg: async (callbackId, round, kind, agentId, now) => toLeg(await insertLeg(sql, callbackId, round, kind, agentId, now)),
    async releaseForRetry(callbackId, round, owner, nextAttemptAt, error, now) {
      const changed = await sql.run(
        `UPDATE callbacks SET status = 'pending', next_attempt_at = $4, last_error = coalesce($5, last_error),
           lease_owner = NULL, lease_expires_at = NULL, accepted_leg_id = NULL, accepted_agent_id = NULL, updated_at = $6
         WHERE callback_id = $1 AND round = $2 AND status = 'dialing' AND lease_owner = $3`,
        [callbackId, round, owner, nextAttemptAt, error, now],
      );
      return changed > 0;
    },
    async markBreaches(now) {
      const rows = await sql.rows<CallbackRow>(
        `UPDATE callbacks SET breached_at = $1
         WHERE breached_at IS NULL AND due_at <= $1 AND status IN ('pending', 'dialing', 'failed') RETURNING *`,
        [now],
      );
      return rows.sort((a, b) => a.callback_id - b.callback_id).map(toCallback);
    },
    async liveLegsOfExpiredLeases(now) {
      const rows = await sql.rows<LegRow>(
        `SELECT l.* FROM callback_legs l JOIN callbacks c ON c.callback_id = l.callback_id AND c.round = l.round
         WHERE c.status = 'dialing' AND coalesce(c.lease_expires_at, 0) <= $1
           AND l.call_sid IS NOT NULL AND l.status NOT IN (${FINALS})
         ORDER BY l.leg_id`,
        [now],
      );
      return rows.map(toLeg);
    },
    async extendLease(callbackId, round, owner, until) {
      const changed = await sql.run(
        `UPDATE callbacks SET lease_owner = $3, lease_expires_at = $4 WHERE callback_id = $1 AND round = $2 AND status = 'dialing'`,
        [callbackId, round, owner, until],
      );
      return changed > 0;
    },
    async leg(legId) {
      const row = await leg(sql, legId);
      return row && toLeg(row);
    },
    async legs(callbackId) {
      return (await sql.rows<LegRow>('SELECT * FROM callback_legs WHERE callback_id = $1 ORDER BY leg_id', [callbackId])).map(toLeg);
    },
    async agentsBeingRung(now) {
      const rows = await sql.rows<{ agent_id: number }>(
        `SELECT DISTINCT l.agent_id FROM callback_legs l JOIN callbacks c ON c.callback_id = l.callback_id WHERE ${LIVE_AGENT_LEG}`,
        [now, now - LIVE_LEG_HORIZON_MS],
      );
      return rows.map((r) => r.agent_id);
    },
  };
}
