import type { Tier } from '../domain/customer.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { QueueStatus, QueueEntry, QueueRepository } from '../domain/storage/queue.js';

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

export function createSqliteQueueRepository(db: SqliteDb): Sync<QueueRepository> {
  const upsert = db.prepare(
    `INSERT INTO p1_queue (call_sid, customer_id, tier, language, enqueued_at, status, updated_at)
     VALUES (@callSid, @customerId, @tier, @language, @at, 'waiting', @at)
     ON CONFLICT (call_sid) DO UPDATE SET status = 'waiting', offered_agent_id = NULL, offered_at = NULL,
       updated_at = excluded.updated_at`,
  );
  const byId = db.prepare('SELECT * FROM p1_queue WHERE call_sid = ?');
  const waiting = db.prepare(`SELECT * FROM p1_queue WHERE status = 'waiting' ${ORDER}`);
  // Premium callers all come before a Standard one; within a tier, by time then CallSid, as ORDER says.
  const place = db
    .prepare(
      `SELECT 1
         + (SELECT count(*) FROM p1_queue q WHERE q.status = 'waiting' AND q.tier = 'premium' AND me.tier != 'premium')
         + (SELECT count(*) FROM p1_queue q WHERE q.status = 'waiting' AND q.tier = me.tier
              AND (q.enqueued_at < me.enqueued_at OR (q.enqueued_at = me.enqueued_at AND q.call_sid < me.call_sid)))
       FROM p1_queue me WHERE me.call_sid = ? AND me.status = 'waiting'`,
    )
    .pluck();
  const waitingCount = db.prepare(`SELECT count(*) FROM p1_queue WHERE status = 'waiting'`).pluck();
  const head = db.prepare(`SELECT call_sid FROM p1_queue WHERE status = 'waiting' ${ORDER} LIMIT 1`).pluck();
  const offer = db.prepare(
    `UPDATE p1_queue SET status = 'offered', offered_agent_id = ?, offered_at = ?, updated_at = ?
     WHERE call_sid = ? AND status = 'waiting'`,
  );
  const toCallback = db.prepare(
    `UPDATE p1_queue SET status = 'callback-requested', updated_at = ? WHERE call_sid = ? AND status = 'waiting'`,
  );
  const close = db.prepare('UPDATE p1_queue SET status = ?, updated_at = ? WHERE call_sid = ?');
  const abandon = db.prepare(
    `UPDATE p1_queue SET status = 'left', updated_at = ? WHERE call_sid = ? AND status IN ('waiting', 'offered')`,
  );
  const offerHead = db.transaction((callSid: string, agentId: number, at: number) => {
    if (head.get() !== callSid) return false;
    return offer.run(agentId, at, at, callSid).changes > 0;
  });

  return {
    // The added field goes before the spread (see docs/performance.md).
    enqueue: (e, at) => void upsert.run({ at, ...e }),
    get(callSid) {
      const row = byId.get(callSid) as Row | undefined;
      return row && toEntry(row);
    },
    waiting: () => (waiting.all() as Row[]).map(toEntry),
    position: (callSid) => (place.get(callSid) as number | undefined) ?? null,
    waitingCount: () => waitingCount.get() as number,
    offerHead: (callSid, agentId, at) => offerHead.immediate(callSid, agentId, at),
    requestCallback: (callSid, at) => toCallback.run(at, callSid).changes > 0,
    close: (callSid, status, at) => void close.run(status, at, callSid),
    abandon: (callSid, at) => void abandon.run(at, callSid),
  };
}
