import { OUTCOME_WORDS, type CallbackOutcome } from '../../domain/callbackOutcomes.js';
import { OPEN_STATUSES, type CallbackDeskRepository, type CustomerTry, type DeskCallback, type NoteKind } from '../../domain/storage/callbackDesk.js';
import { toCallback, type CallbackRow } from '../callbackRepository.js';
import type { Sql } from './sql.js';

type DeskRow = CallbackRow & {
  claimed_by: number | null;
  claimed_at: number | null;
  claimed_by_name: string | null;
  completed_by: number | null;
  completed_by_name: string | null;
  outcome: CallbackOutcome | null;
  notes: number;
};

const SELECT_DESK = `
  SELECT c.*, claimer.name AS claimed_by_name, completer.name AS completed_by_name,
         (SELECT count(*) FROM callback_notes n WHERE n.callback_id = c.callback_id AND n.kind = 'note') AS notes
  FROM callbacks c
  LEFT JOIN agents claimer ON claimer.agent_id = c.claimed_by
  LEFT JOIN agents completer ON completer.agent_id = c.completed_by`;

const toDesk = (r: DeskRow): DeskCallback =>
  Object.assign(toCallback(r), {
    claimedBy: r.claimed_by === null ? null : { agentId: r.claimed_by, name: r.claimed_by_name ?? '' },
    claimedAt: r.claimed_at,
    completedBy: r.completed_by === null ? null : { agentId: r.completed_by, name: r.completed_by_name ?? '' },
    outcome: r.outcome ?? null,
    notes: r.notes,
    connectedAt: r.connected_at ?? null,
    breachedAt: r.breached_at ?? null,
  });

const OPEN = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
const isOpen = (status: string) => (OPEN_STATUSES as readonly string[]).includes(status);

/** Agents' work on callbacks on PostgreSQL: each action locks the callback's row before it decides. */
export function createPgCallbackDeskRepository(sql: Sql): CallbackDeskRepository {
  const locked = (q: Sql, id: number) => q.row<DeskRow>(`${SELECT_DESK} WHERE c.callback_id = $1 FOR UPDATE OF c`, [id]);
  const note = (q: Sql, callbackId: number, agentId: number, kind: NoteKind, body: string, at: number) =>
    q.run('INSERT INTO callback_notes (callback_id, agent_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5)', [
      callbackId,
      agentId,
      kind,
      body,
      at,
    ]);
  const setClaim = (q: Sql, callbackId: number, agentId: number | null, at: number) =>
    q.run('UPDATE callbacks SET claimed_by = $2, claimed_at = $3, updated_at = $4 WHERE callback_id = $1', [
      callbackId,
      agentId,
      agentId === null ? null : at,
      at,
    ]);

  return {
    async get(callbackId) {
      const row = await sql.row<DeskRow>(`${SELECT_DESK} WHERE c.callback_id = $1`, [callbackId]);
      return row && toDesk(row);
    },
    async board(closedSince, limit) {
      const open = await sql.rows<DeskRow>(`${SELECT_DESK} WHERE c.status IN (${OPEN}) ORDER BY c.due_at, c.callback_id LIMIT $1`, [limit]);
      const closed = await sql.rows<DeskRow>(
        `${SELECT_DESK} WHERE c.status IN ('completed', 'cancelled') AND c.updated_at >= $1
         ORDER BY c.updated_at DESC, c.callback_id DESC LIMIT $2`,
        [closedSince, limit],
      );
      return [...open, ...closed].map(toDesk);
    },
    async notes(callbackId) {
      const rows = await sql.rows<{
        note_id: number;
        callback_id: number;
        agent_id: number | null;
        agent_name: string | null;
        kind: NoteKind;
        body: string;
        created_at: number;
      }>(
        `SELECT n.*, a.name AS agent_name FROM callback_notes n LEFT JOIN agents a ON a.agent_id = n.agent_id
         WHERE n.callback_id = $1 ORDER BY n.note_id`,
        [callbackId],
      );
      return rows.map((n) => ({
        noteId: n.note_id,
        callbackId: n.callback_id,
        agentId: n.agent_id,
        agentName: n.agent_name,
        kind: n.kind,
        body: n.body,
        createdAt: n.created_at,
      }));
    },
    customerTries: (callbackId) =>
      sql.rows<CustomerTry>(
        `SELECT created_at AS at, status, confirmed_at AS "confirmedAt" FROM callback_legs
         WHERE callback_id = $1 AND kind = 'customer' ORDER BY leg_id`,
        [callbackId],
      ),
    addNote: (callbackId, agentId, body, at) =>
      sql.transaction(async (q) => {
        if (!(await q.row('SELECT 1 FROM callbacks WHERE callback_id = $1 FOR SHARE', [callbackId]))) return 'not-found' as const;
        await note(q, callbackId, agentId, 'note', body, at);
        return null;
      }),
    claim: (callbackId, agentId, at, options = {}) =>
      sql.transaction(async (q) => {
        const row = await locked(q, callbackId);
        if (!row) return 'not-found' as const;
        if (!isOpen(row.status)) return 'closed' as const;
        if (row.claimed_by === agentId) return null;
        if (row.claimed_by !== null && !options.takeOver) return 'claimed-by-other' as const;
        await setClaim(q, callbackId, agentId, at);
        const from = row.claimed_by !== null ? ` (taken over from ${row.claimed_by_name ?? `agent ${row.claimed_by}`})` : '';
        await note(q, callbackId, agentId, 'claimed', `Claimed${from}`, at);
        return null;
      }),
    release: (callbackId, agentId, at) =>
      sql.transaction(async (q) => {
        const row = await locked(q, callbackId);
        if (!row) return 'not-found' as const;
        if (row.claimed_by === null) return null;
        if (row.claimed_by !== agentId) return 'claimed-by-other' as const;
        await setClaim(q, callbackId, null, at);
        await note(q, callbackId, agentId, 'released', 'Released', at);
        return null;
      }),
    complete: (callbackId, agentId, at, outcome) =>
      sql.transaction(async (q) => {
        const row = await locked(q, callbackId);
        if (!row) return 'not-found' as const;
        if (row.status === 'completed') return null;
        if (!isOpen(row.status)) return 'closed' as const;
        await q.run(`UPDATE callbacks SET status = 'completed', completed_by = $2, outcome = $3, updated_at = $4 WHERE callback_id = $1`, [
          callbackId,
          agentId,
          outcome ?? null,
          at,
        ]);
        const how = outcome ? `: ${OUTCOME_WORDS[outcome]}` : '';
        await note(q, callbackId, agentId, 'completed', `Marked completed (was ${row.status})${how}`, at);
        return null;
      }),
  };
}
