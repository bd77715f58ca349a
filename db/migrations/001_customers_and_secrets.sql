-- Customers, the secrets behind their one-time codes, lockouts and the verification audit.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE customers (
  customer_id TEXT PRIMARY KEY
    CHECK (length(customer_id) BETWEEN 8 AND 12 AND customer_id NOT GLOB '*[^0-9]*'),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  plan        TEXT NOT NULL CHECK (plan IN ('free', 'pro', 'business', 'enterprise')),
  tier        TEXT CHECK (tier IN ('standard', 'premium')),
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  phone       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  CHECK ((plan = 'enterprise') = (tier IS NOT NULL))
) STRICT;

-- One row per secret. kind is bound into the ciphertext as additional authenticated data,
-- so a pending authenticator secret cannot be copied into the confirmed slot.
CREATE TABLE otp_secrets (
  customer_id  TEXT NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('dashboard', 'authenticator', 'authenticator-pending')),
  ciphertext   BLOB NOT NULL,
  nonce        BLOB NOT NULL CHECK (length(nonce) = 12),
  key_id       TEXT NOT NULL,
  last_step    INTEGER,              -- the last accepted RFC 6238 time step: it and earlier ones are spent
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (customer_id, kind)
) STRICT;

-- Failures are counted per typed customer ID, known or not, so unknown IDs behave like known ones.
CREATE TABLE verification_failures (
  customer_id           TEXT PRIMARY KEY,
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  locks                 INTEGER NOT NULL DEFAULT 0,
  locked_until          INTEGER,     -- NULL: not locked by time
  locked_for_review     INTEGER NOT NULL DEFAULT 0 CHECK (locked_for_review IN (0, 1)),
  updated_at            INTEGER NOT NULL
) STRICT;

CREATE TABLE verification_audit (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  customer_id  TEXT NOT NULL,
  caller       TEXT,
  call_sid     TEXT,
  result       TEXT NOT NULL CHECK (result IN ('verified', 'refused')),
  reason       TEXT NOT NULL,
  factor       TEXT
) STRICT;

CREATE INDEX verification_audit_customer ON verification_audit (customer_id, at);
CREATE INDEX verification_audit_caller ON verification_audit (caller, at);
