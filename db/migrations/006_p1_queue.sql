-- Verified P1 callers waiting for a free agent. Twilio's <Enqueue> is FIFO, so the order
-- (Premium before Standard, then by time waited) is kept here and enforced by the wait URL.
CREATE TABLE p1_queue (
  call_sid          TEXT PRIMARY KEY,
  customer_id       TEXT NOT NULL,
  tier              TEXT NOT NULL CHECK (tier IN ('standard', 'premium')),
  language          TEXT NOT NULL,
  enqueued_at       INTEGER NOT NULL,
  status            TEXT NOT NULL
    CHECK (status IN ('waiting', 'offered', 'callback-requested', 'connected', 'left')),
  offered_agent_id  INTEGER REFERENCES agents (agent_id),
  offered_at        INTEGER,
  updated_at        INTEGER NOT NULL
) STRICT;

CREATE INDEX p1_queue_order ON p1_queue (status, tier, enqueued_at);
