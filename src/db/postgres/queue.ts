import type { Tier } from '../../domain/customer.js';
import type { QueueEntry, QueueRepository, QueueStatus } from '../../domain/storage/queue.js';
import { lockKeys } from './locks.js';
import type { Sql } from './sql.js';

interface Row {
  call_sid: string;
  customer_id: string;
  tier: Tier;
  language: string;
  enqueued_at: number;
  status: QueueStatus;
  offered_agent_id: number | null;
  offered_at: number | null;
}

const toEntry = (r: Row): QueueEntry => ({
  callSid: r.call_sid,
  customerId: r.customer_id,
  tier: r.tier,
  language: r.language,
  enqueuedAt: r.enqueued_at,
  status: r.status,
  offeredAgentId: r.offered_agent_id,
  offeredAt: r.offered_at,
});

// 'premium' sorts after 'standard', so order by a flag rather than the text.
const ORDER = `ORDER BY CASE tier WHEN 'premium' THEN 0 ELSE 1 END, enqueued_at, call_sid`;

/** The P1 queue on PostgreSQL: offers of its head are taken one at a time across instances. */
export function createPgQueueRepository(sql: Sql): QueueRepository {
  return {
    async enqueue(e, at) {
      await sql.run(
        `INSERT INTO p1_queue (call_sid, customer_id, tier, language, enqueued_at, status, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'waiting', $5)
         ON CONFLICT (call_sid) DO UPDATE SET status = 'waiting', offered_agent_id = NULL, offered_at = NULL,
           updated_at = excluded.updated_at`,
        [e.callSid, e.customerId, e.tier, e.language, at],
      );
    },
    async get(callSid) {
      const row = await sql.row<Row>('SELECT * FROM p1_queue WHERE call_sid = $1', [callSid]);
      return row && toEntry(row);
    },
    async waiting() {
      return (await sql.rows<Row>(`SELECT * FROM p1_queue WHERE status = 'waiting' ${ORDER}`)).map(toEntry);
    },
    async position(callSid) {
      const row = await sql.row<{ place: number }>(
        `SELECT 1
           + (SELECT count(*) FROM p1_queue q WHERE q.status = 'waiting' AND q.tier = 'premium' AND me.tier != 'premium')
           + (SELECT count(*) FROM p1_queue q WHERE q.status = 'waiting' AND q.tier = me.tier
                AND (q.enqueued_at < me.enqueued_at OR (q.enqueued_at = me.enqueued_at AND q.call_sid < me.call_sid))) AS place
         FROM p1_queue me WHERE me.call_sid = $1 AND me.status = 'waiting'`,
        [callSid],
      );
      return row ? Number(row.place) : null;
    },
    async waitingCount() {
      return (await sql.row<{ n: number }>(`SELECT count(*) AS n FROM p1_queue WHERE status = 'waiting'`))!.n;
    },
    offerHead: (callSid, agentId, at) =>
      sql.transaction(async (q) => {
        // One offer at a time, line-wide: the head read and its offer cannot interleave with another's.
        await lockKeys(q, 'queue-head', ['p1']);
        const head = await q.row<{ call_sid: string }>(`SELECT call_sid FROM p1_queue WHERE status = 'waiting' ${ORDER} LIMIT 1`);
        if (head?.call_sid !== callSid) return false;
        const changed = await q.run(
          `UPDATE p1_queue SET status = 'offered', offered_agent_id = $2, offered_at = $3, updated_at = $3 WHERE call_sid = $1 AND status = 'waiting'`,
          [callSid, agentId, at],
        );
        return changed > 0;
      }),
    async requestCallback(callSid, at) {
      const changed = await sql.run(
        `UPDATE p1_queue SET status = 'callback-requested', updated_at = $2 WHERE call_sid = $1 AND status = 'waiting'`,
        [callSid, at],
      );
      return changed > 0;
    },
    async close(callSid, status, at) {
      await sql.run('UPDATE p1_queue SET status = $2, updated_at = $3 WHERE call_sid = $1', [callSid, status, at]);
    },
    async abandon(callSid, at) {
      await sql.run(`UPDATE p1_queue SET status = 'left', updated_at = $2 WHERE call_sid = $1 AND status IN ('waiting', 'offered')`, [callSid, at]);
    },
  };
}
