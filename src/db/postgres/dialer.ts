import { FINAL_LEG_STATUSES, onAccept, onCustomerConfirmed, onLegStatus, type LegKind, type LegStatus } from '../../domain/callbackLegs.js';
import { BOOKING_CALL_HOLD_MS, LIVE_LEG_HORIZON_MS } from '../../domain/serviceNumbers.js';
import type { AcceptResult, CallbackDialerRepository, CallbackLeg, LegNewsResult } from '../../domain/storage/callbackDialer.js';
import { toCallback, type CallbackRow } from '../callbackRepository.js';
import { reserveAgent } from './agents.js';
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
const dialState = (c: DialRow) => ({ status: c.status, round: c.round, attempts: c.attempts, acceptedLegId: c.accepted_leg_id });

// An agent's leg that may still ring or whisper; one never confirmed placed counts only while its round's lease holds.
const LIVE_AGENT_LEG = `l.kind = 'agent' AND l.agent_id IS NOT NULL AND l.status NOT IN (${FINALS})
  AND c.status IN ('dialing', 'connected') AND l.created_at >= $2
  AND NOT (l.call_sid IS NULL AND coalesce(c.lease_expires_at, 0) <= $1)`;

/**
 * The dialer's side of callbacks on PostgreSQL, the same decisions as SQLite's (src/domain/callbackLegs.ts):
 * claims read FOR UPDATE SKIP LOCKED, so dialers on several instances take different callbacks; every
 * change to a callback's round locks the callback's row first.
 */
export function createPgCallbackDialerRepository(sql: Sql, offerHoldMs: number): CallbackDialerRepository {
  const leg = (q: Sql, id: number) => q.row<LegRow>('SELECT * FROM callback_legs WHERE leg_id = $1', [id]);
  const callback = (q: Sql, id: number) => q.row<DialRow>('SELECT * FROM callbacks WHERE callback_id = $1', [id]);
  const lockedCallback = (q: Sql, id: number) => q.row<DialRow>('SELECT * FROM callbacks WHERE callback_id = $1 FOR UPDATE', [id]);
  const roundLegs = async (q: Sql, callbackId: number, round: number) =>
    (await q.rows<LegRow>('SELECT * FROM callback_legs WHERE callback_id = $1 AND round = $2 ORDER BY leg_id', [callbackId, round])).map(toLeg);
  const insertLeg = async (q: Sql, callbackId: number, round: number, kind: LegKind, agentId: number | null, now: number) =>
    (await q.row<LegRow>(
      'INSERT INTO callback_legs (callback_id, round, kind, agent_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING *',
      [callbackId, round, kind, agentId, now],
    ))!;
  const toConnected = (q: Sql, callbackId: number, status: string, now: number) =>
    q.run(
      `UPDATE callbacks SET status = $2, connected_at = coalesce(connected_at, $3), lease_owner = NULL, lease_expires_at = NULL,
         last_error = NULL, updated_at = $3 WHERE callback_id = $1`,
      [callbackId, status, now],
    );
  const toPending = (q: Sql, callbackId: number, status: string, attempts: number, nextAttemptAt: number | null, lastError: string | null, now: number) =>
    q.run(
      `UPDATE callbacks SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, lease_owner = NULL, lease_expires_at = NULL,
         accepted_leg_id = NULL, accepted_agent_id = NULL, updated_at = $6 WHERE callback_id = $1`,
      [callbackId, status, attempts, nextAttemptAt, lastError, now],
    );

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
    requestAgentLegs: (callbackId, round, owner, agentIds, now) =>
      sql.transaction(async (q) => {
        const holds = await q.row(
          `SELECT 1 FROM callbacks WHERE callback_id = $1 AND round = $2 AND status = 'dialing' AND lease_owner = $3 FOR UPDATE`,
          [callbackId, round, owner],
        );
        if (!holds) return undefined;
        // The agents' rows are locked in one order, so dialers asking for the same agents cannot deadlock.
        await q.run('SELECT 1 FROM agents WHERE agent_id = ANY($1) ORDER BY agent_id FOR UPDATE', [agentIds]);
        const legs: CallbackLeg[] = [];
        for (const agentId of agentIds) {
          const ringing = await q.row(
            `SELECT 1 FROM callback_legs l JOIN callbacks c ON c.callback_id = l.callback_id WHERE l.agent_id = $3 AND ${LIVE_AGENT_LEG} LIMIT 1`,
            [now, now - LIVE_LEG_HORIZON_MS, agentId],
          );
          if (ringing || !(await reserveAgent(q, agentId, now, offerHoldMs))) continue;
          legs.push(toLeg(await insertLeg(q, callbackId, round, 'agent', agentId, now)));
        }
        return legs;
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
    applyLegNews: (news, now, policy) =>
      sql.transaction(async (q): Promise<LegNewsResult> => {
        const first = await leg(q, news.legId);
        const cb = first && (await lockedCallback(q, first.callback_id));
        const row = cb && (await leg(q, news.legId));
        if (!cb || !row || (news.callSid !== null && row.call_sid !== null && row.call_sid !== news.callSid)) {
          return { duplicate: false, unknown: true };
        }
        if (news.callSid !== null) {
          const fresh = await q.run(
            `INSERT INTO callback_status_events (call_sid, call_status, sequence_number, leg_id, received_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
            [news.callSid, news.status, news.sequenceNumber ?? null, row.leg_id, now],
          );
          if (fresh === 0) return { duplicate: true, unknown: false, leg: toLeg(row) };
        }
        const { legStatus, change } = onLegStatus({
          callback: dialState(cb),
          leg: { ...toLeg(row), error: news.error ?? row.error },
          roundLegs: await roundLegs(q, row.callback_id, row.round),
          status: news.status,
          now,
          policy,
        });
        await q.run(
          `UPDATE callback_legs SET status = $2, call_sid = coalesce(call_sid, $3),
             sequence_number = CASE WHEN $4::integer IS NULL THEN sequence_number ELSE greatest(coalesce(sequence_number, -1), $4::integer) END,
             error = coalesce($5, error), updated_at = $6
           WHERE leg_id = $1`,
          [row.leg_id, legStatus, news.callSid, news.sequenceNumber ?? null, news.error ?? null, now],
        );
        if (change?.to === 'connected' || change?.to === 'completed') await toConnected(q, cb.callback_id, change.to, now);
        else if (change?.to === 'pending') await toPending(q, cb.callback_id, 'pending', change.attempts, change.nextAttemptAt, change.lastError, now);
        else if (change?.to === 'failed') await toPending(q, cb.callback_id, 'failed', change.attempts, null, change.lastError, now);
        return {
          duplicate: false,
          unknown: false,
          leg: toLeg((await leg(q, row.leg_id))!),
          callback: toCallback((await callback(q, row.callback_id))!),
          ...(change && { change }),
        };
      }),
    confirmCustomer: (legId, now) =>
      sql.transaction(async (q) => {
        const first = await leg(q, legId);
        const cb = first && (await lockedCallback(q, first.callback_id));
        const row = cb && (await leg(q, legId));
        if (!cb || !row || row.kind !== 'customer') return undefined;
        // The agent leg that accepted this customer leg's round, whose Dial rang the customer.
        const accepted = cb.accepted_leg_id === null ? undefined : await leg(q, cb.accepted_leg_id);
        const agentLeg = accepted?.round === row.round ? toLeg(accepted) : undefined;
        const { confirmed, change } = onCustomerConfirmed(dialState(cb), toLeg(row), agentLeg);
        if (confirmed && row.confirmed_at === null) {
          await q.run('UPDATE callback_legs SET confirmed_at = coalesce(confirmed_at, $2), updated_at = $2 WHERE leg_id = $1', [legId, now]);
        }
        if (change) await toConnected(q, cb.callback_id, change.to, now);
        return {
          callback: toCallback((await callback(q, row.callback_id))!),
          leg: toLeg((await leg(q, legId))!),
          ...(change && { change }),
        };
      }),
    async standing(legId) {
      const row = await leg(sql, legId);
      const cb = row && (await callback(sql, row.callback_id));
      if (!row || !cb) return undefined;
      return { callback: toCallback(cb), leg: toLeg(row), verdict: onAccept(dialState(cb), toLeg(row)) };
    },
    accept: (legId, now, leaseUntil) =>
      sql.transaction(async (q): Promise<AcceptResult> => {
        // The callback's lock makes the first accept of a round the only winner, across instances.
        const first = await leg(q, legId);
        const cb = first && (await lockedCallback(q, first.callback_id));
        const row = cb && (await leg(q, legId));
        if (!row || !cb) return { result: 'lost', callback: cb && toCallback(cb) };
        const verdict = onAccept(dialState(cb), toLeg(row));
        if (verdict === 'lost') return { result: 'lost', callback: toCallback(cb) };
        let customer = (await roundLegs(q, row.callback_id, row.round)).find((l) => l.kind === 'customer');
        if (verdict === 'won' || !customer) {
          await q.run(
            `UPDATE callbacks SET accepted_leg_id = $2, accepted_agent_id = $3,
               lease_expires_at = greatest(coalesce(lease_expires_at, 0), $4), updated_at = $5
             WHERE callback_id = $1`,
            [row.callback_id, legId, row.agent_id, leaseUntil, now],
          );
          customer ??= toLeg(await insertLeg(q, row.callback_id, row.round, 'customer', null, now));
        }
        return { result: 'won', callback: toCallback((await callback(q, row.callback_id))!), leg: toLeg(row), customerLegId: customer.legId };
      }),
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
