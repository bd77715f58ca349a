import type { Escalation, EscalationChannel, EscalationRepository, EscalationStatus } from '../domain/storage/escalations.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';

interface EscalationRow {
  callback_id: number;
  channel: EscalationChannel;
  to_number: string;
  status: EscalationStatus;
  detail: string | null;
  created_at: number;
  updated_at: number;
}

const toEscalation = (r: EscalationRow): Escalation => ({
  callbackId: r.callback_id,
  channel: r.channel,
  to: r.to_number,
  status: r.status,
  detail: r.detail,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createSqliteEscalationRepository(db: SqliteDb): Sync<EscalationRepository> {
  const claim = db.prepare(
    `INSERT INTO callback_escalations (callback_id, channel, to_number, status, created_at, updated_at)
     VALUES (?, ?, ?, 'sending', ?, ?) ON CONFLICT DO NOTHING`,
  );
  const settle = db.prepare(
    `UPDATE callback_escalations SET status = ?, detail = ?, updated_at = ?
     WHERE callback_id = ? AND channel = ? AND to_number = ?`,
  );
  const ofCallback = db.prepare('SELECT * FROM callback_escalations WHERE callback_id = ? ORDER BY created_at, rowid');
  return {
    claim: (callbackId, channel, to, at) => claim.run(callbackId, channel, to, at, at).changes > 0,
    settle: (callbackId, channel, to, status, detail, at) => void settle.run(status, detail, at, callbackId, channel, to),
    ofCallback: (callbackId) => (ofCallback.all(callbackId) as EscalationRow[]).map(toEscalation),
  };
}
