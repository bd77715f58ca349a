import { FINAL_LEG_STATUSES, type LegKind, type LegStatus } from '../domain/callbackLegs.js';
import { toCallback, type CallbackRow } from './callbackRepository.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { CallbackLeg, ClaimedCallback, CallbackDialerRepository } from '../domain/storage/callbackDialer.js';

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
/**
 * A booking call whose last step was this long ago no longer holds its callback back, even if its end
 * was never reported: after the step that books a callback a caller stays a few minutes at most (a P2
 * description is at most 2). From the last step, not the start: a P1 caller may wait long in the queue.
 */
import { BOOKING_CALL_HOLD_MS } from '../domain/serviceNumbers.js';
/** Legs older than this are not taken to keep an agent busy, whatever Twilio last said of them. */
import { LIVE_LEG_HORIZON_MS } from '../domain/serviceNumbers.js';

export function createSqliteCallbackDialerRepository(db: SqliteDb): Sync<CallbackDialerRepository> {
  const callbackById = db.prepare('SELECT * FROM callbacks WHERE callback_id = ?');
  const legById = db.prepare('SELECT * FROM callback_legs WHERE leg_id = ?');
  const legsOfRound = db.prepare('SELECT * FROM callback_legs WHERE callback_id = ? AND round = ? ORDER BY leg_id');
  const legsOf = db.prepare('SELECT * FROM callback_legs WHERE callback_id = ? ORDER BY leg_id');
  // A callback an agent claimed in the console is theirs to call: no round starts for it until it is released.
  // Nor does one while the call that booked it is live: that caller's phone is busy with the hotline.
  const next = db.prepare(
    `SELECT * FROM callbacks c
     WHERE c.claimed_by IS NULL
       AND NOT EXISTS (SELECT 1 FROM calls k
                       WHERE k.call_sid = c.call_sid AND k.ended_at IS NULL AND k.updated_at > @now - ${BOOKING_CALL_HOLD_MS})
       AND ((c.status = 'pending' AND coalesce(c.next_attempt_at, 0) <= @now)
        OR (c.status = 'dialing' AND coalesce(c.lease_expires_at, 0) <= @now
            AND NOT EXISTS (SELECT 1 FROM callback_legs l
                            WHERE l.callback_id = c.callback_id AND l.round = c.round
                              AND l.call_sid IS NOT NULL AND l.status NOT IN (${FINALS}))))
     ORDER BY c.due_at, CASE c.tier WHEN 'premium' THEN 0 ELSE 1 END, c.priority, c.callback_id
     LIMIT 1`,
  );
  // The agents of a round taken over are no longer held by its offers (see src/domain/duty.ts).
  const endRoundOffers = db.prepare("UPDATE agents SET offered_for = NULL WHERE offered_for = 'callback:' || ?");
  const abandon = db.prepare(
    `UPDATE callback_legs SET status = 'abandoned', error = 'never confirmed placed; the worker stopped', updated_at = @now
     WHERE callback_id = @callbackId AND round = @round AND call_sid IS NULL AND status = 'requested'`,
  );
  const takeRound = db.prepare(
    `UPDATE callbacks SET status = 'dialing', round = round + 1, lease_owner = @owner, lease_expires_at = @until,
       accepted_leg_id = NULL, accepted_agent_id = NULL, updated_at = @now
     WHERE callback_id = @callbackId RETURNING *`,
  );
  const insertLeg = db.prepare(
    `INSERT INTO callback_legs (callback_id, round, kind, agent_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const placed = db.prepare(
    `UPDATE callback_legs SET call_sid = coalesce(call_sid, @callSid),
       status = CASE status WHEN 'requested' THEN 'queued' ELSE status END, updated_at = @now
     WHERE leg_id = @legId RETURNING *`,
  );
  const lease = db.prepare(
    `UPDATE callbacks SET lease_expires_at = max(coalesce(lease_expires_at, 0), @until)
     WHERE callback_id = @callbackId AND round = @round AND status = 'dialing'`,
  );
  const event = db.prepare(
    `INSERT INTO callback_status_events (call_sid, call_status, sequence_number, leg_id, received_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const release = db.prepare(
    `UPDATE callbacks SET status = 'pending', next_attempt_at = @nextAttemptAt, last_error = coalesce(@error, last_error),
       lease_owner = NULL, lease_expires_at = NULL, accepted_leg_id = NULL, accepted_agent_id = NULL, updated_at = @now
     WHERE callback_id = @callbackId AND round = @round AND status = 'dialing' AND lease_owner = @owner`,
  );
  const confirmLeg = db.prepare(
    'UPDATE callback_legs SET confirmed_at = coalesce(confirmed_at, @now), updated_at = @now WHERE leg_id = @legId RETURNING *',
  );
  const updateLeg = db.prepare(
    `UPDATE callback_legs SET status = @status, call_sid = coalesce(call_sid, @callSid),
       sequence_number = CASE WHEN @seq IS NULL THEN sequence_number ELSE max(coalesce(sequence_number, -1), @seq) END,
       error = coalesce(@error, error), updated_at = @now
     WHERE leg_id = @legId RETURNING *`,
  );
  const guarded = 'WHERE callback_id = @callbackId AND round = @round AND status = @from';
  const moveToConnected = db.prepare(
    `UPDATE callbacks SET status = @status, connected_at = coalesce(connected_at, @now), lease_owner = NULL,
       lease_expires_at = NULL, last_error = NULL, updated_at = @now
     ${guarded} RETURNING *`,
  );
  const moveToPending = db.prepare(
    `UPDATE callbacks SET status = @status, attempts = @attempts, next_attempt_at = @nextAttemptAt, last_error = @lastError,
       lease_owner = NULL, lease_expires_at = NULL, accepted_leg_id = NULL, accepted_agent_id = NULL, updated_at = @now
     ${guarded} RETURNING *`,
  );
  const acceptRound = db.prepare(
    `UPDATE callbacks SET accepted_leg_id = @legId, accepted_agent_id = @agentId,
       lease_expires_at = max(coalesce(lease_expires_at, 0), @until), updated_at = @now
     WHERE callback_id = @callbackId AND round = @round AND status = 'dialing'
       AND (accepted_leg_id IS NULL OR accepted_leg_id = @legId) RETURNING *`,
  );
  const breaches = db.prepare(
    `UPDATE callbacks SET breached_at = @now
     WHERE breached_at IS NULL AND due_at <= @now AND status IN ('pending', 'dialing', 'failed') RETURNING *`,
  );
  const liveExpired = db.prepare(
    `SELECT l.* FROM callback_legs l JOIN callbacks c ON c.callback_id = l.callback_id AND c.round = l.round
     WHERE c.status = 'dialing' AND coalesce(c.lease_expires_at, 0) <= ?
       AND l.call_sid IS NOT NULL AND l.status NOT IN (${FINALS})
     ORDER BY l.leg_id`,
  );
  const extend = db.prepare(
    `UPDATE callbacks SET lease_owner = @owner, lease_expires_at = @until
     WHERE callback_id = @callbackId AND round = @round AND status = 'dialing'`,
  );
  // An agent's leg that may still ring or whisper. One never confirmed placed counts only while its
  // round's lease holds: after that it is abandoned.
  const liveAgentLeg = `l.kind = 'agent' AND l.agent_id IS NOT NULL AND l.status NOT IN (${FINALS})
       AND c.status IN ('dialing', 'connected') AND l.created_at >= @horizon
       AND NOT (l.call_sid IS NULL AND coalesce(c.lease_expires_at, 0) <= @now)`;
  const ringing = db.prepare(
    `SELECT DISTINCT l.agent_id FROM callback_legs l JOIN callbacks c ON c.callback_id = l.callback_id
     WHERE ${liveAgentLeg}`,
  ).pluck();
  const getCallback = (id: number) => callbackById.get(id) as DialRow | undefined;
  const getLeg = (id: number) => legById.get(id) as LegRow | undefined;
  const roundLegs = (callbackId: number, round: number) => (legsOfRound.all(callbackId, round) as LegRow[]).map(toLeg);

  const claimNext = db.transaction((owner: string, now: number, leaseMs: number): ClaimedCallback | undefined => {
    const row = next.get({ now }) as DialRow | undefined;
    if (!row) return undefined;
    const takenOver = row.status === 'dialing';
    const abandonedLegs = takenOver ? abandon.run({ callbackId: row.callback_id, round: row.round, now }).changes : 0;
    if (takenOver) endRoundOffers.run(row.callback_id);
    const claimed = takeRound.get({ owner, until: now + leaseMs, now, callbackId: row.callback_id }) as DialRow;
    return { callback: toCallback(claimed), round: claimed.round, abandonedLegs, takenOver };
  });

  const recordCallPlaced = db.transaction((legId: number, callSid: string, now: number, leaseUntil: number) => {
    const leg = placed.get({ legId, callSid, now }) as LegRow | undefined;
    if (leg) lease.run({ callbackId: leg.callback_id, round: leg.round, until: leaseUntil });
  });

  return {
    claimNext: (owner, now, leaseMs) => claimNext.immediate(owner, now, leaseMs),
    recordCallPlaced: (legId, callSid, now, leaseUntil) => recordCallPlaced.immediate(legId, callSid, now, leaseUntil),
    releaseForRetry: (callbackId, round, owner, nextAttemptAt, error, now) =>
      release.run({ callbackId, round, owner, nextAttemptAt, error, now }).changes > 0,
    markBreaches: (now) => (breaches.all({ now }) as CallbackRow[]).map(toCallback),
    liveLegsOfExpiredLeases: (now) => (liveExpired.all(now) as LegRow[]).map(toLeg),
    extendLease: (callbackId, round, owner, until) => extend.run({ callbackId, round, owner, until }).changes > 0,
    callbackForUpdate(callbackId) {
      const row = getCallback(callbackId);
      return row && { callback: toCallback(row), round: row.round, acceptedLegId: row.accepted_leg_id, leaseOwner: row.lease_owner };
    },
    roundLegs,
    recordLegEvent: (legId, callSid, status, sequenceNumber, now) => event.run(callSid, status, sequenceNumber, legId, now).changes > 0,
    updateLeg(legId, update, now) {
      const row = updateLeg.get({ legId, status: update.status, callSid: update.callSid, seq: update.sequenceNumber, error: update.error, now }) as LegRow | undefined;
      return row && toLeg(row);
    },
    moveCallback(callbackId, from, change, now) {
      const where = { callbackId, round: from.round, from: from.status, now };
      const row =
        change.to === 'connected' || change.to === 'completed'
          ? moveToConnected.get({ ...where, status: change.to })
          : moveToPending.get({
              ...where,
              status: change.to,
              attempts: change.attempts,
              nextAttemptAt: change.to === 'pending' ? change.nextAttemptAt : null,
              lastError: change.lastError,
            });
      return row ? toCallback(row as CallbackRow) : undefined;
    },
    confirmLeg(legId, now) {
      const row = confirmLeg.get({ legId, now }) as LegRow | undefined;
      return row && toLeg(row);
    },
    recordAccept(callbackId, round, legId, agentId, leaseUntil, now) {
      const row = acceptRound.get({ callbackId, round, legId, agentId, until: leaseUntil, now }) as CallbackRow | undefined;
      return row && toCallback(row);
    },
    addLeg: (callbackId, round, kind, agentId, now) => toLeg(insertLeg.get(callbackId, round, kind, agentId, now, now) as LegRow),
    leg(legId) {
      const row = getLeg(legId);
      return row && toLeg(row);
    },
    legs: (callbackId) => (legsOf.all(callbackId) as LegRow[]).map(toLeg),
    agentsBeingRung: (now) => ringing.all({ now, horizon: now - LIVE_LEG_HORIZON_MS }) as number[],
  };
}

