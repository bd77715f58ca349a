import type { Escalation, EscalationChannel, EscalationRepository, EscalationStatus } from '../../domain/storage/escalations.js';
import type { Sql } from './sql.js';

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

/** Escalations on PostgreSQL: the primary key makes each claim succeed once, across instances. */
export function createPgEscalationRepository(sql: Sql): EscalationRepository {
  return {
    claim: async (callbackId, channel, to, at) =>
      (await sql.run(
        `INSERT INTO callback_escalations (callback_id, channel, to_number, status, created_at, updated_at)
         VALUES ($1, $2, $3, 'sending', $4, $4) ON CONFLICT DO NOTHING`,
        [callbackId, channel, to, at],
      )) > 0,
    async settle(callbackId, channel, to, status, detail, at) {
      await sql.run(
        'UPDATE callback_escalations SET status = $1, detail = $2, updated_at = $3 WHERE callback_id = $4 AND channel = $5 AND to_number = $6',
        [status, detail, at, callbackId, channel, to],
      );
    },
    ofCallback: async (callbackId) =>
      (await sql.rows<EscalationRow>('SELECT * FROM callback_escalations WHERE callback_id = $1 ORDER BY created_at, seq', [callbackId])).map(toEscalation),
  };
}
