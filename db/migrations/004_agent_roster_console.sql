-- Agent duty (manual switch or weekly roster), availability, console sign-in, and agents' work on callbacks.

-- duty: 'on' and 'off' force the agent on or off duty; 'roster' follows the weekly rules in roster_rules,
-- read in time_zone. on_duty is kept equal to (duty = 'on') for readers of the original column.
ALTER TABLE agents ADD COLUMN duty TEXT NOT NULL DEFAULT 'off' CHECK (duty IN ('on', 'off', 'roster'));
ALTER TABLE agents ADD COLUMN time_zone TEXT;                                -- IANA zone of the roster
ALTER TABLE agents ADD COLUMN roster_rules TEXT NOT NULL DEFAULT '[]';       -- JSON [{days, start, end}]
ALTER TABLE agents ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1));
-- Availability, kept from call status callbacks: the call (and the agent's own leg) the agent is on.
ALTER TABLE agents ADD COLUMN on_call_sid TEXT;
ALTER TABLE agents ADD COLUMN on_call_leg_sid TEXT;
ALTER TABLE agents ADD COLUMN on_call_since INTEGER;
UPDATE agents SET duty = CASE on_duty WHEN 1 THEN 'on' ELSE 'off' END;

CREATE INDEX agents_on_call ON agents (on_call_sid);
CREATE INDEX agents_on_call_leg ON agents (on_call_leg_sid);

-- Calls whose end was already reported, so a late "agent bridged" cannot leave an agent busy forever
-- when status callbacks arrive out of order. Pruned after a day.
CREATE TABLE agent_call_ends (
  call_sid  TEXT PRIMARY KEY,
  ended_at  INTEGER NOT NULL
) STRICT;

-- Console passwords: scrypt with a per-agent salt. Failed sign-ins are counted to slow guessing.
CREATE TABLE agent_credentials (
  agent_id         INTEGER PRIMARY KEY REFERENCES agents (agent_id) ON DELETE CASCADE,
  password_hash    BLOB NOT NULL,
  salt             BLOB NOT NULL CHECK (length(salt) >= 16),
  params           TEXT NOT NULL,                 -- JSON scrypt cost parameters used for this hash
  failed_attempts  INTEGER NOT NULL DEFAULT 0,
  locked_until     INTEGER,
  updated_at       INTEGER NOT NULL
) STRICT;

-- Console sessions. Only a SHA-256 of the session id is stored: a copy of the database signs no one in.
CREATE TABLE console_sessions (
  session_hash  BLOB PRIMARY KEY CHECK (length(session_hash) = 32),
  agent_id      INTEGER NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
  csrf_token    TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX console_sessions_agent ON console_sessions (agent_id);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- An agent's claim on a callback ("I am handling this one") and who marked it completed.
ALTER TABLE callbacks ADD COLUMN claimed_by INTEGER REFERENCES agents (agent_id);
ALTER TABLE callbacks ADD COLUMN claimed_at INTEGER;
ALTER TABLE callbacks ADD COLUMN completed_by INTEGER REFERENCES agents (agent_id);

-- Agents' notes on a callback, and the events of their work on it (claimed, released, completed).
CREATE TABLE callback_notes (
  note_id      INTEGER PRIMARY KEY,
  callback_id  INTEGER NOT NULL REFERENCES callbacks (callback_id) ON DELETE CASCADE,
  agent_id     INTEGER REFERENCES agents (agent_id) ON DELETE SET NULL,
  kind         TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'claimed', 'released', 'completed')),
  body         TEXT NOT NULL CHECK (length(body) <= 4000),
  created_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX callback_notes_callback ON callback_notes (callback_id, note_id);
