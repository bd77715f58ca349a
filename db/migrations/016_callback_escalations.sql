-- Who was told when a P1 caller found nobody (no engineer on duty, or none accepted): one row per
-- callback, channel and number, claimed before the text or call goes out, so each event is escalated
-- once whichever instance or retry sees it, and the console shows who was notified and how it went.
CREATE TABLE callback_escalations (
  callback_id  INTEGER NOT NULL REFERENCES callbacks (callback_id) ON DELETE CASCADE,
  channel      TEXT NOT NULL CHECK (channel IN ('sms', 'call')),
  to_number    TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
  detail       TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (callback_id, channel, to_number)
) STRICT;
