-- Failures counted against a client address (wrong admin tokens) or an agent and address (wrong console
-- passwords), shared by every process on the database instead of kept in one process's memory.
CREATE TABLE failure_counts (
  scope            TEXT NOT NULL CHECK (scope IN ('admin-token', 'console-address')),
  key              TEXT NOT NULL CHECK (length(key) <= 300),
  failures         INTEGER NOT NULL,
  last_failure_at  INTEGER NOT NULL,
  paused_until     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX failure_counts_by_age ON failure_counts (scope, last_failure_at);
