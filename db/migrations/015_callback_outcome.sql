-- What became of a callback an agent marked completed: the customer was reached, could not be
-- reached, or it duplicated another. Null for callbacks completed before it was asked, and for open ones.
ALTER TABLE callbacks ADD COLUMN outcome TEXT CHECK (outcome IN ('reached', 'unreachable', 'duplicate'));
