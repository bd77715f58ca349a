import { toCallback, type CallbackRow } from './callbackRepository.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import { OUTCOME_WORDS, type CallbackOutcome } from '../domain/callbackOutcomes.js';
import { type NoteKind, type DeskCallback, type CustomerTry, OPEN_STATUSES, type CallbackDeskRepository } from '../domain/storage/callbackDesk.js';

type DeskRow = CallbackRow & {
  claimed_by: number | null;
  claimed_at: number | null;
  claimed_by_name: string | null;
  completed_by: number | null;
  completed_by_name: string | null;
  outcome: CallbackOutcome | null;
  notes: number;
  connected_at?: number | null;
  breached_at?: number | null;
};

const SELECT_DESK = `
  SELECT c.*, claimer.name AS claimed_by_name, completer.name AS completed_by_name,
         (SELECT count(*) FROM callback_notes n WHERE n.callback_id = c.callback_id AND n.kind = 'note') AS notes
  FROM callbacks c
  LEFT JOIN agents claimer ON claimer.agent_id = c.claimed_by
  LEFT JOIN agents completer ON completer.agent_id = c.completed_by`;

// The desk's fields are added to the callback itself, not to a spread copy of it: a spread copy that
// gains fields costs a hidden class per object on Node 20 (README, "Performance"), and consoles list
// every open callback every few seconds during an outage.
const toDesk = (r: DeskRow): DeskCallback =>
  Object.assign(toCallback(r), {
    claimedBy: r.claimed_by === null ? null : { agentId: r.claimed_by, name: r.claimed_by_name ?? '' },
    claimedAt: r.claimed_at,
    completedBy: r.completed_by === null ? null : { agentId: r.completed_by, name: r.completed_by_name ?? '' },
    outcome: r.outcome,
    notes: r.notes,
    connectedAt: r.connected_at ?? null,
    breachedAt: r.breached_at ?? null,
  });

const isOpen = (status: string) => (OPEN_STATUSES as readonly string[]).includes(status);

export function createSqliteCallbackDeskRepository(db: SqliteDb): Sync<CallbackDeskRepository> {
  const byId = db.prepare(`${SELECT_DESK} WHERE c.callback_id = ?`);
  const open = db.prepare(
    `${SELECT_DESK} WHERE c.status IN ('pending', 'dialing', 'connected', 'failed') ORDER BY c.due_at, c.callback_id LIMIT ?`,
  );
  const closed = db.prepare(
    `${SELECT_DESK} WHERE c.status IN ('completed', 'cancelled') AND c.updated_at >= ?
     ORDER BY c.updated_at DESC, c.callback_id DESC LIMIT ?`,
  );
  const notes = db.prepare(
    `SELECT n.*, a.name AS agent_name FROM callback_notes n LEFT JOIN agents a ON a.agent_id = n.agent_id
     WHERE n.callback_id = ? ORDER BY n.note_id`,
  );
  const insertNote = db.prepare(
    'INSERT INTO callback_notes (callback_id, agent_id, kind, body, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const setClaim = db.prepare('UPDATE callbacks SET claimed_by = ?, claimed_at = ?, updated_at = ? WHERE callback_id = ?');
  const setCompleted = db.prepare(
    `UPDATE callbacks SET status = 'completed', completed_by = ?, outcome = ?, updated_at = ?
     WHERE callback_id = ? AND status IN ('pending', 'dialing', 'connected', 'failed')`,
  );

  const current = (id: number) => byId.get(id) as DeskRow | undefined;
  const tries = db.prepare(
    `SELECT created_at AS at, status, confirmed_at AS confirmedAt FROM callback_legs
     WHERE callback_id = ? AND kind = 'customer' ORDER BY leg_id`,
  );

  const addNote = db.transaction((callbackId: number, agentId: number, body: string, at: number) => {
    if (!current(callbackId)) return 'not-found' as const;
    insertNote.run(callbackId, agentId, 'note', body, at);
    return null;
  });
  const claim = db.transaction((callbackId: number, agentId: number, at: number, takeOver: boolean) => {
    const row = current(callbackId);
    if (!row) return 'not-found' as const;
    if (!isOpen(row.status)) return 'closed' as const;
    if (row.claimed_by === agentId) return null;
    if (row.claimed_by !== null && !takeOver) return 'claimed-by-other' as const;
    setClaim.run(agentId, at, at, callbackId);
    const from = row.claimed_by !== null ? ` (taken over from ${row.claimed_by_name ?? `agent ${row.claimed_by}`})` : '';
    insertNote.run(callbackId, agentId, 'claimed', `Claimed${from}`, at);
    return null;
  });
  const release = db.transaction((callbackId: number, agentId: number, at: number) => {
    const row = current(callbackId);
    if (!row) return 'not-found' as const;
    if (row.claimed_by === null) return null;
    if (row.claimed_by !== agentId) return 'claimed-by-other' as const;
    setClaim.run(null, null, at, callbackId);
    insertNote.run(callbackId, agentId, 'released', 'Released', at);
    return null;
  });
  const complete = db.transaction((callbackId: number, agentId: number, at: number, outcome: CallbackOutcome | null) => {
    const row = current(callbackId);
    if (!row) return 'not-found' as const;
    if (row.status === 'completed') return null;
    if (setCompleted.run(agentId, outcome, at, callbackId).changes === 0) return 'closed' as const;
    const how = outcome ? `: ${OUTCOME_WORDS[outcome]}` : '';
    insertNote.run(callbackId, agentId, 'completed', `Marked completed (was ${row.status})${how}`, at);
    return null;
  });

  return {
    get(callbackId) {
      const row = current(callbackId);
      return row && toDesk(row);
    },
    board(closedSince, limit) {
      const rows = [...(open.all(limit) as DeskRow[]), ...(closed.all(closedSince, limit) as DeskRow[])];
      return rows.map(toDesk);
    },
    notes: (callbackId) =>
      (notes.all(callbackId) as Array<Record<string, unknown>>).map((n) => ({
        noteId: n.note_id as number,
        callbackId: n.callback_id as number,
        agentId: n.agent_id as number | null,
        agentName: n.agent_name as string | null,
        kind: n.kind as NoteKind,
        body: n.body as string,
        createdAt: n.created_at as number,
      })),
    customerTries: (callbackId) => tries.all(callbackId) as CustomerTry[],
    addNote: (callbackId, agentId, body, at) => addNote.immediate(callbackId, agentId, body, at),
    claim: (callbackId, agentId, at, options = {}) => claim.immediate(callbackId, agentId, at, options.takeOver ?? false),
    release: (callbackId, agentId, at) => release.immediate(callbackId, agentId, at),
    complete: (callbackId, agentId, at, outcome) => complete.immediate(callbackId, agentId, at, outcome ?? null),
  };
}
