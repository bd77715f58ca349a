import type { CallRecord, CallRepository } from '../../domain/storage/calls.js';
import type { Sql } from './sql.js';

interface CallRow {
  call_sid: string;
  flow: string;
  state: string;
  context: string;
  step: number;
  last_input_key: string | null;
  last_response: string | null;
  from_number: string | null;
  to_number: string | null;
  language: string;
  customer_id: string | null;
  priority: string | null;
  outcome: string | null;
  started_at: number;
  updated_at: number;
  ended_at: number | null;
}

const toRecord = <C>(r: CallRow): CallRecord<C> => ({
  callSid: r.call_sid,
  flow: r.flow,
  state: r.state,
  context: JSON.parse(r.context) as C,
  step: r.step,
  lastInputKey: r.last_input_key,
  lastResponse: r.last_response,
  from: r.from_number,
  to: r.to_number,
  language: r.language,
  customerId: r.customer_id,
  priority: r.priority,
  outcome: r.outcome,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  endedAt: r.ended_at,
});

/** Calls in progress on PostgreSQL; each step is a conditional update on the stored step. */
export function createPgCallRepository(sql: Sql): CallRepository {
  return {
    async get<C>(callSid: string) {
      const row = await sql.row<CallRow>('SELECT * FROM calls WHERE call_sid = $1', [callSid]);
      return row && toRecord<C>(row);
    },
    async start(c) {
      const inserted = await sql.run(
        `INSERT INTO calls (call_sid, flow, state, context, step, last_input_key, last_response, from_number,
                            to_number, language, customer_id, priority, outcome, started_at, updated_at, ended_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (call_sid) DO NOTHING`,
        [c.callSid, c.flow, c.state, JSON.stringify(c.context), c.step, c.lastInputKey, c.lastResponse, c.from, c.to, c.language,
          c.customerId, c.priority, c.outcome, c.startedAt, c.updatedAt, c.endedAt],
      );
      return inserted > 0;
    },
    async advance(c, fromStep) {
      const changed = await sql.run(
        `UPDATE calls SET state = $2, context = $3, step = $4, last_input_key = $5, last_response = $6, language = $7,
           customer_id = $8, priority = $9, outcome = $10, updated_at = $11
         WHERE call_sid = $1 AND step = $12`,
        [c.callSid, c.state, JSON.stringify(c.context), c.step, c.lastInputKey, c.lastResponse, c.language, c.customerId,
          c.priority, c.outcome, c.updatedAt, fromStep],
      );
      return changed > 0;
    },
    async end(callSid, at, outcome) {
      await sql.run(
        `UPDATE calls SET ended_at = coalesce(ended_at, $2), outcome = coalesce(outcome, $3), updated_at = $2 WHERE call_sid = $1`,
        [callSid, at, outcome],
      );
    },
    async live(limit) {
      return (await sql.rows<CallRow>('SELECT * FROM calls WHERE ended_at IS NULL ORDER BY started_at LIMIT $1', [limit])).map((r) => toRecord(r));
    },
  };
}
