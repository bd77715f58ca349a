import type { Clock } from '../../domain/clock.js';
import { activity, isFreeAt, onDutyAt } from '../../domain/duty.js';
import { LIVE_LEG_HORIZON_MS } from '../../domain/serviceNumbers.js';
import type { Roster, RosterRule } from '../../domain/roster.js';
import type { Agent, AgentPatch, AgentRepository, DutyMode, ConsoleLanguage } from '../../domain/storage/agents.js';
import { OPEN_STATUSES } from '../../domain/storage/callbackDesk.js';
import { lockKeys } from './locks.js';
import type { Sql } from './sql.js';

interface AgentRow {
  agent_id: number;
  name: string;
  phone: string;
  languages: string;
  duty: DutyMode;
  time_zone: string | null;
  roster_rules: string;
  is_admin: boolean;
  on_call_sid: string | null;
  on_call_since: number | null;
  last_offered_at: number | null;
  offered_for: string | null;
  console_language: ConsoleLanguage | null;
  created_at: number;
  updated_at: number;
  removed_at: number | null;
}

const DAY = 24 * 60 * 60 * 1000;

const agentOf = (r: AgentRow, now: number, offerHoldMs: number): Agent => {
  const roster: Roster | null = r.time_zone ? { timeZone: r.time_zone, rules: JSON.parse(r.roster_rules) as RosterRule[] } : null;
  const onDuty = onDutyAt({ duty: r.duty, roster }, now);
  const onCall = r.on_call_sid ? { callSid: r.on_call_sid, since: r.on_call_since ?? r.updated_at } : null;
  const facts = { onDuty, onCall, lastOfferedAt: r.last_offered_at, offeredFor: r.offered_for };
  return {
    agentId: r.agent_id,
    name: r.name,
    phone: r.phone,
    languages: JSON.parse(r.languages) as string[],
    onDuty,
    duty: r.duty,
    roster,
    state: activity(facts, now, offerHoldMs, LIVE_LEG_HORIZON_MS),
    onCall,
    isAdmin: r.is_admin,
    consoleLanguage: r.console_language ?? null,
    lastOfferedAt: r.last_offered_at,
    offeredFor: r.offered_for,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
  };
};

/**
 * Offers a call to the agent if on duty and free at `now`, inside the caller's transaction: the agent's
 * row stays locked until it commits, so no other offer (from any instance) takes them meanwhile.
 */
export async function reserveAgent(q: Sql, agentId: number, now: number, offerHoldMs: number, offeredFor: string): Promise<boolean> {
  const row = await q.row<AgentRow>('SELECT * FROM agents WHERE agent_id = $1 FOR UPDATE', [agentId]);
  const agent = row && agentOf(row, now, offerHoldMs);
  if (!agent || !agent.onDuty || !isFreeAt(agent, now, offerHoldMs, LIVE_LEG_HORIZON_MS)) return false;
  await q.run('UPDATE agents SET last_offered_at = $2, offered_for = $3 WHERE agent_id = $1', [agentId, now, offeredFor]);
  return true;
}

function dutyOf(a: AgentPatch): DutyMode | undefined {
  if (a.duty !== undefined) return a.duty;
  if (a.onDuty !== undefined) return a.onDuty ? 'on' : 'off';
  return undefined;
}

const OPEN = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
const FREE = 'on_call_sid = NULL, on_call_leg_sid = NULL, on_call_since = NULL';

/**
 * Agents on PostgreSQL. An offer locks the agent's row (SELECT ... FOR UPDATE), so two instances
 * offering calls at once give the agent to one; a call's bridge and its end take an advisory lock
 * on the CallSid, so an end reported on one instance is never overtaken by a late bridge on another.
 */
export function createPgAgentRepository(sql: Sql, clock: Clock, offerHoldMs: number): AgentRepository {
  const toAgent = (r: AgentRow, now: number) => agentOf(r, now, offerHoldMs);
  // Rosters are read in each agent's zone, so the candidates are filtered after the query.
  const onDutyNow = async (now: number) =>
    (await sql.rows<AgentRow>(`SELECT * FROM agents WHERE duty != 'off' ORDER BY coalesce(last_offered_at, 0), agent_id`))
      .map((r) => toAgent(r, now))
      .filter((a) => a.onDuty);
  const free = async (q: Sql, sid: string, at: number) => {
    await q.run('UPDATE agents SET offered_for = NULL WHERE offered_for = $1', [sid]);
    return (await q.rows<AgentRow>(`UPDATE agents SET ${FREE} WHERE on_call_sid = $1 OR on_call_leg_sid = $1 RETURNING *`, [sid])).map((r) =>
      toAgent(r, at),
    );
  };

  return {
    async create(a, at) {
      const duty = dutyOf(a) ?? 'off';
      const row = await sql.row<AgentRow>(
        `INSERT INTO agents (name, phone, languages, on_duty, duty, is_admin, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
        [a.name, a.phone, JSON.stringify(a.languages), duty === 'on', duty, a.isAdmin ?? false, at],
      );
      return toAgent(row!, clock.now());
    },
    async get(agentId) {
      const row = await sql.row<AgentRow>('SELECT * FROM agents WHERE agent_id = $1', [agentId]);
      return row && toAgent(row, clock.now());
    },
    async list() {
      const now = clock.now();
      return (await sql.rows<AgentRow>('SELECT * FROM agents WHERE removed_at IS NULL ORDER BY agent_id')).map((r) => toAgent(r, now));
    },
    async update(agentId, patch, at) {
      const values: unknown[] = [agentId, at];
      const sets = ['updated_at = $2'];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      };
      if (patch.name !== undefined) set('name', patch.name);
      if (patch.phone !== undefined) set('phone', patch.phone);
      if (patch.languages !== undefined) set('languages', JSON.stringify(patch.languages));
      const duty = dutyOf(patch);
      if (duty !== undefined) {
        set('duty', duty);
        set('on_duty', duty === 'on');
      }
      if (patch.isAdmin !== undefined) set('is_admin', patch.isAdmin);
      if (patch.consoleLanguage !== undefined) set('console_language', patch.consoleLanguage);
      const row = await sql.row<AgentRow>(`UPDATE agents SET ${sets.join(', ')} WHERE agent_id = $1 AND removed_at IS NULL RETURNING *`, values);
      return row && toAgent(row, clock.now());
    },
    remove: (agentId, at) =>
      sql.transaction(async (q) => {
        const row =
          (await q.row<AgentRow>(
            `UPDATE agents SET removed_at = $2, duty = 'off', on_duty = false, is_admin = false, updated_at = $2
             WHERE agent_id = $1 AND removed_at IS NULL RETURNING *`,
            [agentId, at],
          )) ?? (await q.row<AgentRow>('SELECT * FROM agents WHERE agent_id = $1', [agentId]));
        if (!row) return undefined;
        await q.run('DELETE FROM agent_credentials WHERE agent_id = $1', [agentId]);
        await q.run('DELETE FROM console_sessions WHERE agent_id = $1', [agentId]);
        // The claims the console would still show as held; each callback's history says why its claim went.
        const claimed = await q.rows<{ callback_id: number }>(
          `UPDATE callbacks SET claimed_by = NULL, updated_at = $2 WHERE claimed_by = $1 AND status IN (${OPEN}) RETURNING callback_id`,
          [agentId, at],
        );
        if (claimed.length > 0) {
          await q.run(
            `INSERT INTO callback_notes (callback_id, agent_id, kind, body, created_at)
             SELECT id, $1, 'released', 'Released: the agent was removed', $2 FROM unnest($3::bigint[]) WITH ORDINALITY AS t(id, n) ORDER BY n`,
            [agentId, at, claimed.map((c) => c.callback_id).sort((a, b) => a - b)],
          );
        }
        return { agent: toAgent(row, at), releasedClaims: claimed.length };
      }),
    onDuty: () => onDutyNow(clock.now()),
    onDutyAt: (now) => onDutyNow(now),
    freeOnDutyAt: async (now) => (await onDutyNow(now)).filter((a) => isFreeAt(a, now, offerHoldMs, LIVE_LEG_HORIZON_MS)),
    async markOffered(agentId, at, offeredFor) {
      await sql.run('UPDATE agents SET last_offered_at = $2, offered_for = $3 WHERE agent_id = $1', [agentId, at, offeredFor]);
    },
    reserve: (agentId, now, offeredFor) => sql.transaction((q) => reserveAgent(q, agentId, now, offerHoldMs, offeredFor)),
    endOffer: async (agentId, offeredFor) =>
      (await sql.run('UPDATE agents SET offered_for = NULL WHERE agent_id = $1 AND offered_for = $2', [agentId, offeredFor])) > 0,
    async setRoster(agentId, r, at) {
      const row = await sql.row<AgentRow>(
        'UPDATE agents SET time_zone = $2, roster_rules = $3, updated_at = $4 WHERE agent_id = $1 AND removed_at IS NULL RETURNING *',
        [agentId, r.timeZone, JSON.stringify(r.rules), at],
      );
      return row && toAgent(row, clock.now());
    },
    markOnCall: (agentId, callSid, options = {}) =>
      sql.transaction(async (q) => {
        const legSid = options.legSid ?? null;
        await lockKeys(q, 'call-end', legSid ? [callSid, legSid] : [callSid]);
        const ended = await q.row('SELECT 1 FROM agent_call_ends WHERE call_sid = ANY($1)', [[callSid, legSid ?? callSid]]);
        if (ended) return false;
        const changed = await q.run('UPDATE agents SET on_call_sid = $2, on_call_leg_sid = $3, on_call_since = $4, offered_for = NULL WHERE agent_id = $1', [
          agentId,
          callSid,
          legSid,
          options.at ?? clock.now(),
        ]);
        return changed > 0;
      }),
    markAvailable: (sid, at = clock.now()) => free(sql, sid, at),
    markCallEnded: (sid, at = clock.now()) =>
      sql.transaction(async (q) => {
        await lockKeys(q, 'call-end', [sid]);
        await q.run('DELETE FROM agent_call_ends WHERE ended_at < $1', [at - DAY]);
        await q.run('INSERT INTO agent_call_ends (call_sid, ended_at) VALUES ($1, $2) ON CONFLICT (call_sid) DO NOTHING', [sid, at]);
        return free(q, sid, at);
      }),
    async release(agentId, at) {
      const row = await sql.row<AgentRow>(`UPDATE agents SET ${FREE} WHERE agent_id = $1 RETURNING *`, [agentId]);
      return row && toAgent(row, at);
    },
  };
}
