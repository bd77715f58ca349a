-- Calls in progress (state keyed by CallSid), the numbers' languages, agents and callback promises.

CREATE TABLE phone_numbers (
  e164        TEXT PRIMARY KEY,
  language    TEXT NOT NULL CHECK (language IN ('en-US', 'ja-JP')),
  updated_at  INTEGER NOT NULL
) STRICT;

-- One row per inbound call. state/context are the flow's snapshot; step counts applied inputs so a
-- retried webhook (same step, same input) is answered from last_response and counted once.
CREATE TABLE calls (
  call_sid          TEXT PRIMARY KEY,
  flow              TEXT NOT NULL,
  state             TEXT NOT NULL,
  context           TEXT NOT NULL,           -- JSON
  step              INTEGER NOT NULL DEFAULT 0,
  last_input_key    TEXT,
  last_response     TEXT,
  from_number       TEXT,
  to_number         TEXT,
  language          TEXT NOT NULL,
  customer_id       TEXT,
  priority          TEXT,
  outcome           TEXT,                    -- transferred, callback, refused, not-enterprise, ..., abandoned
  started_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  ended_at          INTEGER
) STRICT;

CREATE INDEX calls_live ON calls (ended_at, started_at);

CREATE TABLE agents (
  agent_id          INTEGER PRIMARY KEY,
  name              TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  phone             TEXT NOT NULL,
  languages         TEXT NOT NULL DEFAULT '["en-US"]',   -- JSON array of BCP 47 tags
  on_duty           INTEGER NOT NULL DEFAULT 0 CHECK (on_duty IN (0, 1)),
  last_offered_at   INTEGER,                              -- spreads P1 calls across agents
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE callbacks (
  callback_id         INTEGER PRIMARY KEY,
  reference           TEXT NOT NULL UNIQUE,
  customer_id         TEXT NOT NULL REFERENCES customers (customer_id),
  call_sid            TEXT UNIQUE,                         -- the call that made the promise: one per call
  priority            TEXT NOT NULL CHECK (priority IN ('P1', 'P2')),
  tier                TEXT NOT NULL CHECK (tier IN ('standard', 'premium')),
  phone               TEXT NOT NULL,
  language            TEXT NOT NULL,
  reason              TEXT NOT NULL CHECK (reason IN ('p2', 'no-agent-answered')),
  recording_url       TEXT,
  recording_duration  INTEGER,
  created_at          INTEGER NOT NULL,
  due_at              INTEGER NOT NULL,
  status              TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'dialing', 'connected', 'completed', 'failed', 'cancelled')),
  updated_at          INTEGER NOT NULL
) STRICT;

CREATE INDEX callbacks_pending ON callbacks (status, due_at);
