import type { SqliteDb } from './database.js';

export interface Agent {
  agentId: number;
  name: string;
  phone: string;
  /** BCP 47 tags of the languages the agent takes calls in, e.g. ["en-US", "ja-JP"]. */
  languages: string[];
  onDuty: boolean;
  lastOfferedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewAgent {
  name: string;
  phone: string;
  languages: string[];
  onDuty: boolean;
}

export type AgentPatch = Partial<NewAgent>;

/** Agents who take verified transfers and callbacks. */
export interface AgentRepository {
  create(agent: NewAgent, at: number): Agent;
  get(agentId: number): Agent | undefined;
  list(): Agent[];
  update(agentId: number, patch: AgentPatch, at: number): Agent | undefined;
  /** Agents on duty now, longest since their last offer first. */
  onDuty(): Agent[];
  /** Notes that a call was offered to the agent, so the next call starts with someone else. */
  markOffered(agentId: number, at: number): void;
}

interface AgentRow {
  agent_id: number;
  name: string;
  phone: string;
  languages: string;
  on_duty: number;
  last_offered_at: number | null;
  created_at: number;
  updated_at: number;
}

const toAgent = (r: AgentRow): Agent => ({
  agentId: r.agent_id,
  name: r.name,
  phone: r.phone,
  languages: JSON.parse(r.languages) as string[],
  onDuty: r.on_duty === 1,
  lastOfferedAt: r.last_offered_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createSqliteAgentRepository(db: SqliteDb): AgentRepository {
  const insert = db.prepare(
    `INSERT INTO agents (name, phone, languages, on_duty, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const byId = db.prepare('SELECT * FROM agents WHERE agent_id = ?');
  const all = db.prepare('SELECT * FROM agents ORDER BY agent_id');
  const onDuty = db.prepare(
    'SELECT * FROM agents WHERE on_duty = 1 ORDER BY coalesce(last_offered_at, 0), agent_id',
  );
  const offered = db.prepare('UPDATE agents SET last_offered_at = ? WHERE agent_id = ?');

  return {
    create: (a, at) =>
      toAgent(insert.get(a.name, a.phone, JSON.stringify(a.languages), a.onDuty ? 1 : 0, at, at) as AgentRow),
    get(agentId) {
      const row = byId.get(agentId) as AgentRow | undefined;
      return row && toAgent(row);
    },
    list: () => (all.all() as AgentRow[]).map(toAgent),
    update(agentId, patch, at) {
      const sets: string[] = ['updated_at = @at'];
      const values: Record<string, unknown> = { agentId, at };
      if (patch.name !== undefined) (sets.push('name = @name'), (values.name = patch.name));
      if (patch.phone !== undefined) (sets.push('phone = @phone'), (values.phone = patch.phone));
      if (patch.languages !== undefined)
        (sets.push('languages = @languages'), (values.languages = JSON.stringify(patch.languages)));
      if (patch.onDuty !== undefined) (sets.push('on_duty = @onDuty'), (values.onDuty = patch.onDuty ? 1 : 0));
      const row = db
        .prepare(`UPDATE agents SET ${sets.join(', ')} WHERE agent_id = @agentId RETURNING *`)
        .get(values) as AgentRow | undefined;
      return row && toAgent(row);
    },
    onDuty: () => (onDuty.all() as AgentRow[]).map(toAgent),
    markOffered: (agentId, at) => void offered.run(at, agentId),
  };
}
