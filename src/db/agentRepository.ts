import type { Clock } from '../domain/clock.js';
import { isOnRoster, type Roster, type RosterRule } from '../domain/roster.js';
import { OPEN_STATUSES } from './callbackDeskRepository.js';
import type { SqliteDb } from './database.js';

/** How an agent's duty is decided: forced on, forced off, or by their weekly roster. */
export const DUTY_MODES = ['on', 'off', 'roster'] as const;
export type DutyMode = (typeof DUTY_MODES)[number];

/** What an agent can do right now: take a call, is on one, or is off duty. */
export const AGENT_STATES = ['available', 'on-call', 'off-duty'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export interface Agent {
  agentId: number;
  name: string;
  phone: string;
  /** BCP 47 tags of the languages the agent takes calls in, e.g. ["en-US", "ja-JP"]. */
  languages: string[];
  /** On duty at the moment the agent was read: the manual switch, or the roster when duty is 'roster'. */
  onDuty: boolean;
  duty: DutyMode;
  /** The weekly rules, or null when none were set. */
  roster: Roster | null;
  /** On a call (whatever the duty), else available when on duty, else off duty. */
  state: AgentState;
  /** The call the agent is bridged to, from the whisper accept until the call's status says it ended. */
  onCall: { callSid: string; since: number } | null;
  isAdmin: boolean;
  lastOfferedAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** When the agent was removed (left the team); null for a current agent. */
  removedAt: number | null;
}

export interface NewAgent {
  name: string;
  phone: string;
  languages: string[];
  /** The manual switch: true is duty 'on', false is 'off'. `duty` wins when both are given. */
  onDuty?: boolean;
  duty?: DutyMode;
  isAdmin?: boolean;
}

export type AgentPatch = Partial<NewAgent>;

/** Agents who take verified transfers and callbacks, their duty and their availability. */
export interface AgentRepository {
  create(agent: NewAgent, at: number): Agent;
  get(agentId: number): Agent | undefined;
  /** Current agents; removed ones are left out (get still finds them, for the history that names them). */
  list(): Agent[];
  /** Undefined for an unknown or removed agent: a removed agent is not changed again. */
  update(agentId: number, patch: AgentPatch, at: number): Agent | undefined;
  /**
   * The agent left: off duty for good, their console password and sessions gone, and the callbacks
   * they had claimed given back to the dialer, in one transaction. The row stays for the history that
   * names them. Removing a removed agent changes nothing. Undefined for an unknown agent.
   */
  remove(agentId: number, at: number): { agent: Agent; releasedClaims: number } | undefined;
  /** Agents on duty now (by the repository's clock), longest since their last offer first. */
  onDuty(): Agent[];
  /** Agents on duty at `now`, on a call or not, longest since their last offer first. */
  onDutyAt(now: number): Agent[];
  /** Agents on duty at `now` and free (see isFreeAt), longest since their last offer first. */
  freeOnDutyAt(now: number): Agent[];
  /** Notes that a call was offered to the agent, so the next call starts with someone else. */
  markOffered(agentId: number, at: number): void;
  /**
   * Offers a call to the agent if they are on duty and free at `now` (see isFreeAt), marking them
   * offered in the same transaction, so no other offer takes them within the hold. False if not.
   */
  reserve(agentId: number, now: number): boolean;
  /** Replaces the agent's weekly roster; undefined for an unknown or removed agent. */
  setRoster(agentId: number, roster: Roster, at: number): Agent | undefined;
  /**
   * The agent was bridged to `callSid` (the customer's call; `legSid` is the agent's own leg, if any).
   * False if the agent is unknown or either call was already reported ended (a late callback).
   */
  markOnCall(agentId: number, callSid: string, options?: { legSid?: string; at?: number }): boolean;
  /** The agent's leg on `callSid` (either SID) is over: frees the agents on it; returns them. */
  markAvailable(callSid: string, at?: number): Agent[];
  /** `callSid` (a customer's call or an agent's leg) ended for good: frees its agents and refuses a later markOnCall for it. */
  markCallEnded(callSid: string, at?: number): Agent[];
  /** Frees one agent whatever call they were marked on (the agent says so in the console). */
  release(agentId: number, at: number): Agent | undefined;
}

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

/** Whether an agent is on duty at an instant under their duty mode. */
export function onDutyAt(agent: { duty: DutyMode; roster: Roster | null }, now: number): boolean {
  if (agent.duty === 'roster') return agent.roster !== null && isOnRoster(agent.roster, now);
  return agent.duty === 'on';
}

/**
 * Whether an agent may be offered a call at `now`: not on a call, and not offered one in the last
 * `offerHoldMs` (that phone may still be ringing). The transfer, the P1 queue and the dialer all use it.
 */
export function isFreeAt(agent: Pick<Agent, 'onCall' | 'lastOfferedAt'>, now: number, offerHoldMs: number): boolean {
  return agent.onCall === null && (agent.lastOfferedAt === null || now - agent.lastOfferedAt >= offerHoldMs);
}

const toAgent = (r: AgentRow, now: number): Agent => {
  const roster = rosterOf(r);
  const onDuty = onDutyAt({ duty: r.duty, roster }, now);
  const onCall = r.on_call_sid ? { callSid: r.on_call_sid, since: r.on_call_since ?? r.updated_at } : null;
  return {
    agentId: r.agent_id,
    name: r.name,
    phone: r.phone,
    languages: languagesOf(r.languages),
    onDuty,
    duty: r.duty,
    roster,
    state: onCall ? 'on-call' : onDuty ? 'available' : 'off-duty',
    onCall,
    isAdmin: r.is_admin === 1,
    lastOfferedAt: r.last_offered_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
  };
};

/** The duty an input asks for: `duty` if given, else the manual switch, else none. */
function dutyOf(a: AgentPatch): DutyMode | undefined {
  if (a.duty !== undefined) return a.duty;
  if (a.onDuty !== undefined) return a.onDuty ? 'on' : 'off';
  return undefined;
}

/**
 * The SQLite agent repository; `clock` decides "now" for rosters when no instant is passed, and an agent
 * offered a call is not free for `offerHoldMs` after it.
 */
export function createSqliteAgentRepository(db: SqliteDb, clock: Clock, offerHoldMs: number): AgentRepository {
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
  const offered = db.prepare('UPDATE agents SET last_offered_at = ? WHERE agent_id = ?');
  const roster = db.prepare(
    'UPDATE agents SET time_zone = ?, roster_rules = ?, updated_at = ? WHERE agent_id = ? AND removed_at IS NULL RETURNING *',
  );
  const ended = db.prepare('SELECT 1 FROM agent_call_ends WHERE call_sid IN (?, ?)').pluck();
  const recordEnd = db.prepare(
    'INSERT INTO agent_call_ends (call_sid, ended_at) VALUES (?, ?) ON CONFLICT (call_sid) DO NOTHING',
  );
  const pruneEnds = db.prepare('DELETE FROM agent_call_ends WHERE ended_at < ?');
  const onCall = db.prepare(
    `UPDATE agents SET on_call_sid = @callSid, on_call_leg_sid = @legSid, on_call_since = @at
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
    return { agent: toAgent(row, at), releasedClaims };
  });

  // The candidates, kept until agents_version's token moves (any change to agents, from anywhere).
  const token = db.prepare('SELECT token FROM agents_version').pluck();
  let candidates: { token: unknown; rows: AgentRow[] } | undefined;
  const candidateRows = (): AgentRow[] => {
    const current = token.get();
    if (candidates === undefined || candidates.token !== current) candidates = { token: current, rows: mayBeOnDuty.all() as AgentRow[] };
    return candidates.rows;
  };
  const onDutyNow = (now: number) => candidateRows().map((r) => toAgent(r, now)).filter((a) => a.onDuty);

  const reserve = db.transaction((agentId: number, now: number) => {
    const row = byId.get(agentId) as AgentRow | undefined;
    const agent = row && toAgent(row, now);
    if (!agent || !agent.onDuty || !isFreeAt(agent, now, offerHoldMs)) return false;
    offered.run(now, agentId);
    return true;
  });

  const markOnCall = db.transaction((agentId: number, callSid: string, legSid: string | null, at: number) => {
    if (ended.get(callSid, legSid ?? callSid) !== undefined) return false;
    return onCall.run({ agentId, callSid, legSid, at }).changes > 0;
  });
  const markEnded = db.transaction((sid: string, at: number) => {
    pruneEnds.run(at - DAY);
    recordEnd.run(sid, at);
    return (free.all({ sid }) as AgentRow[]).map((r) => toAgent(r, at));
  });

  return {
    create(a, at) {
      const duty = dutyOf(a) ?? 'off';
      const row = insert.get(a.name, a.phone, JSON.stringify(a.languages), duty === 'on' ? 1 : 0, duty, a.isAdmin ? 1 : 0, at, at);
      return toAgent(row as AgentRow, clock.now());
    },
    get(agentId) {
      const row = byId.get(agentId) as AgentRow | undefined;
      return row && toAgent(row, clock.now());
    },
    list: () => (all.all() as AgentRow[]).map((r) => toAgent(r, clock.now())),
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
      const row = db
        .prepare(`UPDATE agents SET ${sets.join(', ')} WHERE agent_id = @agentId AND removed_at IS NULL RETURNING *`)
        .get(values) as AgentRow | undefined;
      return row && toAgent(row, clock.now());
    },
    remove: (agentId, at) => remove.immediate(agentId, at),
    onDuty: () => onDutyNow(clock.now()),
    onDutyAt: (now) => onDutyNow(now),
    freeOnDutyAt: (now) => onDutyNow(now).filter((a) => isFreeAt(a, now, offerHoldMs)),
    markOffered: (agentId, at) => void offered.run(at, agentId),
    reserve: (agentId, now) => reserve.immediate(agentId, now),
    setRoster(agentId, r, at) {
      const row = roster.get(r.timeZone, JSON.stringify(r.rules), at, agentId) as AgentRow | undefined;
      return row && toAgent(row, clock.now());
    },
    markOnCall: (agentId, callSid, options = {}) =>
      markOnCall.immediate(agentId, callSid, options.legSid ?? null, options.at ?? clock.now()),
    markAvailable(sid, at = clock.now()) {
      return (free.all({ sid }) as AgentRow[]).map((r) => toAgent(r, at));
    },
    markCallEnded: (sid, at = clock.now()) => markEnded.immediate(sid, at),
    release(agentId, at) {
      const row = releaseOne.get(agentId) as AgentRow | undefined;
      return row && toAgent(row, at);
    },
  };
}
