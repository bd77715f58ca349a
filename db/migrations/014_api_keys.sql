-- API keys with scopes. Only a SHA-256 of the key is stored: the key is 256 random bits, so the hash
-- cannot be turned back into it, and a copy of the database authenticates no one. hint holds the key's
-- first characters (its hl_live_ prefix and four more) so that an operator can tell keys apart.
CREATE TABLE api_keys (
  key_id        INTEGER PRIMARY KEY,
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  scope         TEXT NOT NULL CHECK (scope IN ('admin', 'dashboard', 'read')),
  key_hash      BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  hint          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
) STRICT;

-- Every request made with a key: which key, when, what it asked for, and whether it was let through.
CREATE TABLE api_key_uses (
  use_id   INTEGER PRIMARY KEY,
  key_id   INTEGER NOT NULL REFERENCES api_keys (key_id),
  at       INTEGER NOT NULL,
  method   TEXT NOT NULL,
  path     TEXT NOT NULL CHECK (length(path) <= 500),
  outcome  TEXT NOT NULL CHECK (outcome IN ('allowed', 'forbidden', 'revoked'))
) STRICT;

CREATE INDEX api_key_uses_key ON api_key_uses (key_id, use_id);
