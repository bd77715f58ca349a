-- An agent who left: kept for the history that names them (calls, callback legs, notes), but off duty
-- for good, with no console password or session, and no longer listed.
ALTER TABLE agents ADD COLUMN removed_at INTEGER;
