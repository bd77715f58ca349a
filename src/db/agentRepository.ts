import type { Clock } from '../domain/clock.js';
import { LIVE_LEG_HORIZON_MS } from '../domain/serviceNumbers.js';
import type { Roster, RosterRule } from '../domain/roster.js';
import { activity, isFreeAt, onDutyAt } from '../domain/duty.js';
import { OPEN_STATUSES } from '../domain/storage/callbackDesk.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { Agent, AgentPatch, AgentRepository, DutyMode, ConsoleLanguage } from '../domain/storage/agents.js';

interface AgentRow {
  agent_id: number;
  name: string;
  phone: string;
  languages: string;
  on_duty: number;
  duty: DutyMode;
  time_zone: string | null;
  roster_rules: string;
  is_admin: number;
  on_call_sid: string | null;
  on_call_leg_sid: string | null;
  on_call_since: number | null;
  last_offered_at: number | null;
  offered_for: string | null;
  console_language: ConsoleLanguage | null;
  created_at: number;
  updated_at: number;
  removed_at: number | null;
}

const DAY = 24 * 60 * 60 * 1000;

/** JSON columns parsed once per distinct text: every P1 step reads every on-duty agent. Frozen, as they are shared. */
function parsedOnce<T>(): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    let value = seen.get(text);
    if (value === undefined) {
      if (seen.size >= 1000) seen.clear();
      value = deepFreeze(JSON.parse(text) as T);
      seen.set(text, value);
    }
    return value;
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const languagesOf = parsedOnce<string[]>();
const rulesOf = parsedOnce<RosterRule[]>();

function rosterOf(r: AgentRow): Roster | null {
  return r.time_zone ? { timeZone: r.time_zone, rules: rulesOf(r.roster_rules) } : null;
}

const toAgent = (r: AgentRow, now: number, holds: OfferHolds): Agent => {
  const roster = rosterOf(r);
  const onDuty = onDutyAt({ duty: r.duty, roster }, now);
  const onCall = r.on_call_sid ? { callSid: r.on_call_sid, since: r.on_call_since ?? r.updated_at } : null;
  const facts = { onDuty, onCall, lastOfferedAt: r.last_offered_at, offeredFor: r.offered_for };
  return {
    agentId: r.agent_id,
    name: r.name,
    phone: r.phone,
    languages: languagesOf(r.languages),
    onDuty,
    duty: r.duty,
    roster,
    state: activity(facts, now, holds.offerHoldMs, holds.callbackOfferMs),
    onCall,
    isAdmin: r.is_admin === 1,
    consoleLanguage: r.console_language ?? null,
    lastOfferedAt: r.last_offered_at,
    offeredFor: r.offered_for,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
  };
};

/** How long offers hold an agent whose offer's end is never reported (src/domain/duty.ts). */
interface OfferHolds {
  offerHoldMs: number;
  callbackOfferMs: number;
}

/** The duty an input asks for: `duty` if given, else the manual switch, else none. */
function dutyOf(a: AgentPatch): DutyMode | undefined {
  if (a.duty !== undefined) return a.duty;
  if (a.onDuty !== undefined) return a.onDuty ? 'on' : 'off';
  return undefined;
}

/**
 * The SQLite agent repository; `clock` decides "now" for rosters when no instant is passed, and an offer
 * whose end is never reported holds its agent for `offerHoldMs` (a P1 call) or `callbackOfferMs` (a callback).
 */
export function createSqliteAgentRepository(
  db: SqliteDb,
  clock: Clock,
  offerHoldMs: number,
  callbackOfferMs: number = LIVE_LEG_HORIZON_MS,
): Sync<AgentRepository> {
  const holds: OfferHolds = { offerHoldMs, callbackOfferMs };
  const asAgent = (r: AgentRow, now: number): Agent => toAgent(r, now, holds);
  const insert = db.prepare(
    `INSERT INTO agents (name, phone, languages, on_duty, duty, is_admin, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const byId = db.prepare('SELECT * FROM agents WHERE agent_id = ?');
  const all = db.prepare('SELECT * FROM agents WHERE removed_at IS NULL ORDER BY agent_id');
  // Rosters are read in each agent's zone, so the candidates are filtered after the query.
  const mayBeOnDuty = db.prepare(
    `SELECT * FROM agents WHERE duty != 'off' ORDER BY coalesce(last_offered_at, 0), agent_id`,
  );
  const offered = db.prepare('UPDATE agents SET last_offered_at = ?, offered_for = ? WHERE agent_id = ?');
  const endOffer = db.prepare('UPDATE agents SET offered_for = NULL WHERE agent_id = ? AND offered_for = ?');
  const endOffersOf = db.prepare('UPDATE agents SET offered_for = NULL WHERE offered_for = ?');
  const roster = db.prepare(
    'UPDATE agents SET time_zone = ?, roster_rules = ?, updated_at = ? WHERE agent_id = ? AND removed_at IS NULL RETURNING *',
  );
  const ended = db.prepare('SELECT 1 FROM agent_call_ends WHERE call_sid IN (?, ?)').pluck();
  const recordEnd = db.prepare(
    'INSERT INTO agent_call_ends (call_sid, ended_at) VALUES (?, ?) ON CONFLICT (call_sid) DO NOTHING',
  );
  const pruneEnds = db.prepare('DELETE FROM agent_call_ends WHERE ended_at < ?');
  const onCall = db.prepare(
    `UPDATE agents SET on_call_sid = @callSid, on_call_leg_sid = @legSid, on_call_since = @at, offered_for = NULL
     WHERE agent_id = @agentId`,
  );
  const free = db.prepare(
    `UPDATE agents SET on_call_sid = NULL, on_call_leg_sid = NULL, on_call_since = NULL
     WHERE on_call_sid = @sid OR on_call_leg_sid = @sid RETURNING *`,
  );
  const releaseOne = db.prepare(
    `UPDATE agents SET on_call_sid = NULL, on_call_leg_sid = NULL, on_call_since = NULL
     WHERE agent_id = ? RETURNING *`,
  );

  const retire = db.prepare(
    `UPDATE agents SET removed_at = @at, duty = 'off', on_duty = 0, is_admin = 0, updated_at = @at
     WHERE agent_id = @agentId AND removed_at IS NULL RETURNING *`,
  );
  const dropCredentials = db.prepare('DELETE FROM agent_credentials WHERE agent_id = ?');
  const dropSessions = db.prepare('DELETE FROM console_sessions WHERE agent_id = ?');
  // The claims the console would still show as held: those on callbacks still owed. Each callback's
  // history says why its claim went, as when an agent releases one.
  const openClaims = `claimed_by = @agentId AND status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;
  const noteReleases = db.prepare(
    `INSERT INTO callback_notes (callback_id, agent_id, kind, body, created_at)
     SELECT callback_id, @agentId, 'released', 'Released: the agent was removed', @at FROM callbacks WHERE ${openClaims}`,
  );
  const giveBackClaims = db.prepare(
    `UPDATE callbacks SET claimed_by = NULL, updated_at = @at WHERE ${openClaims}`,
  );
  const remove = db.transaction((agentId: number, at: number) => {
    const row = (retire.get({ agentId, at }) ?? byId.get(agentId)) as AgentRow | undefined;
    if (!row) return undefined;
    dropCredentials.run(agentId);
    dropSessions.run(agentId);
    noteReleases.run({ agentId, at });
    const releasedClaims = giveBackClaims.run({ agentId, at }).changes;
    return { agent: asAgent(row, at), releasedClaims };
  });

  // The candidates, kept until agents_version's token moves (any change to agents, from anywhere).
  const token = db.prepare('SELECT token FROM agents_version').pluck();
  let candidates: { token: unknown; rows: AgentRow[] } | undefined;
  const candidateRows = (): AgentRow[] => {
    const current = token.get();
    if (candidates === undefined || candidates.token !== current) candidates = { token: current, rows: mayBeOnDuty.all() as AgentRow[] };
    return candidates.rows;
  };
  const onDutyNow = (now: number) => candidateRows().map((r) => asAgent(r, now)).filter((a) => a.onDuty);

  const reserve = db.transaction((agentId: number, now: number, offeredFor: string) => {
    const row = byId.get(agentId) as AgentRow | undefined;
    const agent = row && asAgent(row, now);
    if (!agent || !agent.onDuty || !isFreeAt(agent, now, offerHoldMs, callbackOfferMs)) return false;
    offered.run(now, offeredFor, agentId);
    return true;
  });

  const markOnCall = db.transaction((agentId: number, callSid: string, legSid: string | null, at: number) => {
    if (ended.get(callSid, legSid ?? callSid) !== undefined) return false;
    return onCall.run({ agentId, callSid, legSid, at }).changes > 0;
  });
  const markEnded = db.transaction((sid: string, at: number) => {
    pruneEnds.run(at - DAY);
    recordEnd.run(sid, at);
    endOffersOf.run(sid);
    return (free.all({ sid }) as AgentRow[]).map((r) => asAgent(r, at));
  });

  return {
    create(a, at) {
      const duty = dutyOf(a) ?? 'off';
      const row = insert.get(a.name, a.phone, JSON.stringify(a.languages), duty === 'on' ? 1 : 0, duty, a.isAdmin ? 1 : 0, at, at);
      return asAgent(row as AgentRow, clock.now());
    },
    get(agentId) {
      const row = byId.get(agentId) as AgentRow | undefined;
      return row && asAgent(row, clock.now());
    },
    list: () => (all.all() as AgentRow[]).map((r) => asAgent(r, clock.now())),
    update(agentId, patch, at) {
      const sets: string[] = ['updated_at = @at'];
      const values: Record<string, unknown> = { agentId, at };
      if (patch.name !== undefined) (sets.push('name = @name'), (values.name = patch.name));
      if (patch.phone !== undefined) (sets.push('phone = @phone'), (values.phone = patch.phone));
      if (patch.languages !== undefined)
        (sets.push('languages = @languages'), (values.languages = JSON.stringify(patch.languages)));
      const duty = dutyOf(patch);
      if (duty !== undefined) {
        sets.push('duty = @duty', 'on_duty = @onDuty');
        values.duty = duty;
        values.onDuty = duty === 'on' ? 1 : 0;
      }
      if (patch.isAdmin !== undefined) (sets.push('is_admin = @isAdmin'), (values.isAdmin = patch.isAdmin ? 1 : 0));
      if (patch.consoleLanguage !== undefined) (sets.push('console_language = @consoleLanguage'), (values.consoleLanguage = patch.consoleLanguage));
      const row = db
        .prepare(`UPDATE agents SET ${sets.join(', ')} WHERE agent_id = @agentId AND removed_at IS NULL RETURNING *`)
        .get(values) as AgentRow | undefined;
      return row && asAgent(row, clock.now());
    },
    remove: (agentId, at) => remove.immediate(agentId, at),
    onDuty: () => onDutyNow(clock.now()),
    onDutyAt: (now) => onDutyNow(now),
    freeOnDutyAt: (now) => onDutyNow(now).filter((a) => isFreeAt(a, now, offerHoldMs, callbackOfferMs)),
    markOffered: (agentId, at, offeredFor) => void offered.run(at, offeredFor, agentId),
    reserve: (agentId, now, offeredFor) => reserve.immediate(agentId, now, offeredFor),
    endOffer: (agentId, offeredFor) => endOffer.run(agentId, offeredFor).changes > 0,
    setRoster(agentId, r, at) {
      const row = roster.get(r.timeZone, JSON.stringify(r.rules), at, agentId) as AgentRow | undefined;
      return row && asAgent(row, clock.now());
    },
    markOnCall: (agentId, callSid, options = {}) =>
      markOnCall.immediate(agentId, callSid, options.legSid ?? null, options.at ?? clock.now()),
    markAvailable(sid, at = clock.now()) {
      endOffersOf.run(sid);
      return (free.all({ sid }) as AgentRow[]).map((r) => asAgent(r, at));
    },
    markCallEnded: (sid, at = clock.now()) => markEnded.immediate(sid, at),
    release(agentId, at) {
      const row = releaseOne.get(agentId) as AgentRow | undefined;
      return row && asAgent(row, at);
    },
  };
}
