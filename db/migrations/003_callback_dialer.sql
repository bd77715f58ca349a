-- The callback dialer: leases so that one worker at a time dials a callback and a restarted
-- worker takes over, tries at the customer, SLA breach marking, and the outbound call legs with
-- the status callbacks already applied (idempotency for callbacks that arrive twice).

-- round counts claims: every leg belongs to one round, so news from an older round can be told apart.
ALTER TABLE callbacks ADD COLUMN round INTEGER NOT NULL DEFAULT 0;
-- Tries at the customer (an agent accepted and the customer's phone was rung without an answer).
ALTER TABLE callbacks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
-- Not dialed before this time (the spacing between tries); NULL = as soon as an agent is free.
ALTER TABLE callbacks ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE callbacks ADD COLUMN lease_owner TEXT;
ALTER TABLE callbacks ADD COLUMN lease_expires_at INTEGER;
ALTER TABLE callbacks ADD COLUMN accepted_leg_id INTEGER;
ALTER TABLE callbacks ADD COLUMN accepted_agent_id INTEGER REFERENCES agents (agent_id);
ALTER TABLE callbacks ADD COLUMN last_error TEXT;
ALTER TABLE callbacks ADD COLUMN connected_at INTEGER;
ALTER TABLE callbacks ADD COLUMN breached_at INTEGER;

-- One row per outbound leg: the calls.create to an agent, or the <Dial> to the customer.
CREATE TABLE callback_legs (
  leg_id           INTEGER PRIMARY KEY,
  callback_id      INTEGER NOT NULL REFERENCES callbacks (callback_id),
  round            INTEGER NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('agent', 'customer')),
  agent_id         INTEGER REFERENCES agents (agent_id),
  -- Known once Twilio answered calls.create or sent the leg's first status callback.
  call_sid         TEXT UNIQUE,
  status           TEXT NOT NULL DEFAULT 'requested'
    CHECK (status IN ('requested', 'queued', 'initiated', 'ringing', 'in-progress',
                      'completed', 'busy', 'no-answer', 'failed', 'canceled', 'abandoned')),
  -- Highest SequenceNumber seen for the leg's CallSid.
  sequence_number  INTEGER,
  error            TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;

CREATE INDEX callback_legs_round ON callback_legs (callback_id, round);
CREATE INDEX callback_legs_status ON callback_legs (kind, status);

-- Status callbacks already applied, keyed by (CallSid, CallStatus): a repeat is acknowledged and ignored.
CREATE TABLE callback_status_events (
  call_sid         TEXT NOT NULL,
  call_status      TEXT NOT NULL,
  sequence_number  INTEGER,
  leg_id           INTEGER REFERENCES callback_legs (leg_id),
  received_at      INTEGER NOT NULL,
  PRIMARY KEY (call_sid, call_status)
) STRICT, WITHOUT ROWID;

CREATE INDEX callbacks_dialer ON callbacks (status, next_attempt_at, due_at);
